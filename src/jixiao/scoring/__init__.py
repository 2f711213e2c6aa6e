"""Scoring: recompute a self-evaluation's numbers under a named rule set.

>>> import jixiao
>>> result = jixiao.score(table, rules="mof-2020")  # doctest: +SKIP
>>> result.recomputed_total, result.printed_total, result.explained_by  # doctest: +SKIP

The result models (``TableScore`` and its parts) live in ``jixiao.scoring.results``.
"""

from jixiao.scoring.engine import (
    RowScore,
    clear_caches,
    execution_score,
    indicator_score,
    indicator_sensitive,
    indicator_variant_score,
    quantitative_variant_scores,
    round_to,
    row_scores,
    score,
    score_all,
    score_rows,
)
from jixiao.scoring.results import (
    Difference,
    ExecutionScore,
    FundCheck,
    IndicatorScore,
    Level1Score,
    TableScore,
)
from jixiao.scoring.rules import (
    RulesError,
    RuleSet,
    Variant,
    builtin_rule_names,
    load_rules,
    rules_from_data,
)

__all__ = [
    "Difference",
    "ExecutionScore",
    "FundCheck",
    "IndicatorScore",
    "Level1Score",
    "RowScore",
    "RuleSet",
    "RulesError",
    "TableScore",
    "Variant",
    "builtin_rule_names",
    "clear_caches",
    "execution_score",
    "indicator_score",
    "indicator_sensitive",
    "indicator_variant_score",
    "load_rules",
    "quantitative_variant_scores",
    "round_to",
    "row_scores",
    "rules_from_data",
    "score",
    "score_all",
    "score_rows",
]
