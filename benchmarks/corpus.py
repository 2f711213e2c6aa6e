"""A corpus of distinct tables for the scoring and audit benchmarks.

Repeating the same few tables would measure memoised results only. This module
makes ``n`` distinct tables from the bundled samples (the four seed documents,
read once) the way a year's published corpus differs from one unit to the next:

* every table gets its own project and unit name;
* 执行数 changes (60–105 % of 全年预算数, the same share on every money row); in most tables the printed 执行率 and
  its score follow the numbers, in some they are left stale (a printed error);
* numeric actual values move around their printed value (some below target, some
  above), so quantitative rows are scored afresh;
* half the tables are filled in carefully: their printed indicator scores, 执行率
  score and total follow the published rule (as about half the seed tables do);
  in the others the printed scores stay as they were, so differences must be
  found and explained;
* texts that repeat in real corpora (``100%``, ``是``, ``及时``) stay as they are.

The generator is deterministic (``seed``).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jixiao import audit, read
from jixiao.audit.context import clear_caches as clear_audit_caches
from jixiao.models import Table
from jixiao.scoring import clear_caches, load_rules, score

SAMPLES = Path(__file__).resolve().parents[1] / "src" / "jixiao" / "samples"
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def templates() -> list[Table]:
    return [t for p in sorted(SAMPLES.glob("*.txt")) for t in read(p)]


def _move_number(text: str, rng: random.Random) -> str:
    m = _NUMBER.search(text)
    if m is None:
        return text
    raw = m.group(0)
    decimals = len(raw.split(".")[1]) if "." in raw else rng.choice((0, 1, 2))
    x = float(raw) * rng.uniform(0.85, 1.08)
    new = f"{x:.{decimals}f}"
    return text[: m.start()] + new + text[m.end() :]


def vary(table: Table, i: int, rng: random.Random) -> Table:
    """A distinct copy of ``table``: numbers moved as a unit's own table would."""
    t = table.model_copy(deep=True)
    t.project = f"{t.project or '项目'}（{i}）"
    t.unit_name = f"第{i % 500:03d}号预算单位"
    stale = rng.random() < 0.2
    spent = rng.uniform(0.6, 1.05)  # one rate for the table, so sub-rows still add up
    for f in t.funds:
        if f.budget and f.executed is not None:
            f.executed = round(f.budget * spent, 2)
            if not stale and f.rate is not None:
                f.rate = round(f.executed / f.budget * 100, 2)
                if f.weight is not None and f.score is not None:
                    f.score = round(min(f.executed / f.budget, 1.0) * f.weight, 2)
    for ind in t.indicators:
        if ind.actual and _NUMBER.search(ind.actual) and rng.random() < 0.6:
            ind.actual = _move_number(ind.actual, rng)
    if rng.random() < 0.5 and t.form != "project_target":
        _fill_in_carefully(t)
    return t


def _fill_in_carefully(t: Table) -> None:
    """Printed scores and total as the published rule gives them."""
    s = score(t)
    for ind, r in zip(t.indicators, s.indicators, strict=True):
        if ind.score is not None and r.score is not None:
            ind.score = r.score
    if s.execution is not None and s.execution.score is not None:
        for f in t.funds:
            if f.score is not None and f.item == s.execution.item:
                f.score = s.execution.score
    if t.total is not None and t.total.score is not None and s.recomputed_total is not None:
        t.total.score = s.recomputed_total


def make(n: int, seed: int = 42, forms: tuple[str, ...] | None = None) -> list[Table]:
    """``n`` distinct tables (optionally only of the given forms)."""
    rng = random.Random(seed)
    base = [t for t in templates() if forms is None or t.form in forms]
    return [vary(base[i % len(base)], i, rng) for i in range(n)]


SELF_EVALUATIONS = ("project_self_evaluation", "department_self_evaluation")


def workload(what: str, n: int) -> tuple[list[Table], Callable[[Table], Any]]:
    """The corpus and the work of a benchmark: ``score`` (self-evaluations under mof-2020)
    or ``audit`` (all three forms, every check). The work has run once (imports,
    compiled patterns, rule sets) and every cache is empty again."""
    if what == "score":
        tables = make(n, forms=SELF_EVALUATIONS)
        rules = load_rules("mof-2020")

        def work(t: Table) -> Any:
            return score(t, rules)
    else:
        tables = make(n)
        work = audit
    work(tables[0])
    clear_caches()
    clear_audit_caches()
    return tables, work
