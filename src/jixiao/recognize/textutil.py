"""Small text helpers for recognition: match keys, numbers, dates, tidy text."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WS_RE = re.compile(r"\s+")
_NUMBER_RE = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
_THOUSANDS_RE = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$")
_DATE_RE = re.compile(r"(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?")
_YEAR_RE = re.compile(r"(?<!\d)(\d{4})\s*年(?:\s*度)?(?!\s*\d)")
_UNIT_RE = re.compile(r"[(（]\s*(万元|元)\s*[)）]|单位\s*[:：]\s*(万元|元)")
_POINTS_RE = re.compile(r"[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]$")
_PAREN_TAIL_RE = re.compile(r"\(.*\)$")
_CJK = r"\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’"
_CJK_SPACE_RE = re.compile(rf"(?<=[{_CJK}]) (?=[{_CJK}])")


@lru_cache(maxsize=65536)
def key(text: str) -> str:
    """Matching key: NFKC-normalised, all white space removed."""
    return _WS_RE.sub("", unicodedata.normalize("NFKC", text))


def strip_parenthetical(k: str) -> str:
    """A key without a trailing ``(…)``: ``项目总目标(2023年-2023年)`` → ``项目总目标``."""
    return _PAREN_TAIL_RE.sub("", k) if k.endswith(")") else k


def split_points(k: str) -> tuple[str, float | None]:
    """``产出指标(50分)`` → (``产出指标``, 50.0)."""
    m = _POINTS_RE.search(k)
    if not m:
        return k, None
    return k[: m.start()], float(m.group(1))


@lru_cache(maxsize=65536)
def parse_number(text: str) -> float | None:
    """A printed number (``12,690,000.00``, ``05``, ``-3``, ``100.00%``) or None."""
    k = key(text)
    if not k:
        return None
    if k.endswith(("%", "分")):
        k = k[:-1]
    if "," in k:
        if not _THOUSANDS_RE.match(k):
            return None
        k = k.replace(",", "")
    if not _NUMBER_RE.match(k):
        return None
    return float(k)


def is_plain_number(text: str) -> bool:
    """A bare number, as weights and scores are printed (no %, no words)."""
    k = key(text)
    if not k or k.endswith("%"):
        return False
    return parse_number(k) is not None


def parse_date(text: str) -> str | None:
    m = _DATE_RE.search(unicodedata.normalize("NFKC", text))
    if not m:
        return None
    y, mo, d = (int(g) for g in m.groups())
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def find_year(text: str) -> int | None:
    m = _YEAR_RE.search(unicodedata.normalize("NFKC", text))
    return int(m.group(1)) if m else None


def find_money_unit(text: str) -> str | None:
    m = _UNIT_RE.search(text)
    if not m:
        return None
    return m.group(1) or m.group(2)


def tidy(text: str) -> str | None:
    """Text as a record keeps it: single spaces, none between CJK characters."""
    text = text.strip()
    if not text:
        return None
    if " " in text:
        text = _CJK_SPACE_RE.sub("", text)
    return text


def join_text(a: str, b: str) -> str:
    """Join two fragments of one cell cut apart by a line or page break.

    When the second fragment is already the end of the first (extractors
    sometimes repeat the cut character), it is not added again.
    """
    if not a:
        return b
    if not b:
        return a
    if a.endswith(b):
        return a
    if a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalnum():
        return f"{a} {b}"
    return a + b
