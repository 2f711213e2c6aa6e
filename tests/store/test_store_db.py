"""Migrations, URLs and the health state of the database."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from jixiao.store import db as store_db
from jixiao.store.db import (
    current_revision,
    database_state,
    downgrade,
    head_revision,
    migrate,
    normalize_url,
    resolve_url,
)
from jixiao.store.models import Base

from dbtargets import Target, backends

TABLES = {
    "app_user",
    "user_session",
    "source_file",
    "perf_table",
    "fund_row",
    "finding",
    "change_log",
    "table_content",
    "alembic_version",
}


@backends()
def test_migrations_create_the_schema_of_the_models(engine: Engine) -> None:
    assert set(inspect(engine).get_table_names()) == TABLES
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], f"models and migrations differ: {diff}"
    assert current_revision(engine) == head_revision()


@backends()
def test_downgrade_to_base_and_upgrade_again(engine: Engine) -> None:
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    assert current_revision(engine) is None
    migrate(engine)
    migrate(engine)  # idempotent
    assert set(inspect(engine).get_table_names()) == TABLES


@backends()
def test_database_state_for_health_checks(target: Target) -> None:
    e = target.engine()
    before = database_state(e)
    assert before["ok"] is False and before["revision"] is None
    migrate(e)
    state = database_state(e)
    assert state["ok"] is True
    assert state["dialect"] == target.backend
    assert state["revision"] == head_revision() and state["tables"] == 0
    e.dispose()


def test_unreachable_database_is_reported_not_raised(tmp_path: Path) -> None:
    e = store_db.make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    state = database_state(e)
    assert state["ok"] is False and "error" in state


def test_default_database_is_a_sqlite_file_in_the_user_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("JIXIAO_DB", raising=False)
    monkeypatch.setattr(store_db, "data_dir", lambda: tmp_path / "data")
    url = resolve_url(None)
    assert url == f"sqlite:///{tmp_path / 'data' / 'jixiao.db'}"
    assert resolve_url(None, demo=True).endswith("demo.db")
    e = store_db.make_engine(url)
    migrate(e)  # created on first start, directory included
    assert (tmp_path / "data" / "jixiao.db").exists()
    e.dispose()


def test_url_from_option_then_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIXIAO_DB", "postgresql://u@h/db")
    assert resolve_url(None) == "postgresql+psycopg://u@h/db"
    assert resolve_url("sqlite:///x.db") == "sqlite:///x.db"
    assert normalize_url("postgres://a@b/c") == "postgresql+psycopg://a@b/c"
    assert normalize_url("postgresql+psycopg://a@b/c") == "postgresql+psycopg://a@b/c"
