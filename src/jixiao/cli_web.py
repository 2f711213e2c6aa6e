"""Commands of the review workbench: ``serve``, ``import`` and ``user``.

``register(app)`` adds them to the main ``jixiao`` command line.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from jixiao.store.auth import (
    count_users,
    create_user,
    generate_password,
    get_user,
    set_password,
    update_user,
)
from jixiao.store.db import describe_url, make_engine, migrate, resolve_url, session_factory
from jixiao.store.domain import ROLE_LABELS
from jixiao.store.errors import StoreError
from jixiao.store.ingest import ingest
from jixiao.store.models import User

SAMPLES = Path(__file__).resolve().parent / "samples"
DEMO_USER = "demo"

ROLES_HELP = "角色：" + "、".join(f"{v}（{k}）" for k, v in ROLE_LABELS.items())

out = Console()
err = Console(stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="数据库 URL（默认 $JIXIAO_DB，否则用户数据目录中的 SQLite 文件）；"
        "PostgreSQL：postgresql+psycopg://user@host/dbname",
        show_default=False,
    ),
]


def _cli_actor() -> str:
    try:
        return f"cli:{os.getlogin()}"
    except OSError:
        return f"cli:{os.environ.get('USER', 'unknown')}"


def _open(db: str | None, demo: bool = False) -> tuple[str, Engine]:
    url = resolve_url(db, demo=demo)
    engine = make_engine(url)
    migrate(engine)
    return url, engine


def import_files(
    session: Session, files: list[Path], actor: User | None, console: Console
) -> tuple[int, int]:
    """Import files with a progress bar; returns (tables stored, files failed)."""
    stored = failed = 0
    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("导入", total=len(files))
        for path in files:
            progress.update(task, description=f"导入 {path.name}")
            try:
                data = path.read_bytes()
            except OSError as exc:
                progress.console.print(f"[red]✗[/red] {path}: 无法读取（{exc.strerror}）")
                failed += 1
                progress.advance(task)
                continue
            result = ingest(session, path.name, data, actor, actor_name=_cli_actor())
            session.commit()
            if not result.ok:
                failed += 1
                progress.console.print(f"[red]✗[/red] {path}: {result.message}", highlight=False)
            elif result.duplicate:
                progress.console.print(f"[blue]↺[/blue] {path}: {result.message}", highlight=False)
            else:
                stored += len(result.tables)
                names = "、".join(t.label for t in result.tables[:5])
                more = " …" if len(result.tables) > 5 else ""
                progress.console.print(
                    f"[green]✓[/green] {path}: {result.message}（{names}{more}）", highlight=False
                )
            progress.advance(task)
    return stored, failed


def load_demo(engine: Engine) -> tuple[str, int]:
    """Load the sample tables and (re)create the demo reviewer with a new random password."""
    sessions = session_factory(engine)
    password = generate_password()
    with sessions() as db:
        n = 0
        for path in sorted(SAMPLES.glob("*.txt")):
            result = ingest(db, path.name, path.read_bytes(), None, actor_name="demo")
            if result.ok and not result.duplicate:
                n += len(result.tables)
        db.commit()
        user = db.scalar(select(User).where(User.username == DEMO_USER))
        if user is None:
            create_user(
                db, DEMO_USER, password, "reviewer", display_name="演示审核人", actor_name="demo"
            )
        else:
            set_password(db, user, password, actor_name="demo")
            update_user(db, user, None, active=True, actor_name="demo")
        db.commit()
    return password, n


def register(app: typer.Typer) -> None:
    """Add ``serve``, ``import`` and ``user`` to the ``jixiao`` command line."""

    @app.command()
    def serve(
        host: Annotated[str, typer.Option(help="监听地址")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="端口")] = 8000,
        db: DbOption = None,
        demo: Annotated[
            bool,
            typer.Option(
                "--demo", help="演示：载入示例表，创建演示审核人 demo（随机密码，启动时显示）"
            ),
        ] = False,
        secure_cookies: Annotated[
            bool,
            typer.Option("--secure-cookies", help="只通过 HTTPS 发送 Cookie（HTTPS 部署时用）"),
        ] = False,
        max_upload_mb: Annotated[float, typer.Option(help="单个上传文件的大小上限（MB）")] = 20,
        workers: Annotated[
            int, typer.Option(help="工作进程数（多核服务器上可设为 CPU 核数）", min=1)
        ] = 1,
    ) -> None:
        """启动审核工作台（web 服务）。"""
        import uvicorn

        from jixiao.web import WebSettings, create_app
        from jixiao.web.app import SETTINGS_ENV, settings_env

        url, engine = _open(db, demo=demo)
        out.print(f"数据库：{describe_url(url)}", highlight=False)
        if demo:
            password, n = load_demo(engine)
            out.print(f"演示数据：载入示例表 {n} 张（已载入的不重复载入）", highlight=False)
            out.print(
                f"[bold]登录：用户名 [cyan]{DEMO_USER}[/cyan]，密码 [cyan]{password}[/cyan]"
                "（每次启动重新生成）[/bold]",
                highlight=False,
            )
        else:
            with session_factory(engine)() as s:
                if count_users(s) == 0:
                    out.print(
                        "[yellow]尚无用户。[/yellow]先创建管理员，再登录：\n"
                        "  jixiao user add admin --role 管理员"
                        + (f" --db '{describe_url(url)}'" if db else ""),
                        highlight=False,
                    )
        engine.dispose()
        settings = WebSettings(
            db_url=url,
            demo=demo,
            secure_cookies=secure_cookies,
            max_upload_bytes=int(max_upload_mb * 1024 * 1024),
        )
        out.print(f"打开 http://{host}:{port}/ 登录（Ctrl+C 停止）", highlight=False)
        if host not in ("127.0.0.1", "localhost", "::1") and not secure_cookies:
            out.print(
                "[yellow]提示：[/yellow]对外提供服务时请放在 HTTPS 反向代理之后，并加 --secure-cookies",
                highlight=False,
            )
        if workers > 1:
            os.environ[SETTINGS_ENV] = settings_env(settings)
            uvicorn.run(
                "jixiao.web.app:app_from_env",
                factory=True,
                workers=workers,
                host=host,
                port=port,
                log_level="info",
                proxy_headers=False,
            )
        else:
            settings.migrate = False
            uvicorn.run(
                create_app(settings), host=host, port=port, log_level="info", proxy_headers=False
            )

    @app.command("import")
    def import_(
        files: Annotated[list[Path], typer.Argument(help="表格文件（可多个）")],
        db: DbOption = None,
    ) -> None:
        """导入文件：读取、计分、审核并保存（同一文件不重复导入）。"""
        url, engine = _open(db)
        err.print(f"数据库：{describe_url(url)}", highlight=False)
        with session_factory(engine)() as s:
            stored, failed = import_files(s, files, None, out)
        out.print(f"共导入 {stored} 张表；{failed} 个文件失败", highlight=False)
        raise typer.Exit(2 if failed else 0)

    user_app = typer.Typer(help="管理用户（填报人、审核人、管理员）", no_args_is_help=True)
    app.add_typer(user_app, name="user")

    @user_app.command("add")
    def user_add(
        username: Annotated[str, typer.Argument(help="用户名")],
        role: Annotated[str, typer.Option("--role", "-r", help=ROLES_HELP)] = "reviewer",
        unit: Annotated[str | None, typer.Option(help="所属单位（填报人必填）")] = None,
        name: Annotated[str | None, typer.Option(help="姓名")] = None,
        password: Annotated[
            str | None,
            typer.Option(help="密码（不给则提示输入；也可用环境变量 JIXIAO_PASSWORD）"),
        ] = None,
        db: DbOption = None,
    ) -> None:
        """新建用户。"""
        password = password or os.environ.get("JIXIAO_PASSWORD")
        if not password:
            password = typer.prompt("密码", hide_input=True, confirmation_prompt=True)
        _, engine = _open(db)
        with session_factory(engine)() as s:
            try:
                u = create_user(s, username, password, role, unit, name, actor_name=_cli_actor())
                s.commit()
            except StoreError as exc:
                err.print(f"[red]错误[/red] {exc.message}", highlight=False)
                raise typer.Exit(2) from None
            out.print(
                f"已创建用户 {u.username}（{ROLE_LABELS[u.role]}{'，' + u.unit if u.unit else ''}）",
                highlight=False,
            )

    @user_app.command("list")
    def user_list(db: DbOption = None) -> None:
        """列出用户。"""
        _, engine = _open(db)
        with session_factory(engine)() as s:
            t = RichTable("用户名", "姓名", "角色", "单位", "启用")
            for u in s.scalars(select(User).order_by(User.id)):
                t.add_row(
                    u.username,
                    u.display_name or "",
                    ROLE_LABELS[u.role],
                    u.unit or "",
                    "是" if u.active else "否",
                )
            out.print(t)

    @user_app.command("passwd")
    def user_passwd(
        username: Annotated[str, typer.Argument(help="用户名")],
        password: Annotated[str | None, typer.Option(help="新密码（不给则提示输入）")] = None,
        db: DbOption = None,
    ) -> None:
        """修改密码（该用户已登录的会话全部失效）。"""
        password = password or os.environ.get("JIXIAO_PASSWORD")
        if not password:
            password = typer.prompt("新密码", hide_input=True, confirmation_prompt=True)
        _, engine = _open(db)
        with session_factory(engine)() as s:
            try:
                set_password(s, get_user(s, username), password, actor_name=_cli_actor())
                s.commit()
            except StoreError as exc:
                err.print(f"[red]错误[/red] {exc.message}", highlight=False)
                raise typer.Exit(2) from None
        out.print(f"已修改 {username} 的密码", highlight=False)

    @user_app.command("set")
    def user_set(
        username: Annotated[str, typer.Argument(help="用户名")],
        role: Annotated[str | None, typer.Option("--role", "-r", help=ROLES_HELP)] = None,
        unit: Annotated[str | None, typer.Option(help="所属单位")] = None,
        active: Annotated[
            bool | None, typer.Option("--active/--inactive", help="启用或停用")
        ] = None,
        db: DbOption = None,
    ) -> None:
        """修改角色、单位，或启用 / 停用用户。"""
        _, engine = _open(db)
        with session_factory(engine)() as s:
            try:
                u = get_user(s, username)
                update_user(
                    s, u, None, role=role, unit=unit, active=active, actor_name=_cli_actor()
                )
                s.commit()
            except StoreError as exc:
                err.print(f"[red]错误[/red] {exc.message}", highlight=False)
                raise typer.Exit(2) from None
        out.print(f"已更新用户 {username}", highlight=False)
