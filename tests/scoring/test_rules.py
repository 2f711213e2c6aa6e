"""Rule sets as data: loading, variants, and the options they offer."""

from __future__ import annotations

from pathlib import Path

import pytest
from score_helpers import project, row

from jixiao.scoring import RulesError, builtin_rule_names, load_rules, round_to, score


def test_builtin_rule_sets() -> None:
    assert {"mof-2020", "shanghai-department"} <= set(builtin_rule_names())
    mof = load_rules("mof-2020")
    assert mof.label == "mof-2020@1"
    assert mof.sources and "财预〔2020〕10号" in mof.sources[0]
    assert [t.low for t in mof.qualitative.tiers] == [0.8, 0.6, 0.0]
    assert [(g.name, g.min) for g in mof.grades] == [("优", 90), ("良", 80), ("中", 60), ("差", 0)]
    assert load_rules("mof-2020") is mof  # loaded once
    dept = load_rules("shanghai-department")
    assert dept.as_printed_level1 == ["投入管理指标"]


def test_unknown_rules_are_an_error_naming_the_known_ones() -> None:
    with pytest.raises(RulesError, match="mof-2020"):
        load_rules("no-such-rules")
    with pytest.raises(RulesError):
        load_rules(Path("/nonexistent/rules.toml"))


def test_grades() -> None:
    mof = load_rules("mof-2020")
    assert [mof.grade(x) for x in (100, 90, 89.99, 80, 60, 59.99, 0)] == [
        "优",
        "优",
        "良",
        "良",
        "中",
        "差",
        "差",
    ]
    assert mof.grade(None) is None


def test_variants_override_fields_and_are_named() -> None:
    mof = load_rules("mof-2020")
    alt = mof.with_variant("initial-budget")
    assert alt.execution.basis == "initial_budget" and alt.name == "mof-2020+initial-budget"
    assert alt.variants == [] and mof.execution.basis == "budget"
    assert mof.with_variant("initial-budget") is alt  # cached
    with pytest.raises(RulesError):
        mof.variant("nope")


def test_a_rule_set_from_a_toml_file(tmp_path: Path) -> None:
    source = Path(__file__).parents[2] / "src/jixiao/scoring/rules/mof-2020.toml"
    text = source.read_text("utf-8").replace('name = "mof-2020"', 'name = "local"')
    text = text.replace("decimals = 2\nrounding", "decimals = 0\nrounding", 1)
    path = tmp_path / "local.toml"
    path.write_text(text, encoding="utf-8")
    rules = load_rules(path)
    assert rules.name == "local" and rules.execution.decimals == 0
    table = project([row("=100%", "100%", 90)], budget=100, executed=86.18)
    assert score(table, rules).execution_score == 9.0
    assert score(table, str(path)).execution_score == 9.0


def test_a_rule_set_from_yaml(tmp_path: Path) -> None:
    yaml = pytest.importorskip("yaml")
    data = load_rules("mof-2020").model_dump()
    data["name"] = "from-yaml"
    path = tmp_path / "r.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert load_rules(path).name == "from-yaml"


