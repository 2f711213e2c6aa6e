"""Scores against values: rule scores, deviation reasons, measurable actuals, goals."""

from __future__ import annotations

from jixiao.audit.checks.data import suspicious_rows
from jixiao.audit.context import (
    Context,
    Row,
    fmt,
    is_no_reason,
    normalize,
)
from jixiao.audit.registry import (
    INSUFFICIENT,
    SELF_EVALUATIONS,
    CheckResult,
    Hit,
    check,
)
from jixiao.audit.settings import EXECUTION_EXPLANATION_WORDS
from jixiao.scoring import RowScore, indicator_sensitive, quantitative_variant_scores
from jixiao.values import Value

_EPS = 1e-9


def _rule_comparisons(ctx: Context) -> list[tuple[Row, RowScore, str, float, float]]:
    """Rows whose printed score is outside what the rules allow.

    Returns (row, its score, "below" | "above", lowest allowed, highest allowed).
    Cached on the context: both rule checks use it.
    """
    cached = ctx.memo.get("rule_comparisons")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    out: list[tuple[Row, RowScore, str, float, float]] = []
    sc = ctx.score
    if sc is not None:
        tol = ctx.tolerance
        damaged = suspicious_rows(ctx)
        for row, s in zip(ctx.rows, sc.indicators, strict=True):
            w, printed = row.weight, row.score
            if w is None or printed is None or printed > w + tol or printed < -tol:
                continue  # unscored, or out of range (score-exceeds-weight)
            if row.index in damaged:
                continue  # a damaged number (suspicious-number) says nothing of the score
            if s.method == "quantitative":
                if s.recomputed is None:
                    continue
                if "claim_only" in s.flags or "target_has_several_values" in s.flags:
                    continue  # no number to score, or an ambiguous target
                rec = s.recomputed
                if abs(printed - rec) <= tol + _EPS:
                    continue
                if indicator_sensitive(row.ind, ctx.rules) and any(
                    abs(printed - v) <= tol + _EPS
                    for v in quantitative_variant_scores(row.ind, ctx.rules)
                ):
                    continue  # a known practice (percentage points, rounding) gives it
                out.append((row, s, "below" if printed < rec else "above", rec, rec))
            elif s.method == "qualitative" and s.band is not None:
                lo, hi = s.band
                if lo <= _EPS and hi >= w - _EPS:
                    continue  # the tier could not be told: any score is admissible
                step = 0.01
                top = hi if s.band_closed else max(lo, hi - step)
                if printed < lo - tol - _EPS:
                    out.append((row, s, "below", lo, top))
                elif printed > top + tol + _EPS:
                    out.append((row, s, "above", lo, top))
    ctx.memo["rule_comparisons"] = out
    return out


def _rule_hits(ctx: Context, side: str) -> CheckResult:
    sc = ctx.score
    if sc is None:
        return INSUFFICIENT
    if not any(
        s.method in ("quantitative", "qualitative") and r.score is not None
        for r, s in zip(ctx.rows, sc.indicators, strict=True)
    ):
        return INSUFFICIENT
    hits: list[Hit] = []
    for row, s, which, lo, hi in _rule_comparisons(ctx):
        if which != side:
            continue
        expected: str | float = lo if lo == hi else f"{fmt(lo)} – {fmt(hi)}"
        hits.append(
            Hit(
                ctx.at_indicator(row, "score"),
                {
                    "found": fmt(row.score),
                    "expected": fmt(lo) if lo == hi else f"{fmt(lo)} 至 {fmt(hi)}",
                    "reason": s.reason,
                    "rules": ctx.rules.label,
                },
                expected=expected,
                found=row.score,
                tolerance=ctx.tolerance,
            )
        )
    return hits


@check(
    "score-below-rule",
    severity="warning",
    title="得分低于规则应得分",
    description="""
    定量指标达到目标应得满分，未达到时按 实际值 ÷ 目标值 × 分值（反向指标按 目标值 ÷ 实际值）计分；
    定性指标按“达成 / 部分达成 / 未达成”三档计分。本检查按规则集重算，填报得分低于应得分时报告
    （例如实际值已达到目标却被扣分）。规则集列出的常见口径（按百分点扣分、取整、截尾）能复现填报值时视为一致。
    """,
    template="得分 {found} 低于按规则（{rules}）应得的 {expected}：{reason}",
    group="scores",
    forms=SELF_EVALUATIONS,
    tolerance="规则集容差（0.005 分）；定性指标按档次区间",
)
def score_below_rule(ctx: Context) -> CheckResult:
    return _rule_hits(ctx, "below")


