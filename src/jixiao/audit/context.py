"""What every check of one table shares: parsed values, the score, locations."""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any, NamedTuple

from jixiao.audit.model import Location, Part
from jixiao.audit.settings import EMPTY_TEXTS, AuditSettings
from jixiao.models import Fund, Indicator, Source, Table
from jixiao.scoring import ExecutionScore, RowScore, RuleSet, row_scores
from jixiao.scoring.results import trusted
from jixiao.values import Value, parse_value
from jixiao.values import normalize as _normalize

# Money rows that hold a total, and the rows that add up to each.
TOTAL_ROWS = ("年度资金总额", "资金总额", "总额", "合计", "总计")


class Scored(NamedTuple):
    """What the checks use of a table's score: 执行率 and each row's score, in the order of
    ``table.indicators`` (shared with other tables: read only)."""

    execution: ExecutionScore | None
    indicators: list[RowScore]


@dataclass(slots=True)
class Row:
    """An indicator row with its parsed target and actual (not to be changed by checks).

    The indicator's printed fields are copied here, read once: the checks read
    them many times, and reading a pydantic model's attribute costs about 2.7
    times a plain one (``benchmarks/instructions.py``). Not frozen: a frozen
    dataclass is about four times slower to build, and a row is built for every
    indicator of every table audited.
    """

    index: int  # 1-based, as numbered in findings
    ind: Indicator
    target: Value
    actual: Value
    key: str  # the 三级 name normalised for comparison ("" when none)
    placeholder_name: bool  # the 三级 name is a template placeholder (无, 指标1 …)
    # ``ind``'s fields, as printed (``_INDICATOR_FIELDS``)
    name: str | None
    level1: str | None
    level2: str | None
    weight: float | None
    score: float | None
    target_text: str | None
    actual_text: str | None
    deviation: str | None
    note: str | None
    source: Source | None


# The Indicator fields a Row copies, in the order of its fields after ``placeholder_name``.
_INDICATOR_FIELDS = operator.itemgetter(
    "name", "level1", "level2", "weight", "score", "target", "actual", "deviation", "note", "source"
)


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """:func:`jixiao.values.normalize`, cached (names are compared by many checks)."""
    return _normalize(text)


def name_key(text: str | None) -> str:
    """A name as compared: normalised, without surrounding quotes."""
    return normalize(text).strip("\"“”'‘’") if text else ""


def fmt(x: float | None, decimals: int = 2) -> str:
    """``10``, ``96.38``, ``0.5`` (no trailing zeros), ``—`` for None."""
    if x is None:
        return "—"
    r = round(x, decimals)
    if r == int(r):
        return str(int(r))
    return f"{r:.{decimals}f}".rstrip("0").rstrip(".")


def money(x: float | None) -> str:
    """An amount as printed on forms: thousands separators, up to 4 decimals."""
    if x is None:
        return "—"
    if x == int(x):
        return f"{int(x):,}"
    return f"{x:,.4f}".rstrip("0").rstrip(".")


def is_empty_text(text: str | None) -> bool:
    """No text, or one that says nothing (``无``, ``/``)."""
    if text is None:
        return True
    s = normalize(text)
    return not s or s in EMPTY_TEXTS


def is_no_reason(text: str | None) -> bool:
    """A deviation cell that gives no reason: empty, or only says it was done (``已完成``)."""
    if text is None:
        return True
    s = normalize(text)
    if not s or s in EMPTY_TEXTS:
        return True
    return len(s) <= 12 and parse_value(s).claim == "achieved" and "但" not in s


_PURE_CACHE: dict[tuple[object, ...], tuple[RuleSet, Any]] = {}


def cached_by_rules(rules: RuleSet, key: tuple[object, ...], compute: Callable[[], Any]) -> Any:
    """``compute()``, remembered for this rule set object and this key.

    For recomputations that depend only on the rule set and a row's printed
    values (a money row or an indicator under each rule variant).
    """
    full = (id(rules), *key)
    hit = _PURE_CACHE.get(full)
    if hit is not None and hit[0] is rules:
        return hit[1]
    value = compute()
    if len(_PURE_CACHE) > 8192:
        _PURE_CACHE.clear()
    _PURE_CACHE[full] = (rules, value)
    return value


