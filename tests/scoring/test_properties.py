"""Properties of the engine on generated tables (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from score_helpers import project, row

from jixiao.models import Indicator
from jixiao.scoring import load_rules, score

RULES = [load_rules("mof-2020"), load_rules("shanghai-department")]
RULES += [RULES[0].with_variant(v.name) for v in RULES[0].variants]

weights = st.sampled_from([0.5, 1.0, 2.0, 2.5, 3.0, 5.0, 10.0, 15.0, 20.0, 30.0])
numbers = st.floats(min_value=0, max_value=1000, allow_nan=False).map(lambda x: round(x, 2))
printed = st.one_of(st.none(), st.floats(min_value=-5, max_value=40).map(lambda x: round(x, 2)))
units = st.sampled_from(["%", "(%)", "人", "个", "(件/人/年)", "万元", ""])
operators = st.sampled_from(["", "=", "≥", ">=", "≤", "<=", "<", ">", "不低于", "不超过"])
words = st.sampled_from(
    ["及时", "健全", "提升", "有效", "达成指标", "部分完成", "未完成", "滞后", "较好", "无", ""]
)
names = st.sampled_from(["完成率", "事故发生率", "投诉量", "满意度", "覆盖率", "单位成本", "数量"])


@st.composite
def quantitative_rows(draw: st.DrawFn) -> Indicator:
    unit = draw(units)
    target = f"{draw(operators)}{draw(numbers)}{unit}"
    actual = f"{draw(numbers)}{unit}"
    return row(target, actual, draw(weights), draw(printed), name=draw(names))


@st.composite
def qualitative_rows(draw: st.DrawFn) -> Indicator:
    return row(draw(words) or None, draw(words) or None, draw(weights), draw(printed))


rows = st.lists(st.one_of(quantitative_rows(), qualitative_rows()), max_size=25)


@settings(max_examples=200, deadline=None)
@given(
    rows,
    st.floats(min_value=0, max_value=1e7),
    st.floats(min_value=0, max_value=2e7),
    st.sampled_from(RULES),
)
def test_scores_stay_within_weights_and_totals_are_sums(
    indicators: list[Indicator], budget: float, executed: float, rules: object
) -> None:
    table = project(indicators, budget=budget, executed=executed, total=90.0)
    r = score(table, rules)  # type: ignore[arg-type]
    parts = 0.0
    for i in r.indicators:
        assert i.weight is not None
        if i.score is not None:
            assert -1e-9 <= i.score <= i.weight + 1e-9
            parts += i.score
        if i.band is not None:
            assert 0 <= i.band[0] <= i.band[1] <= i.weight + 1e-9
        if i.recomputed_score is not None:
            assert 0 <= i.recomputed_score <= i.weight + 1e-9
    ex = r.execution
    assert ex is not None and ex.weight == 10.0
    if ex.score is not None:
        assert 0 <= ex.score <= 10.0 or not load_rules_cap(rules)
        parts += ex.score
    # (relative too: an uncapped 执行率 on a near-zero budget gives totals near 1e17,
    # where a float holds no second decimal)
    assert r.recomputed_total == pytest.approx(parts, abs=0.006, rel=1e-12)
    assert r.total_band is not None
    assert r.total_band[0] - 0.006 <= (r.recomputed_total or 0) <= r.total_band[1] + 0.006
    printed_sum = (ex.printed_score or 0) + sum(i.printed_score or 0 for i in r.indicators)
    assert r.printed_sum == pytest.approx(printed_sum, abs=0.006)
    assert r.recomputed_grade == r.recomputed_grade and r.recomputed_grade in (
        "优",
        "良",
        "中",
        "差",
    )


def load_rules_cap(rules: object) -> bool:
    return bool(rules.execution.cap)  # type: ignore[attr-defined]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["≥", ">=", "不低于", "达到", "=", ""]),
    numbers,
    st.floats(min_value=0, max_value=500).map(lambda x: round(x, 2)),
    st.sampled_from(["%", "人", "个", "(件/人/年)", ""]),
    weights,
    printed,
    st.sampled_from(RULES),
)
def test_a_reached_quantitative_target_always_gets_full_weight(
    op: str,
    target: float,
    extra: float,
    unit: str,
    weight: float,
    printed_score: float | None,
    rules: object,
) -> None:
    name = "完成数"  # a higher-is-better name
    ind = row(f"{op}{target}{unit}", f"{round(target + extra, 2)}{unit}", weight, printed_score)
    ind.name = name
    (i,) = score(project([ind]), rules).indicators  # type: ignore[arg-type]
    assert i.method == "quantitative"
    assert i.recomputed_score == weight


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["≤", "<=", "不超过", "不高于"]),
    numbers,
    st.floats(min_value=0, max_value=1).map(lambda x: round(x, 2)),
    weights,
    st.sampled_from(RULES),
)
def test_a_reached_reverse_target_always_gets_full_weight(
    op: str, target: float, share: float, weight: float, rules: object
) -> None:
    actual = round(target * share, 2)
    ind = row(f"{op}{target}%", f"{actual}%", weight, 0.0, name="事故发生率")
    (i,) = score(project([ind]), rules).indicators  # type: ignore[arg-type]
    assert i.recomputed_score == weight


@settings(max_examples=200, deadline=None)
@given(numbers.filter(lambda x: x > 0), st.floats(min_value=0, max_value=0.99), weights)
def test_a_missed_target_scores_less_than_full_and_in_proportion(
    target: float, share: float, weight: float
) -> None:
    actual = round(target * share, 2)
    if actual >= target:
        return
    (i,) = score(project([row(f"≥{target}", f"{actual}", weight, 0.0)])).indicators
    assert i.recomputed_score is not None
    assert i.recomputed_score == pytest.approx(actual / target * weight, abs=0.006)
    assert i.recomputed_score <= weight
