"""Positioned text on pages → a ``Sheet``: what the PDF and OCR readers share.

Both readers turn a page into *items* (a character of a PDF text layer, or a
box of OCR text, with its bounding box and, for OCR, a confidence) and
*rulings* (horizontal and vertical line segments).  This module does the rest:

1. **Ruled tables.** Rulings that touch each other form a table; the distinct
   x and y positions of its lines cut it into elementary cells, and cells not
   separated by a ruling are merged (``rowspan``/``colspan``).  Items are put
   into the cell holding their centre; a cell's items are grouped into lines
   and joined (no space between CJK characters, one between words).
2. **Free lines.** Items outside every ruled table are grouped into lines and
   cut into segments at wide gaps.  Consecutive free lines (over pages) are
   printed as ``pdftotext -layout`` text — segment starts projected onto a
   character grid — and read with ``readers.layout``, which finds unruled
   tables from the text positions and keeps titles and narrative as one-cell
   rows.  Page marks (``- 2 -``) are rejected there as ``PAGE_MARK``.
3. **Pages.** A ruled table that ends a page and one that starts the next page
   with the same left and right edges are one table: the continuation's rows
   that repeat the table's first rows (Word's repeated header rows) are
   dropped, columns are numbered over the union of both parts' lines, and a
   merged cell cut by the page break is joined with its empty continuation.
   Unruled tables are stitched the same way: lines at the top of a page that
   repeat the first lines of the table still open at the end of the previous
   page are dropped.

Row numbers (``Row.line``, ``Cell.line``) count rows over the whole document:
one per table row, one per layout line.  ``Row.page`` is the 1-based page;
``Cell.bbox`` is ``(x0, top, x1, bottom)`` in points from the page's top-left
corner (image files: pixels).
"""

from __future__ import annotations

import bisect
import difflib
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from jixiao.models import Cell, Row, Sheet
from jixiao.readers.clean import clean_cell
from jixiao.readers.layout import display_width, is_page_mark, join_wrapped, read_layout

BBox = tuple[float, float, float, float]


@dataclass(slots=True)
class Item:
    """A piece of text on a page: one PDF character or one OCR box."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    confidence: float | None = None

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(slots=True)
class Ruling:
    """A horizontal (``y0 == y1``) or vertical (``x0 == x1``) line segment."""

    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(slots=True)
class GridCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    bbox: BBox
    items: list[Item] = field(default_factory=list)
    text: str = ""
    confidence: float | None = None


@dataclass(slots=True)
class GridTable:
    """A ruled table on one page: column and row boundaries and merged cells."""

    page: int
    xs: list[float]
    ys: list[float]
    cells: list[GridCell]

    @property
    def bbox(self) -> BBox:
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])


@dataclass(slots=True)
class Segment:
    """Text of one line between wide gaps."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    confidence: float | None = None

    @property
    def bbox(self) -> BBox:
        return (self.x0, self.top, self.x1, self.bottom)


@dataclass(slots=True)
class TextLine:
    page: int
    segments: list[Segment]

    @property
    def top(self) -> float:
        return min(s.top for s in self.segments)


@dataclass(slots=True)
class Page:
    """What a reader found on one page."""

    number: int
    items: list[Item]
    rulings: list[Ruling] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)  # texts dropped by the reader


# ---------------------------------------------------------------------------
# Ruled tables.


