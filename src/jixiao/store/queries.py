"""Read-only queries: the tables list, facets, the dashboard, history."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, case, false, func, select, true
from sqlalchemy.orm import Session

from jixiao.store.log import decode
from jixiao.store.models import ChangeLog, SourceFile, StoredFinding, StoredTable, User

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
    """
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = max(1, page)
    offset = (page - 1) * per_page
    key = sort if sort in SORTS else "id"
    col = SORTS[key]
    by_id = StoredTable.id.desc() if desc else StoredTable.id.asc()
    by_col = col.desc() if desc else col.asc()

    def rows(where: Any, order: list[Any], limit: int, skip: int) -> list[Row[Any]]:
        # The page's ids first (an index-only read, however deep the page), then
        # their rows: skipping rows costs less than skipping whole records.
        ids = _filtered(select(StoredTable.id), user, f).where(where).order_by(*order)
        stmt = select(*SUMMARY_COLUMNS).where(
            StoredTable.id.in_(ids.limit(limit).offset(skip).scalar_subquery())
        )
        return list(db.execute(stmt.order_by(*order)))

    if key not in NULLABLE_SORTS:
        total = db.scalar(_filtered(select(func.count(StoredTable.id)), user, f)) or 0
        order = [by_id] if key == "id" else [by_col, by_id]
        found = rows(true(), order, per_page, offset) if offset < total else []
    else:
        counts = db.execute(
            _filtered(select(func.count(StoredTable.id), func.count(col)), user, f)
        ).one()
        total, filled = int(counts[0] or 0), int(counts[1] or 0)
        found = []
        if offset < filled:
            found = rows(col.is_not(None), [by_col, by_id], per_page, offset)
        if len(found) < per_page and offset + len(found) < total:
            found += rows(
                col.is_(None), [by_id], per_page - len(found), max(0, offset - filled)
            )
    items = [TableSummary(*row) for row in found]
    return Page(items, total, page, per_page)


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


def history(db: Session, table_id: int, limit: int = 500) -> list[Change]:
    rows = db.scalars(
        select(ChangeLog)
        .where(ChangeLog.table_id == table_id)
        .order_by(ChangeLog.id.desc())
        .limit(limit)
    )
    return [
        Change(
            r.id,
            r.at,
            r.username,
            r.action,
            r.entity,
            r.entity_id,
            r.field,
            decode(r.old_value),
            decode(r.new_value),
            r.note,
        )
        for r in rows
    ]


def recent_changes(db: Session, limit: int = 200) -> list[ChangeLog]:
    return list(db.scalars(select(ChangeLog).order_by(ChangeLog.id.desc()).limit(limit)))
