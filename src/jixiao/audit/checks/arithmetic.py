"""Arithmetic: totals, weights, money rows and signs."""

from __future__ import annotations

from jixiao.audit.context import Context, cached_by_rules, fmt, money
from jixiao.audit.registry import (
    ALL_FORMS,
    INSUFFICIENT,
    NOT_APPLICABLE,
    SELF_EVALUATIONS,
    CheckResult,
    Hit,
    check,
)
from jixiao.models import Fund
from jixiao.scoring import RuleSet, execution_score

_EPS = 1e-9


def _close(a: float, b: float, tol: float) -> bool:
    return abs(a - b) <= tol + _EPS


# id(rules) → (rules, derived); the rule set is kept to check identity.
_INITIAL_BASIS: dict[int, tuple[RuleSet, RuleSet]] = {}


def _initial_basis_rules(rules: RuleSet) -> RuleSet:
    """The rule set with 执行率 = 执行数 / 年初预算数 (and no variants)."""
    hit = _INITIAL_BASIS.get(id(rules))
    if hit is not None and hit[0] is rules:
        return hit[1]
    execution = rules.execution.model_copy(update={"basis": "initial_budget"})
    derived = rules.model_copy(update={"execution": execution, "variants": []})
    if len(_INITIAL_BASIS) > 64:
        _INITIAL_BASIS.clear()
    _INITIAL_BASIS[id(rules)] = (rules, derived)
    return derived


def initial_basis_score(ctx: Context) -> tuple[float, float] | None:
    """(rate in percent, score) of the 执行率 row computed on 年初预算数, if computable."""
    f = ctx.execution_fund
    if f is None or not f.initial_budget or f.executed is None or f.initial_budget <= 0:
        return None
    rate = f.executed / f.initial_budget * 100
    ex = ctx.score.execution if ctx.score is not None else None
    if ex is not None and ex.initial_budget_score is not None:
        return rate, ex.initial_budget_score
    alt = execution_score(ctx.table.form, [f], _initial_basis_rules(ctx.rules))
    if alt is None:
        return None
    return rate, alt


def execution_alternatives(ctx: Context) -> list[tuple[str, str, float]]:
    """(variant, description, 执行率 score) under each execution variant of the rule set."""
    cached = ctx.memo.get("execution_alternatives")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    f = ctx.execution_fund
    if f is None:
        return []
    fund = f

    def compute() -> list[tuple[str, str, float]]:
        found: list[tuple[str, str, float]] = []
        for v in ctx.rules.variants:
            if not any(k.startswith("execution.") for k in v.set):
                continue
            alt = execution_score(ctx.table.form, [fund], ctx.rules.with_variant(v))
            if alt is not None:
                found.append((v.name, v.description, alt))
        return found

    key = ("execution", ctx.table.form, f.initial_budget, f.budget, f.executed, f.weight)
    out: list[tuple[str, str, float]] = cached_by_rules(ctx.rules, key, compute)
    ctx.memo["execution_alternatives"] = out
    return out


def printed_indicator_sum(ctx: Context) -> float:
    return sum(
        i.score for i in ctx.table.indicators if i.score is not None and i.weight is not None
    )


# ---------------------------------------------------------------------------


