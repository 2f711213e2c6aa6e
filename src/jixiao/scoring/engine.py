"""The scoring engine: recompute a self-evaluation's 执行率, indicator scores and total.

The engine works on a :class:`jixiao.models.Table` as printed and a
:class:`RuleSet`; it never changes the table. The hot path (``_core``) works on
plain objects; pydantic results are built once per table at the end.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

from jixiao.models import Fund, Indicator, Table
from jixiao.scoring.results import (
    Difference,
    DifferenceKind,
    ExecutionScore,
    FundCheck,
    IndicatorScore,
    Level1Score,
    Method,
    TableScore,
    new,
    set_dict,
    set_extra,
    set_fields_set,
    set_private,
    shared_fields,
    trusted,
)
from jixiao.scoring.rules import (
    ExecutionRules,
    QuantitativeRules,
    Rounding,
    RuleSet,
    Variant,
    load_rules,
)
from jixiao.values import Value, direction_from_name, normalize, parse_value
from jixiao.values.parse import clear_caches as clear_value_caches
from jixiao.values.vocab import MONEY_SCALE

_EPS = 1e-9
# The parts of a rule set whose variants are recomputed from a table's memoised rows.
_CHEAP_SECTIONS = frozenset({"execution", "quantitative"})
TOTAL_FUND_ITEMS = ("年度资金总额", "资金总额", "总额", "项目资金总额", "合计", "总计")


# ---------------------------------------------------------------------------
# Numbers


def round_to(x: float, decimals: int, mode: Rounding = "half_up") -> float:
    """Round half up (not to even) or down, as scores are rounded on the forms."""
    m = 10.0**decimals
    if not math.isfinite(x * m):
        return x  # too large to carry decimals: nothing to round
    if mode == "down":
        return math.floor(x * m + 1e-7) / m
    return math.floor(x * m + 0.5 + 1e-7) / m


def _round2(x: float, _floor: Callable[[float], int] = math.floor) -> float:
    """``round_to(x, 2)``, without the general case's steps (totals and sums use it)."""
    y = x * 100.0
    if y - y != 0.0:  # not finite: nothing to round
        return x
    return _floor(y + 0.5 + 1e-7) / 100.0


def _close(a: float | None, b: float | None, tol: float) -> bool:
    return a is not None and b is not None and abs(a - b) <= tol + _EPS


_F_CACHE: dict[float, str] = {}


def _f(x: float | None) -> str:
    """A number for a reason text: ``20``, ``19.59``, ``0.5``."""
    if x is None:
        return "—"
    hit = _F_CACHE.get(x)
    if hit is not None:
        return hit
    if not math.isfinite(x) or abs(x) >= 1e15:
        out = f"{x:g}"
    else:
        r = round(x, 4)
        out = str(int(r)) if r == int(r) else f"{r:.4f}".rstrip("0").rstrip(".")
    if len(_F_CACHE) > 65536:
        _F_CACHE.clear()
    _F_CACHE[x] = out
    return out


def _s(x: float) -> str:
    return f"{x:.2f}"


# ---------------------------------------------------------------------------
# Internal results (plain, for speed)


@dataclass(slots=True, init=False)
class RowScore:
    """A row's score under a rule set, as the engine keeps it: memoised, and shared by
    every table with the row (``row_scores``). Read it; never change it.

    ``score`` is what enters the total, ``recomputed`` the recomputed score (None for
    bands), ``band`` the admissible band of a qualitative row, ``reason`` the reason
    in words; ``IndicatorScore`` holds the same fields with the row's place and names.
    """

    # (The defaults are those of ``__init__``.)
    method: Method
    score: float | None
    recomputed: float | None
    band: tuple[float, float] | None
    band_closed: bool
    reason: str
    flags: list[str]
    low: float
    high: float
    # True when the score depends on the quantitative rules (a missed numeric target).
    sensitive: bool
    target: Value | None  # set by ``_score_indicator``
    actual: Value | None
    # Unrounded comparisons under other quantitative rules (``_missed_raw``), by rules.
    raw: dict[tuple[object, ...], _Cmp | None] | None
    # Its ``IndicatorScore``'s ``__dict__``, but for the place, names and flags (``_row_result``).
    row: dict[str, Any] | None

    # Written out rather than generated: compiled (``jixiao.native``), a generated
    # ``__init__`` stays interpreted and took most of the cost of a new row's result.
    def __init__(
        self,
        method: Method,
        score: float | None,
        recomputed: float | None = None,
        band: tuple[float, float] | None = None,
        band_closed: bool = True,
        reason: str = "",
        flags: list[str] | None = None,
        low: float = 0.0,
        high: float = 0.0,
        sensitive: bool = False,
        raw: dict[tuple[object, ...], _Cmp | None] | None = None,
    ) -> None:
        self.method = method
        self.score = score
        self.recomputed = recomputed
        self.band = band
        self.band_closed = band_closed
        self.reason = reason
        self.flags = [] if flags is None else flags
        self.low = low
        self.high = high
        self.sensitive = sensitive
        self.target = None
        self.actual = None
        self.raw = raw
        self.row = None


@dataclass(slots=True)
class _Exec:
    item: str | None
    basis: Literal["budget", "initial_budget"]
    initial_budget: float | None
    budget: float | None
    executed: float | None
    rate: float | None  # fraction, unrounded
    printed_rate: float | None
    weight: float | None
    score: float | None
    printed_score: float | None
    reason: str
    flags: list[str]
    row: Fund  # the money row (``_execution_row``)


@dataclass(slots=True)
class _Core:
    execution: _Exec | None
    indicators: list[RowScore]
    total: float | None
    low: float
    high: float
    # Each row's fields (its model's ``__dict__``): a model's attributes cost more to
    # read, most of all from compiled code (``jixiao.native``), and every row's are read
    # for its key, its result and the sums.
    fields: list[dict[str, Any]]


# ---------------------------------------------------------------------------
# 预算执行率


def _execution_row(form: str, funds: list[Fund]) -> Fund | None:
    if form == "department_self_evaluation":
        rows = [f for f in funds if f.group == "资金来源"] or [f for f in funds if f.group is None]
        if not rows:
            return None
        budgets = [f.budget for f in rows if f.budget is not None]
        executed = [f.executed for f in rows if f.executed is not None]
        return Fund(
            item="资金来源合计" if len(rows) > 1 else rows[0].item,
            budget=sum(budgets) if budgets else None,
            executed=sum(executed) if executed else None,
            rate=rows[0].rate if len(rows) == 1 else None,
        )
    for f in funds:
        if f.weight is not None:
            return f
    for f in funds:
        if f.item in TOTAL_FUND_ITEMS:
            return f
    return funds[0] if funds else None


