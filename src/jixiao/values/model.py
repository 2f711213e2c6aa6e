"""The typed value of a target (年度指标值) or an actual (实际完成值)."""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

# What a text turned out to be.
#   quantity     an operator, a number or a range, and a unit: ``≥90%``, ``=2-3人``
#   change       a relative change: ``同比下降10%``, ``较上一年提升``, ``增长 10%``
#   duration     a time: ``一个工作日``, ``24小时/天``
#   qualitative  a known qualitative word or claim: ``及时``, ``健全``, ``达成指标``
#   compound     several values in one cell: ``9个居委67小区``, ``56191，增长10%``
#   placeholder  a template left unfilled: ``无``, ``指标1``, ``……``
#   text         anything else, kept verbatim with the reason (never guessed)
#   empty        no text at all
Kind = Literal[
    "quantity", "change", "duration", "qualitative", "compound", "placeholder", "text", "empty"
]
Operator = Literal["=", "≥", ">", "≤", "<"]
Direction = Literal["higher", "lower", "exact"]
Trend = Literal["up", "down"]
# What a statement says about reaching its target (used for actuals).
Claim = Literal["achieved", "partial", "missed", "not_assessed"]


class Value(NamedTuple):
    """A parsed target or actual (immutable: parsed values are cached and shared).

    ``number`` is the (lower) number, ``upper`` the upper end of a range
    (``2-3`` → 2, 3). ``unit`` is normalised (``(%)`` and ``百分比`` → ``%``).
    ``direction`` says which way is better, from the text (operator, trend) or,
    where the text does not tell, from the indicator name. ``claim`` is what a
    statement says about reaching the target (``达成指标`` → achieved, ``滞后``
    → missed). ``note`` says why a value was kept as text or what was noticed.

    A named tuple rather than a frozen dataclass: it is built in C, about three
    times faster, and parsing a new corpus builds one or two for every distinct text.
    """

    text: str
    kind: Kind
    op: Operator | None = None
    number: float | None = None
    upper: float | None = None
    unit: str | None = None
    label: str | None = None
    basis: str | None = None  # 同比 / 环比 / 较上年 for changes
    trend: Trend | None = None
    words: tuple[str, ...] = ()
    claim: Claim | None = None
    direction: Direction | None = None
    parts: tuple[Value, ...] = ()
    note: str | None = None
    flags: tuple[str, ...] = ()

    @property
    def is_numeric(self) -> bool:
        """A value with a number that can be compared (quantity, duration, change)."""
        return self.number is not None and self.kind in ("quantity", "duration", "change")

    @property
    def is_range(self) -> bool:
        return self.upper is not None and self.number is not None and self.upper != self.number

    def describe(self) -> str:
        """A short Chinese description: ``≥90%``, ``同比下降10%``, ``定性：及时``."""
        if self.kind in ("quantity", "duration"):
            n = _fmt(self.number)
            if self.is_range:
                n = f"{n}-{_fmt(self.upper)}"
            op = self.op if self.op and self.op != "=" else ""
            return f"{op}{n}{self.unit or ''}"
        if self.kind == "change":
            trend = {"up": "上升", "down": "下降", None: ""}[self.trend]
            amount = "" if self.number is None else f"{_fmt(self.number)}{self.unit or ''}"
            return f"{self.basis or ''}{trend}{amount}" or self.text
        if self.kind == "compound":
            return "、".join(p.describe() for p in self.parts)
        return self.text

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with the fields that are set."""
        out: dict[str, Any] = {"text": self.text, "kind": self.kind}
        for name in (
            "op", "number", "upper", "unit", "label", "basis", "trend",
            "claim", "direction", "note",
        ):  # fmt: skip
            v = getattr(self, name)
            if v is not None:
                out[name] = v
        if self.words:
            out["words"] = list(self.words)
        if self.flags:
            out["flags"] = list(self.flags)
        if self.parts:
            out["parts"] = [p.to_dict() for p in self.parts]
        return out


_new_tuple = tuple.__new__


def make_value(
    text: str,
    kind: Kind,
    op: Operator | None = None,
    number: float | None = None,
    upper: float | None = None,
    unit: str | None = None,
    label: str | None = None,
    basis: str | None = None,
    trend: Trend | None = None,
    words: tuple[str, ...] = (),
    claim: Claim | None = None,
    direction: Direction | None = None,
    parts: tuple[Value, ...] = (),
    note: str | None = None,
    flags: tuple[str, ...] = (),
) -> Value:
    """``Value(...)``, made by ``tuple.__new__``: compiled (``jixiao.native``), a named
    tuple's own ``__new__`` stays interpreted. Same fields, order and defaults (tested)."""
    fields = (text, kind, op, number, upper, unit, label, basis, trend, words, claim, direction)
    return _new_tuple(Value, (*fields, parts, note, flags))


def _fmt(x: float | None) -> str:
    if x is None:
        return ""
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return f"{x:g}"
