"""Request plumbing: the database session, login, CSRF, limits, errors.

Every route except ``/healthz``, ``/login`` and ``/static`` depends on
:func:`require_user`; every unsafe method also on :func:`csrf_protect`.
"""

from __future__ import annotations

import hmac
import json
import secrets
import threading
import time
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jixiao.store.auth import load_session
from jixiao.store.errors import Forbidden
from jixiao.store.models import User
from jixiao.store.queries import session_user
from jixiao.web.config import WebSettings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class LoginRequired(Exception):
    """No valid session: pages redirect to the login page, JSON answers 401."""


class CsrfError(Exception):
    """A form or request without the right CSRF token."""


def settings_of(request: Request) -> WebSettings:
    s: WebSettings = request.app.state.settings
    return s


async def get_db(request: Request) -> AsyncIterator[Session]:
    """A session per request. Async so that it costs no thread hop: creating a
    session does no I/O, and closing one only returns its connection to the pool.

    On PostgreSQL, reading requests (GET, HEAD) run without a transaction
    (autocommit): that saves the BEGIN and ROLLBACK round trips, a third of a
    page's database time. Each statement sees what was committed when it
    started, as in the default READ COMMITTED transaction. (A GET that writes,
    the session expiry moving forward, commits at once as before.) SQLite
    starts no transaction for reading anyway.
    """
    db: Session = request.app.state.sessions()
    if request.method in SAFE_METHODS and request.app.state.engine.dialect.name == "postgresql":
        db.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    try:
        yield db
    finally:
        db.close()


# Every route takes its session through this one dependency. "function": the
# session closes (its connection back to the pool) when the route function
# returns, not after the response is sent. max_concurrency: at most so many
# requests of a process hold a session at once, the others wait for one
# without blocking the event loop — the async routes check connections out
# on the loop, where a pool run dry (30 connections) would otherwise stall it.
MAX_SESSIONS = 25
DBSession: Any = Depends(get_db, scope="function", max_concurrency=MAX_SESSIONS)


async def require_user(request: Request, db: Annotated[Session, DBSession]) -> User:
    """The logged-in user. Async (on the event loop, no thread hop): one indexed
    lookup by primary key, cheaper than the hand-over to a worker thread.

    Reading pages (GET) costs one plain query, and the user is a detached
    object with its columns loaded; requests that change something, and a
    session whose expiry is due to move forward, load it through the ORM.
    """
    token = request.cookies.get(settings_of(request).session_cookie)
    if token and request.method in SAFE_METHODS:
        fast = session_user(db, token)
        if fast is None:
            raise LoginRequired()
        if not fast.touch:
            request.state.user = fast.user
            request.state.csrf = fast.csrf_token
            return fast.user
    sess = load_session(db, token) if token else None
    if sess is None:
        raise LoginRequired()
    request.state.user = sess.user
    request.state.csrf = sess.csrf_token
    return sess.user


def require_role(*roles: str) -> Any:
    def check(user: Annotated[User, Depends(require_user)]) -> User:
        if user.role not in roles:
            raise Forbidden("您没有权限访问此页面")
        return user

    return Depends(check)


async def csrf_protect(request: Request) -> None:
    """Unsafe methods need the session's token (header ``X-CSRF-Token`` or field ``csrf_token``).

    Before login the token is the one set in the ``jixiao_csrf`` cookie by the
    login page (double submit).
    """
    if request.method in SAFE_METHODS:
        return
    expected = getattr(request.state, "csrf", None) or request.cookies.get(
        settings_of(request).csrf_cookie
    )
    sent: Any = request.headers.get("x-csrf-token")
    if not sent and request.headers.get("content-type", "").startswith(FORM_TYPES):
        form = await request.form()
        sent = form.get("csrf_token")
    if not expected or not isinstance(sent, str) or not hmac.compare_digest(sent, expected):
        raise CsrfError()


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


# ---------------------------------------------------------------------------
# Login throttling: after N failures a username is locked for a while.


class LoginThrottle:
    def __init__(self, attempts: int, lockout: float) -> None:
        self.attempts = attempts
        self.lockout = lockout
        self._fails: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def locked_for(self, key: str) -> float:
        with self._lock:
            n, until = self._fails.get(key, (0, 0.0))
            left = until - time.monotonic()
            return left if n >= self.attempts and left > 0 else 0.0

    def fail(self, key: str) -> None:
        with self._lock:
            n, until = self._fails.get(key, (0, 0.0))
            if n >= self.attempts and until <= time.monotonic():
                n = 0
            n += 1
            self._fails[key] = (n, time.monotonic() + self.lockout)
            if len(self._fails) > 10_000:
                self._fails.clear()

    def success(self, key: str) -> None:
        with self._lock:
            self._fails.pop(key, None)


# ---------------------------------------------------------------------------
# ASGI middlewares


def too_large_message(max_bytes: int, size: int | None) -> str:
    limit = f"{max_bytes / 1024 / 1024:.1f} MB"
    what = f"（{size / 1024 / 1024:.1f} MB）" if size else ""
    return f"上传内容过大{what}：一次请求最多 {limit}，请分批上传"


class BodyLimit:
    """Refuse request bodies over a size before anything parses them (413)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None:
            try:
                too_big = int(length) > self.max_bytes
            except ValueError:
                too_big = True
            if too_big:
                await self._refuse(scope, send, int(length) if length.isdigit() else None)
                return
        seen = 0
        sent_response = False

        async def limited() -> Message:
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return msg

        async def tracking_send(msg: Message) -> None:
            nonlocal sent_response
            if msg["type"] == "http.response.start":
                sent_response = True
            await send(msg)

        try:
            await self.app(scope, limited, tracking_send)
        except BodyTooLarge:
            if not sent_response:
                await self._refuse(scope, send, None)

    async def _refuse(self, scope: Scope, send: Send, size: int | None) -> None:
        text = too_large_message(self.max_bytes, size)
        path = scope.get("path", "")
        headers = dict(scope.get("headers") or [])
        if path.endswith(".json"):
            body = json.dumps({"detail": text}, ensure_ascii=False).encode()
            ctype = b"application/json"
        else:
            body = f'<div class="alert alert-error" role="alert">{text}</div>'.encode()
            ctype = b"text/html; charset=utf-8"
        extra: list[tuple[bytes, bytes]] = []
        if headers.get(b"hx-request") == b"true":
            extra = [(b"hx-retarget", b"#upload-results"), (b"hx-reswap", b"innerHTML")]
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", ctype),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                    *extra,
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class BodyTooLarge(HTTPException):
    """Raised while reading a body without Content-Length that exceeds the limit.

    An ``HTTPException`` so that FastAPI's body parsing lets it through to the
    app's handler (which answers 413 with the message).
    """

    def __init__(self, max_bytes: int) -> None:
        super().__init__(status_code=413, detail=too_large_message(max_bytes, None))


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class SecurityHeaders:
    """CSP (no third-party anything), no framing, no MIME sniffing, no caching of data."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope.get("path", "").startswith("/static/")

        async def add_headers(msg: Message) -> None:
            if msg["type"] == "http.response.start":
                headers = list(msg.get("headers") or [])
                headers += [
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"same-origin"),
                    (b"content-security-policy", CSP.encode()),
                ]
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                msg["headers"] = headers
            await send(msg)

        await self.app(scope, receive, add_headers)
