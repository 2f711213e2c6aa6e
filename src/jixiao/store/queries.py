"""Read-only queries: the tables list, facets, the dashboard, history, a table's
page and the session of a request."""

from __future__ import annotations

import functools
import math
import time
import weakref
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Select,
    String,
    Text,
    bindparam,
    case,
    cast,
    false,
    func,
    null,
    select,
)
from sqlalchemy.orm import Session, aliased, make_transient_to_detached

from jixiao.store.auth import SESSION_TOUCH, aware, token_hash
from jixiao.store.errors import NotFound
from jixiao.store.log import decode
from jixiao.store.models import (
    ChangeLog,
    SourceFile,
    StoredFinding,
    StoredTable,
    TableContent,
    User,
    UserSession,
    utcnow,
)
from jixiao.store.tables import can_view

SORTS: dict[str, Any] = {
    "id": StoredTable.id,
    "project": StoredTable.project,
    "unit": StoredTable.owner_unit,
    "year": StoredTable.year,
    "form": StoredTable.form,
    "total": StoredTable.recomputed_total,
    "printed": StoredTable.printed_total,
    "grade": StoredTable.recomputed_grade,
    "status": StoredTable.status,
    "errors": StoredTable.n_error,
    "open": StoredTable.n_open,
    "updated": StoredTable.updated_at,
}
SEVERITY_FILTERS = {
    "error": StoredTable.n_error > 0,
    "warning": StoredTable.n_warning > 0,
    "info": StoredTable.n_info > 0,
    "open": StoredTable.n_open > 0,
    "none": (StoredTable.n_error + StoredTable.n_warning + StoredTable.n_info) == 0,
}
PER_PAGE = 50
MAX_PER_PAGE = 200


@dataclass(slots=True)
class TableFilter:
    unit: str | None = None
    year: int | None = None
    form: str | None = None
    grade: str | None = None
    status: str | None = None
    severity: str | None = None
    q: str | None = None

    def active(self) -> dict[str, Any]:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return {k: v for k, v in values.items() if v not in (None, "")}


@dataclass(slots=True)
class TableSummary:
    id: int
    form: str
    year: int | None
    project: str | None
    unit_name: str | None
    owner_unit: str | None
    status: str
    printed_total: float | None
    recomputed_total: float | None
    printed_grade: str | None
    recomputed_grade: str | None
    execution_rate: float | None
    n_error: int
    n_warning: int
    n_info: int
    n_open: int
    version: int
    updated_at: datetime


@dataclass(slots=True)
class Page:
    items: list[TableSummary]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def visible(stmt: Select[Any], user: User) -> Select[Any]:
    """Restrict a query on tables to what the user may see."""
    if user.role in ("reviewer", "admin"):
        return stmt
    if not user.unit:
        return stmt.where(false())
    return stmt.where(StoredTable.owner_unit == user.unit)


def _filtered(stmt: Select[Any], user: User, f: TableFilter) -> Select[Any]:
    stmt = visible(stmt, user)
    if f.unit:
        stmt = stmt.where(StoredTable.owner_unit == f.unit)
    if f.year is not None:
        stmt = stmt.where(StoredTable.year == f.year)
    if f.form:
        stmt = stmt.where(StoredTable.form == f.form)
    if f.grade:
        if f.grade == "none":
            stmt = stmt.where(StoredTable.recomputed_grade.is_(None))
        else:
            stmt = stmt.where(StoredTable.recomputed_grade == f.grade)
    if f.status:
        stmt = stmt.where(StoredTable.status == f.status)
    if f.severity in SEVERITY_FILTERS:
        stmt = stmt.where(SEVERITY_FILTERS[f.severity])
    if f.q:
        q = f.q.strip()
        stmt = stmt.where(
            StoredTable.project.contains(q, autoescape=True)
            | StoredTable.unit_name.contains(q, autoescape=True)
        )
    return stmt