@check(
    "total-score-mismatch",
    severity="error",
    title="总分与各项得分之和不符",
    description="""
    总分应等于预算执行率得分与各项指标得分之和（部门整体自评表为各项指标得分之和）。
    本检查把表上填报的各项得分相加，与表上填报的总分比较；相差超过容差即报告，
    并尽量指出可能原因（例如执行率得分按年初预算数计算）。
    """,
    template="总分填报 {found}，而 {parts} = {expected}（相差 {delta}）",
    group="arithmetic",
    forms=SELF_EVALUATIONS,
    tolerance="规则集容差（mof-2020 为 0.005 分）",
)
def total_score_mismatch(ctx: Context) -> CheckResult:
    t = ctx.table
    if t.total is None or t.total.score is None:
        return INSUFFICIENT
    if not any(i.score is not None for i in t.indicators):
        return INSUFFICIENT
    ind_sum = printed_indicator_sum(ctx)
    exec_score: float | None = None
    if t.form == "project_self_evaluation":
        f = ctx.execution_fund
        exec_score = f.score if f is not None else None
        if f is not None and f.weight is not None and exec_score is None:
            return INSUFFICIENT  # the 执行率 has a weight but no printed score
    total = (exec_score or 0.0) + ind_sum
    printed = t.total.score
    tol = ctx.tolerance
    if _close(printed, total, tol):
        return []
    if exec_score is not None:
        parts = f"执行率得分 {fmt(exec_score)} + 各指标得分合计 {fmt(ind_sum)}"
    else:
        parts = "各指标得分合计"
    cause = _total_cause(ctx, printed, ind_sum)
    return [
        Hit(
            ctx.at("total", "score"),
            {
                "found": fmt(printed),
                "expected": fmt(total),
                "parts": parts,
                "delta": fmt(printed - total),
            },
            expected=round(total, 4),
            found=printed,
            tolerance=tol,
            cause=cause,
        )
    ]


def _total_cause(ctx: Context, printed: float, ind_sum: float) -> str | None:
    if ctx.table.form != "project_self_evaluation":
        return None
    ib = initial_basis_score(ctx)
    if ib is not None and _close(ib[1] + ind_sum, printed, ctx.tolerance):
        return (
            f"执行率得分按 执行数/年初预算数 计算（{fmt(ib[0])}%，得 {fmt(ib[1])} 分），"
            f"{fmt(ib[1])} + {fmt(ind_sum)} = {fmt(printed)}；"
            "规则要求按全年预算数计算（见 execution-basis-initial-budget）"
        )
    for name, description, alt in execution_alternatives(ctx):
        if _close(alt + ind_sum, printed, ctx.tolerance):
            return (
                f"执行率得分按「{description}」计算为 {fmt(alt)}，"
                f"{fmt(alt)} + {fmt(ind_sum)} = {fmt(printed)}（规则变体 {name}）"
            )
    return None


@check(
    "total-weight-mismatch",
    severity="error",
    title="总分值与各项分值之和不符",
    description="""
    总分值（通常为 100）应等于预算执行率分值与各项指标分值之和（部门整体自评表为各项指标分值之和）。
    """,
    template="总分值填报 {found}，而 {parts} = {expected}（相差 {delta}）",
    group="arithmetic",
    forms=SELF_EVALUATIONS,
    tolerance="规则集容差（mof-2020 为 0.005 分）",
)
def total_weight_mismatch(ctx: Context) -> CheckResult:
    t = ctx.table
    if t.total is None or t.total.weight is None:
        return INSUFFICIENT
    weights = [i.weight for i in t.indicators if i.weight is not None]
    if not weights:
        return INSUFFICIENT
    exec_weight: float | None = None
    if t.form == "project_self_evaluation":
        f = ctx.execution_fund
        exec_weight = f.weight if f is not None else None
    total = (exec_weight or 0.0) + sum(weights)
    if _close(t.total.weight, total, ctx.tolerance):
        return []
    parts = (
        f"执行率分值 {fmt(exec_weight)} + 各指标分值合计 {fmt(sum(weights))}"
        if exec_weight is not None
        else "各指标分值合计"
    )
    return [
        Hit(
            ctx.at("total", "weight"),
            {
                "found": fmt(t.total.weight),
                "expected": fmt(total),
                "parts": parts,
                "delta": fmt(t.total.weight - total),
            },
            expected=round(total, 4),
            found=t.total.weight,
            tolerance=ctx.tolerance,
        )
    ]


