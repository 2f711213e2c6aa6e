"""Gold records as tables, and small tables built by hand."""

from __future__ import annotations

from typing import Any

from jixiao.models import Fund, Indicator, Table, Total

from seeds import all_gold


def gold_tables() -> list[Table]:
    return [Table.model_validate(r) for r in all_gold()]


def scored_gold_tables() -> dict[str, Table]:
    """Self-evaluations by project name (the department table under its unit name)."""
    out: dict[str, Table] = {}
    for t in gold_tables():
        if t.form == "project_target":
            continue
        out[t.project or t.unit_name or ""] = t
    return out


def project(
    indicators: list[Indicator],
    *,
    budget: float = 100.0,
    executed: float = 100.0,
    initial: float | None = None,
    exec_weight: float = 10.0,
    exec_score: float | None = None,
    total: float | None = None,
    **extra: Any,
) -> Table:
    """A project self-evaluation with one 年度资金总额 row."""
    rate = executed / budget * 100 if budget else 0.0
    return Table(
        form="project_self_evaluation",
        project="测试项目",
        year=2024,
        funds=[
            Fund(
                item="年度资金总额",
                initial_budget=budget if initial is None else initial,
                budget=budget,
                executed=executed,
                rate=round(rate, 2),
                weight=exec_weight,
                score=exec_score if exec_score is not None else min(rate, 100) / 10,
            )
        ],
        indicators=indicators,
        total=Total(weight=100.0, score=total),
        **extra,
    )


def row(
    target: str | None,
    actual: str | None,
    weight: float | None,
    score: float | None = None,
    *,
    name: str = "指标",
    level1: str = "产出指标",
    level2: str = "数量指标",
) -> Indicator:
    return Indicator(
        level1=level1,
        level2=level2,
        name=name,
        target=target,
        actual=actual,
        weight=weight,
        score=weight if score is None else score,
    )
