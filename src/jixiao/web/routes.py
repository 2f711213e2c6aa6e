"""Pages and their JSON twins.

Every page ``/x`` has ``/x.json`` with the same data. Actions (POST) answer an
HTML fragment to HTMX, a redirect to plain forms, and JSON on their ``.json``
twin. Everything here needs a login; unsafe methods need the CSRF token.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from jixiao import __version__
from jixiao.store.auth import create_user, end_session, set_password, update_user
from jixiao.store.domain import ROLE_LABELS, STATUS_LABELS
from jixiao.store.errors import NotFound
from jixiao.store.ingest import ACCEPT, EXTENSIONS, IngestResult, ingest
from jixiao.store.models import SourceFile, StoredTable, User
from jixiao.store.queries import (
    SEVERITY_FILTERS,
    SORTS,
    TableFilter,
    dashboard,
    facets,
    history,
    list_tables,
    load_detail,
)
from jixiao.store.tables import (
    correct_cell,
    field_label,
    field_value,
    get_table,
    review_finding,
    set_status,
)
from jixiao.web.deps import DBSession, csrf_protect, require_role, require_user, settings_of
from jixiao.web.schemas import (
    ChangeOut,
    DashboardOut,
    FileOut,
    FindingOut,
    MeOut,
    PermissionsOut,
    TableDetailOut,
    TableListOut,
    UploadInfoOut,
    UploadOut,
    UploadResultOut,
    UserOut,
)
from jixiao.web.views import build_detail

router = APIRouter(dependencies=[Depends(require_user), Depends(csrf_protect)])

DB = Annotated[Session, DBSession]
CurrentUser = Annotated[User, Depends(require_user)]
Admin = Annotated[User, require_role("admin")]


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def render(
    request: Request,
    name: str,
    ctx: dict[str, Any],
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    templates = request.app.state.templates
    full = {
        "user": getattr(request.state, "user", None),
        "csrf": getattr(request.state, "csrf", ""),
        "path": request.url.path,
        **ctx,
    }
    response: HTMLResponse = templates.TemplateResponse(
        request, name, full, status_code=status_code, headers=headers
    )
    return response


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# ---------------------------------------------------------------------------
# Session


@router.post("/logout", summary="退出登录", response_class=RedirectResponse)
def logout(request: Request, db: DB) -> Response:
    s = settings_of(request)
    token = request.cookies.get(s.session_cookie)
    if token:
        end_session(db, token)
        db.commit()
    response = see_other("/login")
    response.delete_cookie(s.session_cookie, path="/")
    if is_htmx(request):
        response.headers["HX-Redirect"] = "/login"
    return response


@router.get("/", include_in_schema=False)
def home() -> RedirectResponse:
    return see_other("/tables")


@router.get("/me.json", summary="当前用户与 CSRF 令牌", response_model=MeOut)
def me(request: Request, user: CurrentUser) -> MeOut:
    return MeOut(user=UserOut.of(user), csrf_token=request.state.csrf)


# ---------------------------------------------------------------------------
# Upload


def _upload_info(request: Request) -> UploadInfoOut:
    s = settings_of(request)
    return UploadInfoOut(
        max_file_bytes=s.max_upload_bytes, max_files=s.max_files, accept=list(EXTENSIONS)
    )


@router.get("/upload", summary="上传页面", response_class=HTMLResponse)
def upload_page(request: Request) -> HTMLResponse:
    return render(request, "upload.html", {"info": _upload_info(request), "accept": ACCEPT})


@router.get("/upload.json", summary="上传限制", response_model=UploadInfoOut)
def upload_info(request: Request) -> UploadInfoOut:
    return _upload_info(request)


async def _ingest_all(request: Request, files: list[UploadFile], user: User) -> list[IngestResult]:
    s = settings_of(request)
    results: list[IngestResult] = []
    files = [f for f in files if f.filename]
    if not files:
        return [IngestResult("（未选择文件）", ok=False, error="请选择要上传的文件")]
    if len(files) > s.max_files:
        return [
            IngestResult(
                f"{len(files)} 个文件", ok=False, error=f"一次最多上传 {s.max_files} 个文件"
            )
        ]
    sessions = request.app.state.sessions
    for f in files:
        data = await f.read(s.max_upload_bytes + 1)
        name = f.filename or "未命名"

        def work(name: str = name, data: bytes = data) -> IngestResult:
            with sessions() as db:
                actor = db.get(User, user.id)
                result = ingest(db, name, data, actor, max_bytes=s.max_upload_bytes)
                db.commit()
                return result

        results.append(await asyncio.to_thread(work))
    return results


Files = Annotated[list[UploadFile], File(description="表格文件，可多个")]


@router.post("/upload", summary="上传文件（HTML）", response_class=HTMLResponse)
async def upload(request: Request, user: CurrentUser, files: Files) -> HTMLResponse:
    results = await _ingest_all(request, files, user)
    ctx = {"results": results, "info": _upload_info(request), "accept": ACCEPT}
    if is_htmx(request):
        return render(request, "_upload_results.html", ctx)
    return render(request, "upload.html", ctx)


@router.post("/upload.json", summary="上传文件", response_model=UploadOut)
async def upload_json(request: Request, user: CurrentUser, files: Files) -> UploadOut:
    results = await _ingest_all(request, files, user)
    return UploadOut(results=[UploadResultOut.of(r) for r in results])


@router.get("/files/{file_id}", summary="下载原文件")
def download(file_id: int, user: CurrentUser, db: DB) -> Response:
    sf = db.get(SourceFile, file_id)
    if sf is None:
        raise NotFound(f"文件 {file_id} 不存在")
    tables = db.scalars(select(StoredTable).where(StoredTable.file_id == sf.id)).all()
    if user.role == "filler" and not any(t.owner_unit == user.unit for t in tables):
        raise NotFound(f"文件 {file_id} 不存在")
    return Response(
        sf.content,
        media_type="application/octet-stream",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(sf.name)}"},
    )


# ---------------------------------------------------------------------------
# Tables list


def _int(x: str | None) -> int | None:
    if not x:
        return None
    try:
        return int(x)
    except ValueError:
        return None


LIST_QUERY: tuple[tuple[str, str], ...] = (
    ("unit", "所属单位（完全一致）"),
    ("year", "年度"),
    ("form", "表类型：project_target、project_self_evaluation、department_self_evaluation"),
    ("grade", "重算等级：优、良、中、差；none 为未评分"),
    ("status", "状态：draft、submitted、returned、approved"),
    ("severity", "发现：error、warning、info（有此级别的发现）、open（有待处理）、none（无发现）"),
    ("q", "搜索项目名称或单位"),
    ("sort", "排序：" + "、".join(SORTS)),
    ("order", "asc 或 desc"),
    ("page", "页码，从 1 开始"),
    ("per_page", "每页条数，最多 200"),
)
LIST_OPENAPI = {
    "parameters": [
        {
            "name": k,
            "in": "query",
            "required": False,
            "schema": {"type": "string"},
            "description": d,
        }
        for k, d in LIST_QUERY
    ]
}


class ListParams:
    """The list's query string, read leniently (a bad value is ignored, not a 422)."""

    def __init__(self, params: Mapping[str, str]) -> None:
        g = params.get
        severity = g("severity")
        self.filter = TableFilter(
            unit=g("unit") or None,
            year=_int(g("year")),
            form=g("form") or None,
            grade=g("grade") or None,
            status=g("status") or None,
            severity=severity if severity in SEVERITY_FILTERS else None,
            q=(g("q") or "").strip()[:100] or None,
        )
        sort = g("sort") or "id"
        self.sort = sort if sort in SORTS else "id"
        self.order = "asc" if g("order") == "asc" else "desc"
        self.page = max(1, _int(g("page")) or 1)
        self.per_page = max(1, min(200, _int(g("per_page")) or 50))

    def query(self) -> dict[str, Any]:
        out = dict(self.filter.active())
        if self.sort != "id" or self.order != "desc":
            out["sort"], out["order"] = self.sort, self.order
        if self.per_page != 50:
            out["per_page"] = self.per_page
        return out


