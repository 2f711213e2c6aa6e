from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "store"))

from jixiao.store import auth  # noqa: E402
from jixiao.store.auth import create_user  # noqa: E402
from jixiao.store.ingest import ingest  # noqa: E402
from jixiao.web import WebSettings, create_app  # noqa: E402

from dbtargets import Target, target  # noqa: E402
from webutil import PASSWORD, PINGAN, USERS, TestClient, Web  # noqa: E402

__all__ = ["target"]


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 with small costs: the tests log in hundreds of times."""
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024))


@pytest.fixture
def settings(target: Target) -> WebSettings:
    return WebSettings(db_url=target.url, schema=target.schema, max_upload_bytes=256 * 1024)


@pytest.fixture
def app(settings: WebSettings) -> Iterator[FastAPI]:
    application = create_app(settings)
    with application.state.sessions() as db:
        for name, (role, unit) in USERS.items():
            create_user(db, name, PASSWORD, role, unit)
        ingest(db, PINGAN.name, PINGAN.read_bytes(), None)
        db.commit()
    yield application
    application.state.engine.dispose()


@pytest.fixture
def anon(app: FastAPI) -> Iterator[Web]:
    with TestClient(app) as client:
        yield Web(client)


def _web(app: FastAPI, username: str) -> Iterator[Web]:
    with TestClient(app) as client:
        web = Web(client)
        r = web.login(username)
        assert r.status_code == 303, r.text
        yield web


@pytest.fixture
def rev(app: FastAPI) -> Iterator[Web]:
    yield from _web(app, "rev")


@pytest.fixture
def rev2(app: FastAPI) -> Iterator[Web]:
    yield from _web(app, "rev2")


@pytest.fixture
def admin(app: FastAPI) -> Iterator[Web]:
    yield from _web(app, "admin")


@pytest.fixture
def songnan(app: FastAPI) -> Iterator[Web]:
    yield from _web(app, "songnan")


@pytest.fixture
def wusong(app: FastAPI) -> Iterator[Web]:
    yield from _web(app, "wusong")