SUMMARY_COLUMNS = (
    StoredTable.id,
    StoredTable.form,
    StoredTable.year,
    StoredTable.project,
    StoredTable.unit_name,
    StoredTable.owner_unit,
    StoredTable.status,
    StoredTable.printed_total,
    StoredTable.recomputed_total,
    StoredTable.printed_grade,
    StoredTable.recomputed_grade,
    StoredTable.execution_rate,
    StoredTable.n_error,
    StoredTable.n_warning,
    StoredTable.n_info,
    StoredTable.n_open,
    StoredTable.version,
    StoredTable.updated_at,
)


# Columns that may be empty: their empty values sort last in both directions.
NULLABLE_SORTS = frozenset({"project", "unit", "year", "total", "printed", "grade"})


def _scope(user: User) -> str:
    """Which tables the user sees: all, their unit's, or none (see :func:`visible`)."""
    if user.role in ("reviewer", "admin"):
        return "all"
    return "unit" if user.unit else "none"


def _shape(f: TableFilter) -> tuple[str, ...]:
    """Which conditions a filter sets (its values go in as parameters)."""
    out: list[str] = []
    if f.unit:
        out.append("unit")
    if f.year is not None:
        out.append("year")
    if f.form:
        out.append("form")
    if f.grade:
        out.append("grade:none" if f.grade == "none" else "grade")
    if f.status:
        out.append("status")
    if f.severity in SEVERITY_FILTERS:
        out.append(f"severity:{f.severity}")
    if f.q:
        out.append("q")
    return tuple(out)


def _like_escape(text: str) -> str:
    """As ``contains(…, autoescape=True)`` escapes its text (escape character ``/``)."""
    return text.replace("/", "//").replace("%", "/%").replace("_", "/_")


def _list_params(user: User, f: TableFilter) -> dict[str, Any]:
    return {
        "scope_unit": user.unit,
        "unit": f.unit,
        "year": f.year,
        "form": f.form,
        "grade": f.grade,
        "status": f.status,
        "q": _like_escape(f.q.strip()) if f.q else None,
    }


def _conditions(scope: str, shape: tuple[str, ...]) -> list[Any]:
    """The WHERE of :func:`_filtered`, with parameters instead of values."""
    out: list[Any] = []
    if scope == "none":
        out.append(false())
    elif scope == "unit":
        out.append(StoredTable.owner_unit == bindparam("scope_unit"))
    for name in shape:
        if name == "unit":
            out.append(StoredTable.owner_unit == bindparam("unit"))
        elif name == "year":
            out.append(StoredTable.year == bindparam("year"))
        elif name == "form":
            out.append(StoredTable.form == bindparam("form"))
        elif name == "grade:none":
            out.append(StoredTable.recomputed_grade.is_(None))
        elif name == "grade":
            out.append(StoredTable.recomputed_grade == bindparam("grade"))
        elif name == "status":
            out.append(StoredTable.status == bindparam("status"))
        elif name.startswith("severity:"):
            out.append(SEVERITY_FILTERS[name.split(":", 1)[1]])
        elif name == "q":
            q = bindparam("q", type_=String())
            out.append(
                StoredTable.project.contains(q, escape="/")
                | StoredTable.unit_name.contains(q, escape="/")
            )
    return out


# ---------------------------------------------------------------------------
# Snapshots (PostgreSQL): a page's data is the same whenever the database
# snapshot is. Two equal snapshots (xmin:xmax:running transactions) see
# exactly the same committed transactions, so a result read under one is the
# result under the other; any commit since changes the snapshot. The request's
# snapshot comes with its first query (:func:`session_user`), so a page read
# before is found again without asking the database. None inside a transaction
# that has written (its own changes are not in other snapshots).

SNAPSHOT_INFO = "jixiao.snapshot"  # Session.info key: the request's snapshot


def _snapshot() -> Any:
    return case(
        (func.pg_current_xact_id_if_assigned().is_(None), cast(func.pg_current_snapshot(), Text)),
        else_=null(),
    ).label("snapshot")


def reads_snapshots(conn: Connection) -> bool:
    """PostgreSQL 13 or later (``pg_current_snapshot``)."""
    version = conn.dialect.server_version_info or (0,)
    return conn.dialect.name == "postgresql" and version >= (13,)