def test_an_invalid_rule_file_says_so(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('name = "bad"\n', encoding="utf-8")
    with pytest.raises(RulesError, match=r"bad\.toml"):
        load_rules(path)


def test_unknown_variant_field_is_an_error(tmp_path: Path) -> None:
    data = load_rules("mof-2020").model_dump()
    data["variants"] = [{"name": "x", "description": "x", "set": {"execution.nope": 1}}]
    from jixiao.scoring import rules_from_data

    with pytest.raises(RulesError, match=r"execution\.nope"):
        rules_from_data(data).with_variant("x")


# ---------------------------------------------------------------------------
# 执行率 options


def test_execution_rate_rounded_to_two_decimals_and_capped() -> None:
    # Shanghai 普陀 2022: 86.18% → 8.62
    assert score(project([], budget=100, executed=86.18)).execution_score == 8.62
    r = score(project([], budget=100, executed=120))
    assert r.execution_rate == 120.0 and r.execution_score == 10.0
    assert r.execution is not None and "超过 100%" in r.execution.reason


def test_execution_options() -> None:
    mof = load_rules("mof-2020")
    table = project([], budget=100, executed=86.18)
    assert score(table, mof.with_variant("integer-rounding")).execution_score == 9.0
    assert score(table, mof.with_variant("execution-bands")).execution_score == 8.0
    assert score(table, mof.with_variant("truncation")).execution_score == 8.61
    over = project([], budget=100, executed=120)
    assert score(over, mof.with_variant("no-cap")).execution_score == 12.0


def test_execution_basis_and_adjusted_budget() -> None:
    table = project([], budget=50, executed=50, initial=100)
    r = score(table)
    assert r.execution_score == 10.0
    assert r.execution is not None and r.execution.initial_budget_score == 5.0
    assert "large_budget_adjustment" in r.execution.flags
    alt = score(table, load_rules("mof-2020").with_variant("initial-budget"))
    assert alt.execution_rate == 50.0 and alt.execution_score == 5.0


def test_zero_budget_scores_zero_without_dividing() -> None:
    r = score(project([], budget=0, executed=0, initial=245000, exec_score=0))
    assert r.execution_rate is None and r.execution_score == 0.0
    assert r.execution is not None and "zero_budget" in r.execution.flags


# ---------------------------------------------------------------------------
# Indicator options


def test_positive_indicator_missed_is_proportional() -> None:
    r = score(project([row(">=98%", "96%", 20, 18)]))
    (i,) = r.indicators
    assert i.recomputed_score == 19.59
    assert i.reason == "实际值 96% 低于目标 ≥98%，按比例 96/98 × 20，得 19.59/20"


def test_percentage_points_option() -> None:
    rules = load_rules("mof-2020").with_variant("percentage-points")
    (i,) = score(project([row(">=98%", "96%", 20, 18)]), rules).indicators
    assert i.recomputed_score == 18.0 and "2 个百分点" in i.reason


def test_reverse_indicator_ratio_and_linear() -> None:
    table = project([row("≤10%", "12.5%", 10, 8, name="投诉率")])
    (i,) = score(table).indicators
    assert i.recomputed_score == 8.0  # 10 / 12.5 × 10
    (j,) = score(table, load_rules("mof-2020").with_variant("linear-reverse")).indicators
    assert j.recomputed_score == 7.5  # (1 − 2.5 / 10) × 10
    far = project([row("≤10%", "25%", 10, 0, name="投诉率")])
    (k,) = score(far, load_rules("mof-2020").with_variant("linear-reverse")).indicators
    assert k.recomputed_score == 0.0  # zero beyond twice the target


def test_lower_is_better_by_name() -> None:
    (i,) = score(project([row("=0", "2", 5, 5, name="安全事故发生次数")])).indicators
    assert i.direction == "lower" and i.recomputed_score == 0.0


def test_quantitative_reached_is_full_weight_even_when_printed_lower() -> None:
    (i,) = score(project([row("=100%", "100%", 5, 4)])).indicators
    assert i.recomputed_score == 5.0 and i.difference == -1.0


def test_money_units_are_converted() -> None:
    (i,) = score(project([row("≤90万元", "850000元", 10, 10, name="项目成本")])).indicators
    assert i.recomputed_score == 10.0


def test_relative_change_targets() -> None:
    rows = [
        row("同比下降10%", "同比下降5%", 10, 5, name="发案数"),
        row("同比下降10%", "同比上升5%", 10, 0, name="发案数"),
        row("同比上升5%", "同比上升8%", 10, 10, name="满意率"),
    ]
    scores = [i.recomputed_score for i in score(project(rows)).indicators]
    assert scores == [5.0, 0.0, 10.0]


def test_qualitative_tiers_and_band_edges() -> None:
    rows = [
        row("及时", "及时", 10, 9),
        row("及时", "基本完成", 10, 7),
        row("及时", "未完成", 10, 8),  # above the 未达成 band [0, 6): clamped to 5.99
        row("及时", "工作正常开展", 10, 3),  # unclear: any score from 0 to 10
    ]
    r = score(project(rows))
    a, b, c, d = r.indicators
    assert (a.band, a.band_closed, a.score) == ((8.0, 10.0), True, 9.0)
    assert (b.band, b.band_closed, b.score) == ((6.0, 8.0), False, 7.0)
    assert (c.band, c.score, c.difference) == ((0.0, 6.0), 5.99, 2.01)
    assert (d.band, d.score) == ((0.0, 10.0), 3.0)
    assert "不在区间内" in c.reason


def test_rounding_helper() -> None:
    assert round_to(4.995, 2) == 5.0  # half up, not to even
    assert round_to(8.618, 2) == 8.62
    assert round_to(8.618, 2, "down") == 8.61
    assert round_to(15.5, 0) == 16.0