def _execution_score(
    rate: float, weight: float, rules: RuleSet, explain: bool = True
) -> tuple[float, str]:  # (score, how; "" unless explaining)
    ex = rules.execution
    if ex.mode == "bands" and ex.bands:
        pct = rate * 100
        for min_rate, fraction in ex.bands:  # highest first
            if pct >= min_rate - _EPS:
                s = min(round_to(fraction * weight, ex.decimals, ex.rounding), weight)
                if not explain:
                    return s, ""
                return s, f"执行率 ≥ {_f(min_rate)}% 档，得 {_f(fraction * 100)}% × {_f(weight)}"
        return 0.0, "执行率低于最低档，得 0 分"
    r = 1.0 if ex.cap and rate > 1.0 else rate
    s = round_to(r * weight, ex.decimals, ex.rounding)
    if ex.cap and s > weight:
        s = weight
    if not explain:
        return s, ""
    capped = "（超过 100% 按 100% 计）" if ex.cap and rate > 1.0 + _EPS else ""
    return s, f"{_f(round(r * 100, 4))}% × {_f(weight)}{capped}"


def _execution(table: Table, rules: RuleSet, explain: bool) -> _Exec | None:
    return _execution_of(table.form, table.funds, rules, explain)


def _execution_of(form: str, funds: list[Fund], rules: RuleSet, explain: bool) -> _Exec | None:
    if form not in ("project_self_evaluation", "department_self_evaluation"):
        return None
    return _execution_from(form, _execution_row(form, funds), rules, explain)


def _base(row: Fund, ex: ExecutionRules) -> tuple[float | None, str]:
    """The amount 执行数 is divided by, and its name."""
    if ex.basis == "budget":
        if row.budget is None and row.initial_budget is not None:
            return row.initial_budget, "年初预算数"
        return row.budget, "全年预算数"
    return row.initial_budget, "年初预算数"


def _execution_weight(form: str, row: Fund, ex: ExecutionRules) -> float | None:
    if row.weight is None and form == "project_self_evaluation":
        return ex.default_weight
    return row.weight


def _execution_value(form: str, row: Fund | None, rules: RuleSet) -> float | None:
    """The score ``_execution_from`` gives, without its reason and flags (for variants)."""
    if row is None:
        return None
    ex = rules.execution
    weight = _execution_weight(form, row, ex)
    base, _ = _base(row, ex)
    executed = row.executed
    if executed is None or base is None:
        return None
    if base <= 0 or not math.isfinite(executed / base):
        return 0.0 if executed == 0 and weight is not None else None
    if weight is None:
        return None
    return _execution_score(executed / base, weight, rules, False)[0]


def _execution_from(form: str, row: Fund | None, rules: RuleSet, explain: bool) -> _Exec | None:
    """执行率 of the money row ``row`` (from ``_execution_row``) under ``rules``."""
    if row is None:
        return None
    ex = rules.execution
    weight = _execution_weight(form, row, ex)
    flags: list[str] = []
    base, basis_label = _base(row, ex)
    if ex.basis == "budget" and row.budget is None and base is not None:
        flags.append("no_budget_used_initial")
    rate: float | None = None
    score: float | None = None
    reason = ""
    if row.executed is None or base is None:
        reason = f"缺少执行数或{basis_label}，无法计算执行率"
        flags.append("missing_amounts")
    elif base <= 0 or not math.isfinite(row.executed / base):
        if row.executed == 0:
            score = 0.0 if weight is not None else None
            reason = f"{basis_label}为 0 且无执行，执行率无法计算，按 0 分计"
            flags.append("zero_budget")
        else:
            reason = f"{basis_label}为 0 而执行数为 {row.executed:,.2f}，执行率无法计算"
            flags.append("zero_budget")
    else:
        rate = row.executed / base
        if weight is None:
            if explain:
                reason = (
                    f"执行率 = 执行数 {row.executed:,.2f} / {basis_label} {base:,.2f} = "
                    f"{_s(rate * 100)}%；本表执行率不单独计分"
                )
        else:
            score, how = _execution_score(rate, weight, rules, explain)
            if explain:
                reason = (
                    f"执行率 = 执行数 {row.executed:,.2f} / {basis_label} {base:,.2f} = "
                    f"{_s(rate * 100)}%；得分 {how} = {_s(score)}"
                )
    if (
        row.initial_budget
        and row.budget is not None
        and abs(row.budget - row.initial_budget) / row.initial_budget >= ex.adjustment_flag
    ):
        flags.append("large_budget_adjustment")
    return _Exec(
        item=row.item,
        basis=ex.basis,
        initial_budget=row.initial_budget,
        budget=row.budget,
        executed=row.executed,
        rate=rate,
        printed_rate=row.rate,
        weight=weight,
        score=score,
        printed_score=row.score,
        reason=reason,
        flags=flags,
        row=row,
    )


# ---------------------------------------------------------------------------
# Indicators


def _numeric_parts(v: Value) -> list[Value]:
    if v.kind == "compound":
        return [p for p in v.parts if p.is_numeric]
    return [v] if v.is_numeric else []


def _unit_factor(t: Value, a: Value) -> float | None:
    """The factor turning the actual's unit into the target's; None if incompatible."""
    tu, au = t.unit, a.unit
    if tu is None or au is None or tu == au:
        return 1.0
    if tu in MONEY_SCALE and au in MONEY_SCALE:
        return MONEY_SCALE[au] / MONEY_SCALE[tu]
    return None


# id(value) → (value, its description); the value is kept so its id stays its own.
_DESCRIBED: dict[int, tuple[Value, str]] = {}


def _describe(v: Value) -> str:
    hit = _DESCRIBED.get(id(v))
    if hit is not None and hit[0] is v:
        return hit[1]
    d = v.describe()
    if len(_DESCRIBED) > 65536:
        _DESCRIBED.clear()
    _DESCRIBED[id(v)] = (v, d)
    return d


@dataclass(slots=True, init=False)
class _Cmp:
    score: float  # unrounded, clamped to [0, w]
    reached: bool
    reason: str
    flags: list[str]

    def __init__(self, score: float, reached: bool, reason: str, flags: list[str]) -> None:
        self.score = score  # (written out: see RowScore)
        self.reached = reached
        self.reason = reason
        self.flags = flags