def request_snapshot(db: Session) -> str | None:
    """The snapshot the request's first query saw, if it was read (PostgreSQL)."""
    snap = db.info.get(SNAPSHOT_INFO)
    return snap if isinstance(snap, str) else None


@dataclass(slots=True, frozen=True)
class _ListStatements:
    count: Select[Any]
    filled: Select[Any] | None  # tables with a value in the sort column
    page: Select[Any]  # by the sort column (its filled values only, if it may be empty)
    empty: Select[Any] | None  # tables without a value in the sort column, by id


@functools.lru_cache(maxsize=1024)
def _list_statements(
    scope: str, shape: tuple[str, ...], key: str, desc: bool, snapshots: bool
) -> _ListStatements:
    """The list's statements, built once per kind of request.

    One statement object for each (values as parameters): SQLAlchemy reuses its
    cache key and compiled form, and does not match result columns anew —
    building and keying a statement costs more than running these queries.
    With ``snapshots`` each also returns the snapshot it read (last column).
    """
    where = _conditions(scope, shape)
    col = SORTS[key]
    by_id = StoredTable.id.desc() if desc else StoredTable.id.asc()
    by_col = col.desc() if desc else col.asc()
    extra = [_snapshot()] if snapshots else []

    def page(cond: list[Any], order: list[Any]) -> Select[Any]:
        # The page's ids first (an index-only read, however deep the page), then
        # their rows: skipping index entries costs less than skipping rows.
        ids = (
            select(StoredTable.id)
            .where(*where, *cond)
            .order_by(*order)
            .limit(bindparam("limit"))
            .offset(bindparam("offset"))
        )
        return (
            select(*SUMMARY_COLUMNS, *extra)
            .where(StoredTable.id.in_(ids.scalar_subquery()))
            .order_by(*order)
        )

    # count(*), not count(id): SQLite answers it without reading the rows.
    count = select(func.count(), *extra).select_from(StoredTable).where(*where)
    if key not in NULLABLE_SORTS:
        order = [by_id] if key == "id" else [by_col, by_id]
        return _ListStatements(count, None, page([], order), None)
    return _ListStatements(
        count,
        count.where(col.is_not(None)),
        page([col.is_not(None)], [by_col, by_id]),
        page([col.is_(None)], [by_id]),
    )


@dataclass(slots=True)
class _Results:
    """Results by what was asked, each with the snapshot it was read under (see
    above); one per database (engine): snapshots of two servers may look alike."""

    counts: dict[tuple[Any, ...], tuple[str, int]] = field(default_factory=dict)
    pages: dict[tuple[Any, ...], tuple[str, Page]] = field(default_factory=dict)


_RESULTS: weakref.WeakKeyDictionary[Engine, _Results] = weakref.WeakKeyDictionary()
MAX_CACHED = 5000


def _results(engine: Engine) -> _Results:
    found = _RESULTS.get(engine)
    if found is None:
        found = _RESULTS.setdefault(engine, _Results())
    return found


def _remember(
    cache: dict[tuple[Any, ...], tuple[str, Any]], key: tuple[Any, ...], value: Any
) -> None:
    if len(cache) >= MAX_CACHED:
        cache.clear()
    cache[key] = value