async def list_params(request: Request) -> ListParams:
    return ListParams(request.query_params)


Params = Annotated[ListParams, Depends(list_params)]


@router.get("/tables", summary="表格列表", response_class=HTMLResponse, openapi_extra=LIST_OPENAPI)
async def tables_page(request: Request, user: CurrentUser, db: DB, p: Params) -> HTMLResponse:
    page = list_tables(db, user, p.filter, p.sort, p.order == "desc", p.page, p.per_page)
    ctx = {"page": page, "p": p, "q": p.query()}
    if is_htmx(request) and request.headers.get("hx-target") == "list":
        return render(request, "_tables_list.html", ctx)
    ctx.update(facets=facets(db, user))
    return render(request, "tables.html", ctx)


@router.get(
    "/tables.json", summary="表格列表", response_model=TableListOut, openapi_extra=LIST_OPENAPI
)
async def tables_json(user: CurrentUser, db: DB, p: Params) -> TableListOut:
    page = list_tables(db, user, p.filter, p.sort, p.order == "desc", p.page, p.per_page)
    return TableListOut.of(page, p.filter.active(), p.sort, p.order)


# ---------------------------------------------------------------------------
# Table detail


def _detail_out(db: Session, user: User, table_id: int) -> TableDetailOut:
    from jixiao.models import Table

    st = load_detail(db, user, table_id, original=True)
    view = build_detail(st, user)
    sf = st.file
    return TableDetailOut(
        id=st.id,
        version=st.version,
        status=st.status,
        status_label=STATUS_LABELS[st.status],
        owner_unit=st.owner_unit,
        rules=st.rules,
        file=FileOut(
            id=sf.id,
            name=sf.name,
            sha256=sf.sha256,
            size=sf.size,
            kind=sf.kind,
            uploaded_at=sf.uploaded_at,
            url=f"/files/{sf.id}",
        ),
        position=st.position,
        record=view.table.to_canonical(),
        original=Table.model_validate(st.original).to_canonical(),
        corrections=view.corrections,
        score=st.score,
        findings=[FindingOut.of(f) for f in view.findings],
        resolved_findings=[FindingOut.of(f) for f in view.resolved],
        history=[ChangeOut.of(c) for c in history(db, st.id)],
        permissions=PermissionsOut(
            can_edit=view.can_edit,
            can_review=view.can_review,
            transitions=[{"to": to, "label": label} for to, label in view.transitions],
        ),
    )