def _compare(t: Value, a: Value, w: float, q: QuantitativeRules, explain: bool) -> _Cmp | None:
    """Score one numeric actual against one numeric target; None if not comparable."""
    flags: list[str] = []
    ts, as_ = (_describe(t), _describe(a)) if explain else ("", "")
    if t.kind == "change" or a.kind == "change":
        if t.kind != "change" or a.kind != "change" or t.number is None or a.number is None:
            return None
        if _unit_factor(t, a) is None:
            return None
        if a.trend != t.trend:
            return _Cmp(0.0, False, f"实际 {as_} 与目标 {ts} 方向相反，得 0 分", ["opposite_trend"])
        x = x_hi = a.number
        y = t.number
        direction = "higher"
        pct = (t.unit or a.unit) == "%"
    else:
        factor = _unit_factor(t, a)
        if factor is None or a.number is None or t.number is None:
            return None
        x = a.number * factor
        x_hi = (a.upper if a.upper is not None else a.number) * factor
        y = t.number
        direction = t.direction or "exact"
        pct = (t.unit or a.unit) == "%"
    if direction == "lower":
        y_hi = t.upper if t.upper is not None else y
        if x_hi <= y_hi + _EPS:
            why = f"实际值 {as_} 未超过目标 {ts}（越低越好）" if explain else ""
            return _Cmp(w, True, why, flags)
        why = ""
        if q.reverse == "percentage_points" and pct:
            s = max(0.0, w - (x_hi - y_hi) * q.points_per_percent)
            if explain:
                why = (
                    f"实际值 {as_} 高于目标 {ts} {_f(x_hi - y_hi)} 个百分点（越低越好），"
                    f"每个百分点扣 {_f(q.points_per_percent)} 分"
                )
        elif q.reverse == "linear":
            s = (1 - (x_hi - y_hi) / y_hi) * w if y_hi > 0 else 0.0
            s = min(max(s, 0.0), w)
            if explain:
                why = f"实际值 {as_} 高于目标 {ts}（越低越好），按线性规则 (1 − ({_f(x_hi)} − {_f(y_hi)}) / {_f(y_hi)}) × {_f(w)}"
        else:
            s = y_hi / x_hi * w if x_hi > 0 else 0.0
            s = min(max(s, 0.0), w)
            if explain:
                why = f"实际值 {as_} 高于目标 {ts}（越低越好），按 目标/实际 {_f(y_hi)}/{_f(x_hi)} × {_f(w)}"
        return _Cmp(s, False, why, flags)
    # higher-is-better, or exact (treated as "at least", exceeding noted)
    if x >= y - _EPS:
        if direction == "exact" and t.upper is not None and x_hi > t.upper + _EPS:
            flags.append("above_range")
        if y > 0 and x / y >= q.exceed_flag_ratio:
            flags.append("exceeded_far")
        why = ""
        if explain:
            why = f"实际值 {as_} 达到目标 {ts}"
            if "exceeded_far" in flags:
                why += f"（实际为目标的 {_f(round(x / y, 2))} 倍，目标可能偏低，需说明）"
        return _Cmp(w, True, why, flags)
    why = ""
    if q.positive == "percentage_points" and pct:
        s = max(0.0, w - (y - x) * q.points_per_percent)
        if explain:
            why = (
                f"实际值 {as_} 低于目标 {ts} {_f(y - x)} 个百分点，"
                f"每个百分点扣 {_f(q.points_per_percent)} 分"
            )
    else:
        s = x / y * w if y > 0 else 0.0
        s = min(max(s, 0.0), w)
        if explain:
            why = f"实际值 {as_} 低于目标 {ts}，按比例 {_f(x)}/{_f(y)} × {_f(w)}"
    return _Cmp(s, False, why, flags)


def _comparisons(
    tq: list[Value], aq: list[Value], w: float, q: QuantitativeRules, explain: bool
) -> list[_Cmp]:
    """The actual's numbers against the target's: one pair, or every pair (none if any fails)."""
    results: list[_Cmp] = []
    if len(aq) == 1:
        for tp in tq:
            c = _compare(tp, aq[0], w, q, explain)
            if c is not None:
                return [c]
        return results
    pairs = [(tq[0], ap) for ap in aq] if len(tq) == 1 else list(zip(tq, aq, strict=False))
    for tp, ap in pairs:
        c = _compare(tp, ap, w, q, explain)
        if c is None:
            return []
        results.append(c)
    return results


def _raw_key(q: QuantitativeRules, w: float) -> tuple[object, ...]:
    """What an unrounded comparison depends on besides the row: the formulas and the weight."""
    return (q.positive, q.reverse, q.points_per_percent, w)


def _missed_raw(r: RowScore, w: float, q: QuantitativeRules) -> _Cmp | None:
    """The unrounded worst comparison of a sensitive row (a missed numeric target) under ``q``.

    Kept on the row's memoised result: rows repeat across tables, and every
    table whose printed total is explained asks for the same comparisons.
    """
    key = _raw_key(q, w)
    cache = r.raw
    if cache is None:
        cache = r.raw = {}
    elif key in cache:
        return cache[key]
    out: _Cmp | None = None
    t, a = r.target, r.actual
    if t is not None and a is not None:
        results = _comparisons(_numeric_parts(t), _numeric_parts(a), w, q, False)
        if results:
            out = results[0] if len(results) == 1 else min(results, key=lambda c: c.score)
    cache[key] = out
    return out


def _quantitative(
    t: Value, tq: list[Value], a: Value, w: float, rules: RuleSet, explain: bool
) -> RowScore | None:
    q = rules.quantitative
    aq = _numeric_parts(a)
    if not aq:
        if a.claim == "achieved" and a.kind == "qualitative":
            why = f"实际值「{a.text}」声明已达成，定量指标按达成计满分（未填实际数值）"
            return RowScore(
                "quantitative", w, w, reason=why if explain else "", flags=["claim_only"],
                low=w, high=w,
            )  # fmt: skip
        return None
    results = _comparisons(tq, aq, w, q, explain)
    if not results:
        return None
    if len(results) == 1:
        worst = results[0]
        flags = sorted(worst.flags) if len(worst.flags) > 1 else worst.flags
    else:
        worst = min(results, key=lambda c: c.score)
        flags = sorted({f for c in results for f in c.flags})
    # A reached target gets exactly its weight; a rounded score never exceeds it.
    s = w if worst.reached else min(round_to(worst.score, q.decimals, q.rounding), w)
    if len(tq) > 1 and len(aq) == 1:
        flags.append("target_has_several_values")
    reason = ""
    if explain:
        reason = "；".join(c.reason for c in results)
        if worst.reached:
            reason += f"，得满分 {_f(w)}"
        else:
            reason += f"，得 {_s(s)}/{_f(w)}"
        if "target_has_several_values" in flags:
            reason += "（目标含多个值，按第一个可比数值比较）"
    if worst.reached:
        return RowScore("quantitative", s, s, reason=reason, flags=flags, low=s, high=s)
    # A missed target: its unrounded comparison is the one ``_missed_raw`` would make
    # under these rules (rounding variants ask for it when a printed total is explained).
    raw: dict[tuple[object, ...], _Cmp | None] = {_raw_key(q, w): worst}
    return RowScore(
        "quantitative", s, s, reason=reason, flags=flags, low=s, high=s, sensitive=True, raw=raw,
    )  # fmt: skip


