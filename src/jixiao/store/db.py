"""Connecting to the database and bringing its schema up to date.

The URL comes from ``--db``, else ``JIXIAO_DB``, else a SQLite file in the
user's data directory (created on first start). PostgreSQL URLs use psycopg 3:
``postgresql+psycopg://user@host/dbname``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from platformdirs import user_data_dir
from sqlalchemy import Engine, create_engine, event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from jixiao.store.models import StoredTable

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
ENV_VAR = "JIXIAO_DB"


def data_dir() -> Path:
    return Path(user_data_dir("jixiao", appauthor=False))


def default_url(name: str = "jixiao.db") -> str:
    return f"sqlite:///{data_dir() / name}"


def resolve_url(url: str | None = None, demo: bool = False) -> str:
    """``url``, else ``$JIXIAO_DB``, else the default SQLite file (``demo.db`` for demos)."""
    if url:
        return normalize_url(url)
    env = os.environ.get(ENV_VAR)
    if env:
        return normalize_url(env)
    return default_url("demo.db" if demo else "jixiao.db")


def normalize_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs: use the psycopg 3 driver for them."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _json_dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def make_engine(url: str, schema: str | None = None, echo: bool = False) -> Engine:
    """An engine for ``url``; SQLite files get WAL, foreign keys and a busy timeout.

    ``schema`` (PostgreSQL only) puts every table in that schema via the
    search path: tests use a fresh schema per run.
    """
    url = normalize_url(url)
    u = make_url(url)
    kwargs: dict[str, Any] = {"echo": echo, "json_serializer": _json_dumps}
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:":
            Path(u.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        if u.database and u.database != ":memory:":
            kwargs["pool_size"] = 20
            kwargs["max_overflow"] = 20
    else:
        kwargs["pool_size"] = 10
        kwargs["max_overflow"] = 20
        kwargs["pool_pre_ping"] = True
        if schema:
            kwargs["connect_args"] = {"options": f"-csearch_path={schema}"}
    engine = create_engine(url, **kwargs)
    if u.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_conn: Any, record: object) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    # Memory-mapped reads: every pooled connection shares the OS page cache
    # instead of copying pages into its own small cache.
    cur.execute("PRAGMA mmap_size=1073741824")
    cur.execute("PRAGMA cache_size=-16000")
    cur.close()


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def migrate(engine: Engine, revision: str = "head") -> None:
    """Run the Alembic migrations up to ``revision`` (programmatically, no alembic.ini)."""
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def database_state(engine: Engine) -> dict[str, Any]:
    """For ``/healthz``: reachable, which revision, how many tables stored."""
    state: dict[str, Any] = {"dialect": engine.dialect.name, "head": head_revision()}
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            revision = MigrationContext.configure(conn).get_current_revision()
            state["revision"] = revision
            state["up_to_date"] = revision == state["head"]
            if state["up_to_date"]:
                state["tables"] = conn.execute(select(func.count(StoredTable.id))).scalar_one()
        state["ok"] = bool(state["up_to_date"])
    except Exception as exc:  # the health check reports, it does not fail
        state["ok"] = False
        state["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    return state


def describe_url(url: str) -> str:
    """The URL without its password, for messages."""
    return make_url(normalize_url(url)).render_as_string(hide_password=True)
