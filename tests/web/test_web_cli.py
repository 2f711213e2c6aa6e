"""The commands ``serve``, ``import`` and ``user``, registered on a Typer app."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
import typer
from sqlalchemy import func, select
from typer.testing import CliRunner

from jixiao.cli_web import load_demo, register
from jixiao.store.db import make_engine, migrate, session_factory
from jixiao.store.models import StoredTable, User

from webutil import PINGAN, SEEDS, cli, start_server


@pytest.fixture
def app() -> typer.Typer:
    a = typer.Typer()
    register(a)
    return a


def test_commands_are_registered(app: typer.Typer) -> None:
    r = CliRunner().invoke(app, ["--help"])
    assert r.exit_code == 0
    for name in ("serve", "import", "user"):
        assert name in r.output
    r = CliRunner().invoke(app, ["serve", "--help"], env={"COLUMNS": "200"})
    assert "--host" in r.output and "--port" in r.output and "--db" in r.output
    assert "--demo" in r.output


def test_user_commands(app: typer.Typer, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'x.db'}"
    run = CliRunner().invoke
    r = run(
        app, ["user", "add", "zhang", "--role", "审核人", "--password", "secret-pass-1", "--db", db]
    )
    assert r.exit_code == 0, r.output
    assert "已创建用户 zhang（审核人）" in r.output
    r = run(
        app, ["user", "add", "li", "--role", "填报人", "--password", "secret-pass-2", "--db", db]
    )
    assert r.exit_code == 2 and "必须指定所属单位" in r.output
    r = run(
        app,
        ["user", "add", "li", "--role", "filler", "--unit", "某单位", "--db", db],
        input="secret-pass-2\nsecret-pass-2\n",
    )
    assert r.exit_code == 0, r.output
    r = run(app, ["user", "add", "zhang", "--password", "secret-pass-1", "--db", db])
    assert r.exit_code == 2 and "已存在" in r.output
    r = run(app, ["user", "add", "wang", "--password", "short", "--db", db])
    assert r.exit_code == 2 and "至少 8" in r.output
    r = run(app, ["user", "list", "--db", db], env={"COLUMNS": "200"})
    assert "zhang" in r.output and "某单位" in r.output and "填报人" in r.output
    r = run(app, ["user", "passwd", "zhang", "--password", "new-secret-9", "--db", db])
    assert r.exit_code == 0
    r = run(app, ["user", "set", "li", "--inactive", "--db", db])
    assert r.exit_code == 0
    engine = make_engine(db)
    with session_factory(engine)() as s:
        users = {u.username: u for u in s.scalars(select(User))}
        assert users["zhang"].password_hash.startswith("$argon2")
        assert not users["li"].active and users["li"].unit == "某单位"
    engine.dispose()


def test_import_with_a_progress_bar(app: typer.Typer, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'x.db'}"
    bad = tmp_path / "note.txt"
    bad.write_text("没有表格\n", encoding="utf-8")
    r = CliRunner().invoke(
        app, ["import", *map(str, SEEDS), str(bad), "--db", db], env={"COLUMNS": "200"}
    )
    assert r.exit_code == 2, r.output
    assert "导入" in r.output and "5/5" in r.output
    assert "✓" in r.output and "✗" in r.output and "未找到绩效表" in r.output
    assert "共导入 21 张表；1 个文件失败" in r.output
    r = CliRunner().invoke(app, ["import", str(PINGAN), "--db", db])
    assert r.exit_code == 0 and "↺" in r.output
    engine = make_engine(db)
    with session_factory(engine)() as s:
        assert s.scalar(select(func.count(StoredTable.id))) == 21
    engine.dispose()


def test_demo_loads_the_samples_once_and_a_new_random_password_each_start(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'demo.db'}")
    migrate(engine)
    p1, n1 = load_demo(engine)
    p2, n2 = load_demo(engine)
    assert (n1, n2) == (21, 0)
    assert p1 != p2 and len(p1) >= 12
    with session_factory(engine)() as s:
        demo = s.scalar(select(User).where(User.username == "demo"))
        assert demo is not None and demo.role == "reviewer"
    engine.dispose()


def test_serve_demo_prints_how_to_log_in_and_serves(tmp_path: Path) -> None:
    server = start_server("--demo", "--db", f"sqlite:///{tmp_path / 'demo.db'}")
    try:
        text = "\n".join(server.output)
        m = re.search(r"用户名 demo，密码 (\S+?)（", text)
        assert m, text
        health = httpx.get(server.url + "/healthz").json()
        assert health["database"]["tables"] == 21
        with httpx.Client(base_url=server.url) as c:
            assert c.get("/tables.json").status_code == 401
            page = c.get("/login")
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
            assert token
            r = c.post(
                "/login",
                data={"username": "demo", "password": m.group(1), "csrf_token": token.group(1)},
            )
            assert r.status_code == 303 and r.headers["location"] == "/tables"
            assert "平安办工作经费" in c.get("/tables").text
            assert c.get("/tables.json").json()["total"] == 21
    finally:
        server.stop()


def test_first_start_without_users_says_how_to_create_one(tmp_path: Path) -> None:
    server = start_server("--db", f"sqlite:///{tmp_path / 'prod.db'}")
    try:
        text = "\n".join(server.output)
        assert "尚无用户" in text and "jixiao user add admin --role 管理员" in text
        assert "密码" not in text.split("尚无用户")[0]  # no default password anywhere
    finally:
        server.stop()
    r = cli("user", "list", "--db", f"sqlite:///{tmp_path / 'prod.db'}")
    assert r.returncode == 0
