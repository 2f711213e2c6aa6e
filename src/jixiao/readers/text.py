"""Extracted text → ``Sheet``: decoding, format detection, tab-separated rows.

The other text forms live in their own modules (``markdown``, ``html``,
``cells``, ``layout``); ``read_text`` picks one by looking at the content.
"""

from __future__ import annotations

import re

from jixiao.errors import UnreadableFileError
from jixiao.models import Cell, Row, Sheet
from jixiao.readers.clean import clean_cell

ENCODINGS = ("utf-8-sig", "gb18030", "utf-16")
_MD_SEPARATOR_RE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_LAYOUT_GAP_RE = re.compile(r"\S(?: {2,}|\u3000+)\S")


def decode(data: bytes, source: str) -> str:
    """Bytes → text: UTF-8 (with or without BOM), GBK/GB18030, UTF-16 with BOM."""
    if not data.strip():
        return ""
    sample = data[:4096]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise UnreadableFileError(source, f"broken UTF-16 text ({exc.reason})") from exc
    if b"\x00" in sample:
        raise UnreadableFileError(source, "binary content (NUL bytes), not a text file")
    for encoding in ENCODINGS[:2]:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            break
        return text
    raise UnreadableFileError(
        source, "not valid UTF-8 or GB18030 text (unknown encoding or binary data)"
    )


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    if not sample:
        return False
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\f")
    return controls > max(2, len(sample) // 100)


def detect_format(text: str) -> str:
    """One of ``html``, ``markdown``, ``tsv``, ``layout``, ``cells``."""
    head = text[:200_000]
    lowered = head.lower()
    if "<table" in lowered and ("<td" in lowered or "<th" in lowered):
        return "html"
    lines = [ln for ln in head.splitlines() if ln.strip()]
    if not lines:
        return "tsv"
    if (
        any(_MD_SEPARATOR_RE.match(ln) for ln in lines)
        and sum(1 for ln in lines if ln.lstrip().startswith("|")) >= 3
    ):
        return "markdown"
    tabbed = sum(1 for ln in lines if "\t" in ln.strip("\t "))
    if tabbed >= max(3, len(lines) // 5):
        return "tsv"
    gapped = sum(1 for ln in lines if _LAYOUT_GAP_RE.search(ln.strip()))
    if gapped >= max(3, len(lines) // 4):
        return "layout"
    return "cells"


def read_text(text: str, source: str = "<text>", fmt: str | None = None) -> Sheet:
    """Parse extracted text in any supported form into one ``Sheet``."""
    fmt = fmt or detect_format(text)
    if fmt == "tsv":
        return read_tsv(text, source)
    if fmt == "markdown":
        from jixiao.readers.markdown import read_markdown

        return read_markdown(text, source)
    if fmt == "html":
        from jixiao.readers.html import read_html

        return read_html(text, source)
    if fmt == "layout":
        from jixiao.readers.layout import read_layout

        return read_layout(text, source)
    if fmt == "cells":
        from jixiao.readers.cells import read_cells

        return read_cells(text, source)
    raise ValueError(f"unknown text format {fmt!r}")


def read_tsv(text: str, source: str = "<text>") -> Sheet:
    """Tab-separated rows, one per line; a blank line marks a page break."""
    rows: list[Row] = []
    page = 1
    blank = False
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            blank = True
            continue
        if blank and rows:
            page += 1
        blank = False
        # empty cells are left out: a cell's ``col`` keeps its position
        cells = [
            Cell(text, col, number)
            for col, part in enumerate(raw.split("\t"))
            if part and (text := clean_cell(part))
        ]
        rows.append(Row(cells, number, page))
    return Sheet(rows, source, "tsv")
