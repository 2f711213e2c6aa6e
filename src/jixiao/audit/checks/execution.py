"""预算执行: 执行率, its score, the basis it was computed on, budget adjustments."""

from __future__ import annotations

from jixiao.audit.checks.arithmetic import (
    execution_alternatives,
    initial_basis_score,
    printed_indicator_sum,
)
from jixiao.audit.context import Context, fmt, money
from jixiao.audit.registry import (
    INSUFFICIENT,
    NOT_APPLICABLE,
    PROJECT_SELF_EVALUATION,
    SELF_EVALUATIONS,
    CheckResult,
    Hit,
    check,
)

_EPS = 1e-9


def rate_matches(printed: float, exact: float, ctx: Context) -> bool:
    """A printed 执行率 (percent) matches the exact one: rounded or truncated."""
    s = ctx.settings
    if abs(printed - exact) <= s.rate_tolerance + _EPS:
        return True
    return printed == int(printed) and abs(printed - exact) <= s.rate_integer_tolerance + _EPS


@check(
    "execution-rate-mismatch",
    severity="error",
    title="执行率与执行数、预算数不符",
    description="""
    执行率 = 全年执行数 ÷ 全年预算数（调整后预算数）。本检查用表上的执行数和预算数重算每一行的执行率，
    与填报的执行率比较。四舍五入或截尾到两位小数、或取整数，都视为一致。
    若填报值与 执行数 ÷ 年初预算数 一致，改由 execution-basis-initial-budget 报告。
    """,
    template="{fund}执行率填报 {found}%，按 全年执行数 {executed} ÷ 全年预算数 {budget} 应为 {expected}%",
    group="execution",
    forms=SELF_EVALUATIONS,
    tolerance="0.01 个百分点（两位小数的四舍五入或截尾）；填报为整数时 0.5 个百分点",
)
def execution_rate_mismatch(ctx: Context) -> CheckResult:
    hits: list[Hit] = []
    checked = False
    for f in ctx.table.funds:
        if f.rate is None or f.executed is None or f.budget is None or f.budget <= 0:
            continue
        checked = True
        exact = f.executed / f.budget * 100
        if rate_matches(f.rate, exact, ctx):
            continue
        if (
            f.initial_budget
            and f.initial_budget > 0
            and rate_matches(f.rate, f.executed / f.initial_budget * 100, ctx)
        ):
            continue  # computed on 年初预算数: reported by execution-basis-initial-budget
        hits.append(
            Hit(
                ctx.at_fund(f, "rate"),
                {
                    "fund": f.item,
                    "found": fmt(f.rate),
                    "executed": money(f.executed),
                    "budget": money(f.budget),
                    "expected": f"{exact:.2f}",
                },
                expected=round(exact, 4),
                found=f.rate,
                tolerance=ctx.settings.rate_tolerance,
            )
        )
    return hits if checked else INSUFFICIENT


@check(
    "execution-score-mismatch",
    severity="error",
    title="执行率得分与规则不符",
    description="""
    预算执行率得分 = 执行率 × 分值（执行率超过 100% 按 100% 计），保留两位小数。
    本检查按规则集重算执行率得分并与填报值比较；规则集列出的其他常见口径（如分档、取整）能复现填报值时视为一致，
    按年初预算数计算的情形由 execution-basis-initial-budget 报告。
    """,
    template="执行率得分填报 {found}，按规则应为 {expected}（{reason}）",
    group="execution",
    forms=PROJECT_SELF_EVALUATION,
    tolerance="规则集容差（0.005 分）",
)
def execution_score_mismatch(ctx: Context) -> CheckResult:
    ex = ctx.score.execution if ctx.score is not None else None
    if ex is None or ex.printed_score is None or ex.score is None:
        return INSUFFICIENT
    tol = ctx.tolerance
    if abs(ex.score - ex.printed_score) <= tol + _EPS:
        return []
    ib = initial_basis_score(ctx)
    if ib is not None and abs(ib[1] - ex.printed_score) <= tol + _EPS:
        return []  # reported by execution-basis-initial-budget
    if any(abs(alt - ex.printed_score) <= tol + _EPS for _, _, alt in execution_alternatives(ctx)):
        return []  # a known practice of the rule set (bands, rounding) gives it
    f = ctx.execution_fund
    loc = ctx.at_fund(f, "score") if f is not None else ctx.at("funds", "score")
    return [
        Hit(
            loc,
            {"found": fmt(ex.printed_score), "expected": fmt(ex.score), "reason": ex.reason},
            expected=ex.score,
            found=ex.printed_score,
            tolerance=tol,
        )
    ]


