"""The FastAPI application: ``create_app(settings)``."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import fields
from typing import Annotated, Any
from urllib.parse import quote

import anyio.to_thread
from fastapi import Depends, FastAPI, Form, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session

from jixiao import __version__
from jixiao.store.auth import authenticate, load_session, start_session
from jixiao.store.db import database_state, make_engine, migrate, session_factory
from jixiao.store.errors import Conflict, StoreError
from jixiao.web.config import WebSettings
from jixiao.web.deps import (
    BodyLimit,
    BodyTooLarge,
    CsrfError,
    DBSession,
    LoginRequired,
    LoginThrottle,
    SecurityHeaders,
    csrf_protect,
    new_csrf_token,
    settings_of,
)
from jixiao.web.routes import render, router
from jixiao.web.schemas import HealthOut
from jixiao.web.templating import STATIC, make_templates

SETTINGS_ENV = "JIXIAO_WEB_SETTINGS"


def app_from_env() -> FastAPI:
    """The app of one worker process (``uvicorn --factory``, several workers).

    The settings come as JSON in ``$JIXIAO_WEB_SETTINGS``; the parent process
    has run the migrations already.
    """
    data = json.loads(os.environ[SETTINGS_ENV])
    return create_app(WebSettings(**data))


def settings_env(settings: WebSettings) -> str:
    data = {f.name: getattr(settings, f.name) for f in fields(settings)}
    data["migrate"] = False
    return json.dumps(data)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Few threads for the (synchronous) pages: more only queue on the GIL, and
    # switching between them costs more than it gains. Requests wait their turn
    # on the event loop instead.
    settings: WebSettings = app.state.settings
    anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
    yield


def create_app(settings: WebSettings) -> FastAPI:
    engine = make_engine(settings.db_url, schema=settings.schema)
    if settings.migrate:
        migrate(engine)
    app = FastAPI(
        lifespan=_lifespan,
        title="jixiao 绩效表审核工作台",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,  # served behind login by routes.openapi_json
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.templates = make_templates()
    app.state.throttle = LoginThrottle(settings.login_attempts, settings.login_lockout_seconds)

    app.add_middleware(BodyLimit, max_bytes=settings.max_request_bytes)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _public_routes(app)
    app.include_router(router)
    _error_handlers(app)
    return app


# ---------------------------------------------------------------------------
# Routes without login: health check and the login page.


def _public_routes(app: FastAPI) -> None:
    @app.get("/healthz", summary="健康检查（无需登录）", response_model=HealthOut)
    def healthz(request: Request) -> JSONResponse:
        state = database_state(request.app.state.engine)
        ok = bool(state.get("ok"))
        body = HealthOut(status="ok" if ok else "error", version=__version__, database=state)
        return JSONResponse(body.model_dump(), status_code=200 if ok else 503)

    @app.get("/login", include_in_schema=False)
    def login_page(request: Request, next: str = "/tables") -> Response:
        return _login_form(request, next)

    @app.post("/login", include_in_schema=False, dependencies=[Depends(csrf_protect)])
    def login(
        request: Request,
        db: Annotated[Session, DBSession],
        username: Annotated[str, Form(max_length=64)],
        password: Annotated[str, Form(max_length=200)],
        next: Annotated[str, Form(max_length=500)] = "/tables",
    ) -> Response:
        s = settings_of(request)
        throttle: LoginThrottle = request.app.state.throttle
        key = username.strip().lower()
        wait = throttle.locked_for(key)
        if wait:
            return _login_form(
                request, next, f"登录失败次数过多，请 {int(wait) + 1} 秒后再试", username, 429
            )
        user = authenticate(db, username, password)
        if user is None:
            throttle.fail(key)
            db.rollback()
            return _login_form(request, next, "用户名或密码错误", username, 400)
        throttle.success(key)
        result = start_session(db, user)
        db.commit()
        response = RedirectResponse(_safe_next(next), status_code=303)
        response.set_cookie(
            s.session_cookie,
            result.token,
            httponly=True,
            samesite="lax",
            secure=s.secure_cookies,
            path="/",
            max_age=12 * 3600,
        )
        response.delete_cookie(s.csrf_cookie, path="/login")
        return response


def _safe_next(url: str) -> str:
    """Only local paths: never ``//host`` or ``https://…``."""
    if not url.startswith("/") or url.startswith("//") or "\\" in url:
        return "/tables"
    return url


