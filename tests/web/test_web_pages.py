"""The pages and their JSON twins, as a reviewer uses them."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI

from dbtargets import backends
from webutil import PINGAN, SEEDS, SONGNAN, Web, text_of

pytestmark = backends()


def pingan_id(web: Web) -> int:
    items = web.get("/tables.json", params={"q": "平安办"}).json()["items"]
    assert len(items) == 1
    return int(items[0]["id"])


def test_healthz_answers_without_login_with_the_database_state(anon: Web) -> None:
    r = anon.get("/healthz")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok"
    db = body["database"]
    assert db["ok"] is True and db["up_to_date"] is True and db["tables"] == 5
    assert db["dialect"] in ("sqlite", "postgresql")


def test_login_logout(anon: Web) -> None:
    r = anon.login("rev", "wrong password")
    assert r.status_code == 400 and "用户名或密码错误" in r.text
    r = anon.login("rev")
    assert r.status_code == 303 and r.headers["location"] == "/tables"
    assert anon.get("/tables").status_code == 200
    r = anon.post("/logout")
    assert r.status_code == 303
    assert anon.get("/tables", follow_redirects=False).status_code == 303


def test_login_returns_to_the_page_asked_for_but_never_elsewhere(anon: Web) -> None:
    r = anon.get("/dashboard?year=2023", follow_redirects=False)
    assert r.headers["location"] == "/login?next=/dashboard%3Fyear%3D2023"
    page = anon.get(r.headers["location"])
    assert 'name="next" value="/dashboard?year=2023"' in page.text
    for target, expected in [("/dashboard", "/dashboard"), ("//evil.example", "/tables")]:
        page = anon.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token
        r = anon.client.post(
            "/login",
            data={
                "username": "rev",
                "password": "correct-horse-42",
                "csrf_token": token.group(1),
                "next": target,
            },
            follow_redirects=False,
        )
        assert r.headers["location"] == expected


def test_repeated_failed_logins_lock_the_account_for_a_while(anon: Web) -> None:
    for _ in range(5):
        assert anon.login("rev", "nope").status_code == 400
    r = anon.login("rev")  # the right password, but locked
    assert r.status_code == 429 and "次数过多" in r.text


def test_tables_list_filters_sorts_and_paginates(rev: Web) -> None:
    for p in SEEDS:
        if p != PINGAN:
            assert rev.upload((p.name, p.read_bytes())).status_code == 200
    all_ = rev.get("/tables.json").json()
    assert all_["total"] == 21 and all_["pages"] == 1
    by_form = rev.get("/tables.json", params={"form": "project_target"}).json()
    assert by_form["total"] == 8
    assert rev.get("/tables.json", params={"year": "2021"}).json()["total"] == 7
    assert rev.get("/tables.json", params={"unit": SONGNAN}).json()["total"] == 5
    assert rev.get("/tables.json", params={"grade": "差"}).json()["total"] == 1
    assert rev.get("/tables.json", params={"grade": "none"}).json()["total"] == 8
    assert rev.get("/tables.json", params={"status": "draft"}).json()["total"] == 21
    assert rev.get("/tables.json", params={"status": "approved"}).json()["total"] == 0
    errors = rev.get("/tables.json", params={"severity": "error"}).json()["items"]
    assert errors and all(t["findings"]["error"] > 0 for t in errors)
    none = rev.get("/tables.json", params={"severity": "none"}).json()["items"]
    assert [t["project"] for t in none] == ["课题与规划"]
    q = rev.get("/tables.json", params={"q": "网格"}).json()["items"]
    assert {t["project"] for t in q} == {"网格系统及设备维护", "标准网格化创建", "网格化事务"}
    totals = [
        t["recomputed_total"]
        for t in rev.get("/tables.json", params={"sort": "total", "order": "asc"}).json()["items"]
        if t["recomputed_total"] is not None
    ]
    assert totals == sorted(totals) and totals[0] == 0.0
    page2 = rev.get("/tables.json", params={"per_page": "5", "page": "2"}).json()
    assert page2["page"] == 2 and page2["pages"] == 5 and len(page2["items"]) == 5
    # The HTML page shows the same, with the filters kept in the sort links.
    html = rev.get("/tables", params={"form": "project_target"}).text
    assert "共 <b>8</b> 张表" in html
    assert "form=project_target&amp;sort=total" in html
    # HTMX asks for the list only.
    frag = rev.get(
        "/tables", params={"q": "网格"}, headers={"HX-Request": "true", "HX-Target": "list"}
    )
    assert frag.text.lstrip().startswith('<div id="list"') and "<html" not in frag.text


def test_table_detail_lays_out_the_form_with_findings_and_sources(rev: Web) -> None:
    tid = pingan_id(rev)
    html = rev.get(f"/tables/{tid}").text
    text = text_of(html)
    assert "平安办工作经费" in text and "项目支出绩效自评表" in text
    # Printed and recomputed side by side; the source line of each row.
    assert "印制总分" in text and "重算总分" in text
    assert re.search(r'id="printed-total">96<', html) and re.search(
        r'id="recomputed-total">96<', html
    )
    assert "第 8 行" in text and "第 15 行" in text
    # A finding sits in the row it is about (indicator 6 here).
    row = re.search(r'<tr id="indicator-6".*?</tr>', html, re.S)
    assert row and "unmeasurable-actual" in row.group(0)
    data = rev.get(f"/tables/{tid}.json").json()
    assert data["record"]["project"] == "平安办工作经费"
    assert data["score"]["recomputed_total"] == 96.0
    assert data["version"] == 1 and data["status"] == "draft"
    assert {f["row_key"] for f in data["findings"]} >= {"indicator-6"}
    assert data["permissions"]["can_edit"] and data["permissions"]["can_review"]
    assert data["history"][0]["action"] == "upload"
    assert data["file"]["name"] == PINGAN.name
    # The original file can be downloaded byte for byte.
    assert rev.get(data["file"]["url"]).content == PINGAN.read_bytes()


def test_every_table_form_renders(rev: Web) -> None:
    for p in SEEDS:
        rev.upload((p.name, p.read_bytes()))
    for t in rev.get("/tables.json").json()["items"]:
        r = rev.get(f"/tables/{t['id']}")
        assert r.status_code == 200, (t, r.text[:300])
        assert rev.get(f"/tables/{t['id']}.json").status_code == 200


def test_correcting_a_cell_over_htmx_rescores_at_once(rev: Web) -> None:
    tid = pingan_id(rev)
    form = rev.get(f"/tables/{tid}/edit", params={"field": "funds.0.executed", "version": 1})
    assert 'name="value" value="12814895.16"' in form.text
    r = rev.post(
        f"/tables/{tid}/cells",
        {"field": "funds.0.executed", "value": "6,000,000", "version": 1, "note": "按决算"},
        htmx=True,
    )
    assert r.status_code == 200, r.text
    assert r.text.lstrip().startswith('<div id="detail"')
    assert re.search(r'id="recomputed-total">90.68<', r.text)
    assert "已重新计分和审核" in r.text
    data = rev.get(f"/tables/{tid}.json").json()
    assert data["version"] == 2 and data["corrections"] == ["funds.0.executed"]
    assert data["record"]["funds"][0]["executed"] == 6000000.0
    assert data["original"]["funds"][0]["executed"] == 12814895.16
    change = next(c for c in data["history"] if c["action"] == "correct")
    assert change["user"] == "rev" and change["old"] == 12814895.16 and change["new"] == 6000000.0


def test_correcting_over_json(rev: Web) -> None:
    tid = pingan_id(rev)
    r = rev.post(f"/tables/{tid}/cells.json", {"field": "total.score", "value": "95", "version": 1})
    assert r.status_code == 200 and r.json()["record"]["total"]["score"] == 95.0
    bad = rev.post(
        f"/tables/{tid}/cells.json", {"field": "total.score", "value": "abc", "version": 2}
    )
    assert bad.status_code == 400 and "不是数字" in bad.json()["detail"]


def test_second_reviewer_gets_a_clear_conflict(rev: Web, rev2: Web) -> None:
    tid = pingan_id(rev)
    v = rev.get(f"/tables/{tid}.json").json()["version"]
    assert (
        rev.post(
            f"/tables/{tid}/cells", {"field": "total.score", "value": "95", "version": v}, htmx=True
        ).status_code
        == 200
    )
    r = rev2.post(
        f"/tables/{tid}/cells", {"field": "total.score", "value": "80", "version": v}, htmx=True
    )
    assert r.status_code == 409
    assert r.headers["HX-Retarget"] == "#flash"
    assert "冲突" in r.text and "未保存" in r.text and "刷新页面" in r.text
    j = rev2.post(
        f"/tables/{tid}/cells.json", {"field": "total.score", "value": "80", "version": v}
    )
    assert j.status_code == 409 and j.json()["current_version"] == v + 1
    assert rev.get(f"/tables/{tid}.json").json()["record"]["total"]["score"] == 95.0


def test_dismissing_and_confirming_findings(rev: Web) -> None:
    tid = pingan_id(rev)
    data = rev.get(f"/tables/{tid}.json").json()
    f = data["findings"][0]
    r = rev.post(f"/tables/{tid}/findings/{f['id']}", {"action": "dismiss", "note": ""}, htmx=True)
    assert r.status_code == 400 and "必须填写说明" in r.text
    r = rev.post(
        f"/tables/{tid}/findings/{f['id']}",
        {"action": "dismiss", "note": "测评未开展，属客观原因", "version": f["version"]},
        htmx=True,
    )
    assert r.status_code == 200
    assert f'id="finding-{f["id"]}"' in r.text and "已驳回" in r.text
    assert 'hx-swap-oob="true"' in r.text  # the counts beside it are refreshed
    g = data["findings"][1]
    j = rev.post(f"/tables/{tid}/findings/{g['id']}.json", {"action": "confirm"})
    assert j.status_code == 200 and j.json()["state"] == "confirmed"
    after = rev.get(f"/tables/{tid}.json").json()
    states = {x["id"]: (x["state"], x["note"], x["reviewed_by"]) for x in after["findings"]}
    assert states[f["id"]] == ("dismissed", "测评未开展，属客观原因", "rev")
    assert after["version"] == data["version"]  # reviews do not bump the table version


def test_status_workflow_over_the_web(rev: Web, songnan: Web) -> None:
    tid = pingan_id(songnan)
    r = songnan.post(f"/tables/{tid}/status", {"to": "submitted", "version": 1}, htmx=True)
    assert r.status_code == 200 and "已提交" in r.text
    r = songnan.post(f"/tables/{tid}/status.json", {"to": "approved", "version": 2})
    assert r.status_code == 400 or r.status_code == 403
    r = rev.post(f"/tables/{tid}/status.json", {"to": "returned", "version": 2, "note": "补充说明"})
    assert r.status_code == 200 and r.json()["status"] == "returned"
    page = songnan.get(f"/tables/{tid}").text
    assert "重新提交" in page


def test_upload_several_files_with_a_result_for_each(rev: Web) -> None:
    r = rev.upload(
        ("004.txt", SEEDS[3].read_bytes()),
        ("again.txt", PINGAN.read_bytes()),
        ("photo.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(200)),
        ("empty.txt", "没有表格的文本。\n".encode()),
    )
    results = r.json()["results"]
    assert [x["ok"] for x in results] == [True, True, False, False]
    assert len(results[0]["tables"]) == 7
    assert results[1]["duplicate"] and "已由" in results[1]["message"]
    assert "图片" in results[2]["message"]
    assert "未找到绩效表" in results[3]["message"]
    html = rev.upload(("002.txt", SEEDS[1].read_bytes()), htmx=True)
    assert "读取到 8 张表" in html.text and "<html" not in html.text


def test_dashboard_counts_and_charts(rev: Web) -> None:
    for p in SEEDS:
        rev.upload((p.name, p.read_bytes()))
    d = rev.get("/dashboard.json").json()
    assert d["counts"]["tables"] == 21 and d["counts"]["files"] == 4
    assert d["grades"]["recomputed"]["优"] == 12
    assert d["by_form"] == {
        "department_self_evaluation": 1,
        "project_self_evaluation": 12,
        "project_target": 8,
    }
    assert any(c["code"] == "vague-target" for c in d["findings_by_code"])
    assert {(r["unit"], r["year"]) for r in d["by_unit_year"]} >= {(SONGNAN, 2023)}
    assert len(d["points"]) == 13
    html = rev.get("/dashboard", params={"year": "2023"}).text
    assert "chart-4.6.1.umd.min.js" in html and 'id="dash-data"' in html
    assert rev.get("/dashboard.json", params={"year": "2021"}).json()["counts"]["tables"] == 7


def test_admin_manages_users(admin: Web, rev: Web, app: FastAPI) -> None:
    assert rev.get("/users").status_code == 403
    assert rev.get("/users.json").status_code == 403
    r = admin.post(
        "/users",
        {"username": "newbie", "password": "longenough1", "role": "filler", "unit": SONGNAN},
    )
    assert r.status_code == 303
    users = {u["username"]: u for u in admin.get("/users.json").json()}
    assert users["newbie"]["role"] == "filler" and users["newbie"]["unit"] == SONGNAN
    short = admin.post("/users", {"username": "x2", "password": "short", "role": "reviewer"})
    assert short.status_code == 400 and "至少 8" in short.text
    r = admin.post(
        f"/users/{users['newbie']['id']}", {"role": "reviewer", "unit": "", "active": "on"}
    )
    assert r.status_code == 303
    assert {u["username"]: u for u in admin.get("/users.json").json()}["newbie"][
        "role"
    ] == "reviewer"


def test_openapi_describes_the_json_twins(rev: Web) -> None:
    schema = rev.get("/openapi.json").json()
    paths = schema["paths"]
    for p in [
        "/tables.json",
        "/tables/{table_id}.json",
        "/dashboard.json",
        "/upload.json",
        "/healthz",
    ]:
        assert p in paths, p
    assert "TableDetailOut" in schema["components"]["schemas"]
    assert "/tables.json" in rev.get("/api").text


@pytest.mark.parametrize("page", ["/tables", "/upload", "/dashboard", "/api"])
def test_pages_are_chinese_and_load_only_local_assets(rev: Web, page: str) -> None:
    html = rev.get(page).text
    assert '<html lang="zh-CN">' in html
    assert "htmx-2.0.11.min.js" in html
    for src in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert not src.startswith(("http:", "https:", "//")), src
