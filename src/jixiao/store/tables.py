"""Stored tables: scoring and auditing them, and every change a reviewer makes.

All changes go through here: they check permissions and the optimistic lock
(the version the user saw), write the change log, and re-score and re-audit a
corrected table at once.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from jixiao.audit import Finding, Location, Report, audit, rules_for
from jixiao.audit.model import COLUMN_LABELS
from jixiao.models import Table
from jixiao.scoring import TableScore, score
from jixiao.store.auth import aware
from jixiao.store.domain import (
    FINDING_STATES,
    REVIEW_ACTIONS,
    STATUS_LABELS,
    TRANSITIONS,
)
from jixiao.store.errors import Conflict, Forbidden, InvalidInput, NotFound
from jixiao.store.log import log_change
from jixiao.store.models import (
    MONEY_QUANTUM,
    FundRow,
    StoredFinding,
    StoredTable,
    User,
    utcnow,
)

# ---------------------------------------------------------------------------
# Permissions


class Owned(Protocol):
    """What the permissions look at: a stored table, or a row of one."""

    @property
    def owner_unit(self) -> str | None: ...

    @property
    def status(self) -> str: ...


def can_view(user: User, table: Owned) -> bool:
    if user.role in ("reviewer", "admin"):
        return True
    return bool(user.unit) and table.owner_unit == user.unit


def can_edit(user: User, table: Owned) -> bool:
    """May correct cells: 填报人 while a draft or returned, reviewers until approved."""
    if not can_view(user, table):
        return False
    if user.role == "filler":
        return table.status in ("draft", "returned")
    return table.status != "approved"


def can_review(user: User, table: Owned) -> bool:
    return user.role in ("reviewer", "admin") and table.status != "approved"


def transitions_for(user: User, table: Owned) -> list[tuple[str, str]]:
    """(target status, button label) the user may move the table to."""
    if not can_view(user, table):
        return []
    return [
        (to, label)
        for (frm, to), (label, roles) in TRANSITIONS.items()
        if frm == table.status and user.role in roles
    ]


DETAIL_OPTIONS = (
    joinedload(StoredTable.content),
    joinedload(StoredTable.file),
    joinedload(StoredTable.updated_by),
    selectinload(StoredTable.findings).joinedload(StoredFinding.reviewed_by),
)


def get_table(db: Session, user: User, table_id: int, full: bool = False) -> StoredTable:
    """A table the user may see (``NotFound`` otherwise); ``full`` loads all a page shows."""
    table = db.get(StoredTable, table_id, options=DETAIL_OPTIONS if full else ())
    if table is None:
        raise NotFound(f"表 {table_id} 不存在")
    if not can_view(user, table):
        # Same answer as a missing table: a 填报人 learns nothing about other units.
        raise NotFound(f"表 {table_id} 不存在")
    return table


# ---------------------------------------------------------------------------
# Scoring and auditing


@dataclass(slots=True)
class Analysis:
    table: Table
    score: TableScore
    report: Report
    rules: str


def analyse(table: Table) -> Analysis:
    """Score and audit a table with the default rule set for its form."""
    rs = rules_for(table, None)
    return Analysis(table, score(table, rs), audit(table, rs), rs.name)


def table_label(t: StoredTable | Table) -> str:
    name = t.project or t.unit_name or t.title or "未命名"
    return f"{name}（{t.year}）" if t.year else name


def row_key(loc: Location, table: Table) -> str:
    """Which row of the form a finding sits beside."""
    if loc.part == "indicator" and loc.index is not None:
        return f"indicator-{loc.index}"
    if loc.part == "fund":
        for i, f in enumerate(table.funds):
            if f.item == loc.fund:
                return f"fund-{i}"
        return "funds"
    if loc.part in ("total", "weights"):
        return "total"
    if loc.part in ("goals", "funds", "indicators"):
        return loc.part
    return "table"


def _fingerprints(findings: Iterable[Finding]) -> list[tuple[str, Finding]]:
    out: list[tuple[str, Finding]] = []
    seen: dict[str, int] = {}
    for f in findings:
        loc = f.location
        base = "|".join(
            str(x) if x is not None else ""
            for x in (f.code, loc.part, loc.index, loc.fund, loc.column, loc.level1, loc.level2)
        )
        n = seen.get(base, 0)
        seen[base] = n + 1
        out.append((f"{base}#{n}" if n else base, f))
    return out


def _text(x: str | float | None) -> str | None:
    return None if x is None else str(x)


def to_decimal(x: float | None) -> Decimal | None:
    if x is None:
        return None
    return Decimal(repr(x)).quantize(MONEY_QUANTUM)


def apply_analysis(st: StoredTable, a: Analysis) -> None:
    """Copy a table's record, score and findings onto its stored row."""
    t, s = a.table, a.score
    st.form = t.form
    st.title = t.title
    st.year = t.year
    st.project = t.project
    st.unit_name = t.unit_name
    st.department = t.department
    st.money_unit = t.money_unit
    st.record = t.model_dump(mode="json")
    st.rules = a.rules
    st.score = s.model_dump(mode="json")
    st.printed_total = s.printed_total
    st.recomputed_total = s.recomputed_total
    st.printed_grade = s.printed_grade
    st.recomputed_grade = s.recomputed_grade
    st.execution_rate = s.execution_rate
    st.execution_score = s.execution_score
    st.consistent = s.consistent
    _sync_funds(st, t)
    _sync_findings(st, a.report, t)
    _count(st)