def list_tables(
    db: Session,
    user: User,
    f: TableFilter,
    sort: str = "id",
    desc: bool = True,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Page:
    """One page of the tables the user sees, sorted by ``sort`` then by id.

    Every order is an index range read (``ix_perf_table_<column>_id``): empty
    values, which sort last either way, are read as a second range after the
    others, so neither SQLite (empty first when ascending) nor PostgreSQL
    (empty first when descending) has to sort the table.

    On PostgreSQL a page (and the count) read under the request's snapshot is
    reused as long as the snapshot is the same, i.e. nothing was committed since.
    """
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = max(1, page)
    offset = (page - 1) * per_page
    key = sort if sort in SORTS else "id"
    # Core on the session's connection: the ORM layer of Session.execute costs
    # more than these small queries, and no ORM objects are wanted.
    conn = db.connection()
    pg = reads_snapshots(conn)
    scope, shape = _scope(user), _shape(f)
    stmts = _list_statements(scope, shape, key, desc, pg)
    params = _list_params(user, f)
    asked = (scope, shape, *params.values())
    page_key = (*asked, key, desc, page, per_page)
    snapshot = request_snapshot(db) if pg else None
    cached = _results(conn.engine)
    if snapshot is not None:
        hit = cached.pages.get(page_key)
        if hit is not None and hit[0] == snapshot:
            return hit[1]
    seen: set[str | None] = set()  # the snapshots this page was read under

    def rows(stmt: Select[Any], limit: int, skip: int) -> list[Any]:
        # .all(): one fetchall, where iterating fetches row by row
        found = conn.execute(stmt, {**params, "limit": limit, "offset": skip}).all()
        if pg:
            seen.update(r[-1] for r in found)
            return [r[:-1] for r in found]
        return list(found)

    def count(stmt: Select[Any]) -> int:
        if not pg:
            return int(conn.scalar(stmt, params) or 0)
        n, snap = conn.execute(stmt, params).one()
        seen.add(snap)
        return int(n or 0)

    counted = cached.counts.get(asked) if snapshot is not None else None
    if counted is not None and counted[0] == snapshot:
        total = counted[1]
        seen.add(snapshot)
    else:
        total = count(stmts.count)
        if pg and len(seen) == 1 and None not in seen:
            _remember(cached.counts, asked, (next(iter(seen)), total))
    found: list[Any] = []
    if offset < total:
        found = rows(stmts.page, per_page, offset)
        if stmts.empty is not None and len(found) < per_page and offset + len(found) < total:
            # Past the filled values: the empty ones follow, newest first.
            skip = 0
            if not found:
                assert stmts.filled is not None
                skip = offset - count(stmts.filled)
            found += rows(stmts.empty, per_page - len(found), skip)
    result = Page([TableSummary(*row) for row in found], total, page, per_page)
    if pg and len(seen) == 1 and None not in seen:
        _remember(cached.pages, page_key, (next(iter(seen)), result))
    return result


@dataclass(slots=True)
class Facets:
    units: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)


_FACETS: dict[tuple[str, str | None], tuple[float, Facets]] = {}
FACETS_TTL = 15.0  # seconds: a new unit or year shows in the filters within this


def facets(db: Session, user: User) -> Facets:
    """Units and years for the filter menus; cached briefly per visibility scope."""
    key = ("all", None) if user.role in ("reviewer", "admin") else ("unit", user.unit)
    now = time.monotonic()
    hit = _FACETS.get(key)
    if hit is not None and now - hit[0] < FACETS_TTL:
        return hit[1]
    result = _facets(db, user)
    if len(_FACETS) > 1000:
        _FACETS.clear()
    _FACETS[key] = (now, result)
    return result


def clear_facets() -> None:
    _FACETS.clear()


def _facets(db: Session, user: User) -> Facets:
    units = db.scalars(
        visible(select(StoredTable.owner_unit).distinct(), user)
        .where(StoredTable.owner_unit.is_not(None))
        .order_by(StoredTable.owner_unit)
    )
    years = db.scalars(
        visible(select(StoredTable.year).distinct(), user)
        .where(StoredTable.year.is_not(None))
        .order_by(StoredTable.year.desc())
    )
    return Facets([u for u in units if u], [y for y in years if y is not None])


# ---------------------------------------------------------------------------
# Dashboard

MAX_POINTS = 2000


