"""Databases the store and web tests run against: SQLite always, PostgreSQL in CI.

PostgreSQL tests need ``JIXIAO_TEST_POSTGRES_URL`` (``.ci/run`` sets it); without
it they are skipped with that reason. Each test gets a fresh schema, dropped
afterwards, so runs on the same server do not collide.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from jixiao.store.db import make_engine, migrate

PG_ENV = "JIXIAO_TEST_POSTGRES_URL"
PG_SKIP = f"PostgreSQL tests need {PG_ENV} (set by .ci/run), e.g. postgresql://postgres@127.0.0.1:5432/test"
BACKENDS = ["sqlite", "postgresql"]


@dataclass(slots=True)
class Target:
    backend: str
    url: str
    schema: str | None = None

    def engine(self) -> Engine:
        return make_engine(self.url, schema=self.schema)


def pg_url() -> str | None:
    return os.environ.get(PG_ENV) or None


@pytest.fixture
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Target]:
    """A fresh, empty database (not migrated) for the backend of the test's parameter."""
    backend = getattr(request, "param", "sqlite")
    if backend == "sqlite":
        yield Target("sqlite", f"sqlite:///{tmp_path / 'jixiao.db'}")
        return
    url = pg_url()
    if url is None:
        pytest.skip(PG_SKIP)
    schema = f"jx_test_{os.getpid()}_{secrets.token_hex(4)}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield Target("postgresql", url, schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def engine(target: Target) -> Iterator[Engine]:
    """A migrated engine on the test's database."""
    e = target.engine()
    migrate(e)
    try:
        yield e
    finally:
        e.dispose()


def backends() -> pytest.MarkDecorator:
    """Run a test once per backend: ``@backends()`` on a test using ``target``/``engine``."""
    return pytest.mark.parametrize("target", BACKENDS, indirect=True)
