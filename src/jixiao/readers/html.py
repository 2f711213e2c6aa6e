"""HTML → ``Sheet`` with the standard library's ``html.parser``.

* Every ``<tr>`` of a ``<table>`` is a row. ``rowspan``/``colspan`` are
  expanded into a grid: the origin cell carries the text and the spans, every
  other position it covers is an empty ``spanned`` cell (``rowspan="0"`` runs
  to the end of the table; spans past the last row are clipped). Omitted
  ``</td>``/``</tr>`` are closed implicitly. A table nested inside a cell is
  flattened into that cell's text.
* Cell text: ``<br>``, ``<p>``, ``<div>`` … become spaces, checkboxes and radio
  buttons become ☑ (checked) / ☐, then ``clean_cell`` collapses white space.
* Text outside tables (headings, paragraphs, ``<div>``s, ``<caption>``,
  ``<br>``-separated lines) becomes one-cell rows in document order.
* Line numbers come from the parser: a row's ``line`` is its ``<tr>``, a
  cell's is its first text (or its tag), ``lines`` covers ``<tr>`` … ``</tr>``.
* Page breaks: a CSS ``page-break-before/after: always`` or ``break-before/
  after: page``, an ``<hr>`` whose class or style names a page, an HTML
  comment naming a page, a form feed, or a text block that is a page mark
  (``-1-``, ``第1页``; no row, listed in ``rejected`` as ``PAGE_MARK``).
* Lines holding only markup are structure, not content. Text in ``<head>``
  (the ``<title>``) and stray text inside ``<table>`` outside any cell is
  rejected; ``<script>``/``<style>`` content and comments are ignored.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from jixiao.models import Cell, Row, Sheet
from jixiao.readers.clean import CHECKED, UNCHECKED, clean_cell
from jixiao.readers.layout import PAGE_MARK, is_page_mark

_BLOCK_TAGS = frozenset(
    "address article aside blockquote body center dd div dl dt fieldset figcaption figure "  # noqa: SIM905
    "footer form h1 h2 h3 h4 h5 h6 header hr html li main nav ol p pre section ul".split()
)
_SKIP_TAGS = frozenset({"script", "style", "template"})
_BREAK_BEFORE_RE = re.compile(r"(?:page-)?break-before\s*:\s*(?:always|page)", re.IGNORECASE)
_BREAK_AFTER_RE = re.compile(r"(?:page-)?break-after\s*:\s*(?:always|page)", re.IGNORECASE)
_PAGE_WORD_RE = re.compile(r"page", re.IGNORECASE)
_MAX_SPAN = 1000


def _span(value: str | None, zero: int) -> int:
    if value is None:
        return 1
    try:
        n = int(value or "1")
    except ValueError:
        return 1
    if n == 0:
        return zero
    return min(max(n, 1), _MAX_SPAN)


@dataclass(slots=True)
class _Table:
    row_index: int = 0
    # grid row → columns covered there by cells of rows above
    covered: dict[int, set[int]] = field(default_factory=dict)
    # origin cells with a rowspan, and the grid row they start in (for clipping)
    tall: list[tuple[Cell, int]] = field(default_factory=list)
    row_open: bool = False
    row_line: int = 0
    row_last: int = 0
    row_cells: dict[int, Cell] = field(default_factory=dict)
    col: int = 0
    cell: Cell | None = None
    cell_parts: list[str] = field(default_factory=list)
    cell_has_text: bool = False
    caption: bool = False


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[Row] = []
        self.rejected: list[tuple[int, str, str]] = []
        self.page = 1
        self.pending = False
        self.tables: list[_Table] = []
        self.nested = 0  # depth of tables inside an open cell
        self.skip = 0
        self.in_head = False
        self.text: list[str] = []
        self.text_first = 0
        self.text_last = 0
        self.after: list[tuple[str, bool]] = []  # open block tags, "break after" flag

    # -- helpers ---------------------------------------------------------
    def _line(self) -> int:
        return self.lineno  # what getpos() reports, without building a tuple

    def _text_line(self, data: str) -> int:
        """The line where the data's first non-blank character is."""
        return self.lineno + data[: len(data) - len(data.lstrip())].count("\n")

    def _emit(self, row: Row) -> None:
        if self.pending and self.rows:
            self.page += 1
        self.pending = False
        row.page = self.page
        self.rows.append(row)

    def _flush_text(self) -> None:
        if not self.text:
            return
        raw = "".join(self.text)
        self.text = []
        if "\f" in raw:
            self.pending = True
        text = clean_cell(_escape(raw))
        if not text:
            return
        if is_page_mark(text):
            self.rejected.append((self.text_first, text, PAGE_MARK))
            self.pending = True
            return
        first, last = self.text_first, self.text_last
        lines = tuple(range(first, last + 1)) if last > first else ()
        self._emit(Row([Cell(text, 0, first)], first, self.page, lines))

    def _add_text(self, data: str) -> None:
        line = self._line()
        stripped = data.lstrip()
        if not self.text:
            if not stripped:
                return
            self.text_first = self._text_line(data)
        self.text.append(data)
        if stripped:
            self.text_last = line + data.rstrip().count("\n")

    # -- tables ----------------------------------------------------------
    def _open_row(self, t: _Table) -> None:
        self._close_row(t)
        t.row_open = True
        t.row_line = t.row_last = self._line()
        t.row_cells = {}
        t.col = 0

    def _close_cell(self, t: _Table) -> None:
        if t.cell is None:
            return
        raw = "".join(t.cell_parts)
        if "\f" in raw:
            self.pending = True
        t.cell.text = clean_cell(_escape(raw))
        t.cell = None
        t.cell_parts = []

    def _open_cell(self, t: _Table, attrs: dict[str, str | None]) -> None:
        if not t.row_open:
            self._open_row(t)
        self._close_cell(t)
        line = self._line()
        covered = t.covered.get(t.row_index, set())
        while t.col in covered or t.col in t.row_cells:
            t.col += 1
        rowspan = _span(attrs.get("rowspan"), _MAX_SPAN)
        colspan = _span(attrs.get("colspan"), 1)
        cell = Cell("", t.col, line, rowspan=rowspan, colspan=colspan)
        t.row_cells[t.col] = cell
        for c in range(t.col + 1, t.col + colspan):
            t.row_cells[c] = Cell("", c, line, spanned=True)
        for r in range(t.row_index + 1, t.row_index + rowspan):
            t.covered.setdefault(r, set()).update(range(t.col, t.col + colspan))
        if rowspan > 1:
            t.tall.append((cell, t.row_index))
        t.col += colspan
        t.cell = cell
        t.cell_parts = []
        t.cell_has_text = False

    def _close_row(self, t: _Table) -> None:
        self._close_cell(t)
        if not t.row_open:
            return
        t.row_open = False
        cells = t.row_cells
        for c in t.covered.pop(t.row_index, ()):
            if c not in cells:
                cells[c] = Cell("", c, t.row_line, spanned=True)
        t.row_index += 1
        if not cells:
            return
        first, last = t.row_line, max(t.row_last, t.row_line)
        lines = tuple(range(first, last + 1)) if last > first else ()
        row = Row([cells[c] for c in sorted(cells)], first, self.page, lines)
        for cell in row.cells:
            if cell.spanned:
                cell.line = first
        self._emit(row)

    def _close_table(self, t: _Table) -> None:
        self._close_row(t)
        for cell, start in t.tall:
            cell.rowspan = max(1, min(cell.rowspan, t.row_index - start))

    # -- parser callbacks ------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self.skip += 1
            return
        if self.skip:
            return
        if tag == "head":
            self.in_head = True
            return
        if tag == "body":
            self.in_head = False
        amap = dict(attrs)
        style = amap.get("style") or ""
        t = self.tables[-1] if self.tables else None
        in_cell = t is not None and t.cell is not None
        if tag == "input":
            kind = (amap.get("type") or "").lower()
            if kind in ("checkbox", "radio"):
                glyph = f" {CHECKED if 'checked' in amap else UNCHECKED} "
                self._data(glyph, t)
            return
        if self.nested or (tag == "table" and in_cell):
            if tag == "table":
                self.nested += 1
            if t is not None and t.cell is not None:
                t.cell_parts.append(" ")
            return
        if t is not None and tag not in ("tr", "table"):
            t.row_last = max(t.row_last, self._line())  # the open row reaches this tag
        if tag == "table":
            self._flush_text()
            if _BREAK_BEFORE_RE.search(style):
                self.pending = True
            self.tables.append(_Table())
        elif t is not None and tag == "tr":
            self._open_row(t)
        elif t is not None and tag in ("td", "th"):
            t.caption = False
            self._open_cell(t, amap)
        elif t is not None and tag == "caption":
            self._flush_text()
            t.caption = True
        elif t is not None and t.cell is not None:
            if tag == "br" or tag in _BLOCK_TAGS:
                t.cell_parts.append(" ")  # <br>, <p>, <div> … inside a cell
        elif tag == "br" or tag in _BLOCK_TAGS:
            self._flush_text()
            if _BREAK_BEFORE_RE.search(style) or (
                tag == "hr" and _PAGE_WORD_RE.search(f"{amap.get('class') or ''} {style}")
            ):
                self.pending = True
            if tag not in ("br", "hr"):
                self.after.append((tag, _BREAK_AFTER_RE.search(style) is not None))

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip:
            return
        if tag == "head":
            self.in_head = False
            return
        t = self.tables[-1] if self.tables else None
        if self.nested:
            if tag == "table":
                self.nested -= 1
            if t is not None and t.cell is not None:
                t.cell_parts.append(" ")
            return
        if t is not None:
            if tag != "table":
                t.row_last = max(t.row_last, self._line())
            if tag in ("td", "th"):
                self._close_cell(t)
            elif tag == "tr":
                self._close_row(t)
            elif tag == "table":
                self._close_table(t)
                self.tables.pop()
            elif tag == "caption":
                self._flush_text()
                t.caption = False
            elif t.cell is not None and tag in _BLOCK_TAGS:
                t.cell_parts.append(" ")
            return
        if tag in _BLOCK_TAGS:
            self._flush_text()
            for i in range(len(self.after) - 1, -1, -1):
                if self.after[i][0] == tag:
                    if any(flag for _, flag in self.after[i:]):
                        self.pending = True
                    del self.after[i:]
                    break

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.in_head:
            if data.strip():
                self.rejected.append((self._text_line(data), data.strip(), "html head"))
            return
        self._data(data, self.tables[-1] if self.tables else None)

    def _data(self, data: str, t: _Table | None) -> None:
        if t is None:
            self._add_text(data)
            return
        line = self._line()
        if t.cell is not None:
            if not t.cell_has_text and data.strip():
                t.cell.line = self._text_line(data)
                t.cell_has_text = True
            t.cell_parts.append(data)
            t.row_last = max(t.row_last, line + data.rstrip().count("\n"))
        elif t.caption:
            self._add_text(data)
        elif data.strip():
            reason = "text inside <table> outside any cell"
            self.rejected.append((self._text_line(data), data.strip(), reason))

    def handle_comment(self, data: str) -> None:
        if not self.skip and _PAGE_WORD_RE.search(data):
            self._flush_text()
            self.pending = True

    def finish(self) -> None:
        self.close()
        while self.tables:
            self._close_table(self.tables.pop())
        self._flush_text()


def _escape(raw: str) -> str:
    """Parsed text back into markup-safe form, so ``clean_cell`` keeps ``<``/``&``."""
    if "<" in raw or "&" in raw:
        return html.escape(raw, quote=False)
    return raw


def read_html(text: str, source: str = "<text>") -> Sheet:
    """Read an HTML document (tables and the text around them) into one ``Sheet``."""
    reader = _Reader()
    reader.feed(text)
    reader.finish()
    return Sheet(reader.rows, source, "html", rejected=reader.rejected)
