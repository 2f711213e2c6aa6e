"""The header block: title, year, 项目名称 and the other key-value fields."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from jixiao.models import Form
from jixiao.readers.clean import CHECKED, UNCHECKED
from jixiao.recognize.rowview import RowView
from jixiao.recognize.textutil import key, parse_date
from jixiao.recognize.vocab import vocabulary

_TITLE_STRIP_RE = re.compile(r"^[#\s《<]+|[》>\s]+$")
_YEAR_TAIL_RE = re.compile(r"\s*[(（]\s*\d{4}\s*年\s*度?\s*[)）]\s*$")
_YEAR_ONLY_RE = re.compile(r"^[(（]?(?:年度[:：]?)?\d{4}年?度?[)）]?$")
_CHECK_MARKS = frozenset(CHECKED + "√✓✔■☒▣●")
_EMPTY_MARKS = frozenset(UNCHECKED + "□○")


def title_form(text: str) -> tuple[str, Form] | None:
    """(title as printed, form) when the text is a performance-table title."""
    t = _TITLE_STRIP_RE.sub("", text).strip()
    t = _YEAR_TAIL_RE.sub("", t).strip()
    k = key(t)
    if "绩效" not in k or not k.endswith("表") or len(k) > 40:
        return None
    for form, words in vocabulary().titles:
        if any(w in k for w in words):
            return t, form  # type: ignore[return-value]
    return None


def is_year_row(rv: RowView) -> bool:
    return len(rv.items) == 1 and bool(_YEAR_ONLY_RE.match(rv.items[0].key))


def field_of(k: str) -> str | None:
    return vocabulary().fields.get(k)


@cache
def _inline_label_re() -> re.Pattern[str]:
    """``label：`` for every field label, spaces allowed inside the label."""
    words = sorted(vocabulary().fields, key=len, reverse=True)
    alts = "|".join(r"\s*".join(map(re.escape, w)) for w in words)
    # a money-unit note (单位：万元) ends the value before it
    return re.compile(rf"({alts}|(?:金额)?单位(?=\s*[:：]\s*万?元))\s*[:：]")


def inline_fields(text: str) -> list[tuple[str, str]]:
    """``项目名称：X　主管部门：Y`` → [("project", "X"), ("department", "Y")]."""
    if ":" not in text and "：" not in text:
        return []
    norm = unicodedata.normalize("NFKC", text)
    matches = list(_inline_label_re().finditer(norm))
    if not matches or norm[: matches[0].start()].strip():
        return []
    out: list[tuple[str, str]] = []
    for n, m in enumerate(matches):
        end = matches[n + 1].start() if n + 1 < len(matches) else len(norm)
        f = field_of(key(m.group(1)))
        if f is not None:
            out.append((f, norm[m.end() : end].strip()))
    return out


def read_fields(rv: RowView) -> list[tuple[str, str, int]]:
    """(field, value text, col) for every label → value pair in a header row."""
    out: list[tuple[str, str, int]] = []
    pending: str | None = None
    for it in rv.items:
        f = field_of(it.key)
        if f is not None:
            pending = f
            continue
        inline = inline_fields(it.text)
        if inline:
            out.extend((f, value, it.col) for f, value in inline)
            pending = None
            continue
        if pending is not None:
            out.append((pending, it.text, it.col))
            pending = None
    return out


def is_field_row(rv: RowView) -> bool:
    if not rv.items:
        return False
    first = rv.items[0]
    return field_of(first.key) is not None or bool(inline_fields(first.text))


def project_kind(text: str) -> str | None:
    """The ticked option of a 项目类别 cell (☑专项资金 □经常性项目 …)."""
    kinds = vocabulary().project_kinds
    marks = [(i, ch) for i, ch in enumerate(text) if ch in _CHECK_MARKS or ch in _EMPTY_MARKS]
    if not marks:
        k = key(text)
        return next((kind for kind in kinds if kind == k), k or None)
    # Does a mark follow its label (专项资金 ☑) or precede it (☑ 专项资金)?
    mark_first = not text[: marks[0][0]].strip()
    pieces: list[tuple[str, bool]] = []
    bounds = [-1] + [i for i, _ in marks] + [len(text)]
    for n, (i, ch) in enumerate(marks):
        label = text[i + 1 : bounds[n + 2]] if mark_first else text[bounds[n] + 1 : i]
        pieces.append((key(label), ch in _CHECK_MARKS))
    ticked = [label for label, on in pieces if on and label]
    if len(ticked) == 1:
        return ticked[0]
    return None


def period_value(text: str) -> str | None:
    return parse_date(text)