def _assess(t: Value, a: Value) -> tuple[str | None, str, list[str]]:
    """How far a qualitative actual reaches its target: achieved / partial / missed / None."""
    tn, an = normalize(t.text), normalize(a.text)
    if an and an == tn:
        return "achieved", "实际值与目标表述一致", []
    if a.claim == "not_assessed":
        return None, f"实际值「{a.text}」表明未测评，无法判定档次", ["not_assessed"]
    if a.number == 0 and a.kind in ("quantity", "duration") and t.trend is None:
        return "missed", "实际值为 0", []
    if a.claim == "partial":
        return "partial", f"实际值「{a.text}」表明部分达成", []
    if a.claim == "missed":
        return "missed", f"实际值「{a.text}」表明未达成", []
    if t.trend is not None and a.trend is not None:
        word = {"up": "上升", "down": "下降"}
        if a.trend == t.trend:
            return "achieved", f"实际值与目标方向一致（{word[t.trend]}）", []
        return (
            None,
            f"目标为{word[t.trend]}而实际值为{word[a.trend]}，方向相反，需核实口径",
            ["direction_conflict"],
        )
    if len(tn) >= 2 and tn in an:
        return "achieved", "实际值包含目标表述", []
    if a.claim == "achieved":
        return "achieved", f"实际值「{a.text}」表明已达成", []
    return None, "实际值未明确达成程度", ["unclear"]


def _qualitative(
    t: Value,
    a: Value,
    w: float,
    printed: float | None,
    rules: RuleSet,
    explain: bool,
    verdict: str | None,
    why: str,
    flags: list[str],
) -> RowScore:
    ql = rules.qualitative
    tiers = ql.tiers
    index = {"achieved": 0, "partial": 1, "missed": 2}.get(verdict or "", -1)
    if 0 <= index < len(tiers):
        tier = tiers[index]
        lo = round_to(tier.low * w, ql.decimals)
        hi = round_to(tier.high * w, ql.decimals)
        closed = tier.high_inclusive
        tier_name = f"属「{tier.name}」档"
    else:
        lo, hi, closed = 0.0, w, True
        tier_name = "不能判定档次，接受 0 至满分"
    step = 10.0 ** (-ql.decimals)
    top = hi if closed else max(lo, round_to(hi - step, ql.decimals))
    if printed is None:
        score = lo
        where = "未填得分，按区间下限计"
        flags = [*flags, "no_printed_score"]
    elif lo - _EPS <= printed <= top + _EPS:
        score = printed
        where = f"填报 {_s(printed)} 在区间内"
    else:
        score = lo if printed < lo else top
        where = f"填报 {_s(printed)} 不在区间内，按最近的区间值 {_s(score)} 计"
    reason = ""
    if explain:
        bracket = "]" if closed else ")"
        reason = f"定性指标：{why}，{tier_name}，得分区间 [{_s(lo)}, {_s(hi)}{bracket}；{where}"
    return RowScore(
        "qualitative", score, None, (lo, hi), closed, reason, flags, low=lo, high=top,
    )  # fmt: skip


def _as_printed(printed: float | None, w: float, why: str, flags: list[str]) -> RowScore:
    if printed is None:
        return RowScore("as_printed", None, None, reason=f"{why}；未填得分", flags=flags)
    s = min(max(printed, 0.0), w)
    if s != printed:
        flags = [*flags, "score_out_of_range"]
        why += f"；填报 {_s(printed)} 超出 [0, {_f(w)}]，按 {_s(s)} 计"
    return RowScore("as_printed", s, s, reason=why, flags=flags, low=s, high=s)


def _score_indicator(ind: Indicator, rules: RuleSet, explain: bool) -> RowScore:
    w = ind.weight
    printed = ind.score
    if w is None:
        return RowScore("not_scored", None, reason="未填分值，不计分")
    if ind.level1 in rules.as_printed_level1:
        return _as_printed(printed, w, f"{ind.level1}按填报得分计（规则 {rules.name}）", [])
    t = parse_value(ind.target, ind.name)
    a = parse_value(ind.actual, ind.name)
    if t.kind == "empty" and a.kind == "empty":
        out = _as_printed(printed, w, "未填年度指标值和实际完成值，按填报得分计", ["no_values"])
    elif t.kind == "placeholder":
        out = _qualitative(
            t, a, w, printed, rules, explain, None, f"年度指标值为占位内容「{t.text}」",
            ["placeholder_target"],
        )  # fmt: skip
    elif a.kind in ("empty", "placeholder"):
        out = _qualitative(t, a, w, printed, rules, explain, None, "未填实际完成值", ["no_actual"])
    else:
        tq = _numeric_parts(t)
        res = _quantitative(t, tq, a, w, rules, explain) if tq else None
        if res is not None:
            out = res
        else:
            verdict, why, flags = _assess(t, a)
            if tq and a.is_numeric and verdict is None:
                why = f"目标「{t.text}」与实际值「{a.text}」单位或口径不一致，无法比较"
                flags = ["unit_mismatch"]
            elif tq and verdict is None:
                why = f"定量目标「{t.text}」的实际值「{a.text}」没有数值"
                flags = ["quantitative_target_text_actual"]
            out = _qualitative(t, a, w, printed, rules, explain, verdict, why, flags)
    out.target, out.actual = t, a
    return out


# ---------------------------------------------------------------------------
# The whole table


# Scoring a row depends only on its printed texts, weight and score, the direction its
# name implies, and the rules; template rows (``=100%`` / ``100%`` / 5 / 5) repeat across
# tables, so results are memoised per rule set. Cached results are never mutated.
_MEMO: dict[int, tuple[RuleSet, dict[tuple[object, ...], RowScore]]] = {}
_MEMO_SIZE = 1 << 16


def _memo(rules: RuleSet) -> dict[tuple[object, ...], RowScore]:
    hit = _MEMO.get(id(rules))
    if hit is not None and hit[0] is rules:
        return hit[1]
    if len(_MEMO) > 64:
        _MEMO.clear()
    memo: dict[tuple[object, ...], RowScore] = {}
    _MEMO[id(rules)] = (rules, memo)
    return memo


def clear_caches() -> None:
    """Forget memoised row scores and parsed values (for benchmarks and tests)."""
    _MEMO.clear()
    _DESCRIBED.clear()
    _F_CACHE.clear()
    clear_value_caches()


def _row_keys(
    fields: list[dict[str, Any]], as_printed: list[str], explain: bool
) -> list[tuple[object, ...]]:
    """What each row's score depends on (besides the rules): the keys of the row memo.
    ``fields`` are the rows' ``Indicator`` fields (``vars(indicator)``)."""
    d = direction_from_name
    if as_printed:
        return [
            (
                f["level1"] if f["level1"] in as_printed else None,
                f["target"],
                f["actual"],
                d(f["name"]),
                f["weight"],
                f["score"],
                explain,
            )
            for f in fields
        ]
    return [
        (None, f["target"], f["actual"], d(f["name"]), f["weight"], f["score"], explain)
        for f in fields
    ]


