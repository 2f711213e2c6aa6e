"""Parse a printed target or actual into a :class:`Value`.

Nothing is guessed: a text that does not fit one of the shapes below is kept
as ``kind="text"`` with a note saying why.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from jixiao.values import vocab
from jixiao.values.model import Claim, Direction, Operator, Trend, Value, make_value
from jixiao.values.numerals import CHINESE_NUMERAL_CHARS, chinese_to_number

_WS = re.compile(r"\s+")
_ARABIC = r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[-+]?\.\d+"
_CN = f"[{CHINESE_NUMERAL_CHARS}]+"
_NUM = f"(?:{_ARABIC}|{_CN})"


def _alternation(words: Iterable[str]) -> str:
    items = sorted(words, key=len, reverse=True)
    return "|".join(re.escape(w) for w in items)


_PRE = _alternation(vocab.PREFIX_OPERATORS)
_POST = _alternation(vocab.SUFFIX_OPERATORS)
_BASES = _alternation(vocab.CHANGE_BASES)
_TRENDS = _alternation(vocab.TREND_WORDS)
# A unit: letters/%/CJK, optionally in brackets, optionally ``a/b/c``; no digits.
_UNIT = r"(?:\((?:[^\d()]{1,12})\)|[^\d()<>=≥≤≧≦,;:、]{1,12}?)"

_QUANTITY = re.compile(
    rf"^(?P<pre>{_PRE})?(?P<num>{_NUM})(?:(?:-|~|～|—|–|至|到)(?P<num2>{_NUM}))?"
    rf"(?P<unit>{_UNIT})??(?P<post>{_POST})?$"
)
_LABELLED = re.compile(
    rf"^(?P<label>[^\d<>=≥≤≧≦+\-.,:]{{1,15}}?)(?:为|是|达|:)?(?P<rest>(?:{_PRE})?(?:\d|\.\d).*)$"
)
_CHANGE = re.compile(
    rf"^(?P<label>[^\d]{{0,10}}?)(?P<basis>{_BASES})?(?P<trend>{_TRENDS})了?"
    rf"(?P<num>{_ARABIC})?(?P<unit>%|个百分点|百分点|百分比|[^\d]{{1,4}}?)?(?P<post>{_POST})?$"
)
_CLOCK = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?$")
_PERCENT_OF = re.compile(rf"百分之({_NUM})")
_MULTI = re.compile(rf"({_ARABIC})([^\d,;、]{{1,6}})")
_SEPARATORS = re.compile(r"[,;、]+")
_INDICATOR_PLACEHOLDER = re.compile(
    r"^(?:指标|三级指标|指标值)[\d一二三四五六七八九十]*$|^[x×X*]+$"
)
_TRAILING_NOTE = re.compile(r"\(.*?\)$")
_HIGHER_NAME = re.compile(f"(?:{_alternation(vocab.HIGHER_IS_BETTER_ENDINGS)})$")
_LOWER_NAME = re.compile(_alternation(vocab.LOWER_IS_BETTER))
_PARENS = str.maketrans({"【": "(", "】": ")", "〔": "(", "〕": ")", "[": "(", "]": ")"})


def normalize(text: str) -> str:
    """NFKC, no white space, brackets unified, trailing full stops dropped."""
    s = _WS.sub("", unicodedata.normalize("NFKC", text)).translate(_PARENS)
    return s.rstrip("。.") if len(s) > 1 and s not in vocab.PLACEHOLDERS else s


def _number(token: str) -> float | None:
    if token[0].isdigit() or token[0] in "+-.":
        return float(token.replace(",", ""))
    n = chinese_to_number(token)
    return None if n is None else float(n)


def _unit(raw: str | None) -> str | None:
    if not raw:
        return None
    u = raw[1:-1] if raw.startswith("(") and raw.endswith(")") else raw
    u = u.strip()
    if not u:
        return None
    return vocab.UNIT_ALIASES.get(u, u)


def _unit_ok(unit: str | None, chinese: bool) -> bool:
    """A plausible unit: known, or short, or ``a/b/c`` of short parts."""
    if unit is None:
        return not chinese
    base = unit[1:] if unit.startswith("个") and unit[1:] in vocab.KNOWN_UNITS else unit
    if base in vocab.KNOWN_UNITS:
        return True
    if chinese:
        return False
    if "/" in unit:
        return all(0 < len(p) <= 3 for p in unit.split("/"))
    return len(unit) <= 3 or unit.isascii()


def _canonical_unit(unit: str | None) -> str | None:
    if unit is None:
        return None
    if unit.startswith("个") and unit[1:] in vocab.TIME_UNITS:
        return unit[1:]
    return unit


def _op(pre: str | None, post: str | None) -> Operator | None:
    p = vocab.PREFIX_OPERATORS.get(pre) if pre else None
    q = vocab.SUFFIX_OPERATORS.get(post) if post else None
    return q or p


def _direction(op: Operator | None) -> Direction | None:
    if op in ("≥", ">"):
        return "higher"
    if op in ("≤", "<"):
        return "lower"
    if op == "=":
        return "exact"
    return None


def _quantity(s: str, text: str) -> Value | None:
    m = _QUANTITY.match(s)
    if not m:
        return None
    num = m.group("num")
    chinese = not (num[0].isdigit() or num[0] in "+-.")
    unit = _unit(m.group("unit"))
    if not _unit_ok(unit, chinese):
        return None
    number = _number(num)
    if number is None:
        return None
    upper = None
    if m.group("num2"):
        upper = _number(m.group("num2"))
        if upper is None or upper < number:
            return None
    unit = _canonical_unit(unit)
    if unit and unit.startswith("年") and number == int(number) and 1900 <= number <= 2100:
        return None  # a year (``2023年``), not a duration
    op = _op(m.group("pre"), m.group("post"))
    base = unit.split("/")[0] if unit else None
    is_time = base in vocab.TIME_UNITS
    direction = _direction(op)
    if is_time and direction is None and unit and "/" not in unit:
        direction = "lower"  # a time limit: within N days
    flags: tuple[str, ...] = ()
    if unit == "%" and (number > 100 or (upper or 0) > 100):
        flags = ("percent_over_100",)
    return make_value(
        text=text,
        kind="duration" if is_time else "quantity",
        op=op,
        number=number,
        upper=upper,
        unit=unit,
        direction=direction,
        flags=flags,
    )


def _change(s: str, text: str) -> Value | None:
    m = _CHANGE.match(s)
    if not m:
        return None
    basis = vocab.CHANGE_BASES.get(m.group("basis") or "")
    num = m.group("num")
    if basis is None and num is None:
        return None
    label = m.group("label") or None
    if label and (any(c.isdigit() for c in label) or len(label) > 10):
        return None
    unit = _unit(m.group("unit"))
    if num is None and unit is not None:
        return None
    trend = vocab.TREND_WORDS[m.group("trend")]
    op = _op(None, m.group("post")) if m.group("post") else ("≥" if num else None)
    return make_value(
        text=text,
        kind="change",
        op=op,
        number=None if num is None else float(num.replace(",", "")),
        unit=unit,
        label=label,
        basis=basis,
        trend=trend,
        direction="higher" if trend == "up" else "lower",
    )


def _labelled(s: str, text: str) -> Value | None:
    m = _LABELLED.match(s)
    if not m:
        return None
    label = m.group("label")
    if label in vocab.PREFIX_OPERATORS or any(label.endswith(w) for w in ("达到", "控制在")):
        return None
    inner = _quantity(m.group("rest"), text)
    if inner is None:
        return None
    return inner._replace(label=label)


def _any_of(words: Iterable[str]) -> re.Pattern[str]:
    """A pattern that finds any of ``words`` (``pattern.search(s)`` ⇔ ``any(w in s …)``)."""
    return re.compile(_alternation(words))


# Each claim with a pattern of its words, in the order they are tried.
_CLAIMS: tuple[tuple[re.Pattern[str], Claim], ...] = (
    (_any_of(vocab.NOT_ASSESSED_WORDS), "not_assessed"),
    (_any_of(vocab.PARTIAL_WORDS), "partial"),
    (_any_of(vocab.MISSED_WORDS), "missed"),
    (_any_of(vocab.ACHIEVED_WORDS), "achieved"),
)
_TRENDS_BY_WORDS: tuple[tuple[re.Pattern[str], Trend], ...] = tuple(
    (_any_of(w for w, t in vocab.TREND_WORDS.items() if t == trend), trend)
    for trend in dict.fromkeys(vocab.TREND_WORDS.values())
)
_ANY_QUALITATIVE = _any_of(vocab.QUALITATIVE_WORDS)


def _claim(s: str) -> Claim | None:
    if s in vocab.YES_NO:
        return vocab.YES_NO[s]
    for words, claim in _CLAIMS:
        if words.search(s):
            return claim
    return None


def _trend(s: str) -> Trend | None:
    found = [t for words, t in _TRENDS_BY_WORDS if words.search(s)]
    return found[0] if len(found) == 1 else None


def _words(s: str) -> tuple[str, ...]:
    """The qualitative words in ``s``, in the vocabulary's order (overlapping ones too)."""
    if _ANY_QUALITATIVE.search(s) is None:
        return ()
    return tuple(w for w in vocab.QUALITATIVE_WORDS if w in s)


