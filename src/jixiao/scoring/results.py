"""What the scoring engine returns: pydantic models, JSON-ready.

``TableScore.model_dump(mode="json")`` is one object of ``jixiao score --format json``.
"""

from __future__ import annotations

from typing import Any, Literal, TypeVar

from pydantic import BaseModel, Field

from jixiao.models import Form

# How an indicator was scored:
#   quantitative  recomputed from its numbers
#   qualitative   an admissible band from the tiers; the printed score is kept when inside
#   as_printed    taken as printed (投入管理 rows, rows with no values to check)
#   not_scored    no weight
Method = Literal["quantitative", "qualitative", "as_printed", "not_scored"]


class FundCheck(BaseModel):
    """One money row with a printed 执行率, checked against its numbers."""

    item: str
    budget: float | None = None
    executed: float | None = None
    printed_rate: float | None = None
    recomputed_rate: float | None = None
    note: str | None = None


class ExecutionScore(BaseModel):
    """预算执行率 and its score."""

    item: str | None = None
    basis: Literal["budget", "initial_budget"] = "budget"
    initial_budget: float | None = None
    budget: float | None = None
    executed: float | None = None
    rate: float | None = None  # percent, rounded to 2 decimals
    printed_rate: float | None = None
    weight: float | None = None
    score: float | None = None
    printed_score: float | None = None
    # The score with 执行数 / 年初预算数, when the budget was adjusted.
    initial_budget_rate: float | None = None
    initial_budget_score: float | None = None
    reason: str = ""
    flags: list[str] = Field(default_factory=list)


class IndicatorScore(BaseModel):
    index: int
    level1: str | None = None
    level2: str | None = None
    name: str | None = None
    target: str | None = None
    actual: str | None = None
    target_kind: str = "empty"
    actual_kind: str = "empty"
    direction: str | None = None
    method: Method
    weight: float | None = None
    printed_score: float | None = None
    recomputed_score: float | None = None  # quantitative and as_printed
    band: tuple[float, float] | None = None  # qualitative: admissible [low, high]
    band_closed: bool = True  # False when the band's upper end is excluded
    score: float | None = None  # what enters the recomputed total
    difference: float | None = None  # printed_score − score (0 when within tolerance)
    reason: str = ""
    flags: list[str] = Field(default_factory=list)


class Level1Score(BaseModel):
    level1: str
    printed_weight: float | None = None  # printed beside the 一级 label
    weight: float  # Σ of its rows' weights
    printed_score: float
    score: float


DifferenceKind = Literal[
    "execution_rate",
    "execution_score",
    "indicator",
    "arithmetic",
    "total",
    "weights",
    "level1_weight",
]


class Difference(BaseModel):
    """A place where the printed numbers and the recomputed ones disagree."""

    kind: DifferenceKind
    where: str
    printed: float | None = None
    recomputed: float | None = None
    delta: float | None = None  # printed − recomputed
    message: str


class TableScore(BaseModel):
    """One table scored under one rule set."""

    form: Form
    title: str | None = None
    project: str | None = None
    unit_name: str | None = None
    year: int | None = None
    rules: str
    scored: bool = True  # False for target forms (nothing to score)
    execution_rate: float | None = None  # percent
    execution_score: float | None = None
    execution: ExecutionScore | None = None
    funds: list[FundCheck] = Field(default_factory=list)
    indicators: list[IndicatorScore] = Field(default_factory=list)
    level1: list[Level1Score] = Field(default_factory=list)
    total_weight: float | None = None  # 执行率 weight + Σ indicator weights
    printed_total_weight: float | None = None
    printed_total: float | None = None
    printed_sum: float | None = None  # printed 执行率 score + Σ printed indicator scores
    recomputed_total: float | None = None
    total_band: tuple[float, float] | None = None
    printed_grade: str | None = None
    recomputed_grade: str | None = None
    consistent: bool | None = None  # printed total == recomputed total
    explained_by: str | None = None
    explanation: str | None = None
    differences: list[Difference] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


M = TypeVar("M", bound=BaseModel)


_FIELDS: dict[type[BaseModel], set[str]] = {}
# The setters of the four slots every pydantic model instance has. Calling a slot's
# own descriptor costs two thirds of ``object.__setattr__``, which first checks the
# class's whole MRO for a ``__setattr__`` of its own.
_SLOTS = BaseModel.__dict__
set_dict = _SLOTS["__dict__"].__set__
set_fields_set = _SLOTS["__pydantic_fields_set__"].__set__
set_extra = _SLOTS["__pydantic_extra__"].__set__
set_private = _SLOTS["__pydantic_private__"].__set__
new = object.__new__


def shared_fields(cls: type[BaseModel]) -> set[str]:
    """The one "fields set" (every field) that trusted instances of ``cls`` share."""
    fields = _FIELDS.get(cls)
    if fields is None:
        fields = _FIELDS[cls] = set(cls.model_fields)
    return fields


def trusted(cls: type[M], data: dict[str, Any]) -> M:
    """An instance of ``cls`` from data the engine built itself, without validation.

    The engine makes every field with its declared type (a test validates the
    dumps of whole corpora against these models and compares), so checking them
    again would only cost time: validation was a third of the time per table.
    ``data`` must hold every field; it becomes the instance's ``__dict__``.
    Instances of a class share one set of "fields set" (all of them): assigning
    a field adds a name already there, so the shared set never changes.
    """
    fields = shared_fields(cls)
    m = new(cls)
    set_dict(m, data)
    set_fields_set(m, fields if len(data) == len(fields) else set(data))
    set_extra(m, None)
    set_private(m, None)
    return m
