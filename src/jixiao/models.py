"""All data models of jixiao, in one place.

Two layers:

* the *grid* a reader produces (``Cell`` → ``Row`` → ``Sheet``): plain slotted
  dataclasses, because readers create hundreds of thousands of them on the hot
  path and they are never serialised;
* the *record* recognition produces (``Table`` and its parts): pydantic models,
  whose ``to_canonical()`` gives the JSON of ``spec/canonical-json.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field

# ---------------------------------------------------------------------------
# The grid: what every reader (text, xlsx, docx, pdf, ocr) produces.


@dataclass(slots=True)
class Cell:
    """One cell of a source grid, with where it came from."""

    text: str
    col: int
    line: int  # 1-based source line (text), row number (sheets), or row index (pdf)
    rowspan: int = 1
    colspan: int = 1
    # True at grid positions covered by a merged cell whose text sits elsewhere.
    spanned: bool = False
    # Extra provenance: sheet cell reference ("B7"), pdf bbox, OCR confidence.
    ref: str | None = None
    bbox: tuple[float, float, float, float] | None = None
    confidence: float | None = None


@dataclass(slots=True)
class Row:
    """One row of a grid. ``lines`` lists every source line that fed it."""

    cells: list[Cell]
    line: int
    page: int = 1
    lines: tuple[int, ...] = ()

    def texts(self) -> list[str]:
        return [c.text for c in self.cells]

    def source_lines(self) -> tuple[int, ...]:
        return self.lines or (self.line,)


@dataclass(slots=True)
class Sheet:
    """A grid read from one source (a text file, a worksheet, a PDF)."""

    rows: list[Row]
    source: str
    kind: str  # tsv, markdown, html, cells, layout, xlsx, docx, pdf, ocr
    name: str | None = None  # worksheet name, when there is one
    # Non-empty source lines the reader could not turn into rows: (line, text, reason).
    rejected: list[tuple[int, str, str]] = field(default_factory=list)


# ---------------------------------------------------------------------------
# The canonical record.

Form = Literal["project_target", "project_self_evaluation", "department_self_evaluation"]


class Source(BaseModel):
    """Where a part of a record was printed."""

    file: str | None = None
    page: int | None = None
    line: int | None = None
    lines: list[int] | None = None
    sheet: str | None = None
    cell: str | None = None
    bbox: list[float] | None = None

    def compact(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


def _positive_zero(x: float) -> float:
    return x + 0.0  # -0.0 + 0.0 is 0.0; every other number is unchanged


# A printed number. A negative zero (``-0``, or made by arithmetic) is read as 0: it
# equals 0 but prints as ``-0.00``, and scoring memoises rows by their numbers.
Number = Annotated[float, AfterValidator(_positive_zero)]


class Fund(BaseModel):
    item: str
    group: str | None = None
    initial_budget: Number | None = None
    budget: Number | None = None
    executed: Number | None = None
    rate: Number | None = None
    weight: Number | None = None
    score: Number | None = None
    source: Source | None = None


class Indicator(BaseModel):
    level1: str | None = None
    level2: str | None = None
    name: str | None = None
    target: str | None = None
    actual: str | None = None
    weight: Number | None = None
    score: Number | None = None
    deviation: str | None = None
    # A 三级 cell merged over several rows (a note, not an indicator name).
    note: str | None = None
    source: Source | None = None


class Goals(BaseModel):
    overall: str | None = None
    annual: str | None = None
    achieved: str | None = None


class Total(BaseModel):
    weight: Number | None = None
    score: Number | None = None


class Unparsed(BaseModel):
    """A non-empty source line that did not become part of the record."""

    line: int
    text: str
    reason: str
    page: int | None = None


CANONICAL_FUND_KEYS = (
    "item",
    "group",
    "initial_budget",
    "budget",
    "executed",
    "rate",
    "weight",
    "score",
)
CANONICAL_INDICATOR_KEYS = (
    "level1",
    "level2",
    "name",
    "target",
    "actual",
    "weight",
    "score",
    "deviation",
)


class Table(BaseModel):
    """One performance table, as printed (no recomputation here)."""

    form: Form
    title: str | None = None
    year: int | None = None
    project: str | None = None
    project_kind: str | None = None
    department: str | None = None
    unit_name: str | None = None
    period: tuple[str, str] | None = None
    money_unit: Literal["元", "万元"] | None = None
    funds: list[Fund] = Field(default_factory=list)
    goals: Goals = Field(default_factory=Goals)
    level1_weights: dict[str, Number] = Field(default_factory=dict)
    indicators: list[Indicator] = Field(default_factory=list)
    total: Total | None = None
    source: Source | None = None
    unparsed: list[Unparsed] = Field(default_factory=list)
    # Source lines this record was built from (for row accounting); not exported.
    used_lines: list[int] = Field(default_factory=list, exclude=True)

    def to_canonical(self, provenance: bool = True) -> dict[str, Any]:
        """The record of ``spec/canonical-json.md`` (plus ``source``/``unparsed``)."""
        out: dict[str, Any] = {
            "form": self.form,
            "title": self.title,
            "year": self.year,
            "project": self.project,
            "project_kind": self.project_kind,
            "department": self.department,
            "unit_name": self.unit_name,
            "period": list(self.period) if self.period else None,
            "money_unit": self.money_unit,
            "funds": [],
            "goals": self.goals.model_dump(),
            "level1_weights": dict(self.level1_weights),
            "indicators": [],
            "total": self.total.model_dump() if self.total else None,
        }
        for f in self.funds:
            row: dict[str, Any] = {k: getattr(f, k) for k in CANONICAL_FUND_KEYS}
            if provenance and f.source:
                row["source"] = f.source.compact()
            out["funds"].append(row)
        for i in self.indicators:
            row = {k: getattr(i, k) for k in CANONICAL_INDICATOR_KEYS}
            if i.note:
                row["note"] = i.note
            if provenance and i.source:
                row["source"] = i.source.compact()
            out["indicators"].append(row)
        if provenance:
            if self.source:
                out["source"] = self.source.compact()
            out["unparsed"] = [u.model_dump(exclude_none=True) for u in self.unparsed]
        return out