def _sync_funds(st: StoredTable, t: Table) -> None:
    rows = list(st.funds)
    for i, f in enumerate(t.funds):
        row = rows[i] if i < len(rows) else FundRow(position=i)
        row.position = i
        row.item = f.item
        row.group = f.group
        row.initial_budget = to_decimal(f.initial_budget)
        row.budget = to_decimal(f.budget)
        row.executed = to_decimal(f.executed)
        row.rate = f.rate
        row.weight = f.weight
        row.score = f.score
        if i >= len(rows):
            st.funds.append(row)
    del st.funds[len(t.funds) :]


def _sync_findings(st: StoredTable, report: Report, t: Table) -> None:
    by_fp: dict[str, StoredFinding] = {}
    for old in st.findings:
        if old.fingerprint not in by_fp or old.active:
            by_fp[old.fingerprint] = old
    seen: set[str] = set()
    for fp, f in _fingerprints(report.findings):
        seen.add(fp)
        values: dict[str, Any] = {
            "code": f.code,
            "severity": f.severity,
            "title": f.title,
            "message": f.message,
            "location": f.location.model_dump(mode="json", exclude_none=True),
            "row_key": row_key(f.location, t),
            "expected": _text(f.expected),
            "found": _text(f.found),
            "cause": f.cause,
        }
        row = by_fp.get(fp)
        if row is None:
            st.findings.append(StoredFinding(fingerprint=fp, active=True, state="open", **values))
            continue
        for k, v in values.items():
            if getattr(row, k) != v:
                setattr(row, k, v)
        if not row.active:
            row.active = True
    for row in st.findings:
        if row.active and row.fingerprint not in seen:
            row.active = False


def _count(st: StoredTable) -> None:
    live = [f for f in st.findings if f.active]
    shown = [f for f in live if f.state != "dismissed"]
    st.n_error = sum(1 for f in shown if f.severity == "error")
    st.n_warning = sum(1 for f in shown if f.severity == "warning")
    st.n_info = sum(1 for f in shown if f.severity == "info")
    st.n_open = sum(1 for f in live if f.state == "open")


COUNT_FIELDS = ("n_error", "n_warning", "n_info", "n_open")


def refresh_counts(db: Session, table_id: int) -> None:
    """Recount a table's findings in SQL, without bumping its version.

    Reviewing a finding must not make another reviewer's open edit of the same
    table stale, so the counts are written with a plain UPDATE.
    """
    base = and_(StoredFinding.table_id == table_id, StoredFinding.active.is_(True))

    def n(*cond: Any) -> Any:
        return (
            select(func.count(StoredFinding.id)).where(base, *cond).scalar_subquery()
        )  # fmt: skip

    not_dismissed = StoredFinding.state != "dismissed"
    db.execute(
        update(StoredTable)
        .where(StoredTable.id == table_id)
        .values(
            n_error=n(not_dismissed, StoredFinding.severity == "error"),
            n_warning=n(not_dismissed, StoredFinding.severity == "warning"),
            n_info=n(not_dismissed, StoredFinding.severity == "info"),
            n_open=n(StoredFinding.state == "open"),
        )
        .execution_options(synchronize_session=False)
    )
    st = db.get(StoredTable, table_id, populate_existing=False)
    if st is not None:
        db.expire(st, list(COUNT_FIELDS))


def load_table(st: StoredTable) -> Table:
    return Table.model_validate(st.record)


# ---------------------------------------------------------------------------
# Optimistic locking