def _new_row(
    ind: Indicator,
    key: tuple[object, ...],
    rules: RuleSet,
    explain: bool,
    memo: dict[tuple[object, ...], RowScore],
) -> RowScore:
    """Score a row not in the memo, and remember it."""
    r = _score_indicator(ind, rules, explain)
    if len(memo) >= _MEMO_SIZE:
        memo.clear()
    memo[key] = r
    return r


def _score_row(
    ind: Indicator, rules: RuleSet, explain: bool, memo: dict[tuple[object, ...], RowScore]
) -> RowScore:
    key = _row_keys([vars(ind)], rules.as_printed_level1, explain)[0]
    r = memo.get(key)
    return r if r is not None else _new_row(ind, key, rules, explain, memo)


def indicator_score(ind: Indicator, rules: RuleSet) -> float | None:
    """One row's recomputed score under ``rules`` (None for bands and unscored rows).

    The same number as ``score(table, rules).indicators[i].recomputed_score``,
    without building a whole result (the audit asks this under every variant).
    """
    return _score_row(ind, rules, False, _memo(rules)).recomputed


def indicator_sensitive(ind: Indicator, rules: RuleSet) -> bool:
    """Whether the row's score could change under other quantitative rules.

    True only for a missed numeric target; a reached one gets its full weight
    under every variant. (Looks up the result ``score`` memoised for the row.)
    """
    return _score_row(ind, rules, True, _memo(rules)).sensitive


def _variant_score(
    ind: Indicator, r: RowScore, rules: RuleSet, alt: RuleSet, cheap: bool
) -> float | None:
    """The score of row ``ind`` (memoised as ``r`` under ``rules``) under ``alt``, a variant
    of ``rules``; ``cheap`` when the variant changes only 执行率 and quantitative rules."""
    w = ind.weight
    raw = _missed_raw(r, w, alt.quantitative) if cheap and r.sensitive and w is not None else None
    if raw is None or w is None:
        return indicator_score(ind, alt)
    q = alt.quantitative
    return w if raw.reached else min(round_to(raw.score, q.decimals, q.rounding), w)


def _is_cheap(variant: Variant) -> bool:
    return all(k.split(".")[0] in _CHEAP_SECTIONS for k in variant.set)


def indicator_variant_score(ind: Indicator, rules: RuleSet, variant: Variant) -> float | None:
    """``indicator_score(ind, rules.with_variant(variant))``, cheaper for a sensitive row.

    A row that missed a numeric target (``indicator_sensitive``) scores under a
    variant of the quantitative rules by the same comparisons with another
    formula or rounding; these are kept on the row's memoised result and shared
    by the variants. Any other row, or a variant that changes more than the
    执行率 and quantitative rules, is scored afresh.
    """
    r = _score_row(ind, rules, True, _memo(rules))
    return _variant_score(ind, r, rules, rules.with_variant(variant), _is_cheap(variant))


# id(rules) → (rules, [(variant rules, cheap)] for the variants of quantitative scoring)
_QUANTITATIVE_VARIANTS: dict[int, tuple[RuleSet, list[tuple[RuleSet, bool]]]] = {}


def _quantitative_variants(rules: RuleSet) -> list[tuple[RuleSet, bool]]:
    hit = _QUANTITATIVE_VARIANTS.get(id(rules))
    if hit is not None and hit[0] is rules:
        return hit[1]
    out = [
        (rules.with_variant(v), _is_cheap(v))
        for v in rules.variants
        if any(k.startswith("quantitative.") for k in v.set)
    ]
    if len(_QUANTITATIVE_VARIANTS) > 256:
        _QUANTITATIVE_VARIANTS.clear()
    _QUANTITATIVE_VARIANTS[id(rules)] = (rules, out)
    return out


def quantitative_variant_scores(ind: Indicator, rules: RuleSet) -> Iterator[float]:
    """The row's score under each variant of ``rules`` that changes quantitative scoring,
    in the rule set's order, one at a time (None scores are skipped).

    As ``indicator_variant_score`` for each such variant, with the row looked up
    once; lazy, so a caller that stops at the first match scores no further variant.
    """
    r = _score_row(ind, rules, True, _memo(rules))
    for alt, cheap in _quantitative_variants(rules):
        s = _variant_score(ind, r, rules, alt, cheap)
        if s is not None:
            yield s


def execution_score(form: str, funds: list[Fund], rules: RuleSet) -> float | None:
    """The 执行率 score of a table with these money rows, as ``score(...).execution.score``."""
    if form not in ("project_self_evaluation", "department_self_evaluation"):
        return None
    return _execution_value(form, _execution_row(form, funds), rules)


def _core(table: Table, rules: RuleSet, explain: bool) -> _Core:
    execution = _execution(table, rules, explain)
    memo = _memo(rules)
    inds = table.indicators
    fields = [vars(i) for i in inds]
    keys = _row_keys(fields, rules.as_printed_level1, explain)
    rows = list(map(memo.get, keys))
    base = execution.score if execution is not None and execution.score is not None else 0.0
    total = low = high = base
    for n, r in enumerate(rows):
        if r is None:
            r = rows[n] = _new_row(inds[n], keys[n], rules, explain, memo)
        if r.score is not None:
            total += r.score
        low += r.low
        high += r.high
    # every row is filled in now
    return _Core(
        execution,
        cast("list[RowScore]", rows),
        _round2(total),
        _round2(low),
        _round2(high),
        fields,
    )


def _printed_indicator_sum(table: Table) -> float:
    return sum(i.score for i in table.indicators if i.score is not None and i.weight is not None)


# ---------------------------------------------------------------------------
# Explaining a printed total


@dataclass(slots=True, frozen=True)
class _Combo:
    variants: tuple[Variant, ...]
    rules: RuleSet
    sections: frozenset[str]
    name: str
    description: str
    # The rules with only the variants that touch 执行率 / quantitative scoring.
    execution_rules: RuleSet | None
    quantitative_rules: RuleSet | None


# id(rules) → (rules, combinations); the rule set is kept to check identity.
_COMBOS: dict[int, tuple[RuleSet, list[_Combo]]] = {}


def _touches(v: Variant, section: str) -> bool:
    return any(k.split(".")[0] == section for k in v.set)


def _combo(rules: RuleSet, variants: tuple[Variant, ...]) -> _Combo:
    ex = tuple(v for v in variants if _touches(v, "execution"))
    qu = tuple(v for v in variants if _touches(v, "quantitative"))
    return _Combo(
        variants=variants,
        rules=rules.with_variants(variants),
        sections=frozenset(k.split(".")[0] for v in variants for k in v.set),
        name="+".join(v.name for v in variants),
        description="；".join(v.description for v in variants),
        execution_rules=rules.with_variants(ex) if ex else None,
        quantitative_rules=rules.with_variants(qu) if qu else None,
    )