@check(
    "level1-weight-mismatch",
    severity="error",
    title="一级指标权重与其下分值之和不符",
    description="""
    部门整体自评表在一级指标旁印有权重（如 投入管理指标 30）。该权重应等于其下各指标分值之和。
    """,
    template="{level1}所印权重 {found}，其下各指标分值之和为 {expected}（相差 {delta}）",
    group="arithmetic",
    forms=SELF_EVALUATIONS,
    tolerance="规则集容差（0.005 分）",
)
def level1_weight_mismatch(ctx: Context) -> CheckResult:
    printed = ctx.table.level1_weights
    if not printed:
        return NOT_APPLICABLE
    sums: dict[str, float] = {}
    for row in ctx.rows:
        if row.weight is not None and row.level1 is not None:
            sums[row.level1] = sums.get(row.level1, 0.0) + row.weight
    hits: list[Hit] = []
    for level1, weight in printed.items():
        got = sums.get(level1, 0.0)
        if _close(weight, got, ctx.tolerance):
            continue
        hits.append(
            Hit(
                ctx.at("indicators", "weight", level1=level1),
                {
                    "level1": level1,
                    "found": fmt(weight),
                    "expected": fmt(got),
                    "delta": fmt(weight - got),
                },
                expected=round(got, 4),
                found=weight,
                tolerance=ctx.tolerance,
            )
        )
    return hits


# -- money rows ----------------------------------------------------------------

# Total row → (rows that must add up to it, rows that may be part of it).
FUND_SUMS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "年度资金总额": (("当年财政拨款", "上年结转资金", "其他资金"), ()),
    "项目资金总额": (("财政资金", "其他资金"), ()),
    # Target forms print 其他资金 once for both columns; it may belong here too.
    "年度资金申请总额": (("当年财政拨款", "上年结转资金"), ("其他资金",)),
}
GENERIC_TOTALS = ("资金总额", "总额", "合计", "总计")
MONEY_COLUMNS = ("initial_budget", "budget", "executed")


def _parts_for(funds: list[Fund], i: int) -> tuple[list[Fund], list[Fund]] | None:
    total = funds[i]
    by_item = {f.item: f for f in funds}
    if total.item in FUND_SUMS:
        need, maybe = FUND_SUMS[total.item]
        parts = [by_item[n] for n in need if n in by_item]
        optional = [by_item[n] for n in maybe if n in by_item and by_item[n] not in parts]
        return (parts, optional) if parts else None
    if total.item in GENERIC_TOTALS and total.group is None:
        parts = []
        for f in funds[i + 1 :]:
            if f.item in GENERIC_TOTALS or f.item in FUND_SUMS or f.group is not None:
                break
            parts.append(f)
        return (parts, []) if parts else None
    return None


def _column_sum(rows: list[Fund], column: str) -> float | None:
    values = [getattr(f, column) for f in rows]
    present = [v for v in values if v is not None]
    return sum(present) if present else None