def check_version(st: StoredTable, expected: int | None) -> None:
    if expected is None:
        return
    if st.version != expected:
        who = st.updated_by.label if st.updated_by else "其他用户"
        when = aware(st.updated_at).astimezone().strftime("%Y-%m-%d %H:%M:%S")
        raise Conflict(
            f"冲突：此表已被{who}于 {when} 修改（当前版本 {st.version}，您看到的是版本 "
            f"{expected}）。您的修改未保存，请刷新页面，查看最新内容后再改。",
            current_version=st.version,
        )


def _flush(db: Session, st: StoredTable) -> None:
    try:
        db.flush()
    except StaleDataError as exc:
        db.rollback()
        raise Conflict("冲突：此表刚被其他用户修改，您的修改未保存，请刷新页面后再改。") from exc


# ---------------------------------------------------------------------------
# Correcting a cell

MONEY_FIELDS = ("initial_budget", "budget", "executed")
FUND_NUMBERS = ("rate", "weight", "score")
FUND_TEXTS = ("item", "group")
INDICATOR_NUMBERS = ("weight", "score")
INDICATOR_TEXTS = ("level1", "level2", "name", "target", "actual", "deviation", "note")
HEADER_TEXTS = ("title", "project", "project_kind", "department", "unit_name")
GOAL_TEXTS = ("overall", "annual", "achieved")
EMPTY = ("", "—", "－", "-", "/", "无数据")


def parse_number(raw: str, what: str) -> Decimal | None:
    """A number typed by a user: ``1,234.50``, ``98%``, ``—`` (empty)."""
    s = raw.strip().replace(",", "").replace("，", "").replace(" ", "").replace("\u3000", "")
    if s in EMPTY:
        return None
    if s.endswith(("%", "％")):
        s = s[:-1]
    try:
        d = Decimal(s)
    except InvalidOperation:
        raise InvalidInput(f"「{raw.strip()}」不是数字（{what}）") from None
    if not d.is_finite():
        raise InvalidInput(f"「{raw.strip()}」不是数字（{what}）")
    if abs(d) >= Decimal("1e16"):
        raise InvalidInput(f"「{raw.strip()}」超出范围（{what}）")
    return d


def _text_value(raw: str) -> str | None:
    s = raw.strip()
    return s or None


def _index(parts: list[str], n: int, what: str) -> int:
    try:
        i = int(parts[1])
    except (IndexError, ValueError):
        raise InvalidInput(f"无效的字段「{'.'.join(parts)}」") from None
    if not 0 <= i < n:
        raise InvalidInput(f"{what}第 {i + 1} 行不存在")
    return i


def field_label(field: str, record: dict[str, Any] | None = None) -> str:
    """``indicators.3.actual`` → ``第 4 个指标·实际完成值``."""
    labels = {
        **COLUMN_LABELS,
        "title": "标题",
        "year": "年度",
        "project": "项目名称",
        "project_kind": "项目类别",
        "department": "主管部门",
        "unit_name": "实施单位",
        "money_unit": "金额单位",
        "overall": "项目总目标",
        "item": "项目",
        "group": "分组",
        "level1": "一级指标",
        "level2": "二级指标",
        "note": "说明",
    }
    parts = field.split(".")
    if parts[0] == "funds" and len(parts) == 3:
        item = None
        if record:
            try:
                item = record["funds"][int(parts[1])]["item"]
            except (KeyError, IndexError, ValueError, TypeError):
                item = None
        return f"{item or f'资金第 {int(parts[1]) + 1} 行'}·{labels.get(parts[2], parts[2])}"
    if parts[0] == "indicators" and len(parts) == 3:
        return f"第 {int(parts[1]) + 1} 个指标·{labels.get(parts[2], parts[2])}"
    if parts[0] == "total" and len(parts) == 2:
        return f"总分·{labels.get(parts[1], parts[1])}"
    if parts[0] == "goals" and len(parts) == 2:
        return labels.get(parts[1], parts[1])
    if parts[0] == "level1_weights" and len(parts) == 2:
        return f"{parts[1]}·分值"
    return labels.get(field, field)