def _variant_combinations(rules: RuleSet) -> list[_Combo]:
    """Single variants, then pairs of variants that change different parts."""
    hit = _COMBOS.get(id(rules))
    if hit is not None and hit[0] is rules:
        return hit[1]
    singles = [_combo(rules, (v,)) for v in rules.variants]
    pairs = [
        _combo(rules, (a.variants[0], b.variants[0]))
        for a, b in itertools.combinations(singles, 2)
        if not a.sections & b.sections
    ]
    if len(_COMBOS) > 256:
        _COMBOS.clear()
    _COMBOS[id(rules)] = (rules, singles + pairs)
    return singles + pairs


# id(combos) → (combos, whether all are cheap, their distinct 执行率 rule sets)
_CHEAP: dict[int, tuple[list[_Combo], bool, list[RuleSet]]] = {}


def _cheap(combos: list[_Combo]) -> tuple[bool, list[RuleSet]]:
    """Whether every combination changes only 执行率 and quantitative scoring, and the
    distinct rule sets of their 执行率 variants (pairs share those of single variants)."""
    hit = _CHEAP.get(id(combos))
    if hit is not None and hit[0] is combos:
        return hit[1], hit[2]
    cheap = all(c.sections <= _CHEAP_SECTIONS for c in combos)
    distinct: dict[int, RuleSet] = {}
    for c in combos:
        if c.execution_rules is not None:
            distinct.setdefault(id(c.execution_rules), c.execution_rules)
    execution = list(distinct.values())
    if len(_CHEAP) > 256:
        _CHEAP.clear()
    _CHEAP[id(combos)] = (combos, cheap, execution)
    return cheap, execution


class _Alternatives:
    """Totals of one table under variants, each part (执行率, quantitative rows) computed once."""

    def __init__(self, table: Table, core: _Core) -> None:
        self.table = table
        self.core = core
        ex = core.execution
        self.base_exec = ex.score if ex is not None and ex.score is not None else 0.0
        self.row = ex.row if ex is not None else None
        self.sensitive = [
            (ind, r)
            for ind, r in zip(table.indicators, core.indicators, strict=True)
            if r.sensitive
        ]
        self.base_sensitive = sum(r.score or 0.0 for _, r in self.sensitive)
        self.rest = sum(r.score or 0.0 for r in core.indicators) - self.base_sensitive
        self._exec: dict[int, float] = {}
        self._quant: dict[int, float] = {}
        self._raw: dict[tuple[object, ...], list[_Cmp | None]] = {}

    def execution(self, rules: RuleSet) -> float:
        hit = self._exec.get(id(rules))
        if hit is None:
            hit = _execution_value(self.table.form, self.row, rules) or 0.0
            self._exec[id(rules)] = hit
        return hit

    def quantitative(self, rules: RuleSet) -> float:
        hit = self._quant.get(id(rules))
        if hit is None:
            q = rules.quantitative
            # Rounding variants share the unrounded comparisons of their base.
            key = (q.positive, q.reverse, q.points_per_percent)
            raws = self._raw.get(key)
            if raws is None:
                raws = self._raw[key] = [
                    _missed_raw(r, ind.weight, q) if ind.weight is not None else None
                    for ind, r in self.sensitive
                ]
            hit = 0.0
            for (ind, r), raw in zip(self.sensitive, raws, strict=True):
                w = ind.weight
                if raw is None or w is None:
                    hit += r.score or 0.0
                elif raw.reached:
                    hit += w
                else:
                    hit += min(round_to(raw.score, q.decimals, q.rounding), w)
            self._quant[id(rules)] = hit
        return hit

    def reachable(self, combos: list[_Combo], printed: float, tol: float) -> bool:
        """Whether any combination could give ``printed`` (a cheap bound first).

        Variants of 执行率 and of quantitative rows change only the 执行率 score and
        the scores of rows that missed a numeric target, each within [0, its weight].
        """
        cheap, execution_rules = _cheap(combos)
        if not cheap:
            return True
        room = sum(ind.weight or 0.0 for ind, _ in self.sensitive)
        slack = tol + 0.01  # totals are rounded to 2 decimals
        low, high = printed - self.rest - room - slack, printed - self.rest + slack
        if low <= self.base_exec <= high:
            return True
        return any(low <= self.execution(rules) <= high for rules in execution_rules)

    def total(self, combo: _Combo) -> float | None:
        if not combo.sections <= _CHEAP_SECTIONS:
            return _core(self.table, combo.rules, explain=False).total
        ex = self.base_exec
        if combo.execution_rules is not None:
            ex = self.execution(combo.execution_rules)
        qu = self.base_sensitive
        if combo.quantitative_rules is not None and self.sensitive:
            qu = self.quantitative(combo.quantitative_rules)
        return _round2(ex + self.rest + qu)


def _explain(
    table: Table, rules: RuleSet, core: _Core, printed_total: float
) -> tuple[str | None, str]:
    tol = rules.tolerance
    # 1. A whole rule variant reproduces the printed total.
    combos = _variant_combinations(rules)
    alternatives = _Alternatives(table, core)
    reachable = alternatives.reachable(combos, printed_total, tol)
    for combo in combos if reachable else ():
        alt_total = alternatives.total(combo)
        if alt_total is not None and _close(alt_total, printed_total, tol):
            return (
                combo.name,
                f"按「{combo.description}」重算总分为 {_s(alt_total)}，与填报总分一致",
            )
    printed_ind = _printed_indicator_sum(table)
    ex = core.execution
    printed_exec = ex.printed_score if ex is not None else None
    if _close(_round2((printed_exec or 0.0) + printed_ind), printed_total, tol):
        return None, "填报总分等于填报的执行率得分与各指标得分之和；与重算总分的差异来自以下得分"
    # 2. The printed indicator scores plus a 执行率 score on another basis.
    candidates: list[tuple[str, str, float]] = []
    if ex is not None and ex.score is not None:
        candidates.append((rules.name, "按本规则重算的执行率得分", ex.score))
    for combo in combos:
        if len(combo.variants) == 1 and combo.execution_rules is not None:
            if combo.sections != {"execution"} or ex is None or ex.score is None:
                continue
            alt_score = alternatives.execution(combo.execution_rules)
            candidates.append((combo.name, combo.description, alt_score))
    # (only single variants: a pair would also change the indicator scores)
    for name, desc, exec_score in candidates:
        if _close(_round2(exec_score + printed_ind), printed_total, tol):
            return name, (
                f"填报总分 {_s(printed_total)} = 执行率得分 {_s(exec_score)}（{desc}）"
                f"+ 各指标填报得分合计 {_s(printed_ind)}"
            )
    return None, "未找到能复现填报总分的计分口径"


