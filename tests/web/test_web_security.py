"""Security: login everywhere, unit isolation, CSRF, uploads, cookies, headers."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from sqlalchemy import select

from jixiao.store.auth import set_password
from jixiao.store.models import User
from jixiao.web import WebSettings, create_app
from jixiao.web.routes import router

from dbtargets import Target, backends
from webutil import PASSWORD, PINGAN, TestClient, Web

PUBLIC = {"/healthz", "/login"}


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def protected_routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every route of the app's router (login and health check excepted)."""
    out = []
    for route in [*app.routes, *router.routes]:
        if isinstance(route, APIRoute) and route.path not in PUBLIC:
            for method in sorted(route.methods - {"HEAD"}):
                out.append((method, concrete(route.path)))
    return out


def pingan_id(web: Web) -> int:
    return int(web.get("/tables.json", params={"q": "平安办"}).json()["items"][0]["id"])


@backends()
def test_no_page_or_json_endpoint_is_reachable_without_login(anon: Web, app: FastAPI) -> None:
    routes = protected_routes(app)
    assert len(routes) >= 25
    json_paths = [r for r in routes if r[1].endswith(".json")]
    assert len(json_paths) >= 10
    for method, path in routes:
        r = anon.client.request(method, path, follow_redirects=False)
        if path.endswith(".json"):
            assert r.status_code == 401, (method, path, r.status_code)
            assert r.json() == {"detail": "需要登录"}
        else:
            assert r.status_code in (303, 401), (method, path, r.status_code)
            if r.status_code == 303:
                assert r.headers["location"].startswith("/login"), (method, path)
        assert "平安办" not in r.text
    # Unknown paths look the same as real ones; HTMX is sent to the login page.
    assert (
        anon.get("/no/such/page", follow_redirects=False).headers["location"].startswith("/login")
    )
    r = anon.get("/tables", headers={"HX-Request": "true"}, follow_redirects=False)
    assert r.status_code == 401 and r.headers["HX-Redirect"] == "/login"
    # What is public: the health check, the login page and static assets (no data).
    assert anon.get("/healthz").status_code == 200
    assert anon.get("/login").status_code == 200
    assert anon.get("/static/app.css").status_code == 200


@backends()
def test_a_filler_cannot_read_another_units_table(app: FastAPI, songnan: Web, wusong: Web) -> None:
    tid = pingan_id(songnan)
    file_id = songnan.get(f"/tables/{tid}.json").json()["file"]["id"]
    assert songnan.get(f"/tables/{tid}").status_code == 200
    assert wusong.get("/tables.json").json()["total"] == 0
    for path in [
        f"/tables/{tid}",
        f"/tables/{tid}.json",
        f"/tables/{tid}/history.json",
        f"/tables/{tid}/fragment",
        f"/tables/{tid}/edit?field=total.score&version=1",
        f"/files/{file_id}",
    ]:
        r = wusong.get(path)
        assert r.status_code == 404, path
        assert "平安办" not in r.text
    r = wusong.post(
        f"/tables/{tid}/cells.json", {"field": "total.score", "value": "1", "version": 1}
    )
    assert r.status_code == 404
    r = wusong.post(f"/tables/{tid}/status.json", {"to": "submitted", "version": 1})
    assert r.status_code == 404
    assert wusong.get("/dashboard.json").json()["counts"]["tables"] == 0
    assert "平安办" not in wusong.get("/tables?q=平安").text
    # Uploading another unit's file does not reveal it either.
    r = wusong.upload((PINGAN.name, PINGAN.read_bytes()))
    result = r.json()["results"][0]
    assert not result["ok"] and result["tables"] == []
    # A filler cannot review findings, only a reviewer can.
    f = songnan.get(f"/tables/{tid}.json").json()["findings"][0]
    r = songnan.post(f"/tables/{tid}/findings/{f['id']}.json", {"action": "confirm"})
    assert r.status_code == 403 and "审核人" in r.json()["detail"]