def _detail_ctx(db: Session, user: User, table_id: int) -> dict[str, Any]:
    """What the page of a table shows, read as plain rows (``NotFound`` as for get_table)."""
    st = load_detail(db, user, table_id)
    return {"v": build_detail(st, user), "history": history(db, st.id)}


@router.get("/tables/{table_id}.json", summary="表格详情", response_model=TableDetailOut)
async def table_json(table_id: int, user: CurrentUser, db: DB) -> TableDetailOut:
    return _detail_out(db, user, table_id)


@router.get("/tables/{table_id}", summary="表格详情", response_class=HTMLResponse)
async def table_page(request: Request, table_id: int, user: CurrentUser, db: DB) -> HTMLResponse:
    return render(request, "detail.html", _detail_ctx(db, user, table_id))


@router.get("/tables/{table_id}/fragment", include_in_schema=False)
async def table_fragment(
    request: Request, table_id: int, user: CurrentUser, db: DB
) -> HTMLResponse:
    return render(request, "_detail.html", _detail_ctx(db, user, table_id))


@router.get("/tables/{table_id}/edit", include_in_schema=False)
def edit_cell_form(
    request: Request,
    table_id: int,
    user: CurrentUser,
    db: DB,
    field: Annotated[str, Query(max_length=200)],
    version: Annotated[int, Query()],
) -> HTMLResponse:
    st = get_table(db, user, table_id)
    value = field_value(st.record, field)
    long_text = isinstance(value, str) and len(value) > 30
    return render(
        request,
        "_cell_edit.html",
        {
            "st": st,
            "field": field,
            "label": field_label(field, st.record),
            "value": "" if value is None else value,
            "version": version,
            "long_text": long_text,
        },
    )


@router.get("/tables/{table_id}/history.json", summary="修改记录", response_model=list[ChangeOut])
def table_history(table_id: int, user: CurrentUser, db: DB) -> list[ChangeOut]:
    st = get_table(db, user, table_id)
    return [ChangeOut.of(c) for c in history(db, st.id)]