def _cluster(values: Iterable[float], tol: float) -> list[float]:
    """Sorted positions with values closer than ``tol`` merged (their mean)."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]


def _merge_collinear(segs: list[tuple[float, float, float]], tol: float) -> list[list[float]]:
    """(position, start, end) segments → merged [position, start, end] runs."""
    out: list[list[float]] = []
    for pos, a, b in sorted(segs, key=lambda s: (round(s[0] / tol), s[1])):
        for run in reversed(out[-8:]):
            if abs(run[0] - pos) <= tol and a <= run[2] + tol and b >= run[1] - tol:
                run[1], run[2] = min(run[1], a), max(run[2], b)
                break
        else:
            out.append([pos, a, b])
    return out


def find_tables(rulings: Sequence[Ruling], page: int, tol: float = 2.0) -> list[GridTable]:
    """Ruled tables from line segments (see the module docstring)."""
    hs = _merge_collinear(
        [(r.y0, min(r.x0, r.x1), max(r.x0, r.x1)) for r in rulings if abs(r.y1 - r.y0) <= tol],
        tol,
    )
    vs = _merge_collinear(
        [(r.x0, min(r.y0, r.y1), max(r.y0, r.y1)) for r in rulings if abs(r.x1 - r.x0) <= tol],
        tol,
    )
    hs = [h for h in hs if h[2] - h[1] > 3 * tol]
    vs = [v for v in vs if v[2] - v[1] > 3 * tol]
    if len(hs) < 2 or len(vs) < 2:
        return []
    parent = list(range(len(hs) + len(vs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if h[1] - tol <= v[0] <= h[2] + tol and v[1] - tol <= h[0] <= v[2] + tol:
                parent[find(i)] = find(len(hs) + j)
    groups: dict[int, tuple[list[list[float]], list[list[float]]]] = {}
    for i, h in enumerate(hs):
        groups.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        groups.setdefault(find(len(hs) + j), ([], []))[1].append(v)
    tables = []
    for gh, gv in groups.values():
        if len(gh) >= 2 and len(gv) >= 2:
            table = _grid(gh, gv, page, tol)
            if table is not None:
                tables.append(table)
    tables.sort(key=lambda t: (t.ys[0], t.xs[0]))
    return tables


def _covered(runs: list[list[float]], pos: float, a: float, b: float, tol: float) -> bool:
    """Is [a, b] at ``pos`` mostly drawn by one of the runs?"""
    need = (b - a) * 0.6
    got = 0.0
    for run in runs:
        if abs(run[0] - pos) <= tol:
            got += max(0.0, min(b, run[2]) - max(a, run[1]))
    return got >= need


def _grid(hs: list[list[float]], vs: list[list[float]], page: int, tol: float) -> GridTable | None:
    xs = _cluster((v[0] for v in vs), tol)
    ys = _cluster((h[0] for h in hs), tol)
    if len(xs) < 2 or len(ys) < 2:
        return None
    nr, nc = len(ys) - 1, len(xs) - 1
    # union-find over elementary cells not separated by a ruling
    parent = list(range(nr * nc))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(nr):
        for c in range(nc):
            if c + 1 < nc and not _covered(vs, xs[c + 1], ys[r], ys[r + 1], tol):
                parent[find(r * nc + c)] = find(r * nc + c + 1)
            if r + 1 < nr and not _covered(hs, ys[r + 1], xs[c], xs[c + 1], tol):
                parent[find(r * nc + c)] = find((r + 1) * nc + c)
    spans: dict[int, list[int]] = {}
    for r in range(nr):
        for c in range(nc):
            root = find(r * nc + c)
            box = spans.setdefault(root, [r, c, r, c])
            box[0], box[1] = min(box[0], r), min(box[1], c)
            box[2], box[3] = max(box[2], r), max(box[3], c)
    cells: list[GridCell] = []
    for r0, c0, r1, c1 in spans.values():
        # a region with no ruling on its outer side lies outside the table
        if not (
            _covered(hs, ys[r0], xs[c0], xs[c1 + 1], tol)
            and _covered(hs, ys[r1 + 1], xs[c0], xs[c1 + 1], tol)
            and _covered(vs, xs[c0], ys[r0], ys[r1 + 1], tol)
            and _covered(vs, xs[c1 + 1], ys[r0], ys[r1 + 1], tol)
        ):
            continue
        cells.append(
            GridCell(r0, c0, r1 - r0 + 1, c1 - c0 + 1, (xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1]))
        )
    if len(cells) < 2:
        return None
    cells.sort(key=lambda g: (g.row, g.col))
    return GridTable(page, xs, ys, cells)


# ---------------------------------------------------------------------------
# Lines and cell text.


def group_lines(items: Iterable[Item]) -> list[list[Item]]:
    """Items grouped into text lines (top to bottom), each sorted left to right."""
    lines: list[tuple[float, float, list[Item]]] = []  # (top, bottom, items)
    for it in sorted(items, key=lambda i: (i.top + i.bottom) / 2):
        mid = (it.top + it.bottom) / 2
        if lines:
            top, bottom, members = lines[-1]
            if top <= mid <= bottom or abs(mid - (top + bottom) / 2) < 0.3 * it.height:
                members.append(it)
                lines[-1] = (min(top, it.top), max(bottom, it.bottom), members)
                continue
        lines.append((it.top, it.bottom, [it]))
    return [sorted(m, key=lambda i: i.x0) for _, _, m in lines]


def _space_between(a: Item, b: Item) -> bool:
    gap = b.x0 - a.x1
    return gap > 0.25 * max(a.height, b.height, 1.0)


def line_text(items: Sequence[Item]) -> str:
    parts: list[str] = []
    prev: Item | None = None
    for it in items:
        if prev is not None and _space_between(prev, it):
            parts.append(" ")
        parts.append(it.text)
        prev = it
    return "".join(parts)


def _min_conf(items: Iterable[Item]) -> float | None:
    confs = [i.confidence for i in items if i.confidence is not None]
    return min(confs) if confs else None


def cell_text(items: Sequence[Item]) -> str:
    text = ""
    for line in group_lines(items):
        text = join_wrapped(text, line_text(line).strip())
    return clean_cell(text)


def segments_of(line: Sequence[Item], gap: float) -> list[Segment]:
    """Cut a line where the space between items is wider than ``gap``."""
    out: list[list[Item]] = []
    for it in line:
        if out and it.x0 - out[-1][-1].x1 <= gap:
            out[-1].append(it)
        else:
            out.append([it])
    return [
        Segment(
            clean_cell(line_text(g)),
            min(i.x0 for i in g),
            min(i.top for i in g),
            max(i.x1 for i in g),
            max(i.bottom for i in g),
            _min_conf(g),
        )
        for g in out
        if clean_cell(line_text(g))
    ]


def fill_cells(table: GridTable, items: list[Item]) -> list[Item]:
    """Put items into the table's cells; returns the items outside every cell."""
    outside: list[Item] = []
    xs, ys = table.xs, table.ys
    index: dict[tuple[int, int], GridCell] = {}
    for cell in table.cells:
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                index[(r, c)] = cell
    for it in items:
        cx, cy = (it.x0 + it.x1) / 2, (it.top + it.bottom) / 2
        c = bisect.bisect_right(xs, cx) - 1
        r = bisect.bisect_right(ys, cy) - 1
        hit = index.get((r, c)) if 0 <= c < len(xs) - 1 and 0 <= r < len(ys) - 1 else None
        if hit is None:
            outside.append(it)
        else:
            hit.items.append(it)
    for cell in table.cells:
        if cell.items:
            cell.text = cell_text(cell.items)
            cell.confidence = _min_conf(cell.items)
    return outside