@lru_cache(maxsize=65536)
def row_values(
    target: str | None, actual: str | None, name: str | None
) -> tuple[Value, Value, str, bool]:
    """A row's parsed target and actual, its name as compared, and whether the name is a
    placeholder: the parts of a :class:`Row` that its texts fix (rows repeat across tables).
    """
    return (
        parse_value(target, name),
        parse_value(actual, name),
        name_key(name),
        name is not None and parse_value(name).kind == "placeholder",
    )


def clear_caches() -> None:
    """Forget cached recomputations and normalised names (for benchmarks and tests)."""
    _PURE_CACHE.clear()
    normalize.cache_clear()
    row_values.cache_clear()


# A location with every field unset, in declaration order (``Context._loc`` copies it).
_LOCATION: dict[str, Any] = dict.fromkeys(Location.model_fields)


class Context:
    """One table under audit. Parsed values and the score are computed once."""

    def __init__(self, table: Table, rules: RuleSet, settings: AuditSettings) -> None:
        self.table = table
        self.rules = rules
        self.settings = settings
        self.file = table.source.file if table.source else None
        self.tolerance = rules.tolerance
        # Results shared between checks (computed by the first that needs them).
        self.memo: dict[str, Any] = {}

    # -- the table -----------------------------------------------------------

    @cached_property
    def label(self) -> str:
        t = self.table
        name = t.project or t.unit_name or t.title or "（未命名）"
        return f"{name}（{t.year} 年度）" if t.year else name

    @cached_property
    def rows(self) -> list[Row]:
        """Every indicator row with its parsed target and actual."""
        rows: list[Row] = []
        for n, ind in enumerate(self.table.indicators, start=1):
            d = vars(ind)
            parsed = row_values(d["target"], d["actual"], d["name"])
            rows.append(Row(n, ind, *parsed, *_INDICATOR_FIELDS(d)))
        return rows

    @cached_property
    def indicator_rows(self) -> list[Row]:
        """Rows that are indicators with a design of their own.

        Rows of a 一级 the rule set takes as printed (the 投入管理 rows of a
        department form, whose 三级 is one note for all) are left out.
        """
        skip = set(self.rules.as_printed_level1)
        return [r for r in self.rows if r.level1 not in skip and not (r.note and r.name is None)]

    def level1(self, row: Row) -> str | None:
        """The row's 一级 under its usual name (the settings' aliases)."""
        level1 = row.level1
        if level1 is None:
            return None
        return self.settings.level1_aliases.get(level1, level1)

    @cached_property
    def execution_fund(self) -> Fund | None:
        """The money row that carries the 执行率 score (project self-evaluations)."""
        for f in self.table.funds:
            if f.weight is not None or f.score is not None:
                return f
        for f in self.table.funds:
            if f.item in TOTAL_ROWS:
                return f
        return None

    # -- scoring ------------------------------------------------------------

    @cached_property
    def score(self) -> Scored | None:
        """The table's 执行率 and rows recomputed under the rules (self-evaluations only).

        ``score(table, rules).execution``, and each row's score as the engine keeps
        it (``row_scores``); the checks need no totals nor the search for a printed
        total's basis.
        """
        if self.table.form == "project_target":
            return None
        return Scored(*row_scores(self.table, self.rules))

    # -- locations ----------------------------------------------------------

    def _loc(self, part: Part, column: str | None, src: Source | None, **extra: Any) -> Location:
        """A location with the source line or cell it was printed at.

        Built without validation from fields made here; the ``extra`` fields a
        check names by keyword are validated (a wrong name or type is a bug).
        """
        data = _LOCATION.copy()  # every field, in declaration order
        data["part"] = part
        data["column"] = column
        data["file"] = self.file
        if src is not None:
            s = src.__dict__
            data["file"] = s["file"] or self.file
            data["page"] = s["page"]
            data["line"] = s["line"]
            data["sheet"] = s["sheet"]
            data["cell"] = s["cell"]
        if extra:
            return Location.model_validate({**data, **extra})
        return trusted(Location, data)

    def at_indicator(self, row: Row, column: str | None = None) -> Location:
        loc = self._loc("indicator", column, row.source)
        fields = loc.__dict__  # filled here with values of the declared types
        fields["index"] = row.index
        fields["level1"] = row.level1
        fields["level2"] = row.level2
        fields["name"] = row.name
        return loc

    def at_fund(self, fund: Fund, column: str | None = None) -> Location:
        return self._loc("fund", column, fund.source, fund=fund.item)

    def at(self, part: Part, column: str | None = None, **extra: Any) -> Location:
        src = self.table.source if part == "table" and "line" not in extra else None
        return self._loc(part, column, src, **extra)