FieldForm = Annotated[
    str, Form(max_length=200, description="indicators.3.actual, funds.0.executed …")
]
ValueForm = Annotated[str, Form(max_length=20000)]
VersionForm = Annotated[int, Form(description="the table version the user saw")]
NoteForm = Annotated[str, Form(max_length=4000)]


def _correct(
    db: Session, user: User, table_id: int, field: str, value: str, version: int, note: str
) -> StoredTable:
    st = correct_cell(db, user, table_id, field, value, version, note)
    db.commit()
    db.refresh(st)
    return st


@router.post("/tables/{table_id}/cells", summary="更正单元格（HTML）", response_class=HTMLResponse)
def correct(
    request: Request,
    table_id: int,
    user: CurrentUser,
    db: DB,
    field: FieldForm,
    value: ValueForm,
    version: VersionForm,
    note: NoteForm = "",
) -> Response:
    st = _correct(db, user, table_id, field, value, version, note)
    if not is_htmx(request):
        return see_other(f"/tables/{st.id}")
    ctx = _detail_ctx(db, user, st.id)
    ctx["flash"] = f"已更正「{field_label(field, st.record)}」，已重新计分和审核"
    return render(request, "_detail.html", ctx)


@router.post("/tables/{table_id}/cells.json", summary="更正单元格", response_model=TableDetailOut)
def correct_json(
    table_id: int,
    user: CurrentUser,
    db: DB,
    field: FieldForm,
    value: ValueForm,
    version: VersionForm,
    note: NoteForm = "",
) -> TableDetailOut:
    st = _correct(db, user, table_id, field, value, version, note)
    return _detail_out(db, user, st.id)


ActionForm = Annotated[str, Form(pattern="^(confirm|dismiss|reopen)$")]
FindingVersion = Annotated[int | None, Form(description="the finding version the user saw")]


@router.post(
    "/tables/{table_id}/findings/{finding_id}.json",
    summary="确认 / 驳回 / 重新打开发现",
    response_model=FindingOut,
)
def review_json(
    table_id: int,
    finding_id: int,
    user: CurrentUser,
    db: DB,
    action: ActionForm,
    note: NoteForm = "",
    version: FindingVersion = None,
) -> FindingOut:
    f = review_finding(db, user, table_id, finding_id, action, note, version)
    db.commit()
    db.refresh(f)
    return FindingOut.of(f)


@router.post(
    "/tables/{table_id}/findings/{finding_id}",
    summary="确认 / 驳回 / 重新打开发现（HTML）",
    response_class=HTMLResponse,
)
def review(
    request: Request,
    table_id: int,
    finding_id: int,
    user: CurrentUser,
    db: DB,
    action: ActionForm,
    note: NoteForm = "",
    version: FindingVersion = None,
) -> Response:
    review_finding(db, user, table_id, finding_id, action, note, version)
    db.commit()
    if not is_htmx(request):
        return see_other(f"/tables/{table_id}#finding-{finding_id}")
    view = build_detail(load_detail(db, user, table_id), user)
    finding = next(f for f in view.st.findings if f.id == finding_id)
    return render(request, "_finding_response.html", {"v": view, "f": finding})


StatusForm = Annotated[str, Form(pattern="^(draft|submitted|returned|approved)$")]


@router.post("/tables/{table_id}/status", summary="状态流转（HTML）", response_class=HTMLResponse)
def change_status(
    request: Request,
    table_id: int,
    user: CurrentUser,
    db: DB,
    to: StatusForm,
    version: VersionForm,
    note: NoteForm = "",
) -> Response:
    st = set_status(db, user, table_id, to, version, note)
    db.commit()
    if not is_htmx(request):
        return see_other(f"/tables/{st.id}")
    try:
        ctx = _detail_ctx(db, user, st.id)
    except NotFound:  # no longer visible to the user
        return Response(headers={"HX-Redirect": "/tables"})
    ctx["flash"] = f"状态已改为「{STATUS_LABELS[st.status]}」"
    return render(request, "_detail.html", ctx)


