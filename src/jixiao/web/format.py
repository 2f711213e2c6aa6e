"""Formatting of values for the pages: numbers, times, query strings, escaping."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from markupsafe import escape

from jixiao.store.auth import aware
from jixiao.store.tables import field_label


def esc(x: Any) -> str:
    """A value as HTML text, exactly as Jinja's autoescape prints it, as a plain str.

    For pages built in Python: ``markupsafe.escape`` makes a ``Markup`` object
    for every value, which costs more than the check that most text (numbers,
    Chinese) has nothing to escape.
    """
    if hasattr(x, "__html__"):
        return str(x.__html__())
    s = x if type(x) is str else str(x)
    if "&" in s or "<" in s or ">" in s or '"' in s or "'" in s:
        return str(escape(s))
    return s


def money(x: Any) -> str:
    """``12,814,895.16``; up to 4 decimals; ``—`` for none."""
    if x is None or x == "":
        return "—"
    v = float(x)
    if v == int(v):
        return f"{int(v):,}"
    return f"{v:,.4f}".rstrip("0").rstrip(".")


def num(x: Any, decimals: int = 2) -> str:
    if x is None or x == "":
        return "—"
    v = round(float(x), decimals)
    if v == int(v):
        return str(int(v))
    return f"{v:.{decimals}f}".rstrip("0").rstrip(".")


def pct(x: Any) -> str:
    return "—" if x is None else f"{float(x):.2f}%"


LOCAL_TZ = datetime.now().astimezone().tzinfo  # the server's zone, looked up once


def local_time(x: datetime | None, seconds: bool = False) -> str:
    if x is None:
        return "—"
    return (
        aware(x).astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    )


def query(base: dict[str, Any], **changes: Any) -> str:
    """A query string: ``base`` with ``changes`` (None removes a key)."""
    merged = {k: v for k, v in {**base, **changes}.items() if v not in (None, "")}
    return "?" + urlencode(merged) if merged else ""


def change_field(field: str | None, record: dict[str, Any] | None = None) -> str:
    """A change-log field in words: ``年度资金总额·全年执行数``, ``发现：vague-target``."""
    if not field:
        return ""
    if field.startswith("finding:"):
        return "发现 " + field.split(":", 1)[1]
    if field == "recomputed_total":
        return "重算总分"
    if field == "status":
        return "状态"
    return field_label(field, record)
