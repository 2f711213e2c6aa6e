"""Mutation tests: take a consistent table, inject one fault, exactly its check fires."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import jixiao
from jixiao.audit import CHECKS, Report, audit
from jixiao.audit.examples import BASES, FAULTS
from jixiao.models import Indicator, Source, Table, Unparsed

from seeds import seed_files

REQUIRED = {
    "total-score-mismatch", "total-weight-mismatch", "level1-weight-mismatch",
    "execution-rate-mismatch", "execution-score-mismatch", "execution-basis-initial-budget",
    "budget-adjusted", "fund-subrows-mismatch", "negative-amount", "score-exceeds-weight",
    "score-below-rule", "score-above-rule", "missing-deviation-reason",
    "reason-without-deduction", "placeholder-indicator", "vague-target", "unmeasurable-actual",
    "unit-mismatch", "duplicate-indicator", "level2-as-name", "cost-indicator-not-cost",
    "missing-category", "goal-copied-as-achievement", "nonstandard-level1-weights",
    "unparsed-row", "suspicious-number",
}  # fmt: skip


def test_required_checks_are_registered() -> None:
    assert set(CHECKS) >= REQUIRED
    assert set(FAULTS) == set(CHECKS), "every check needs an example fault"


@pytest.mark.parametrize("base", sorted(BASES))
def test_bases_are_clean(base: str) -> None:
    r = audit(BASES[base]())
    assert r.findings == []
    assert set(r.checks.values()) <= {"pass", "not_applicable"}, r.checks


@pytest.mark.parametrize("code", sorted(FAULTS))
def test_each_fault_fires_exactly_its_check(code: str) -> None:
    r = audit(FAULTS[code].table())
    assert r.codes() == [code], [(f.code, f.message) for f in r.findings]
    assert r.findings and all(f.code == code for f in r.findings)
    f = r.findings[0]
    assert f.severity == CHECKS[code].severity and f.title == CHECKS[code].title
    assert f.message and f.location.file == "example.txt"


# ---------------------------------------------------------------------------
# The same on a real table: 课题与规划 (004, table 3) is consistent as printed.


def clean_seed() -> Table:
    tables = jixiao.read(seed_files()[3])
    t = tables[2]
    assert t.project == "课题与规划"
    return t


def _ind(t: Table, name: str) -> Indicator:
    return next(i for i in t.indicators if i.name == name)


def _total(t: Table, score: float | None = None, weight: float | None = None) -> None:
    assert t.total is not None
    if score is not None:
        t.total.score = score
    if weight is not None:
        t.total.weight = weight


def m_total_score(t: Table) -> None:
    _total(t, score=98.0)


def m_total_weight(t: Table) -> None:
    _total(t, weight=90.0)


def m_rate(t: Table) -> None:
    t.funds[0].rate = 98.0


def m_exec_score(t: Table) -> None:
    t.funds[0].score = 7.0
    _total(t, score=97.0)


def m_basis(t: Table) -> None:  # budget cut by 10%, rate and score printed on 年初预算数
    for f in t.funds[:2]:
        f.budget, f.executed = 135000.0, 135000.0
    t.funds[0].rate, t.funds[0].score = 90.0, 9.0
    _total(t, score=99.0)


def m_adjusted(t: Table) -> None:
    for f in t.funds[:2]:
        f.budget, f.executed = 100000.0, 100000.0


def m_subrows(t: Table) -> None:
    t.funds[1].budget = 140000.0


def m_negative(t: Table) -> None:
    t.funds[2].initial_budget = -100.0  # 上年结转资金
    t.funds[1].initial_budget = 150100.0


def m_exceeds(t: Table) -> None:
    _ind(t, "相关方满意度").score = 12.0
    _total(t, score=102.0)


def m_below(t: Table) -> None:
    i = _ind(t, "课题成果获奖率")
    i.score, i.deviation = 12.0, "成果评审延期"
    _total(t, score=97.0)


def m_above(t: Table) -> None:
    _ind(t, "课题成果应用率").actual = "80%"


def m_no_reason(t: Table) -> None:
    i = _ind(t, "课题成果应用率")
    i.actual, i.score = "80%", 12.0
    _total(t, score=97.0)


def m_reason(t: Table) -> None:
    _ind(t, "课题报告形成率").deviation = "部分报告推迟提交"


def m_placeholder(t: Table) -> None:
    t.indicators.append(
        Indicator(level1="效益指标", level2="生态效益指标", name="指标1", target="无")
    )


def m_vague(t: Table) -> None:
    i = _ind(t, "课题成果提交及时性")
    i.target, i.actual = "较好", "较好"


def m_unmeasurable(t: Table) -> None:
    _ind(t, "相关方满意度").actual = "完成"


def m_unit(t: Table) -> None:
    _ind(t, "课题报告形成率").actual = "3篇"


def m_duplicate(t: Table) -> None:
    _ind(t, "课题实验活动完成率").name = "课题调研活动完成率"


def m_level2(t: Table) -> None:
    _ind(t, "课题成果验收通过率").name = "质量指标"


def m_cost(t: Table) -> None:
    t.indicators.insert(
        5,
        Indicator(
            level1="产出指标",
            level2="成本指标",
            name="课题工作效率提升率",
            target="=100%",
            actual="100%",
        ),
    )


def m_missing(t: Table) -> None:
    timely = _ind(t, "课题成果提交及时性")
    t.indicators.remove(timely)
    report = _ind(t, "课题报告形成率")
    report.weight = report.score = 20.0


def m_goal(t: Table) -> None:
    t.goals.achieved = (t.goals.annual or "") + "。已完成。"


def m_weights(t: Table) -> None:
    for name, w in (("课题成果应用率", 10.0), ("相关方满意度", 15.0)):
        i = _ind(t, name)
        i.weight = i.score = w


def m_unparsed(t: Table) -> None:
    t.unparsed.append(Unparsed(line=70, text="说明：课题经费 150000 元", reason="表格外的行"))


def m_suspicious(t: Table) -> None:
    _ind(t, "相关方满意度").target = "295%"


SEED_MUTATIONS: dict[str, Callable[[Table], None]] = {
    "total-score-mismatch": m_total_score,
    "total-weight-mismatch": m_total_weight,
    "execution-rate-mismatch": m_rate,
    "execution-score-mismatch": m_exec_score,
    "execution-basis-initial-budget": m_basis,
    "budget-adjusted": m_adjusted,
    "fund-subrows-mismatch": m_subrows,
    "negative-amount": m_negative,
    "score-exceeds-weight": m_exceeds,
    "score-below-rule": m_below,
    "score-above-rule": m_above,
    "missing-deviation-reason": m_no_reason,
    "reason-without-deduction": m_reason,
    "placeholder-indicator": m_placeholder,
    "vague-target": m_vague,
    "unmeasurable-actual": m_unmeasurable,
    "unit-mismatch": m_unit,
    "duplicate-indicator": m_duplicate,
    "level2-as-name": m_level2,
    "cost-indicator-not-cost": m_cost,
    "missing-category": m_missing,
    "goal-copied-as-achievement": m_goal,
    "nonstandard-level1-weights": m_weights,
    "unparsed-row": m_unparsed,
    "suspicious-number": m_suspicious,
}


def test_clean_seed_is_clean() -> None:
    r = audit(clean_seed())
    assert r.findings == [] and "fail" not in r.checks.values()


@pytest.mark.parametrize("code", sorted(SEED_MUTATIONS))
def test_seed_mutation_fires_exactly_its_check(code: str) -> None:
    t = clean_seed()
    SEED_MUTATIONS[code](t)
    r = audit(t)
    assert r.codes() == [code], [(f.code, f.message) for f in r.findings]


# ---------------------------------------------------------------------------
# On tables that already have problems, a fault adds findings of its check only.


def _keys(r: Report) -> set[tuple[str, str]]:
    return {(f.code, f.message) for f in r.findings}


def test_level1_weight_on_the_department_seed() -> None:
    t = jixiao.read(seed_files()[0])[0]
    before = audit(t)
    t.level1_weights["效益指标"] = 30.0
    after = audit(t)
    assert {c for c, _ in _keys(after) - _keys(before)} == {"level1-weight-mismatch"}
    assert _keys(before) <= _keys(after)


def test_target_seed_suspicious_number() -> None:
    t = jixiao.read(seed_files()[1])[3]
    before = audit(t)
    t.indicators[0].target = "292%"
    t.indicators[0].source = Source(line=84)
    after = audit(t)
    new = _keys(after) - _keys(before)
    assert {c for c, _ in new} == {"suspicious-number"}
    assert any("≥92%" in m for _, m in new)