@check(
    "score-above-rule",
    severity="warning",
    title="得分高于规则应得分",
    description="""
    与 score-below-rule 相同的重算，填报得分高于规则允许的得分时报告，
    例如实际值未达到目标仍得满分或接近满分，或定性表述为“未完成”却得高分。
    """,
    template="得分 {found} 高于按规则（{rules}）应得的 {expected}：{reason}",
    group="scores",
    forms=SELF_EVALUATIONS,
    tolerance="规则集容差（0.005 分）；定性指标按档次区间",
)
def score_above_rule(ctx: Context) -> CheckResult:
    return _rule_hits(ctx, "above")


@check(
    "missing-deviation-reason",
    severity="warning",
    title="缺少偏差原因说明",
    description="""
    以下情形必须填写偏差原因分析：指标失分；实际值远超目标（达到目标的规则集倍数以上，mof-2020 为 2 倍，
    目标可能定得过低）；预算执行率低于 90%（须在实际完成情况中说明）。
    """,
    template="{what}，但未填写偏差原因",
    group="scores",
    forms=SELF_EVALUATIONS,
    tolerance="失分超过规则集容差（0.005 分）；远超目标按规则集 exceed_flag_ratio；执行率 90%",
)
def missing_deviation_reason(ctx: Context) -> CheckResult:
    tol = ctx.tolerance
    hits: list[Hit] = []
    checked = False
    flags_by_row: dict[int, list[str]] = {}
    if ctx.score is not None:
        flags_by_row = {
            r.index: s.flags for r, s in zip(ctx.rows, ctx.score.indicators, strict=True)
        }
    ratio = ctx.rules.quantitative.exceed_flag_ratio
    damaged = suspicious_rows(ctx)
    for row in ctx.rows:
        w, s = row.weight, row.score
        if w is None or s is None:
            continue
        checked = True
        if not is_no_reason(row.deviation):
            continue
        if s < w - tol - _EPS:
            hits.append(
                Hit(
                    ctx.at_indicator(row, "deviation"),
                    {"what": f"得分 {fmt(s)} 低于分值 {fmt(w)}（失分 {fmt(w - s)}）"},
                    expected="偏差原因分析",
                    found=None,
                )
            )
        elif "exceeded_far" in flags_by_row.get(row.index, []) and row.index not in damaged:
            times = _times(row) or f"{fmt(ratio)} 倍以上"
            hits.append(
                Hit(
                    ctx.at_indicator(row, "deviation"),
                    {
                        "what": f"实际值「{row.actual_text}」远超年度指标值「{row.target_text}」"
                        f"（为目标的 {times}，目标可能定得过低或填写有误）"
                    },
                    expected="偏差原因分析",
                    found=None,
                )
            )
    ex = ctx.score.execution if ctx.score is not None else None
    f = ctx.execution_fund
    if ex is not None and ex.rate is not None and f is not None:
        checked = True
        if ex.rate < ctx.settings.low_execution_rate - _EPS:
            achieved = normalize(ctx.table.goals.achieved or "")
            if not any(w in achieved for w in EXECUTION_EXPLANATION_WORDS):
                hits.append(
                    Hit(
                        ctx.at_fund(f, "rate"),
                        {
                            "what": f"执行率 {ex.rate:.2f}% 低于 {fmt(ctx.settings.low_execution_rate)}%"
                            "，实际完成情况中没有说明执行偏差"
                        },
                        expected="执行偏差的说明",
                        found=None,
                    )
                )
    return hits if checked else INSUFFICIENT


@check(
    "reason-without-deduction",
    severity="info",
    title="填写了偏差原因但未扣分",
    description="""
    填写了偏差原因，却得了满分（且实际值并未远超目标）。或者偏差确实存在而未扣分，或者原因一栏填写不当，值得核对。
    只写“已完成”“无偏差”之类的不算原因。
    """,
    template="偏差原因为「{reason}」，但得分 {found} 等于分值（未扣分）",
    group="scores",
    forms=SELF_EVALUATIONS,
    tolerance="规则集容差（0.005 分）",
)
def reason_without_deduction(ctx: Context) -> CheckResult:
    tol = ctx.tolerance
    hits: list[Hit] = []
    checked = False
    flags_by_row: dict[int, list[str]] = {}
    if ctx.score is not None:
        flags_by_row = {
            r.index: s.flags for r, s in zip(ctx.rows, ctx.score.indicators, strict=True)
        }
    for row in ctx.rows:
        w, s = row.weight, row.score
        if w is None or s is None:
            continue
        checked = True
        if is_no_reason(row.deviation):
            continue
        if s >= w - tol - _EPS and "exceeded_far" not in flags_by_row.get(row.index, []):
            hits.append(
                Hit(
                    ctx.at_indicator(row, "deviation"),
                    {"reason": _short(row.deviation or ""), "found": fmt(s)},
                    expected=f"低于 {fmt(w)} 的得分，或不填偏差原因",
                    found=s,
                )
            )
    return hits if checked else INSUFFICIENT


