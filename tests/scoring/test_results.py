"""Results are built without validation (``trusted``): prove they are valid models."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from score_helpers import gold_tables
from test_properties import RULES, rows

from jixiao.models import Indicator
from jixiao.scoring import execution_score, indicator_score, score
from jixiao.scoring.results import IndicatorScore, TableScore, trusted


def assert_exact_model(m: BaseModel) -> None:
    """Every field present, nothing extra, and equal to its validated dump."""
    assert set(m.__dict__) == set(type(m).model_fields), type(m).__name__
    assert m.model_fields_set <= set(type(m).model_fields)
    for value in m.__dict__.values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, BaseModel):
                assert_exact_model(item)
    assert type(m).model_validate(m.model_dump()) == m


@pytest.mark.parametrize("rules", RULES, ids=lambda r: r.name)
def test_scores_of_the_seed_tables_are_valid_models(rules: Any) -> None:
    for table in gold_tables():
        assert_exact_model(score(table, rules))


@settings(max_examples=100, deadline=None)
@given(rows)
def test_scores_of_generated_tables_are_valid_models(indicators: list[Indicator]) -> None:
    from score_helpers import project

    for rules in RULES[:3]:
        assert_exact_model(score(project(indicators, executed=87.5, total=91.0), rules))


def test_rows_do_not_share_mutable_state() -> None:
    table = next(t for t in gold_tables() if t.form == "project_self_evaluation")
    a, b = score(table), score(table)
    a.indicators[0].flags.append("mutated")
    assert "mutated" not in b.indicators[0].flags
    assert "mutated" not in score(table).indicators[0].flags


def test_assigning_a_field_leaves_other_results_alone() -> None:
    table = next(t for t in gold_tables() if t.form == "project_self_evaluation")
    a, b = score(table), score(table)
    before = b.indicators[0].score
    a.indicators[0].score = -1.0
    a.indicators[1].reason = "changed"
    assert b.indicators[0].score == before != -1.0
    assert b.indicators[1].reason != "changed"
    assert b.indicators[0].model_fields_set == set(IndicatorScore.model_fields)


def test_a_missing_field_is_caught_by_the_check() -> None:
    m = trusted(IndicatorScore, {"index": 1, "method": "quantitative"})
    with pytest.raises(AssertionError):
        assert_exact_model(m)
    assert "indicators" in TableScore.model_fields


@pytest.mark.parametrize("rules", RULES, ids=lambda r: r.name)
def test_row_and_execution_shortcuts_agree_with_the_full_score(rules: Any) -> None:
    checked = 0
    for table in gold_tables():
        full = score(table, rules)
        if not full.scored:
            continue
        for ind, s in zip(table.indicators, full.indicators, strict=True):
            assert indicator_score(ind, rules) == s.recomputed_score
            checked += 1
        expected = full.execution.score if full.execution is not None else None
        assert execution_score(table.form, table.funds, rules) == expected
    assert checked > 100


@settings(max_examples=100, deadline=None)
@given(rows)
def test_rows_not_sensitive_score_the_same_under_every_quantitative_variant(
    indicators: list[Indicator],
) -> None:
    from jixiao.scoring import indicator_sensitive

    base = RULES[0]
    variants = [
        base.with_variant(v) for v in base.variants if any("quantitative." in k for k in v.set)
    ]
    assert variants
    for ind in indicators:
        if not indicator_sensitive(ind, base):
            expected = indicator_score(ind, base)
            assert all(indicator_score(ind, r) == expected for r in variants)


_AMOUNTS = st.one_of(st.none(), st.sampled_from([0.0, -5.0, 50.0, 100.0, 120.0, 1e-320]))


@settings(max_examples=200, deadline=None)
@given(
    form=st.sampled_from(["project_self_evaluation", "department_self_evaluation"]),
    initial=_AMOUNTS,
    budget=_AMOUNTS,
    executed=_AMOUNTS,
    weight=st.sampled_from([None, 0.0, 10.0, 20.0]),
)
def test_the_lean_execution_score_agrees_with_the_full_one(
    form: str,
    initial: float | None,
    budget: float | None,
    executed: float | None,
    weight: float | None,
) -> None:
    from jixiao.models import Fund, Table

    fund = Fund(
        item="年度资金总额", initial_budget=initial, budget=budget, executed=executed, weight=weight
    )
    table = Table(form=form, project="测试", year=2024, funds=[fund])
    for rules in RULES:
        full = score(table, rules).execution
        assert execution_score(form, [fund], rules) == (full.score if full else None)


@pytest.mark.parametrize("rules", RULES, ids=lambda r: r.name)
def test_score_rows_and_row_scores_are_the_rows_of_the_full_score(rules: Any) -> None:
    """``score_rows`` gives the full score's row models; ``row_scores`` (the audit's)
    the same scores as the engine keeps them."""
    from jixiao.scoring import row_scores, score_rows

    compared = 0
    for table in gold_tables():
        full = score(table, rules)
        execution, indicators = score_rows(table, rules)
        kept_execution, rows = row_scores(table, rules)
        if not full.scored:
            assert (execution, indicators) == (kept_execution, rows) == (None, [])
            continue
        assert execution == kept_execution == full.execution
        assert [i.model_dump() for i in indicators] == [i.model_dump() for i in full.indicators]
        assert len(rows) == len(full.indicators)
        for r, m in zip(rows, indicators, strict=True):
            assert_exact_model(m)
            assert (r.method, r.score, r.recomputed, r.band, r.band_closed, r.reason, r.flags) == (
                m.method, m.score, m.recomputed_score, m.band, m.band_closed, m.reason, m.flags,
            )  # fmt: skip
        compared += len(indicators)
    assert compared > 100


@settings(max_examples=60, deadline=None)
@given(rows, st.floats(min_value=50, max_value=100), st.floats(min_value=40, max_value=100))
def test_warm_caches_give_the_same_scores_as_cold_ones(
    indicators: list[Indicator], executed: float, total: float
) -> None:
    """Memoised rows and their variant comparisons never change a result."""
    from score_helpers import project

    from jixiao.scoring import clear_caches

    table = project(indicators, executed=executed, initial=90.0, total=round(total, 2))
    for rules in RULES:
        warm = [score(table, rules).model_dump() for _ in range(2)]
        clear_caches()
        cold = score(table, rules).model_dump()
        assert warm[0] == warm[1] == cold


def test_a_negative_zero_score_is_zero_so_memoised_rows_agree() -> None:
    """-0.0 equals 0.0, so rows differing only so share a memoised result; the models
    read a negative zero as 0, and the reason never says ``-0.00``."""
    from score_helpers import project

    from jixiao.scoring import clear_caches

    def row(printed: float) -> Indicator:
        return Indicator(
            level1="产出指标", level2="数量指标", name="指标", target="及时", actual="及时",
            weight=0.5, score=printed,
        )  # fmt: skip

    table = project([row(0.5), row(0.0), row(-0.0)], executed=50.0, total=40.0)
    assert [math.copysign(1.0, i.score or 0.0) for i in table.indicators] == [1.0, 1.0, 1.0]
    clear_caches()
    first = score(project([row(-0.0)], executed=50.0, total=40.0))
    assert "-0.00" not in first.indicators[0].reason
    warm = score(table).model_dump_json()
    clear_caches()
    assert score(table).model_dump_json() == warm
    assert "-0.00" not in warm


@settings(max_examples=150, deadline=None)
@given(rows)
def test_variant_scores_from_memoised_comparisons_equal_scoring_afresh(
    indicators: list[Indicator],
) -> None:
    from jixiao.scoring import indicator_variant_score

    for base in RULES:
        for ind in indicators:
            for v in base.variants:
                expected = indicator_score(ind, base.with_variant(v))
                assert indicator_variant_score(ind, base, v) == expected, (ind, v.name)


@settings(max_examples=100, deadline=None)
@given(rows)
def test_quantitative_variant_scores_are_the_variant_scores_in_order(
    indicators: list[Indicator],
) -> None:
    from jixiao.scoring import indicator_variant_score, quantitative_variant_scores

    seen = 0
    for base in RULES:
        quantitative = [
            v for v in base.variants if any(k.startswith("quantitative.") for k in v.set)
        ]
        seen += len(quantitative)
        for ind in indicators:
            expected = [indicator_variant_score(ind, base, v) for v in quantitative]
            got = list(quantitative_variant_scores(ind, base))
            assert got == [s for s in expected if s is not None], ind
    assert seen  # a built-in rule set names such variants


def test_variant_scores_are_checked_on_rows_that_missed_their_target() -> None:
    """The property above meets sensitive rows (else it would test only the fallback)."""
    from jixiao.scoring import indicator_sensitive, indicator_variant_score

    base = RULES[0]
    missed = [
        Indicator(level1="产出指标", name="完成率", target="≥95%", actual="90%", weight=10.0),
        Indicator(level1="产出指标", name="投诉率", target="≤2%", actual="3%", weight=10.0),
        Indicator(level1="产出指标", name="处理量", target="≥200件", actual="150件", weight=5.0),
    ]
    seen: set[float | None] = set()
    for ind in missed:
        assert indicator_sensitive(ind, base)
        for v in base.variants:
            got = indicator_variant_score(ind, base, v)
            assert got == indicator_score(ind, base.with_variant(v))
            seen.add(got)
    assert len(seen) > 3  # the variants do score these rows differently


@pytest.mark.parametrize("rules", RULES, ids=lambda r: r.name)
def test_the_row_memo_is_keyed_by_the_row_keys(rules: Any) -> None:
    """Scoring a table memoises each distinct row once, under its ``_row_keys`` key."""
    from jixiao.scoring import clear_caches, engine

    clear_caches()
    tables = [t for t in gold_tables() if t.form != "project_target"]
    for table in tables:
        score(table, rules)
    expected = {
        key
        for table in tables
        for key in engine._row_keys(
            [vars(i) for i in table.indicators], rules.as_printed_level1, True
        )
    }
    assert len(expected) > 50
    assert set(engine._memo(rules)) == expected


def test_row_results_hold_their_fields_in_declaration_order() -> None:
    """Rows built from a memoised row's fields read (repr) as validated ones do."""
    from jixiao.scoring import clear_caches

    clear_caches()
    tables = [t for t in gold_tables() if t.form != "project_target"]
    for _ in range(2):  # cold, then from the memoised rows
        for table in tables:
            for m in score(table).indicators:
                assert list(m.__dict__) == list(IndicatorScore.model_fields)
                assert repr(m) == repr(IndicatorScore.model_validate(m.model_dump()))