@backends()
def test_forms_without_the_csrf_token_are_refused(anon: Web, rev: Web, app: FastAPI) -> None:
    tid = pingan_id(rev)
    posts = [
        (f"/tables/{tid}/cells", {"field": "total.score", "value": "1", "version": "1"}),
        (f"/tables/{tid}/cells.json", {"field": "total.score", "value": "1", "version": "1"}),
        (f"/tables/{tid}/status", {"to": "submitted", "version": "1"}),
        (f"/tables/{tid}/findings/1", {"action": "confirm"}),
        ("/users", {"username": "x", "password": "password123", "role": "reviewer"}),
        ("/logout", {}),
    ]
    for path, data in posts:
        for token in (None, "forged-token"):
            form = dict(data) if token is None else {**data, "csrf_token": token}
            r = rev.client.post(path, data=form, follow_redirects=False)
            assert r.status_code == 403, (path, token, r.status_code)
            assert "CSRF" in r.text
    r = rev.client.post("/upload", files=[("files", ("a.txt", b"x"))], follow_redirects=False)
    assert r.status_code == 403
    # Nothing was changed.
    assert rev.get(f"/tables/{tid}.json").json()["version"] == 1
    # The token in a header (what HTMX sends) is accepted.
    r = rev.client.post(
        f"/tables/{tid}/cells.json",
        data={"field": "total.score", "value": "95", "version": "1"},
        headers={"X-CSRF-Token": rev.csrf},
    )
    assert r.status_code == 200
    # The login form is protected too (double-submit cookie).
    fresh = TestClient(app)
    r = fresh.post("/login", data={"username": "rev", "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 403
    fresh.close()


@backends()
def test_oversized_uploads_are_refused_with_a_message(rev: Web, settings: WebSettings) -> None:
    big = b"a\tb\n" * (settings.max_upload_bytes // 4 + 10)
    r = rev.upload(("big.txt", big))
    result = r.json()["results"][0]
    assert not result["ok"] and "文件过大" in result["message"] and "0.2 MB" in result["message"]
    html = rev.upload(("big.txt", big), htmx=True)
    assert "文件过大" in html.text
    # A request over the whole limit is cut off before it is read.
    huge = b"x" * (settings.max_request_bytes + 1)
    r = rev.client.post(
        "/upload.json",
        files=[("files", ("huge.txt", huge))],
        headers={"X-CSRF-Token": rev.csrf},
    )
    assert r.status_code == 413 and "上传内容过大" in r.json()["detail"]
    r = rev.client.post(
        "/upload",
        files=[("files", ("huge.txt", huge))],
        headers={"X-CSRF-Token": rev.csrf, "HX-Request": "true"},
    )
    assert r.status_code == 413 and "上传内容过大" in r.text
    assert r.headers["hx-retarget"] == "#upload-results"

    def chunks() -> Iterator[bytes]:
        """A well-formed multipart body without Content-Length, longer than the limit."""
        yield (
            b'--zzz\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n'
            b"Content-Type: text/plain\r\n\r\n"
        )
        for _ in range(settings.max_request_bytes // 65536 + 2):
            yield b"y" * 65536
        yield b"\r\n--zzz--\r\n"

    r = rev.client.post(
        "/upload.json",
        content=chunks(),
        headers={
            "X-CSRF-Token": rev.csrf,
            "Content-Type": "multipart/form-data; boundary=zzz",
        },
    )
    assert r.status_code == 413


@backends()
def test_disguised_uploads_are_refused_with_a_message(rev: Web) -> None:
    cases = {
        "表格.xlsx": (b"\x89PNG\r\n\x1a\n" + bytes(64), "图片"),
        "表格.txt": (b"MZ\x90\x00" + bytes(64), "可执行程序"),
        "表格.docx": (PINGAN.read_bytes(), "与文件内容"),
        "表格.csv": (b"\x00\x01\x02\x03" * 40, "二进制"),
        "表格.pdf": (PINGAN.read_bytes(), "与文件内容"),
        "表格.gif": (b"GIF89a" + bytes(64), "不支持的文件类型"),
        "表格.exe": (PINGAN.read_bytes(), "不支持的文件类型"),
    }
    r = rev.upload(*[(name, data) for name, (data, _) in cases.items()])
    for result, (name, (_, message)) in zip(r.json()["results"], cases.items(), strict=True):
        assert result["name"] == name
        assert not result["ok"] and message in result["message"], result
    assert rev.get("/tables.json").json()["total"] == 5


@backends()
def test_session_cookie_flags_and_server_side_logout(anon: Web, app: FastAPI) -> None:
    r = anon.login("rev")
    cookie = r.headers["set-cookie"]
    assert "jixiao_session=" in cookie
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    assert "Secure" not in cookie
    token = anon.client.cookies.get("jixiao_session")
    assert token
    anon.post("/logout")
    # The old cookie is dead on the server, not only deleted in the browser.
    with TestClient(app, cookies={"jixiao_session": token}) as stolen:
        assert stolen.get("/tables.json").status_code == 401


@pytest.mark.parametrize("target", ["sqlite"], indirect=True)
def test_secure_cookies_when_served_over_https(target: Target) -> None:
    app = create_app(WebSettings(db_url=target.url, secure_cookies=True))
    with app.state.sessions() as db:
        from jixiao.store.auth import create_user

        create_user(db, "rev", PASSWORD, "reviewer")
        db.commit()
    with TestClient(app, base_url="https://testserver") as client:
        r = Web(client).login("rev")
        assert "Secure" in r.headers["set-cookie"]
    app.state.engine.dispose()


@backends()
def test_password_change_and_deactivation_end_sessions(rev: Web, app: FastAPI) -> None:
    assert rev.get("/tables.json").status_code == 200
    with app.state.sessions() as db:
        user = db.scalar(select(User).where(User.username == "rev"))
        assert user is not None
        assert user.password_hash.startswith("$argon2id$")
        set_password(db, user, "another-password-9")
        db.commit()
    assert rev.get("/tables.json").status_code == 401
    assert rev.login("rev").status_code == 400
    assert rev.login("rev", "another-password-9").status_code == 303


@backends()
def test_security_headers(rev: Web) -> None:
    r = rev.get("/tables")
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["cache-control"] == "no-store"
    assert "<script>" not in r.text  # no inline scripts: the CSP would block them