def _times(row: Row) -> str | None:
    """``6 倍``: how many times its target an actual is, when both are single numbers."""
    t, a = numeric_parts(row.target), numeric_parts(row.actual)
    if len(t) != 1 or len(a) != 1 or not t[0].number or a[0].number is None:
        return None
    return f"{fmt(a[0].number / t[0].number, 1)} 倍"


def _short(text: str, n: int = 30) -> str:
    s = " ".join(text.split())
    return s if len(s) <= n else s[: n - 1] + "…"


def numeric_parts(v: Value) -> list[Value]:
    if v.kind == "compound":
        return [p for p in v.parts if p.is_numeric]
    return [v] if v.is_numeric else []


@check(
    "unmeasurable-actual",
    severity="warning",
    title="实际完成值无法核对",
    description="""
    年度指标值是数值（如 ≥85%、同比下降 10%），实际完成值却只写“达成指标”“完成”等文字、为空、
    或写明“未测评”，或与目标方向相反（目标“提升”、实际“同比下降”），就无法核对目标是否达到，得分也就没有依据。
    """,
    template="实际完成值{problem}，无法核对年度指标值「{target}」{suffix}",
    group="scores",
    forms=SELF_EVALUATIONS,
)
def unmeasurable_actual(ctx: Context) -> CheckResult:
    hits: list[Hit] = []
    checked = False
    conflicts: set[int] = set()
    if ctx.score is not None:
        conflicts = {
            r.index
            for r, s in zip(ctx.rows, ctx.score.indicators, strict=True)
            if "direction_conflict" in s.flags
        }
    for row in ctx.indicator_rows:
        t, a = row.target, row.actual
        if t.kind in ("empty", "placeholder"):
            continue
        checked = True
        problem: str | None = None
        if a.claim == "not_assessed":
            problem = f"「{row.actual_text}」表明未测评"
        elif row.index in conflicts:
            problem = f"「{row.actual_text}」与年度指标值方向相反"
            same = [
                r.index
                for r in ctx.rows
                if r.index != row.index and r.actual_text and r.actual_text == row.actual_text
            ]
            if same:
                problem += f"（与第 {same[0]} 个指标的实际完成值相同，疑为复制）"
        elif numeric_parts(t) and not numeric_parts(a):
            if a.kind in ("empty", "placeholder"):
                problem = "为空" if a.kind == "empty" else f"为占位内容「{row.actual_text}」"
            else:
                problem = f"「{row.actual_text}」没有数值"
        if problem is None:
            continue
        w, s = row.weight, row.score
        suffix = ""
        if w is not None and s is not None and s >= w - ctx.tolerance:
            suffix = f"，却得满分 {fmt(s)}"
        hits.append(
            Hit(
                ctx.at_indicator(row, "actual"),
                {"problem": problem, "target": row.target_text, "suffix": suffix},
                expected="可与年度指标值比较的实际数值",
                found=row.actual_text,
            )
        )
    return hits if checked else INSUFFICIENT


@check(
    "goal-copied-as-achievement",
    severity="warning",
    title="实际完成情况照抄年度目标",
    description="""
    “实际完成情况”应写明实际做了什么、完成到什么程度。与“年度总体目标”一字不差，
    或只在末尾加了几个字（如“基本完成”），等于没有填写。
    """,
    template="实际完成情况{how}照抄了年度总体目标，没有说明实际完成情况",
    group="scores",
    forms=SELF_EVALUATIONS,
    tolerance="末尾增加不超过 12 个字仍视为照抄；目标少于 10 个字不比较",
)
def goal_copied_as_achievement(ctx: Context) -> CheckResult:
    g = ctx.table.goals
    if g.annual is None or g.achieved is None:
        return INSUFFICIENT
    annual = normalize(g.annual).rstrip("。.；;，,")
    achieved = normalize(g.achieved).rstrip("。.；;，,")
    s = ctx.settings
    if len(annual) < s.copied_goal_min_chars:
        return INSUFFICIENT
    how: str | None = None
    if achieved == annual:
        how = ""
    elif achieved.startswith(annual):
        extra = achieved[len(annual) :].lstrip("。.；;，,")
        if len(extra) <= s.copied_goal_extra_chars:
            how = f"仅在末尾加上「{extra}」，其余"
    if how is None:
        return []
    return [
        Hit(
            ctx.at("goals", "achieved"),
            {"how": how},
            expected="实际完成情况的具体说明",
            found=_short(g.achieved, 40),
        )
    ]