@check(
    "execution-basis-initial-budget",
    severity="warning",
    title="执行率按年初预算数计算",
    description="""
    规则要求执行率按 全年执行数 ÷ 全年预算数（调整后预算数）计算。若填报的执行率、执行率得分或总分
    恰好与按 年初预算数 计算的结果一致，说明填报人用了年初预算数作分母。
    这常常解释了总分与各项得分之和的差额（如 96.38 = 7.38 + 89）。
    """,
    template="{evidence}与按年初预算数计算的结果一致（{executed} ÷ {initial} = {ib_rate}%，"
    "得分 {ib_score}），而规则要求按全年预算数计算（{executed} ÷ {budget} = {rate}%，得分 {score}）",
    group="execution",
    forms=PROJECT_SELF_EVALUATION,
    tolerance="执行率 0.01 个百分点；得分与总分按规则集容差（0.005 分）",
)
def execution_basis_initial_budget(ctx: Context) -> CheckResult:
    f = ctx.execution_fund
    if f is None or f.initial_budget is None or f.budget is None:
        return NOT_APPLICABLE
    if abs(f.initial_budget - f.budget) <= ctx.settings.money_tolerance:
        return NOT_APPLICABLE  # both bases give the same rate
    if f.executed is None or f.initial_budget <= 0 or f.budget <= 0:
        return INSUFFICIENT  # one of the two rates cannot be computed
    ib = initial_basis_score(ctx)
    ex = ctx.score.execution if ctx.score is not None else None
    if ib is None or ex is None:
        return INSUFFICIENT
    ib_rate, ib_score = ib
    tol = ctx.tolerance
    budget_rate = f.executed / f.budget * 100
    evidence: list[str] = []
    if (
        f.rate is not None
        and rate_matches(f.rate, ib_rate, ctx)
        and not rate_matches(f.rate, budget_rate, ctx)
    ):
        evidence.append(f"填报执行率 {fmt(f.rate)}%")
    if (
        f.score is not None
        and abs(f.score - ib_score) <= tol + _EPS
        and (ex.score is None or abs(f.score - ex.score) > tol + _EPS)
    ):
        evidence.append(f"填报执行率得分 {fmt(f.score)}")
    t = ctx.table
    if t.total is not None and t.total.score is not None and not evidence:
        ind_sum = printed_indicator_sum(ctx)
        printed_sum = (f.score or 0.0) + ind_sum
        if abs(ib_score + ind_sum - t.total.score) <= tol + _EPS and (
            abs(printed_sum - t.total.score) > tol + _EPS
        ):
            evidence.append(
                f"填报总分 {fmt(t.total.score)}（= {fmt(ib_score)} + 各指标得分 {fmt(ind_sum)}）"
            )
    if not evidence:
        return []
    rate_s = f"{budget_rate:.2f}"
    return [
        Hit(
            ctx.at_fund(f, "rate"),
            {
                "evidence": "、".join(evidence),
                "executed": money(f.executed),
                "initial": money(f.initial_budget),
                "budget": money(f.budget),
                "ib_rate": f"{ib_rate:.2f}",
                "ib_score": fmt(ib_score),
                "rate": rate_s,
                "score": fmt(ex.score),
            },
            expected=f"按全年预算数：执行率 {rate_s}%，得分 {fmt(ex.score)}",
            found=f"按年初预算数：执行率 {ib_rate:.2f}%，得分 {fmt(ib_score)}",
            tolerance=tol,
        )
    ]


@check(
    "budget-adjusted",
    severity="warning",
    title="预算调整幅度大",
    description="""
    全年预算数与年初预算数相差达到规则集设定的比例（mof-2020 为 20%）时报告。
    年中调减预算会使执行率看起来很高，掩盖执行不足；按年初预算数计算的执行率一并列出，调整原因应当说明。
    """,
    template="全年预算数较年初预算数{direction} {pct}%（{initial} → {budget}）{consequence}",
    group="execution",
    forms=PROJECT_SELF_EVALUATION,
    tolerance="规则集 execution.adjustment_flag（mof-2020 为 20%）",
)
def budget_adjusted(ctx: Context) -> CheckResult:
    f = ctx.execution_fund
    if f is None or f.initial_budget is None:
        return NOT_APPLICABLE
    if f.budget is None:
        return INSUFFICIENT
    if f.initial_budget <= 0:
        return NOT_APPLICABLE  # no 年初预算: an addition, not an adjustment of it
    change = (f.budget - f.initial_budget) / f.initial_budget
    limit = ctx.rules.execution.adjustment_flag
    if abs(change) < limit - _EPS:
        return []
    consequence = ""
    if change < 0 and f.executed is not None:
        ib_rate = f.executed / f.initial_budget * 100
        shown = f"（填报 {fmt(f.rate)}%）" if f.rate is not None else ""
        consequence = f"；按年初预算数计算执行率为 {ib_rate:.2f}%{shown}"
        if f.budget > 0 and f.executed / f.budget * 100 > ib_rate + 1:
            consequence += "，调减掩盖了执行不足"
        consequence += "，应说明调整原因"
    elif change > 0:
        consequence = "；追加预算应说明原因"
    return [
        Hit(
            ctx.at_fund(f, "budget"),
            {
                "direction": "调减" if change < 0 else "调增",
                "pct": f"{abs(change) * 100:.2f}",
                "initial": money(f.initial_budget),
                "budget": money(f.budget),
                "consequence": consequence,
            },
            expected=f"调整幅度小于 {fmt(limit * 100)}%",
            found=f"{change * 100:+.2f}%",
        )
    ]