# ---------------------------------------------------------------------------
# Assembling the sheet.

_TITLE_RE = re.compile(r"绩效.{0,12}表|[(（]\s*\d{4}\s*年度?\s*[)）]|^附件|^单位\s*[:：]")
_CLOSING_RE = re.compile(r"^(?:总分|合计|总计)")


@dataclass(slots=True)
class _Part:
    """A ruled table, possibly continued over pages."""

    pieces: list[GridTable]


def _same_edges(a: GridTable, b: GridTable, tol: float) -> bool:
    return abs(a.xs[0] - b.xs[0]) <= tol and abs(a.xs[-1] - b.xs[-1]) <= tol


def _unit(lines: Sequence[TextLine]) -> float:
    """Width of one layout column (half a CJK character)."""
    widths = []
    for ln in lines:
        for s in ln.segments:
            w = display_width(s.text)
            if w >= 2:
                widths.append((s.x1 - s.x0) / w)
    return statistics.median(widths) if widths else 4.0


class _Builder:
    def __init__(self, source: str, kind: str) -> None:
        self.source = source
        self.kind = kind
        self.rows: list[Row] = []
        self.rejected: list[tuple[int, str, str]] = []
        self.line = 0

    # -- free lines through the layout reader -------------------------------
    def layout(self, lines: list[TextLine]) -> None:
        lines = _drop_repeated_lines(lines)
        if not lines:
            return
        unit = _unit(lines)
        left = min(s.x0 for ln in lines for s in ln.segments)
        texts: list[str] = []
        for ln in lines:
            out = ""
            for s in sorted(ln.segments, key=lambda s: s.x0):
                col = 2 + round((s.x0 - left) / unit)
                if out:
                    col = max(col, display_width(out) + 2)
                out += " " * max(0, col - display_width(out)) + s.text
            texts.append(out)
        joined = "".join(
            t + ("" if i + 1 == len(lines) else "\f" if lines[i + 1].page != ln.page else "\n")
            for i, (t, ln) in enumerate(zip(texts, lines, strict=True))
        )
        sheet = read_layout(joined, self.source)
        base = self.line
        for row in sheet.rows:
            first = lines[row.line - 1]
            row.page = first.page
            segs = [s for n in row.source_lines() for s in lines[n - 1].segments]
            for cell in row.cells:
                cell.line += base
                key = "".join(cell.text.split())
                hits = [s for s in segs if "".join(s.text.split()) in key] if key else []
                if hits:
                    cell.bbox = _union(s.bbox for s in hits)
                    confs = [s.confidence for s in hits if s.confidence is not None]
                    cell.confidence = min(confs) if confs else None
            row.line += base
            row.lines = tuple(n + base for n in row.lines)
            self.rows.append(row)
        for number, text, reason in sheet.rejected:
            self.rejected.append((number + base, text, reason))
        self.line += len(lines)

    # -- ruled tables ---------------------------------------------------------
    def table(self, part: _Part) -> None:
        pieces = part.pieces
        xs = _cluster((x for p in pieces for x in p.xs), 2.0)

        def col_of(x: float) -> int:
            return min(range(len(xs)), key=lambda i: abs(xs[i] - x))

        first_texts: list[list[tuple[int, str]]] = []
        open_cells: dict[tuple[int, int], Cell] = {}  # (col, colspan) → cell cut by the page end
        for k, piece in enumerate(pieces):
            by_row: dict[int, list[GridCell]] = {}
            for gc in piece.cells:
                by_row.setdefault(gc.row, []).append(gc)
            nrows = len(piece.ys) - 1
            skip = 0
            while k and skip < min(len(first_texts), nrows):
                texts = [(col_of(piece.xs[g.col]), g.text) for g in by_row.get(skip, []) if g.text]
                if not _same_row(texts, first_texts[skip]):
                    break
                skip += 1
            still_open: dict[tuple[int, int], Cell] = {}
            for r in range(skip, nrows):
                cells: list[Cell] = []
                line = self.line + 1
                for gc in by_row.get(r, []):
                    c0 = col_of(piece.xs[gc.col])
                    key = (c0, col_of(piece.xs[gc.col + gc.colspan]) - c0)
                    at_end = gc.row + gc.rowspan == nrows
                    if r == skip and not gc.text and key in open_cells:
                        cell = open_cells[key]
                        cell.rowspan += gc.rowspan
                        if at_end:
                            still_open[key] = cell
                        continue
                    if not gc.text:
                        continue
                    cell = Cell(
                        gc.text,
                        c0,
                        line,
                        gc.rowspan,
                        key[1],
                        bbox=gc.bbox,
                        confidence=gc.confidence,
                    )
                    cells.append(cell)
                    if at_end:
                        still_open[key] = cell
                if k == 0 and r < 4:
                    first_texts.append([(c.col, c.text) for c in cells])
                if cells:
                    self.line = line
                    self.rows.append(Row(cells, line, piece.page))
            open_cells = still_open

    def sheet(self) -> Sheet:
        return Sheet(self.rows, self.source, self.kind, rejected=self.rejected)