def _apply_field(record: dict[str, Any], field: str, raw: str) -> tuple[Any, Any]:
    """Set ``field`` of a record dict from user input; returns (old, new)."""
    parts = field.split(".")
    head = parts[0]
    if len(parts) == 1 and head in HEADER_TEXTS:
        old = record.get(head)
        new: Any = _text_value(raw)
        record[head] = new
        return old, new
    if field == "year":
        d = parse_number(raw, "年度")
        if d is not None and (d != d.to_integral_value() or not 1990 <= d <= 2100):
            raise InvalidInput(f"「{raw.strip()}」不是年度")
        old, new = record.get("year"), int(d) if d is not None else None
        record["year"] = new
        return old, new
    if field == "money_unit":
        new = _text_value(raw)
        if new not in (None, "元", "万元"):
            raise InvalidInput("金额单位只能是「元」或「万元」")
        old = record.get("money_unit")
        record["money_unit"] = new
        return old, new
    if head == "goals" and len(parts) == 2 and parts[1] in GOAL_TEXTS:
        goals = record.setdefault("goals", {})
        old, new = goals.get(parts[1]), _text_value(raw)
        goals[parts[1]] = new
        return old, new
    if head == "funds" and len(parts) == 3:
        i = _index(parts, len(record["funds"]), "资金")
        row = record["funds"][i]
        col = parts[2]
        if col in MONEY_FIELDS or col in FUND_NUMBERS:
            d = parse_number(raw, field_label(field, record))
            if col in MONEY_FIELDS and d is not None:
                d = d.quantize(MONEY_QUANTUM)
            new = float(d) if d is not None else None
        elif col in FUND_TEXTS:
            new = _text_value(raw)
            if col == "item" and new is None:
                raise InvalidInput("资金项目名称不能为空")
        else:
            raise InvalidInput(f"无效的字段「{field}」")
        old = row.get(col)
        row[col] = new
        return old, new
    if head == "indicators" and len(parts) == 3:
        i = _index(parts, len(record["indicators"]), "指标")
        row = record["indicators"][i]
        col = parts[2]
        if col in INDICATOR_NUMBERS:
            d = parse_number(raw, field_label(field, record))
            new = float(d) if d is not None else None
        elif col in INDICATOR_TEXTS:
            new = _text_value(raw)
        else:
            raise InvalidInput(f"无效的字段「{field}」")
        old = row.get(col)
        row[col] = new
        return old, new
    if head == "total" and len(parts) == 2 and parts[1] in ("weight", "score"):
        d = parse_number(raw, field_label(field))
        new = float(d) if d is not None else None
        total = record.get("total") or {"weight": None, "score": None}
        old = total.get(parts[1])
        total[parts[1]] = new
        record["total"] = total
        return old, new
    if (
        head == "level1_weights"
        and len(parts) == 2
        and parts[1] in record.get("level1_weights", {})
    ):
        d = parse_number(raw, field_label(field))
        if d is None:
            raise InvalidInput("一级指标分值不能为空")
        old = record["level1_weights"][parts[1]]
        record["level1_weights"][parts[1]] = float(d)
        return old, float(d)
    raise InvalidInput(f"无效的字段「{field}」")


def corrected_fields(record: dict[str, Any], original: dict[str, Any]) -> list[str]:
    """Paths whose value differs from the table as read (sources ignored)."""
    out: list[str] = []

    def walk(a: Any, b: Any, path: str) -> None:
        if path.endswith("source"):
            return
        if isinstance(a, dict) and isinstance(b, dict):
            for k in a.keys() | b.keys():
                walk(a.get(k), b.get(k), f"{path}.{k}" if path else k)
        elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
            for i, (x, y) in enumerate(zip(a, b, strict=True)):
                walk(x, y, f"{path}.{i}")
        elif a != b:
            out.append(path)

    walk(record, original, "")
    return sorted(out)


def field_value(record: dict[str, Any], field: str) -> Any:
    """The current value of a field of a record dict (for the edit form)."""
    cur: Any = record
    for p in field.split("."):
        if isinstance(cur, list):
            try:
                cur = cur[int(p)]
            except (ValueError, IndexError):
                return None
        elif isinstance(cur, dict):
            cur = cur.get(p)
        else:
            return None
    return cur


