"""JSON shapes of the pages' twins (``/tables.json``, ``/tables/12.json`` …)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from jixiao.store.domain import FINDING_STATES, STATUS_LABELS
from jixiao.store.ingest import IngestResult
from jixiao.store.models import StoredFinding, User
from jixiao.store.queries import Change, FindingRow, Page, TableSummary


class HealthOut(BaseModel):
    status: str = Field(description="ok, or error when the database cannot be used")
    version: str
    database: dict[str, Any]


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str | None
    role: str
    unit: str | None
    active: bool
    created_at: datetime

    @classmethod
    def of(cls, u: User) -> UserOut:
        return cls(
            id=u.id,
            username=u.username,
            display_name=u.display_name,
            role=u.role,
            unit=u.unit,
            active=u.active,
            created_at=u.created_at,
        )


class MeOut(BaseModel):
    user: UserOut
    csrf_token: str = Field(description="send as X-CSRF-Token with POST requests")


class TableSummaryOut(BaseModel):
    id: int
    url: str
    form: str
    year: int | None
    project: str | None
    unit_name: str | None
    owner_unit: str | None
    status: str
    status_label: str
    printed_total: float | None
    recomputed_total: float | None
    printed_grade: str | None
    recomputed_grade: str | None
    execution_rate: float | None
    findings: dict[str, int]
    version: int
    updated_at: datetime

    @classmethod
    def of(cls, t: TableSummary) -> TableSummaryOut:
        return cls(
            id=t.id,
            url=f"/tables/{t.id}",
            form=t.form,
            year=t.year,
            project=t.project,
            unit_name=t.unit_name,
            owner_unit=t.owner_unit,
            status=t.status,
            status_label=STATUS_LABELS.get(t.status, t.status),
            printed_total=t.printed_total,
            recomputed_total=t.recomputed_total,
            printed_grade=t.printed_grade,
            recomputed_grade=t.recomputed_grade,
            execution_rate=t.execution_rate,
            findings={
                "error": t.n_error,
                "warning": t.n_warning,
                "info": t.n_info,
                "open": t.n_open,
            },
            version=t.version,
            updated_at=t.updated_at,
        )


class TableListOut(BaseModel):
    items: list[TableSummaryOut]
    total: int
    page: int
    per_page: int
    pages: int
    filters: dict[str, Any]
    sort: str
    order: str

    @classmethod
    def of(cls, page: Page, filters: dict[str, Any], sort: str, order: str) -> TableListOut:
        return cls(
            items=[TableSummaryOut.of(t) for t in page.items],
            total=page.total,
            page=page.page,
            per_page=page.per_page,
            pages=page.pages,
            filters=filters,
            sort=sort,
            order=order,
        )


class FindingOut(BaseModel):
    id: int
    code: str
    severity: str
    title: str
    message: str
    location: dict[str, Any]
    row_key: str
    expected: str | None
    found: str | None
    cause: str | None
    active: bool
    state: str
    state_label: str
    note: str | None
    reviewed_by: str | None
    reviewed_at: datetime | None
    version: int

    @classmethod
    def of(cls, f: StoredFinding | FindingRow) -> FindingOut:
        return cls(
            id=f.id,
            code=f.code,
            severity=f.severity,
            title=f.title,
            message=f.message,
            location=f.location,
            row_key=f.row_key,
            expected=f.expected,
            found=f.found,
            cause=f.cause,
            active=f.active,
            state=f.state,
            state_label=FINDING_STATES.get(f.state, f.state),
            note=f.note,
            reviewed_by=f.reviewed_by.username if f.reviewed_by else None,
            reviewed_at=f.reviewed_at,
            version=f.version,
        )


class ChangeOut(BaseModel):
    id: int
    at: datetime
    user: str
    action: str
    entity: str
    entity_id: int | None
    field: str | None
    old: Any
    new: Any
    note: str | None

    @classmethod
    def of(cls, c: Change) -> ChangeOut:
        return cls(
            id=c.id,
            at=c.at,
            user=c.username,
            action=c.action,
            entity=c.entity,
            entity_id=c.entity_id,
            field=c.field,
            old=c.old,
            new=c.new,
            note=c.note,
        )


class FileOut(BaseModel):
    id: int
    name: str
    sha256: str
    size: int
    kind: str
    uploaded_at: datetime
    url: str


class PermissionsOut(BaseModel):
    can_edit: bool
    can_review: bool
    transitions: list[dict[str, str]]


class TableDetailOut(BaseModel):
    id: int
    version: int
    status: str
    status_label: str
    owner_unit: str | None
    rules: str
    file: FileOut
    position: int
    record: dict[str, Any] = Field(description="the canonical record, as corrected")
    original: dict[str, Any] = Field(description="the canonical record, as read")
    corrections: list[str] = Field(description="fields changed since reading")
    score: dict[str, Any] = Field(description="the recomputed score (jixiao.score)")
    findings: list[FindingOut]
    resolved_findings: list[FindingOut]
    history: list[ChangeOut]
    permissions: PermissionsOut


class UploadTableOut(BaseModel):
    id: int
    label: str
    form: str
    url: str


class UploadResultOut(BaseModel):
    name: str
    ok: bool
    duplicate: bool
    message: str
    tables: list[UploadTableOut]

    @classmethod
    def of(cls, r: IngestResult) -> UploadResultOut:
        return cls(
            name=r.name,
            ok=r.ok,
            duplicate=r.duplicate,
            message=r.message,
            tables=[
                UploadTableOut(id=t.id, label=t.label, form=t.form, url=f"/tables/{t.id}")
                for t in r.tables
            ],
        )


class UploadOut(BaseModel):
    results: list[UploadResultOut]


class UploadInfoOut(BaseModel):
    max_file_bytes: int
    max_files: int
    accept: list[str]


class DashboardOut(BaseModel):
    filters: dict[str, Any]
    counts: dict[str, Any]
    by_status: dict[str, int]
    by_form: dict[str, int]
    grades: dict[str, dict[str, int]]
    points: list[dict[str, Any]]
    findings_by_code: list[dict[str, Any]]
    by_unit_year: list[dict[str, Any]]


class CellOut(BaseModel):
    table: TableDetailOut


class MessageOut(BaseModel):
    detail: str