def _statement(s: str, text: str) -> Value:
    """Qualitative (short, with a known word) or text (kept verbatim)."""
    words = _words(s)
    claim = _claim(s)
    trend = _trend(s)
    direction: Direction | None = None
    if trend is not None:
        direction = "higher" if trend == "up" else "lower"
    if s.startswith("控制在") or s.startswith("控制"):
        direction = "lower"
    has_digit = any(c.isdigit() for c in s)
    if (words or claim) and not has_digit and len(s) <= 12:
        return make_value(
            text=text,
            kind="qualitative",
            words=words,
            claim=claim,
            trend=trend,
            direction=direction,
        )
    if _CLOCK.match(s):
        note = "时刻格式（疑为电子表格把数值转成了时间），无法作为指标值"
    elif has_digit:
        note = "含数字的描述性文字，无法拆成运算符、数值和单位"
    elif words or claim:
        note = "描述性语句（超过 12 字），按文字保留"
    else:
        note = "描述性文字，无可识别的数值或定性词"
    return make_value(
        text=text,
        kind="text",
        words=words,
        claim=claim,
        trend=trend,
        direction=direction,
        note=note,
        flags=("unparsed",),
    )


def _single(s: str, text: str) -> Value | None:
    if not s:
        return None
    return _quantity(s, text) or _change(s, text) or _labelled(s, text)


