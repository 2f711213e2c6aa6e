"""The audit never crashes on odd tables and always reports a status for every check."""

from __future__ import annotations

from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import jixiao
from jixiao.audit import CHECKS, audit
from jixiao.models import Table

from seeds import seed_files

TEXTS = st.one_of(
    st.none(),
    st.sampled_from(
        ["", "无", "提升", "≥90%", "292%", "15:01:00", "=2-3人", "达成指标", "同比下降5%",
         "一个工作日", "9个居委67小区", "<b>x</b>", "未测评", "100", "0", "-5", "≤10万元"]
    ),
    st.text(alphabet=st.characters(blacklist_characters="{}"), max_size=12),
)  # fmt: skip
NUMBERS = st.one_of(
    st.none(), st.floats(min_value=-1e6, max_value=1e9, allow_nan=False), st.just(0.0)
)


@cache
def _tables() -> list[Table]:
    return [t for p in seed_files() for t in jixiao.read(p)]


@st.composite
def odd_tables(draw: st.DrawFn) -> Table:
    t = draw(st.sampled_from(_tables())).model_copy(deep=True)
    for ind in t.indicators:
        if draw(st.booleans()):
            ind.target = draw(TEXTS)
            ind.actual = draw(TEXTS)
            ind.name = draw(TEXTS)
        if draw(st.booleans()):
            ind.weight = draw(NUMBERS)
            ind.score = draw(NUMBERS)
            ind.deviation = draw(TEXTS)
    for f in t.funds:
        if draw(st.booleans()):
            f.initial_budget, f.budget, f.executed = (draw(NUMBERS) for _ in range(3))
            f.rate, f.weight, f.score = (draw(NUMBERS) for _ in range(3))
    if t.total is not None and draw(st.booleans()):
        t.total.score, t.total.weight = draw(NUMBERS), draw(NUMBERS)
    if draw(st.booleans()):
        t.goals.annual, t.goals.achieved = draw(TEXTS), draw(TEXTS)
    if draw(st.booleans()):
        t.indicators = t.indicators[: draw(st.integers(0, 3))]
    return t


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(odd_tables())
def test_audit_is_total(t: Table) -> None:
    r = audit(t)
    assert set(r.checks) == set(CHECKS)
    failing = {c for c, s in r.checks.items() if s == "fail"}
    assert failing == {f.code for f in r.findings}
    for f in r.findings:
        assert f.message and "{" not in f.message


def test_locations_built_without_validation_are_valid() -> None:
    from jixiao.audit.model import Location

    seen = 0
    for path in seed_files():
        for t in jixiao.read(path):
            for f in audit(t).findings:
                loc = f.location
                assert set(loc.__dict__) == set(Location.model_fields)
                assert Location.model_validate(loc.model_dump()) == loc
                seen += 1
    assert seen > 50