def dashboard(db: Session, user: User, f: TableFilter) -> dict[str, Any]:
    """Counts and chart data for the tables the user sees (within the filter)."""
    base = _filtered(select(StoredTable.id), user, f).subquery()
    in_scope = StoredTable.id.in_(select(base.c.id))

    def grouped(col: Any) -> list[tuple[Any, int]]:
        rows = db.execute(
            select(col, func.count(StoredTable.id)).where(in_scope).group_by(col).order_by(col)
        )
        return [(k, n) for k, n in rows]

    totals = db.execute(
        select(
            func.count(StoredTable.id),
            func.coalesce(func.sum(StoredTable.n_error), 0),
            func.coalesce(func.sum(StoredTable.n_warning), 0),
            func.coalesce(func.sum(StoredTable.n_info), 0),
            func.coalesce(func.sum(StoredTable.n_open), 0),
            func.avg(StoredTable.recomputed_total),
            func.coalesce(
                func.sum(case((StoredTable.consistent.is_(False), 1), else_=0)),
                0,
            ),
        ).where(in_scope)
    ).one()
    points = db.execute(
        select(
            StoredTable.id,
            StoredTable.project,
            StoredTable.unit_name,
            StoredTable.printed_total,
            StoredTable.recomputed_total,
            StoredTable.execution_rate,
        )
        .where(in_scope, StoredTable.recomputed_total.is_not(None))
        .order_by(StoredTable.id.desc())
        .limit(MAX_POINTS)
    ).all()
    by_code = db.execute(
        select(StoredFinding.code, StoredFinding.title, func.count(StoredFinding.id))
        .where(
            StoredFinding.table_id.in_(select(base.c.id)),
            StoredFinding.active.is_(True),
            StoredFinding.state != "dismissed",
        )
        .group_by(StoredFinding.code, StoredFinding.title)
        .order_by(func.count(StoredFinding.id).desc())
        .limit(25)
    ).all()
    unit_year = db.execute(
        select(
            StoredTable.owner_unit,
            StoredTable.year,
            func.count(StoredTable.id),
            func.sum(StoredTable.n_error + StoredTable.n_warning + StoredTable.n_info),
            func.sum(StoredTable.n_error),
        )
        .where(in_scope)
        .group_by(StoredTable.owner_unit, StoredTable.year)
        .order_by(StoredTable.owner_unit, StoredTable.year)
    ).all()
    files = db.scalar(select(func.count(SourceFile.id))) if user.role != "filler" else None
    n, n_err, n_warn, n_info, n_open, avg_total, inconsistent = totals
    return {
        "counts": {
            "tables": n,
            "files": files,
            "errors": int(n_err),
            "warnings": int(n_warn),
            "infos": int(n_info),
            "open_findings": int(n_open),
            "average_total": round(float(avg_total), 2) if avg_total is not None else None,
            "inconsistent_totals": int(inconsistent),
        },
        "by_status": {k: v for k, v in grouped(StoredTable.status)},
        "by_form": {k: v for k, v in grouped(StoredTable.form)},
        "grades": {
            "recomputed": {k or "none": v for k, v in grouped(StoredTable.recomputed_grade)},
            "printed": {k or "none": v for k, v in grouped(StoredTable.printed_grade)},
        },
        "points": [
            {
                "id": p.id,
                "label": p.project or p.unit_name or f"#{p.id}",
                "printed_total": p.printed_total,
                "recomputed_total": p.recomputed_total,
                "execution_rate": p.execution_rate,
            }
            for p in points
        ],
        "findings_by_code": [{"code": c, "title": t, "count": k} for c, t, k in by_code],
        "by_unit_year": [
            {
                "unit": u,
                "year": y,
                "tables": k,
                "findings": int(s or 0),
                "errors": int(e or 0),
            }
            for u, y, k, s, e in unit_year
        ],
    }


# ---------------------------------------------------------------------------
# History


@dataclass(slots=True)
class Change:
    id: int
    at: datetime
    username: str
    action: str
    entity: str
    entity_id: int | None
    field: str | None
    old: Any
    new: Any
    note: str | None


HISTORY_COLUMNS = (
    ChangeLog.id,
    ChangeLog.at,
    ChangeLog.username,
    ChangeLog.action,
    ChangeLog.entity,
    ChangeLog.entity_id,
    ChangeLog.field,
    ChangeLog.old_value,
    ChangeLog.new_value,
    ChangeLog.note,
)


# One statement object for every call (values as parameters): SQLAlchemy then
# reuses its cache key and compiled form, and does not match result columns anew.
_HISTORY = (
    select(*HISTORY_COLUMNS)
    .where(ChangeLog.table_id == bindparam("table_id"))
    .order_by(ChangeLog.id.desc())
    .limit(bindparam("limit"))
)