# ---------------------------------------------------------------------------
# The result (plain dicts, validated once into a TableScore)


def _diff(
    kind: DifferenceKind,
    where: str,
    printed: float | None,
    recomputed: float | None,
    message: str,
) -> Difference:
    delta = None
    if printed is not None and recomputed is not None:
        delta = round(printed - recomputed, 4)
    return trusted(
        Difference,
        {
            "kind": kind,
            "where": where,
            "printed": printed,
            "recomputed": recomputed,
            "delta": delta,
            "message": message,
        },
    )


def _fund_checks(table: Table) -> list[FundCheck]:
    out: list[FundCheck] = []
    for f in table.funds:
        if f.rate is None:
            continue
        rec: float | None = None
        note: str | None = None
        if f.budget and f.executed is not None:
            exact = f.executed / f.budget * 100
            rec = _round2(exact) if math.isfinite(exact) else None
            if rec is None:
                note = "执行率无法计算（预算数接近 0）"
            elif not _close(rec, f.rate, 0.005):
                if _close(round_to(exact, 2, "down"), f.rate, 0.005):
                    note = f"填报执行率 {_s(f.rate)}% 系截尾而非四舍五入（{_f(round(exact, 4))}%）"
                elif _close(round_to(exact, 0), f.rate, 0.005):
                    note = f"填报执行率 {_s(f.rate)}% 系取整（{_f(round(exact, 4))}%）"
                else:
                    note = f"填报执行率 {_s(f.rate)}% 与 执行数/预算数 = {_s(rec)}% 不符"
        elif f.budget == 0:
            note = "全年预算数为 0，执行率无法计算"
        out.append(
            trusted(
                FundCheck,
                {
                    "item": f.item,
                    "budget": f.budget,
                    "executed": f.executed,
                    "printed_rate": f.rate,
                    "recomputed_rate": rec,
                    "note": note,
                },
            )
        )
    return out


def _execution_result(ex: _Exec, rules: RuleSet) -> ExecutionScore:
    rate = None if ex.rate is None else _round2(ex.rate * 100)
    ib_rate = ib_score = None
    if (
        rules.execution.basis == "budget"
        and ex.initial_budget
        and ex.executed is not None
        and ex.weight is not None
        and ex.budget != ex.initial_budget
    ):
        r = ex.executed / ex.initial_budget
        ib_rate = _round2(r * 100)
        ib_score, _ = _execution_score(r, ex.weight, rules, explain=False)
    reason = ex.reason
    if "large_budget_adjustment" in ex.flags and ex.initial_budget and ex.budget is not None:
        change = (ex.budget - ex.initial_budget) / ex.initial_budget * 100
        reason += f"；全年预算数较年初预算数调整 {change:+.2f}%"
        if ib_rate is not None:
            reason += f"（按年初预算数执行率为 {_s(ib_rate)}%，得分 {_s(ib_score or 0)}）"
    data = {
        "item": ex.item,
        "basis": ex.basis,
        "initial_budget": ex.initial_budget,
        "budget": ex.budget,
        "executed": ex.executed,
        "rate": rate,
        "printed_rate": ex.printed_rate,
        "weight": ex.weight,
        "score": ex.score,
        "printed_score": ex.printed_score,
        "initial_budget_rate": ib_rate,
        "initial_budget_score": ib_score,
        "reason": reason,
        "flags": list(ex.flags),
    }
    return trusted(ExecutionScore, data)


def _row_fields(r: RowScore) -> tuple[Any, ...]:
    t, a = r.target, r.actual
    return (
        t.kind if t is not None else "empty",
        a.kind if a is not None else "empty",
        t.direction if t is not None else None,
    )


def _row_result(ind: dict[str, Any], r: RowScore, tol: float) -> dict[str, Any]:
    """The ``__dict__`` of an ``IndicatorScore`` for the row with fields ``ind`` (its
    ``Indicator``'s ``__dict__``) scored as ``r``: the fields
    that depend only on the row memo's key (texts, weight, printed score), from ``target``
    to ``reason``, in declaration order among the row's place, names and flags, which are
    left None to be filled in for each table (``_indicator_models``).

    Kept on ``r``: every table with the row copies it.
    """
    printed, recomputed = ind["score"], r.score
    diff = None
    if recomputed is not None and printed is not None:
        d = printed - recomputed
        diff = round(d, 4) if (d > tol or d < -tol) else 0.0
    target_kind, actual_kind, direction = _row_fields(r)
    return {
        "index": None,
        "level1": None,
        "level2": None,
        "name": None,
        "target": ind["target"],
        "actual": ind["actual"],
        "target_kind": target_kind,
        "actual_kind": actual_kind,
        "direction": direction,
        "method": r.method,
        "weight": ind["weight"],
        "printed_score": printed,
        "recomputed_score": r.recomputed,
        "band": r.band,
        "band_closed": r.band_closed,
        "score": recomputed,
        "difference": diff,
        "reason": r.reason,
        "flags": None,
    }


def _indicator_models(
    fields: list[dict[str, Any]], rows: list[RowScore], tol: float
) -> list[IndicatorScore]:
    """Each row's ``IndicatorScore``: the memoised row's fields with its place and names
    (from ``fields``, the rows' ``Indicator`` fields)."""
    out: list[IndicatorScore] = []
    append = out.append
    fields_set = shared_fields(IndicatorScore)  # every field is set
    for n, (ind, r) in enumerate(zip(fields, rows, strict=True), start=1):
        row = r.row
        if row is None:
            row = r.row = _row_result(ind, r, tol)
        data = row.copy()  # a copy of a dict of the same keys: no key is hashed again
        data["index"] = n
        data["level1"] = ind["level1"]
        data["level2"] = ind["level2"]
        data["name"] = ind["name"]
        data["flags"] = r.flags.copy()
        m = new(IndicatorScore)  # trusted(IndicatorScore, data), inlined
        set_dict(m, data)
        set_fields_set(m, fields_set)
        set_extra(m, None)
        set_private(m, None)
        append(m)
    return out


def _indicator_sums(
    fields: list[dict[str, Any]], rows: list[RowScore], differences: list[Difference]
) -> tuple[dict[str, list[float]], float, float]:
    """The 一级 groups (一级 → [Σ weight, Σ printed score, Σ score]), Σ weights and
    Σ printed scores of weighted rows; each row's difference is added to ``differences``.

    Reads the fields ``_indicator_models`` kept on each memoised row.
    """
    groups: dict[str, list[float]] = {}
    weights = 0.0
    printed_ind = 0.0
    for n, (ind, r) in enumerate(zip(fields, rows, strict=True), start=1):
        row = r.row
        assert row is not None
        weight, printed, recomputed = row["weight"], row["printed_score"], r.score
        if row["difference"]:
            where = ind["name"] or ind["level2"] or f"第 {n} 个指标"
            differences.append(_diff("indicator", where, printed, recomputed, r.reason))
        level1 = ind["level1"] or "（未分类）"
        g = groups.get(level1)
        if g is None:
            g = groups[level1] = [0.0, 0.0, 0.0]
        if weight is not None:
            g[0] += weight
            weights += weight
            if printed is not None:
                printed_ind += printed
        if printed is not None:
            g[1] += printed
        if recomputed is not None:
            g[2] += recomputed
    return groups, weights, printed_ind