def correct_cell(
    db: Session,
    user: User,
    table_id: int,
    field: str,
    raw: str,
    version: int | None,
    note: str | None = None,
) -> StoredTable:
    """Correct one cell; the table is scored and audited again at once."""
    st = get_table(db, user, table_id)
    if not can_edit(user, st):
        if user.role == "filler":
            raise Forbidden(f"此表状态为「{STATUS_LABELS[st.status]}」，填报人不能修改")
        raise Forbidden("已审核的表不能修改；请先撤销审核")
    check_version(st, version)
    # Work on a deep copy: the JSON column must see a new value.
    record: dict[str, Any] = copy.deepcopy(st.record)
    old, new = _apply_field(record, field, raw)
    if old == new:
        return st
    try:
        table = Table.model_validate(record)
    except ValueError as exc:
        raise InvalidInput(f"修改后记录无效：{exc}") from exc
    before = (st.recomputed_total, st.recomputed_grade)
    analysis = analyse(table)
    with db.no_autoflush:  # one UPDATE, one version step
        apply_analysis(st, analysis)
        st.n_corrected = len(corrected_fields(st.record, st.original))
        st.updated_at = utcnow()
        st.updated_by_id = user.id
    log_change(
        db,
        user,
        "correct",
        "table",
        st.id,
        table_id=st.id,
        field=field,
        old=old,
        new=new,
        note=(note or "").strip() or None,
    )
    if before != (st.recomputed_total, st.recomputed_grade):
        log_change(
            db,
            user,
            "rescore",
            "table",
            st.id,
            table_id=st.id,
            field="recomputed_total",
            old=before[0],
            new=st.recomputed_total,
        )
    _flush(db, st)
    refresh_counts(db, st.id)
    return st


# ---------------------------------------------------------------------------
# Reviewing findings


def review_finding(
    db: Session,
    user: User,
    table_id: int,
    finding_id: int,
    action: str,
    note: str | None = None,
    version: int | None = None,
) -> StoredFinding:
    """Confirm, dismiss (a note is required) or reopen a finding.

    ``version`` is the finding's version the reviewer saw: a finding reviewed by
    someone else in the meantime is a conflict, not a silent overwrite.
    """
    st = get_table(db, user, table_id)
    if not can_review(user, st):
        if user.role == "filler":
            raise Forbidden("只有审核人可以确认或驳回发现")
        raise Forbidden("已审核的表不能再处理发现；请先撤销审核")
    finding = db.get(StoredFinding, finding_id)
    if finding is None or finding.table_id != st.id:
        raise NotFound(f"发现 {finding_id} 不存在")
    if action not in REVIEW_ACTIONS:
        raise InvalidInput(f"未知操作「{action}」")
    note = (note or "").strip() or None
    if action == "dismiss" and not note:
        raise InvalidInput("驳回发现时必须填写说明")
    if version is not None and finding.version != version:
        who = finding.reviewed_by.label if finding.reviewed_by else "其他用户"
        raise Conflict(
            f"冲突：此发现已被{who}处理为「{FINDING_STATES[finding.state]}」。"
            "您的操作未保存，请刷新后再处理。",
            current_version=finding.version,
        )
    new_state = REVIEW_ACTIONS[action]
    old_state, old_note = finding.state, finding.note
    finding.state = new_state
    finding.note = note
    finding.reviewed_by_id = user.id if action != "reopen" else None
    finding.reviewed_at = utcnow() if action != "reopen" else None
    log_change(
        db,
        user,
        f"finding.{action}",
        "finding",
        finding.id,
        table_id=st.id,
        field=f"finding:{finding.code}",
        old={"state": old_state, "note": old_note},
        new={"state": new_state, "note": note},
        note=note,
    )
    try:
        db.flush()
    except StaleDataError as exc:
        db.rollback()
        raise Conflict("冲突：此发现刚被其他用户处理，请刷新后再处理。") from exc
    refresh_counts(db, st.id)
    return finding


# ---------------------------------------------------------------------------
# Status workflow


def set_status(
    db: Session,
    user: User,
    table_id: int,
    to: str,
    version: int | None,
    note: str | None = None,
) -> StoredTable:
    st = get_table(db, user, table_id)
    check_version(st, version)
    key = (st.status, to)
    if key not in TRANSITIONS:
        raise InvalidInput(
            f"不能从「{STATUS_LABELS.get(st.status, st.status)}」变为「{STATUS_LABELS.get(to, to)}」"
        )
    label, roles = TRANSITIONS[key]
    if user.role not in roles:
        raise Forbidden(f"您的角色不能执行「{label}」")
    note = (note or "").strip() or None
    if to == "returned" and not note:
        raise InvalidInput("退回时必须填写退回原因")
    if to == "approved":
        open_n = db.scalar(
            select(func.count(StoredFinding.id)).where(
                StoredFinding.table_id == st.id,
                StoredFinding.active.is_(True),
                StoredFinding.state == "open",
            )
        )
        if open_n:
            raise InvalidInput(f"尚有 {open_n} 条发现未处理：请先逐条确认或驳回，再审核通过")
    old = st.status
    st.status = to
    st.updated_at = utcnow()
    st.updated_by_id = user.id
    log_change(
        db, user, "status", "table", st.id, table_id=st.id, field="status", old=old, new=to,
        note=note,
    )  # fmt: skip
    _flush(db, st)
    return st