@router.post("/tables/{table_id}/status.json", summary="状态流转", response_model=TableDetailOut)
def change_status_json(
    table_id: int,
    user: CurrentUser,
    db: DB,
    to: StatusForm,
    version: VersionForm,
    note: NoteForm = "",
) -> TableDetailOut:
    st = set_status(db, user, table_id, to, version, note)
    db.commit()
    return _detail_out(db, user, st.id)


# ---------------------------------------------------------------------------
# Dashboard


class DashParams:
    def __init__(self, unit: str | None = None, year: str | None = None) -> None:
        self.filter = TableFilter(unit=unit or None, year=_int(year))


DashQuery = Annotated[DashParams, Depends()]


def _dashboard(db: Session, user: User, p: DashParams) -> DashboardOut:
    return DashboardOut(filters=p.filter.active(), **dashboard(db, user, p.filter))


@router.get("/dashboard", summary="仪表板", response_class=HTMLResponse)
def dashboard_page(request: Request, user: CurrentUser, db: DB, p: DashQuery) -> HTMLResponse:
    data = _dashboard(db, user, p)
    return render(
        request,
        "dashboard.html",
        {"d": data, "facets": facets(db, user), "f": p.filter},
    )


@router.get("/dashboard.json", summary="仪表板", response_model=DashboardOut)
def dashboard_json(user: CurrentUser, db: DB, p: DashQuery) -> DashboardOut:
    return _dashboard(db, user, p)


# ---------------------------------------------------------------------------
# Users (管理员)


def _users(db: Session) -> list[User]:
    return list(db.scalars(select(User).order_by(User.id)))


@router.get("/users", summary="用户管理", response_class=HTMLResponse)
def users_page(request: Request, user: Admin, db: DB) -> HTMLResponse:
    return render(request, "users.html", {"users": _users(db), "roles": ROLE_LABELS})


@router.get("/users.json", summary="用户列表", response_model=list[UserOut])
def users_json(user: Admin, db: DB) -> list[UserOut]:
    return [UserOut.of(u) for u in _users(db)]


@router.post("/users", summary="新建用户", response_class=RedirectResponse)
def add_user(
    request: Request,
    user: Admin,
    db: DB,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=200)],
    role: Annotated[str, Form(max_length=16)],
    unit: Annotated[str, Form(max_length=255)] = "",
    display_name: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    create_user(db, username, password, role, unit, display_name, actor=user)
    db.commit()
    return see_other("/users")


@router.post("/users/{user_id}", summary="修改用户", response_class=RedirectResponse)
def edit_user(
    user_id: int,
    user: Admin,
    db: DB,
    role: Annotated[str, Form(max_length=16)],
    unit: Annotated[str, Form(max_length=255)] = "",
    display_name: Annotated[str, Form(max_length=128)] = "",
    active: Annotated[str, Form()] = "",
    password: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    target = db.get(User, user_id)
    if target is None:
        raise NotFound(f"用户 {user_id} 不存在")
    update_user(
        db,
        target,
        user,
        role=role,
        unit=unit,
        display_name=display_name,
        active=active == "on",
    )
    if password:
        set_password(db, target, password, actor=user)
    db.commit()
    return see_other("/users")


# ---------------------------------------------------------------------------
# API description


def openapi_schema(request: Request) -> dict[str, Any]:
    app = request.app
    if app.openapi_schema is None:
        app.openapi_schema = get_openapi(
            title="jixiao 绩效表审核工作台",
            version=__version__,
            description=(
                "每个页面都有 JSON 版本（在路径后加 .json）。除 /healthz 外都需要登录"
                "（会话 Cookie）；POST 请求需带 X-CSRF-Token 请求头（见 /me.json）。"
            ),
            routes=app.routes,
        )
    schema: dict[str, Any] = app.openapi_schema
    return schema


@router.get("/openapi.json", include_in_schema=False)
def openapi_json(request: Request) -> JSONResponse:
    return JSONResponse(openapi_schema(request))


@router.get("/api", summary="API 说明", response_class=HTMLResponse)
def api_page(request: Request) -> HTMLResponse:
    schema = openapi_schema(request)
    endpoints = [
        (method.upper(), path, op.get("summary", ""))
        for path, ops in schema.get("paths", {}).items()
        for method, op in ops.items()
    ]
    return render(request, "api.html", {"endpoints": endpoints})