def _compound(s: str, text: str) -> Value | None:
    pieces = [p for p in _SEPARATORS.split(s) if p]
    parts: list[Value] = []
    if len(pieces) >= 2:
        for p in pieces:
            v = _single(p, p)
            if v is None:
                return None
            parts.append(v)
    else:
        # Numbers run together with their units: ``9个居委67小区``.
        matches = list(_MULTI.finditer(s))
        if len(matches) < 2 or "".join(m.group(0) for m in matches) != s:
            return None
        for m in matches:
            parts.append(
                make_value(
                    text=m.group(0),
                    kind="quantity",
                    number=float(m.group(1).replace(",", "")),
                    unit=m.group(2),
                )
            )
    return make_value(text=text, kind="compound", parts=tuple(parts))


# The commonest shapes by far (``96.5%``, ``>=95%``, ``120(人)``): an ASCII
# operator, a plain number and a simple unit are read without the general
# patterns. Anything else (and any unit that needs judgement) goes the long way;
# a property test checks that both ways agree.
_PLAIN = re.compile(r"(>=|<=|=|≥|≤|>|<)?(\d+(?:\.\d+)?)(%|\([^()\d]{1,12}\))?")


def _plain_unit(unit: str) -> bool:
    """A unit the shortcut reads as the general parser would: known and not a time
    (a duration needs judgement), or ``a/b`` of known units not starting with a time
    (``件/人/年``, ``元/亩``); never ``个`` before a time (``个月`` is a duration)."""
    if "/" in unit:
        parts = unit.split("/")
        return parts[0] not in vocab.TIME_UNITS and all(p in vocab.KNOWN_UNITS for p in parts)
    if unit not in vocab.KNOWN_UNITS or unit in vocab.TIME_UNITS:
        return False
    return not (unit.startswith("个") and unit[1:] in vocab.TIME_UNITS)