def _same_row(a: list[tuple[int, str]], b: list[tuple[int, str]]) -> bool:
    """Do two rows print the same texts in the same columns (OCR slips allowed)?"""
    if not a or len(a) != len(b):
        return False
    for (ca, ta), (cb, tb) in zip(a, b, strict=True):
        if ca != cb:
            return False
        ka, kb = "".join(ta.split()), "".join(tb.split())
        if ka != kb and difflib.SequenceMatcher(None, ka, kb).ratio() < 0.8:
            return False
    return True


def _union(boxes: Iterable[BBox]) -> BBox:
    bs = list(boxes)
    return (
        min(b[0] for b in bs),
        min(b[1] for b in bs),
        max(b[2] for b in bs),
        max(b[3] for b in bs),
    )


def _line_key(ln: TextLine) -> str:
    return "|".join("".join(s.text.split()) for s in sorted(ln.segments, key=lambda s: s.x0))


def _drop_repeated_lines(lines: list[TextLine]) -> list[TextLine]:
    """Lines at the top of a page that repeat the first lines of the open table."""
    out: list[TextLine] = []
    first: list[str] = []  # the open table's first lines (on its first page)
    first_page = 0
    is_open = False
    i = 0
    while i < len(lines):
        ln = lines[i]
        if i and ln.page != lines[i - 1].page and is_open and first:
            k = 0
            while (
                i + k < len(lines)
                and k < len(first)
                and lines[i + k].page == ln.page
                and _line_key(lines[i + k]) == first[k]
            ):
                k += 1
            if k:
                i += k
                continue
        text = ln.segments[0].text
        if len(ln.segments) == 1 and is_page_mark(text):
            pass
        elif len(ln.segments) == 1 and _TITLE_RE.search(text):
            is_open, first = False, []
        elif len(ln.segments) > 1 or is_open:
            if not is_open:
                is_open, first, first_page = True, [], ln.page
            if len(first) < 4 and ln.page == first_page:
                first.append(_line_key(ln))
            if _CLOSING_RE.match(text):
                is_open = False
        out.append(ln)
        i += 1
    return out