@check(
    "fund-subrows-mismatch",
    severity="error",
    title="资金总额与其分项之和不符",
    description="""
    项目资金的总额行（年度资金总额、项目资金总额、年度资金申请总额）应等于其下各分项
    （当年财政拨款、上年结转资金、其他资金等）之和，年初预算数、全年预算数、全年执行数各列分别核对；
    部门整体自评表的资金来源合计应等于资金结构合计。空白分项按 0 计。
    """,
    template="{total}的{column} {found} 不等于{parts}之和 {expected}（相差 {delta}）",
    group="arithmetic",
    forms=ALL_FORMS,
    tolerance="0.01（按表上金额单位，元或万元）",
)
def fund_subrows_mismatch(ctx: Context) -> CheckResult:
    funds = ctx.table.funds
    if not funds:
        return INSUFFICIENT
    tol = ctx.settings.money_tolerance
    hits: list[Hit] = []
    checked = False
    if ctx.table.form == "department_self_evaluation":
        sources = [f for f in funds if f.group == "资金来源"]
        structure = [f for f in funds if f.group == "资金结构"]
        if not sources or not structure:
            return INSUFFICIENT
        for column in ("budget", "executed"):
            a, b = _column_sum(sources, column), _column_sum(structure, column)
            if a is None or b is None:
                continue
            checked = True
            if not _close(a, b, tol):
                hits.append(
                    Hit(
                        ctx.at_fund(sources[0], column).model_copy(update={"fund": "资金来源"}),
                        {
                            "total": "资金来源合计",
                            "column": _col(column),
                            "found": money(a),
                            "parts": "资金结构（" + "、".join(f.item for f in structure) + "）",
                            "expected": money(b),
                            "delta": money(round(a - b, 4)),
                        },
                        expected=round(b, 4),
                        found=round(a, 4),
                        tolerance=tol,
                    )
                )
        return hits if checked else INSUFFICIENT
    for i, total in enumerate(funds):
        found = _parts_for(funds, i)
        if found is None:
            continue
        parts, optional = found
        for column in MONEY_COLUMNS:
            value = getattr(total, column)
            s = _column_sum(parts, column)
            if value is None or s is None:
                continue
            checked = True
            alternatives = [s]
            extra = _column_sum(optional, column) if optional else None
            if extra is not None:
                alternatives.append(s + extra)
            if any(_close(value, alt, tol) for alt in alternatives):
                continue
            hits.append(
                Hit(
                    ctx.at_fund(total, column),
                    {
                        "total": total.item,
                        "column": _col(column),
                        "found": money(value),
                        "parts": "、".join(f.item for f in parts),
                        "expected": money(round(s, 4)),
                        "delta": money(round(value - s, 4)),
                    },
                    expected=round(s, 4),
                    found=value,
                    tolerance=tol,
                )
            )
    return hits if checked else INSUFFICIENT


def _col(column: str) -> str:
    return {
        "initial_budget": "年初预算数",
        "budget": "全年预算数",
        "executed": "全年执行数",
        "rate": "执行率",
    }[column]


@check(
    "negative-amount",
    severity="error",
    title="金额为负数",
    description="""
    预算数、执行数和执行率不应为负数。负数多为录入错误（如 -3），也会使资金合计对不上。
    """,
    template="{fund}的{column}为负数 {found}",
    group="arithmetic",
    forms=ALL_FORMS,
)
def negative_amount(ctx: Context) -> CheckResult:
    funds = ctx.table.funds
    if not funds:
        return INSUFFICIENT
    hits: list[Hit] = []
    for f in funds:
        for column in (*MONEY_COLUMNS, "rate"):
            value = getattr(f, column)
            if value is not None and value < 0:
                hits.append(
                    Hit(
                        ctx.at_fund(f, column),
                        {"fund": f.item, "column": _col(column), "found": money(value)},
                        expected="≥ 0",
                        found=value,
                    )
                )
    return hits


@check(
    "score-exceeds-weight",
    severity="error",
    title="得分超出分值",
    description="""
    每一项（预算执行率和各指标）的得分应在 0 与该项分值之间。得分大于分值或为负数，说明填报有误。
    """,
    template="{what}得分 {found} 不在 0 至分值 {weight} 之间",
    group="arithmetic",
    forms=SELF_EVALUATIONS,
    tolerance="规则集容差（0.005 分）",
)
def score_exceeds_weight(ctx: Context) -> CheckResult:
    tol = ctx.tolerance
    hits: list[Hit] = []
    checked = False
    for f in ctx.table.funds:
        if f.weight is None or f.score is None:
            continue
        checked = True
        if f.score > f.weight + tol or f.score < -tol:
            hits.append(
                Hit(
                    ctx.at_fund(f, "score"),
                    {"what": "预算执行率", "found": fmt(f.score), "weight": fmt(f.weight)},
                    expected=f"0 – {fmt(f.weight)}",
                    found=f.score,
                    tolerance=tol,
                )
            )
    for row in ctx.rows:
        w, s = row.weight, row.score
        if w is None or s is None:
            continue
        checked = True
        if s > w + tol or s < -tol:
            hits.append(
                Hit(
                    ctx.at_indicator(row, "score"),
                    {"what": "", "found": fmt(s), "weight": fmt(w)},
                    expected=f"0 – {fmt(w)}",
                    found=s,
                    tolerance=tol,
                )
            )
    return hits if checked else INSUFFICIENT