def _plain(text: str) -> Value | None:
    m = _PLAIN.fullmatch(text)
    if m is None:
        return None
    pre, num, raw = m.groups()
    number = float(num)
    unit = _unit(raw)
    if unit is not None and unit != "%" and not _plain_unit(unit):
        return None
    op = vocab.PREFIX_OPERATORS[pre] if pre else None
    flags = ("percent_over_100",) if unit == "%" and number > 100 else ()
    return make_value(
        text=text,
        kind="quantity",
        op=op,
        number=number,
        unit=unit,
        direction=_direction(op),
        flags=flags,
    )


@lru_cache(maxsize=16384)
def _parse(text: str) -> Value:
    return _plain(text) or _parse_general(text)


def _parse_general(text: str) -> Value:
    s = normalize(text)
    if not s:
        return make_value(text=text, kind="empty")
    if s.lower() in vocab.PLACEHOLDERS or _INDICATOR_PLACEHOLDER.match(s):
        return make_value(text=text, kind="placeholder", note="模板占位内容，未填写指标值")
    if "百分之" in s:
        s = _PERCENT_OF.sub(lambda m: f"{m.group(1)}%", s)
    v = _single(s, text)
    if v is not None:
        return v
    if _CLOCK.match(s) is None:
        v = _compound(s, text)
        if v is not None:
            return v
    return _statement(s, text)


@lru_cache(maxsize=4096)
def direction_from_name(name: str | None) -> Direction | None:
    """``lower`` for names like 发生率, 事故, 投诉, 成本, 回潮; ``higher`` for 处理率 …; else None."""
    if not name:
        return None
    k = _TRAILING_NOTE.sub("", normalize(name))
    if _HIGHER_NAME.search(k):
        return "higher"
    if _LOWER_NAME.search(k):
        return "lower"
    return None


@lru_cache(maxsize=32768)
def parse_value(text: str | None, name: str | None = None) -> Value:
    """Parse a target or actual; ``name`` (the 三级指标) may tell the direction.

    The text's own direction (an operator, a trend) wins over the name's, except
    ``=`` (exact), which the name refines: ``=0.00(起)`` under 回潮率 is lower-is-better.
    """
    if text is None:
        return make_value(text="", kind="empty")
    v = _parse(text)
    by_name = direction_from_name(name)
    if (
        by_name is not None
        and v.kind in ("quantity", "duration")
        and v.direction
        in (
            None,
            "exact",
        )
    ):
        return _with_direction(v, by_name)
    return v


def _with_direction(v: Value, direction: Direction) -> Value:
    """``v._replace(direction=direction)``, without ``_replace``'s overhead."""
    return make_value(
        v.text, v.kind, v.op, v.number, v.upper, v.unit, v.label, v.basis, v.trend, v.words,
        v.claim, direction, v.parts, v.note, v.flags,
    )  # fmt: skip


def clear_caches() -> None:
    """Forget parsed values and name directions (for benchmarks and tests)."""
    _parse.cache_clear()
    parse_value.cache_clear()
    direction_from_name.cache_clear()