def _login_form(
    request: Request,
    next: str,
    error: str | None = None,
    username: str = "",
    status_code: int = 200,
) -> Response:
    s = settings_of(request)
    token = request.cookies.get(s.csrf_cookie) or new_csrf_token()
    response = request.app.state.templates.TemplateResponse(
        request,
        "login.html",
        {
            "csrf": token,
            "next": _safe_next(next),
            "error": error,
            "username": username,
            "user": None,
            "demo": s.demo,
        },
        status_code=status_code,
    )
    response.set_cookie(
        s.csrf_cookie,
        token,
        httponly=True,
        samesite="strict",
        secure=s.secure_cookies,
        path="/login",
    )
    if request.headers.get("hx-request") == "true":
        response.headers["HX-Redirect"] = "/login"
    assert isinstance(response, Response)
    return response


# ---------------------------------------------------------------------------
# Errors: JSON for .json paths, a fragment for HTMX, a page otherwise.


def wants_json(request: Request) -> bool:
    path = request.url.path
    if path.endswith(".json"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _error(request: Request, status: int, message: str, **extra: Any) -> Response:
    if wants_json(request):
        return JSONResponse({"detail": message, **extra}, status_code=status)
    if request.headers.get("hx-request") == "true":
        return render(
            request,
            "_flash.html",
            {"flash_error": message, "status": status},
            status_code=status,
            headers={"HX-Retarget": "#flash", "HX-Reswap": "innerHTML"},
        )
    return render(request, "error.html", {"message": message, "status": status}, status)


def _error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    def _login_required(request: Request, exc: LoginRequired) -> Response:
        if wants_json(request):
            return JSONResponse({"detail": "需要登录"}, status_code=401)
        if request.headers.get("hx-request") == "true":
            return Response(status_code=401, headers={"HX-Redirect": "/login"})
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @app.exception_handler(BodyTooLarge)
    def _too_large(request: Request, exc: BodyTooLarge) -> Response:
        response = _error(request, 413, str(exc.detail))
        if request.headers.get("hx-request") == "true":
            response.headers["HX-Retarget"] = "#upload-results"
        return response

    @app.exception_handler(CsrfError)
    def _csrf(request: Request, exc: CsrfError) -> Response:
        return _error(request, 403, "CSRF 校验失败：表单已过期或来源不明，请刷新页面后重试")

    @app.exception_handler(StoreError)
    def _store(request: Request, exc: StoreError) -> Response:
        extra: dict[str, Any] = {}
        if isinstance(exc, Conflict) and exc.current_version is not None:
            extra["current_version"] = exc.current_version
        return _error(request, exc.status, exc.message, **extra)

    @app.exception_handler(RequestValidationError)
    def _invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = "；".join(
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:])}: {e.get('msg')}"
            for e in exc.errors()
        )
        return _error(request, 422, f"请求参数无效：{problems}")

    @app.exception_handler(404)
    def _not_found(request: Request, exc: Exception) -> Response:
        if request.url.path.startswith("/static/"):
            return Response("Not Found", status_code=404, media_type="text/plain")
        if getattr(request.state, "user", None) is None:
            token = request.cookies.get(settings_of(request).session_cookie)
            with request.app.state.sessions() as db:
                sess = load_session(db, token) if token else None
                if sess is None:
                    # Unknown paths look the same as known ones to someone not logged in.
                    return _login_required(request, LoginRequired())
                request.state.user = sess.user
                request.state.csrf = sess.csrf_token
        return _error(request, 404, "页面不存在")