def history(db: Session, table_id: int, limit: int = 500) -> list[Change]:
    """A table's change log, newest first (plain rows: no ORM objects to build)."""
    rows = db.connection().execute(_HISTORY, {"table_id": table_id, "limit": limit}).all()
    return [
        Change(i, at, username, action, entity, entity_id, fld, decode(old), decode(new), note)
        for i, at, username, action, entity, entity_id, fld, old, new, note in rows
    ]


def recent_changes(db: Session, limit: int = 200) -> list[ChangeLog]:
    return list(db.scalars(select(ChangeLog).order_by(ChangeLog.id.desc()).limit(limit)))


# ---------------------------------------------------------------------------
# A table as its page shows it: plain rows, no ORM objects (read-only pages).


@dataclass(slots=True)
class UserRef:
    id: int
    username: str
    display_name: str | None

    @property
    def label(self) -> str:
        return self.display_name or self.username


@dataclass(slots=True)
class FileRef:
    id: int
    name: str
    sha256: str
    size: int
    kind: str
    uploaded_at: datetime


@dataclass(slots=True)
class FindingRow:
    id: int
    table_id: int
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
    note: str | None
    reviewed_at: datetime | None
    version: int
    reviewed_by: UserRef | None


@dataclass(slots=True)
class TableDetail:
    id: int
    file_id: int
    position: int
    form: str
    title: str | None
    year: int | None
    project: str | None
    unit_name: str | None
    owner_unit: str | None
    rules: str
    status: str
    n_error: int
    n_warning: int
    n_info: int
    n_open: int
    n_corrected: int
    version: int
    updated_at: datetime
    record: dict[str, Any]
    score: dict[str, Any]
    # The record as read; the record itself while nothing was corrected and
    # the original was not asked for (it is not read then).
    original: dict[str, Any]
    file: FileRef
    updated_by: UserRef | None
    findings: list[FindingRow]


_Updater = aliased(User)
_Reviewer = aliased(User)
# The table's own columns of TableDetail, in its order.
_TABLE_FIELDS = (
    "id",
    "file_id",
    "position",
    "form",
    "title",
    "year",
    "project",
    "unit_name",
    "owner_unit",
    "rules",
    "status",
    "n_error",
    "n_warning",
    "n_info",
    "n_open",
    "n_corrected",
    "version",
    "updated_at",
)
_DETAIL = (
    select(
        *(getattr(StoredTable, name) for name in _TABLE_FIELDS),
        TableContent.record,
        TableContent.score,
        SourceFile.id.label("file_id_"),
        SourceFile.name.label("file_name"),
        SourceFile.sha256.label("file_sha256"),
        SourceFile.size.label("file_size"),
        SourceFile.kind.label("file_kind"),
        SourceFile.uploaded_at.label("file_uploaded_at"),
        _Updater.id.label("updater_id"),
        _Updater.username.label("updater_username"),
        _Updater.display_name.label("updater_display_name"),
    )
    .join(TableContent, TableContent.table_id == StoredTable.id)
    .join(SourceFile, SourceFile.id == StoredTable.file_id)
    .outerjoin(_Updater, _Updater.id == StoredTable.updated_by_id)
    .where(StoredTable.id == bindparam("table_id"))
)
_ORIGINAL = select(TableContent.original).where(TableContent.table_id == bindparam("table_id"))
# The finding's own columns of FindingRow, in its order.
_FINDING_FIELDS = (
    "id",
    "table_id",
    "code",
    "severity",
    "title",
    "message",
    "location",
    "row_key",
    "expected",
    "found",
    "cause",
    "active",
    "state",
    "note",
    "reviewed_at",
    "version",
)
_FINDINGS = (
    select(
        *(getattr(StoredFinding, name) for name in _FINDING_FIELDS),
        _Reviewer.id.label("reviewer_id"),
        _Reviewer.username.label("reviewer_username"),
        _Reviewer.display_name.label("reviewer_display_name"),
    )
    .outerjoin(_Reviewer, _Reviewer.id == StoredFinding.reviewed_by_id)
    .where(StoredFinding.table_id == bindparam("table_id"))
    .order_by(StoredFinding.id)
)