def row_scores(
    table: Table, rules: str | Path | RuleSet = "mof-2020"
) -> tuple[ExecutionScore | None, list[RowScore]]:
    """``score_rows`` with each row as the engine keeps it (a shared, read-only
    :class:`RowScore`) rather than an ``IndicatorScore`` model built for the table.

    For callers that read every row's score and keep none of them (the audit).
    """
    rs = load_rules(rules)
    execution, core = _scored_rows(table, rs)
    return execution, core.indicators if core is not None else []


def _scored_rows(table: Table, rs: RuleSet) -> tuple[ExecutionScore | None, _Core | None]:
    if table.form == "project_target":
        return None, None
    core = _core(table, rs, explain=True)
    execution = _execution_result(core.execution, rs) if core.execution is not None else None
    return execution, core


def score_rows(
    table: Table, rules: str | Path | RuleSet = "mof-2020"
) -> tuple[ExecutionScore | None, list[IndicatorScore]]:
    """``score(table, rules).execution`` and ``.indicators``, without totals or explanation.

    For callers that check rows one by one: the search for the basis of a printed
    total, the money-row checks and the 一级 sums are skipped.
    """
    rs = load_rules(rules)
    execution, core = _scored_rows(table, rs)
    if core is None or not core.indicators:
        return execution, []
    return execution, _indicator_models(core.fields, core.indicators, rs.tolerance)


def score(table: Table, rules: str | Path | RuleSet = "mof-2020") -> TableScore:
    """Recompute a table's 执行率, indicator scores and total under a rule set."""
    rs = load_rules(rules)
    out: dict[str, Any] = {
        "form": table.form,
        "title": table.title,
        "project": table.project,
        "unit_name": table.unit_name,
        "year": table.year,
        "rules": rs.label,
    }
    if table.form == "project_target":
        out["scored"] = False
        out["notes"] = ["绩效目标表没有实际完成值和得分，不评分"]
        return TableScore.model_validate(out)
    tol = rs.tolerance
    core = _core(table, rs, explain=True)
    ex = core.execution
    differences: list[Difference] = []
    notes: list[str] = []

    # 执行率
    execution = _execution_result(ex, rs) if ex is not None else None
    funds = _fund_checks(table)
    for fc in funds:
        if fc.note and fc.recomputed_rate is not None:
            differences.append(
                _diff(
                    "execution_rate",
                    f"执行率（{fc.item}）",
                    fc.printed_rate,
                    fc.recomputed_rate,
                    fc.note,
                )
            )
    if (
        ex is not None
        and ex.score is not None
        and ex.printed_score is not None
        and not _close(ex.score, ex.printed_score, tol)
    ):
        differences.append(
            _diff(
                "execution_score",
                "执行率得分",
                ex.printed_score,
                ex.score,
                f"填报执行率得分 {_s(ex.printed_score)}，重算 {_s(ex.score)}",
            )
        )

    # Indicators, and their 一级 groups
    indicators = _indicator_models(core.fields, core.indicators, tol)
    groups, weights, printed_ind = _indicator_sums(core.fields, core.indicators, differences)
    level1: list[Level1Score] = []
    for name, (w, ps, s) in groups.items():
        printed_w = table.level1_weights.get(name)
        level1.append(
            trusted(
                Level1Score,
                {
                    "level1": name,
                    "printed_weight": printed_w,
                    "weight": _round2(w),
                    "printed_score": _round2(ps),
                    "score": _round2(s),
                },
            )
        )
        if printed_w is not None and not _close(_round2(w), printed_w, tol):
            differences.append(
                _diff(
                    "level1_weight",
                    name,
                    printed_w,
                    _round2(w),
                    f"{name}所印权重 {_s(printed_w)}，其下分值之和 {_s(w)}",
                )
            )

    # Weights
    exec_weight = ex.weight if ex is not None and ex.weight is not None else 0.0
    total_weight = _round2(exec_weight + weights)
    printed_total_weight = table.total.weight if table.total else None
    if printed_total_weight is not None and not _close(total_weight, printed_total_weight, tol):
        differences.append(
            _diff(
                "weights",
                "总分值",
                printed_total_weight,
                total_weight,
                f"各项分值之和 {_s(total_weight)} 与总分值 {_s(printed_total_weight)} 不符",
            )
        )

    # Totals
    printed_total = table.total.score if table.total else None
    printed_exec = ex.printed_score if ex is not None and ex.printed_score is not None else 0.0
    printed_sum = _round2(printed_exec + printed_ind)
    recomputed_total = core.total
    consistent: bool | None = None
    explained_by: str | None = None
    explanation: str | None = None
    if printed_total is not None:
        if not _close(printed_sum, printed_total, tol):
            differences.append(
                _diff(
                    "arithmetic",
                    "总分",
                    printed_total,
                    printed_sum,
                    f"填报总分 {_s(printed_total)} 不等于填报的各项得分之和 {_s(printed_sum)}",
                )
            )
        consistent = _close(recomputed_total, printed_total, tol)
        if not consistent:
            explained_by, explanation = _explain(table, rs, core, printed_total)
            message = (
                f"填报总分 {_s(printed_total)}，按 {rs.label} 重算 {_s(recomputed_total or 0)}"
            )
            if explained_by:
                message += f"；可由「{explained_by}」复现"
            differences.append(_diff("total", "总分", printed_total, recomputed_total, message))
    else:
        notes.append("表上没有总分")
    out.update(
        scored=True,
        execution_rate=execution.rate if execution is not None else None,
        execution_score=execution.score if execution is not None else None,
        execution=execution,
        funds=funds,
        indicators=indicators,
        level1=level1,
        total_weight=total_weight,
        printed_total_weight=printed_total_weight,
        printed_total=printed_total,
        printed_sum=printed_sum,
        recomputed_total=recomputed_total,
        total_band=(core.low, core.high),
        printed_grade=rs.grade(printed_total),
        recomputed_grade=rs.grade(recomputed_total),
        consistent=consistent,
        explained_by=explained_by,
        explanation=explanation,
        differences=differences,
        notes=notes,
    )
    return trusted(TableScore, out)


def score_all(tables: list[Table], rules: str | Path | RuleSet = "mof-2020") -> list[TableScore]:
    """Score every table under one rule set."""
    rs = load_rules(rules)
    return [score(t, rs) for t in tables]