def free_lines(items: list[Item], page: int, gap: float | None = None) -> list[TextLine]:
    out = []
    for line in group_lines(items):
        h = statistics.median(i.height for i in line)
        segs = segments_of(line, gap if gap is not None else 1.2 * h)
        if segs:
            out.append(TextLine(page, segs))
    return out


def assemble(pages: Sequence[Page], source: str, kind: str) -> Sheet:
    """Build the sheet of a document from what was found on its pages."""
    # Per page: ruled tables and free lines in reading order.
    entries: list[tuple[int, float, GridTable | TextLine]] = []
    for page in pages:
        tables = find_tables(page.rulings, page.number)
        items = page.items
        for t in tables:
            items = fill_cells(t, items)
        tables = [t for t in tables if any(c.text for c in t.cells)]
        for t in tables:
            entries.append((page.number, t.ys[0], t))
        lines = free_lines(items, page.number)
        for ln in lines[-1:] + lines[:1]:
            _mark_page_number(ln)
        for ln in lines:
            entries.append((page.number, ln.top, ln))
    entries.sort(key=lambda e: (e[0], e[1]))
    b = _Builder(source, kind)
    pending: list[TextLine] = []
    part: _Part | None = None
    for i, (_, _, entry) in enumerate(entries):
        if isinstance(entry, TextLine):
            pending.append(entry)
            continue
        # a table at the top of a page continues the one that ended the last page
        if (
            part is not None
            and entry.page == part.pieces[-1].page + 1
            and _same_edges(part.pieces[-1], entry, 3.0)
            and all(_is_page_furniture(ln) for ln in pending)
            and _first_on_page(entries, i)
        ):
            part.pieces.append(entry)
            continue
        if part is not None:
            b.table(part)
            part = None
        b.layout(pending)
        pending = []
        part = _Part([entry])
    if part is not None:
        b.table(part)
    b.layout(pending)
    return b.sheet()


_LOOSE_PAGE_NUMBER_RE = re.compile(r"^[-–—_·.\s]*(\d{1,3})[-–—_·.\s]*$")


def _mark_page_number(ln: TextLine) -> None:
    """A lone number printed first or last on a page (``- 3 -`` read as ``3.``)."""
    if len(ln.segments) != 1:
        return
    m = _LOOSE_PAGE_NUMBER_RE.match(ln.segments[0].text)
    if m:
        ln.segments[0].text = f"- {m.group(1)} -"


def _is_page_furniture(ln: TextLine) -> bool:
    return len(ln.segments) == 1 and is_page_mark(ln.segments[0].text)


def _first_on_page(entries: list[tuple[int, float, GridTable | TextLine]], i: int) -> bool:
    page = entries[i][0]
    for p, _, e in reversed(entries[:i]):
        if p != page:
            return True
        if not (isinstance(e, TextLine) and _is_page_furniture(e)):
            return False
    return True