def _user_ref(id_: int | None, username: str | None, display_name: str | None) -> UserRef | None:
    return None if id_ is None or username is None else UserRef(id_, username, display_name)


def load_detail(db: Session, user: User, table_id: int, original: bool = False) -> TableDetail:
    """What a table's page shows (``NotFound`` unless the user may see the table).

    The tables :func:`jixiao.store.tables.get_table` gives, as plain rows in
    two queries (the table with its content, file and updater; its findings
    with their reviewers), and a third for the original of a corrected table
    (or when ``original`` is asked for; else it is the record).
    """
    conn = db.connection()  # Core: no ORM layer for these plain rows
    row = conn.execute(_DETAIL, {"table_id": table_id}).first()
    if row is None or not can_view(user, row):
        # Same answer as a missing table: a 填报人 learns nothing about other units.
        raise NotFound(f"表 {table_id} 不存在")
    m = row._mapping
    record = m["record"]
    orig = record
    if original or m["n_corrected"]:
        orig = conn.scalar(_ORIGINAL, {"table_id": table_id}) or {}
    findings = []
    for f in conn.execute(_FINDINGS, {"table_id": table_id}).all():
        fm = f._mapping
        reviewer = _user_ref(
            fm["reviewer_id"], fm["reviewer_username"], fm["reviewer_display_name"]
        )
        findings.append(
            FindingRow(**{name: fm[name] for name in _FINDING_FIELDS}, reviewed_by=reviewer)
        )
    return TableDetail(
        **{name: m[name] for name in _TABLE_FIELDS},
        record=record,
        score=m["score"],
        original=orig,
        file=FileRef(
            m["file_id_"],
            m["file_name"],
            m["file_sha256"],
            m["file_size"],
            m["file_kind"],
            m["file_uploaded_at"],
        ),
        updated_by=_user_ref(m["updater_id"], m["updater_username"], m["updater_display_name"]),
        findings=findings,
    )


# ---------------------------------------------------------------------------
# The login session of a request


_SESSION = (
    select(
        UserSession.expires_at,
        UserSession.last_seen_at,
        UserSession.csrf_token,
        User.id,
        User.username,
        User.display_name,
        User.role,
        User.unit,
        User.active,
        User.created_at,
        User.password_changed_at,
    )
    .join(User, User.id == UserSession.user_id)
    .where(UserSession.token_hash == bindparam("token_hash"))
)
_SESSION_PG = _SESSION.add_columns(_snapshot())  # and the request's snapshot


@dataclass(slots=True)
class SessionUser:
    user: User  # detached: read its columns, never attach it to a session
    csrf_token: str
    # The session is due for its expiry to move forward (a write, which
    # :func:`jixiao.store.auth.load_session` does).
    touch: bool


def session_user(db: Session, token: str) -> SessionUser | None:
    """The user of a live session token (None if there is none), in one plain query.

    The same checks as :func:`jixiao.store.auth.load_session`, without loading
    ORM objects: for the many read-only requests. On PostgreSQL the query also
    notes the request's snapshot (:data:`SNAPSHOT_INFO`).
    """
    if not token or len(token) > 128:
        return None
    conn = db.connection()
    pg = reads_snapshots(conn)
    row = conn.execute(_SESSION_PG if pg else _SESSION, {"token_hash": token_hash(token)}).first()
    if row is None:
        return None
    if pg:
        db.info[SNAPSHOT_INFO] = row.snapshot
    now = utcnow()
    if aware(row.expires_at) <= now or not row.active:
        return None
    user = User(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        role=row.role,
        unit=row.unit,
        active=row.active,
        created_at=row.created_at,
        password_changed_at=row.password_changed_at,
    )
    make_transient_to_detached(user)
    return SessionUser(user, row.csrf_token, now - aware(row.last_seen_at) > SESSION_TOUCH)
