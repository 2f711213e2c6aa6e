"""View models: a stored table laid out like the official form.

Each row carries its printed cells (editable, marked when corrected), the
recomputed numbers beside them, its source line and the findings about it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jixiao.models import Table
from jixiao.scoring import TableScore
from jixiao.store.models import User
from jixiao.store.queries import FindingRow, TableDetail
from jixiao.store.tables import (
    can_edit,
    can_review,
    corrected_fields,
    field_label,
    field_value,
    transitions_for,
)

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass(slots=True)
class CellView:
    field: str
    value: Any
    kind: str  # money, number, percent, text
    original: Any = None
    corrected: bool = False

    @property
    def label(self) -> str:
        return field_label(self.field)


@dataclass(slots=True)
class FundView:
    index: int
    key: str
    item: CellView
    group: str | None
    cells: dict[str, CellView]
    recomputed_rate: float | None = None
    recomputed_score: float | None = None
    rate_differs: bool = False
    score_differs: bool = False
    is_execution: bool = False
    reason: str = ""
    source: str = ""
    findings: list[FindingRow] = field(default_factory=list)


@dataclass(slots=True)
class IndicatorView:
    index: int  # 1-based
    key: str
    level1: str | None
    level1_span: int  # 0: covered by the row above
    level2: str | None
    level2_span: int
    cells: dict[str, CellView]
    method: str | None = None
    recomputed: float | None = None
    band: tuple[float, float] | None = None
    differs: bool = False
    reason: str = ""
    source: str = ""
    findings: list[FindingRow] = field(default_factory=list)


@dataclass(slots=True)
class DetailView:
    st: TableDetail
    table: Table
    score: TableScore
    funds: list[FundView]
    indicators: list[IndicatorView]
    fund_columns: list[tuple[str, str]]
    indicator_columns: list[tuple[str, str]]
    header: list[CellView]
    goals: list[CellView]
    total: dict[str, CellView]
    level1_weights: list[tuple[str, CellView]]
    findings_by_row: dict[str, list[FindingRow]]
    findings: list[FindingRow]
    resolved: list[FindingRow]
    corrections: list[str]
    can_edit: bool
    can_review: bool
    transitions: list[tuple[str, str]]
    total_differs: bool

    def row_findings(self, key: str) -> list[FindingRow]:
        return self.findings_by_row.get(key, [])


FUND_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "project_self_evaluation": [
        ("initial_budget", "年初预算数"),
        ("budget", "全年预算数"),
        ("executed", "全年执行数"),
        ("weight", "分值"),
        ("rate", "执行率"),
        ("score", "得分"),
    ],
    "department_self_evaluation": [
        ("budget", "全年预算数"),
        ("executed", "全年执行数"),
        ("rate", "执行率"),
    ],
    "project_target": [("budget", "金额")],
}
INDICATOR_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "project_self_evaluation": [
        ("name", "三级指标"),
        ("target", "年度指标值"),
        ("actual", "实际完成值"),
        ("weight", "分值"),
        ("score", "得分"),
        ("deviation", "偏差原因分析及改进措施"),
    ],
    "department_self_evaluation": [
        ("name", "三级指标"),
        ("target", "年度指标值"),
        ("actual", "实际完成值"),
        ("weight", "分值"),
        ("score", "得分"),
        ("deviation", "偏差原因分析及改进措施"),
    ],
    "project_target": [
        ("name", "三级指标"),
        ("target", "年度指标值"),
        ("weight", "分值"),
    ],
}
FUND_KINDS = {
    "initial_budget": "money",
    "budget": "money",
    "executed": "money",
    "weight": "number",
    "rate": "percent",
    "score": "number",
}
IND_KINDS = {"weight": "number", "score": "number"}


def _source(src: dict[str, Any] | None) -> str:
    if not src:
        return ""
    if src.get("cell"):
        return f"{src['sheet']}!{src['cell']}" if src.get("sheet") else str(src["cell"])
    lines = src.get("lines") or ([src["line"]] if src.get("line") else [])
    if not lines:
        return ""
    page = f"第 {src['page']} 页 " if src.get("page") and src["page"] > 1 else ""
    span = f"{lines[0]}" if len(lines) == 1 else f"{min(lines)}–{max(lines)}"
    return f"{page}第 {span} 行"


def _close(a: float | None, b: float | None, tol: float = 0.005) -> bool:
    if a is None or b is None:
        return True
    return abs(a - b) <= tol


def build_detail(st: TableDetail, user: User) -> DetailView:
    record = st.record
    # The original is read only for a corrected table.
    original = st.original if st.n_corrected else record
    table = Table.model_validate(record)
    score = TableScore.model_validate(st.score)

    same = original is record  # the usual case: nothing corrected yet

    def cell(path: str, kind: str) -> CellView:
        value = field_value(record, path)
        before = value if same else field_value(original, path)
        return CellView(path, value, kind, before, value != before)

    def row_cell(
        row: dict[str, Any], orow: dict[str, Any] | None, key: str, path: str, kind: str
    ) -> CellView:
        value = row.get(key)
        before = value if orow is None else orow.get(key)
        return CellView(path, value, kind, before, value != before)

    def orig_row(part: str, i: int) -> dict[str, Any] | None:
        if same:
            return None
        rows = original.get(part) or []
        return rows[i] if i < len(rows) else {}

    active = [f for f in st.findings if f.active]
    active.sort(key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.id))
    by_row: dict[str, list[FindingRow]] = {}
    for f in active:
        by_row.setdefault(f.row_key, []).append(f)

    execution = score.execution
    checks = {c.item: c for c in score.funds}
    funds: list[FundView] = []
    seen_exec = False
    for i, fund in enumerate(table.funds):
        key = f"fund-{i}"
        frow, forig = record["funds"][i], orig_row("funds", i)
        fv = FundView(
            index=i,
            key=key,
            item=row_cell(frow, forig, "item", f"funds.{i}.item", "text"),
            group=fund.group,
            cells={
                c: row_cell(frow, forig, c, f"funds.{i}.{c}", kind)
                for c, kind in FUND_KINDS.items()
            },
            source=_source(record["funds"][i].get("source")),
            findings=by_row.get(key, []),
        )
        if execution and not seen_exec and fund.item == execution.item:
            seen_exec = True
            fv.is_execution = True
            fv.recomputed_rate = execution.rate
            fv.recomputed_score = execution.score
            fv.rate_differs = not _close(execution.rate, fund.rate)
            fv.score_differs = not _close(execution.score, fund.score)
            fv.reason = execution.reason
        elif fund.item in checks:
            fv.recomputed_rate = checks[fund.item].recomputed_rate
            fv.rate_differs = not _close(fv.recomputed_rate, fund.rate)
        funds.append(fv)

    scores = {s.index: s for s in score.indicators}
    indicators: list[IndicatorView] = []
    for i, ind in enumerate(table.indicators):
        n = i + 1
        key = f"indicator-{n}"
        irow, iorig = record["indicators"][i], orig_row("indicators", i)
        s = scores.get(n)
        iv = IndicatorView(
            index=n,
            key=key,
            level1=ind.level1,
            level1_span=1,
            level2=ind.level2,
            level2_span=1,
            cells={
                c: row_cell(irow, iorig, c, f"indicators.{i}.{c}", IND_KINDS.get(c, "text"))
                for c in ("name", "target", "actual", "weight", "score", "deviation")
            },
            source=_source(record["indicators"][i].get("source")),
            findings=by_row.get(key, []),
        )
        if s is not None:
            iv.method = s.method
            iv.recomputed = s.recomputed_score if s.method != "qualitative" else s.score
            iv.band = s.band
            iv.reason = s.reason
            iv.differs = bool(s.difference)
        indicators.append(iv)
    _spans(indicators)

    form = table.form
    header_fields = ["title", "year", "project", "department", "unit_name", "money_unit"]
    if form == "department_self_evaluation":
        header_fields = ["title", "year", "department", "unit_name", "money_unit"]
    if table.project_kind:
        header_fields.insert(3, "project_kind")
    goals = [cell("goals.annual", "text")]
    if form == "project_target" or table.goals.overall:
        goals.insert(0, cell("goals.overall", "text"))
    if form != "project_target" or table.goals.achieved:
        goals.append(cell("goals.achieved", "text"))

    corrections = [] if same else corrected_fields(record, original)
    return DetailView(
        st=st,
        table=table,
        score=score,
        funds=funds,
        indicators=indicators,
        fund_columns=FUND_COLUMNS[form],
        indicator_columns=INDICATOR_COLUMNS[form],
        header=[cell(f, "number" if f == "year" else "text") for f in header_fields],
        goals=goals,
        total={"weight": cell("total.weight", "number"), "score": cell("total.score", "number")},
        level1_weights=[(k, cell(f"level1_weights.{k}", "number")) for k in table.level1_weights],
        findings_by_row=by_row,
        findings=active,
        resolved=[f for f in st.findings if not f.active],
        corrections=corrections,
        can_edit=can_edit(user, st),
        can_review=can_review(user, st),
        transitions=transitions_for(user, st),
        total_differs=not _close(score.printed_total, score.recomputed_total),
    )


def _spans(rows: list[IndicatorView]) -> None:
    """Merge equal 一级 / 二级 labels of consecutive rows, as the form prints them."""
    i = 0
    while i < len(rows):
        j = i + 1
        while j < len(rows) and rows[j].level1 == rows[i].level1:
            j += 1
        rows[i].level1_span = j - i
        for k in range(i + 1, j):
            rows[k].level1_span = 0
        a = i
        while a < j:
            b = a + 1
            while b < j and rows[b].level2 == rows[a].level2:
                b += 1
            rows[a].level2_span = b - a
            for k in range(a + 1, b):
                rows[k].level2_span = 0
            a = b
        i = j
