"""``pdftotext -layout`` text → ``Sheet``; also the line helpers shared by the text readers.

How a layout page is read
=========================

1. **Lines and pages.** Lines are numbered as ``str.splitlines`` numbers them
   (like the tsv reader; a form feed ends a line too). A form feed, a page mark
   (``-1-``, ``- 2 -``, ``第1页``, ``第1页 共3页``) or — only when the text holds
   no form feed at all — a blank line is a page break; breaks in a row count
   once. Page marks make no row; they are listed in ``Sheet.rejected`` with
   the reason ``PAGE_MARK`` so that every line stays accounted for.
2. **Segments.** Each line is cut into segments at runs of two or more spaces
   (or any ideographic / no-break space); single spaces stay inside a segment.
   Positions are display columns: characters whose East Asian width is W or F
   count 2, everything else 1 (combining marks 0).
3. **Blocks.** A table block opens at the first line with two or more
   segments and stays open over single-segment lines; it closes at a title-like
   line (``…绩效…表``, ``(2023年度)``, ``附件2：``, ``单位：万元``) and after a
   ``总分`` / ``合计`` row. Single-segment lines outside blocks are single-cell
   rows in column 0 (titles, year lines, narrative).
4. **Bands and columns.** Inside a block every header line (two or more known
   header words: ``一级指标``, ``年度指标值``, ``分值``, ``年初预算数``,
   ``预期目标`` …) starts a band; lines before the first header form a band of
   their own. A band's columns are built from its multi-segment lines: header
   segments first, then the others from narrow to wide; a segment joins the
   column(s) it overlaps (one column of slack) when that puts no two segments
   of one line together, otherwise it is a spanning cell and is placed by its
   start. An all-numeric column with no header right beside a header column
   (up to 12 columns away) whose lines it does not share is merged into it
   (right-aligned numbers under a left-aligned header). Columns are numbered
   left to right, so within a band the same column has the same ``col`` on
   every line. Only printed text becomes cells: like the tsv reader, empty
   positions are left out (``col`` keeps the position).
5. **Rows and wrapped cells.** In a band a line starts a new row when it is the
   header, begins with a row label (``总分``, ``项目名称`` …), has text in a
   *key* column (numeric columns such as 分值/得分/权重/预算数, or columns that
   are ≥ 80 % numbers; in bands without any, the 年度指标值 column), has text
   in a column the current row leaves empty, repeats a complete 一级/二级 label
   (``…指标``) in a label column, or — in the band before any header — has two
   or more segments. Otherwise it continues the current row: its texts are
   appended to the row's cells (no space between CJK characters) and its line
   number goes into ``Row.lines``. A header row is only continued by short
   header fragments (``改进措施``, ``指标值``, ``(万元)``); pieces of a header
   cell printed on the line above the header join it too.
6. **Centred rows.** ``pdftotext`` prints a cell centred in a tall row with its
   first lines *above* the line with the row's numbers. A band with numeric
   columns where some run of text (a column's pieces with no blank line
   between) begins above a line with numbers is read that way: every line with
   numbers is a row, and each piece of text joins the row whose numbers are
   nearest within its run (a run without numbers, such as a label centred over
   several rows, joins the row nearest its middle).
7. **Positions.** ``pdftotext`` places text by character count, a terminal
   layout by display width (CJK = 2): the count that lines the columns up at
   fewer distinct positions is used. Numbers one space apart (``10 100.00%``)
   are separate cells.

Known limits
============

* Columns are recovered from white space only. Cells closer than two spaces
  merge into one segment; text that crosses into the next column is placed by
  where it starts (no ``colspan`` is inferred, and no cell is ``spanned``).
* Column numbers are per band: a money block and the indicator block of one
  table have their own 0-based numbering, not the printed form's common grid.
* Centred rows are recognised only in bands with numeric columns (分值,
  得分, 预算数 …); in target forms a centred wrap above a row becomes a row of
  its own. Headers centred over left-aligned text, and cells run together with
  a single space, can still put text in the wrong column.
* In bands without numeric columns (target forms), a wrapped 年度指标值 starts
  a new row, and a row holding only a 三级 text right after a row with an
  empty value is taken as a wrap of that row.
* A wrapped header is joined only when the continuation is made of header
  words; a goal text that is short and reads like a header word can be joined
  into the goals header.
* Headers are recognised by Chinese vocabulary; a band whose header is not
  recognised is read with the columns of its data lines alone.
* A table without a 总分 row (target forms) stays open until a title-like
  line: narrative printed right below it becomes rows of its last band (a
  wrapped paragraph joined into one row), not free single-cell rows.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from jixiao.models import Cell, Row, Sheet
from jixiao.readers.clean import clean_cell

# ---------------------------------------------------------------------------
# Helpers shared by the line-based readers (markdown, cells, html text).

PAGE_MARK_RE = re.compile(
    r"^\s*(?:[-—–－]\s*\d{1,4}\s*[-—–－]"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/／]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*[,，/／]?\s*第\s*\d{1,4}\s*页)\s*$"
)


_LINE_ENDS = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def split_lines(text: str) -> list[str]:
    """Lines numbered as ``str.splitlines`` (and the tsv reader) number them.

    A line that ended in a form feed keeps one trailing ``\\f`` so that readers
    can see the page break.
    """
    out: list[str] = []
    for line in text.splitlines(keepends=True):
        body = line.rstrip(_LINE_ENDS)
        out.append(body + "\f" if "\f" in line[len(body) :] else body)
    return out


PAGE_MARK = "page mark (page break)"  # the reason page mark lines are given in ``rejected``


def is_page_mark(line: str) -> bool:
    """``-1-``, ``- 2 -``, ``第3页``, ``第1页 共4页`` …"""
    return PAGE_MARK_RE.match(line) is not None


def display_width(text: str) -> int:
    """Columns the text takes in a monospaced layout (CJK and full-width = 2)."""
    if text.isascii():
        return len(text)
    width = 0
    for ch in text:
        if unicodedata.east_asian_width(ch) in ("W", "F"):
            width += 2
        elif not unicodedata.combining(ch):
            width += 1
    return width


def join_wrapped(head: str, tail: str) -> str:
    """Join a wrapped cell's lines: no space between CJK text, one between words."""
    if not head:
        return tail
    if not tail:
        return head
    a, b = head[-1], tail[0]
    if a.isascii() and b.isascii() and a.isalnum() and b.isalnum():
        return f"{head} {tail}"
    return head + tail


# ---------------------------------------------------------------------------
# Vocabulary.

_SEG_RE = re.compile(r"\S+(?: \S+)*")
_HEADER_RE = re.compile(
    r"^(?:[一二三]级指标|(?:年度)?指标值|目标值|(?:实际|全年)完成(?:值|情况)|分值|得分"
    r"|权重(?:[(（]%[)）])?|偏差.{0,12}|未完成原因.{0,8}|扣分原因.{0,10}|指标性质"
    r"|度量单位|计量单位|年初预算数?|全年预算数|全年执行数|调整后预算数?|预算执行数"
    r"|执行数|预算数|执行率(?:[(（]%[)）])?|预期目标|年初设定目标|项目总目标.*"
    r"|年度总体目标|预算目标|年度目标|全年预计完成情况|.{1,6}月执行(?:数|情况))$"
)
_NUMERIC_HEADER_RE = re.compile(
    r"(?:分值|得分|权重|预算数?|执行数|执行率|金额|分数)(?:[(（].*[)）])?$"
)
_VALUE_HEADER_RE = re.compile(r"^(?:(?:年度)?指标值|目标值)$")
_LEVEL_HEADERS = frozenset({"一级指标", "二级指标"})
_LABEL_RE = re.compile(r"指标(?:[(（][\d.]+分?[)）])?$")
_HEADER_FRAGMENT_RE = re.compile(
    r"(?:值|数|率|分析|措施|情况|目标|指标|性质|单位|说明|原因|名称|分|[(（][^()（）]{1,6}[)）])$"
)
_ROW_LABEL_RE = re.compile(
    r"^(?:总分|合计|总计|项目名称|主管部门|实施单位|单位名称|项目类别|计划开始日期|分解目标自评)"
    r"(?:[:：].*)?$"
)
_CLOSING_RE = re.compile(r"^(?:总分|合计|总计)$")
_TITLE_RE = re.compile(
    r"^(?:《?[^，。；,;：:]{0,40}(?:绩效|自评|目标)[^，。；,;]{0,20}表》?"
    r"|[(（]\d{4}年度?[)）]|附件\d*[:：]?|附件\d+[:：]?.{0,30}表|(?:金额)?单位[:：].{0,10})$"
)
_NUMBER_RE = re.compile(r"^[-+]?(?:\d[\d,]*)?\.?\d+%?$|^[—–-]$")
_DIGIT_RE = re.compile(r"\d")
_ORPHAN_GAP = 12  # widest gap between a header and numbers aligned away from it


def _key(text: str) -> str:
    return text.replace(" ", "")


def _is_number(text: str) -> bool:
    return _NUMBER_RE.match(text) is not None


# ---------------------------------------------------------------------------
# Data of one read.


@dataclass(slots=True)
class _Seg:
    start: int
    end: int
    text: str
    line: int  # source line number
    col: int = -1


@dataclass(slots=True)
class _Line:
    number: int
    page: int
    segs: list[_Seg]
    anchor: bool = False


@dataclass(slots=True)
class _Col:
    lo: int
    hi: int
    lines: set[int]
    segs: list[_Seg]
    header: str | None = None


@dataclass(slots=True)
class _Acc:
    """A row being assembled from one or more lines."""

    line: int
    page: int
    anchor: bool
    lines: list[int]
    texts: dict[int, str] = field(default_factory=dict)  # col → text so far
    origin: dict[int, int] = field(default_factory=dict)  # col → first line with text
    last: dict[int, int] = field(default_factory=dict)  # col → last line with text

    def add(self, ln: _Line) -> None:
        for s in ln.segs:
            got = self.texts.get(s.col)
            if got is None:
                self.texts[s.col] = s.text
                self.origin[s.col] = ln.number
            elif self.last[s.col] == ln.number:  # two segments in one column: keep both
                self.texts[s.col] = f"{got} {s.text}"
            else:
                self.texts[s.col] = join_wrapped(got, s.text)
            self.last[s.col] = ln.number
        if ln.number != self.line:
            self.lines.append(ln.number)

    def to_row(self) -> Row:
        cells = [
            Cell(text, col, self.origin[col])
            for col in sorted(self.texts)
            if (text := clean_cell(self.texts[col]))
        ]
        return Row(cells, self.line, self.page, tuple(self.lines) if len(self.lines) > 1 else ())


# ---------------------------------------------------------------------------
# Reading.


def segments(line: str, number: int = 0, wide: bool = True) -> list[_Seg]:
    """The line's segments with their column positions.

    ``wide``: CJK and full-width characters take two columns (text laid out for
    a terminal); otherwise every character takes one (``pdftotext -layout``
    places text by character count).
    """
    out: list[_Seg] = []
    pos = 0
    prev = 0
    width_of = display_width if wide else len
    for m in _SEG_RE.finditer(line):
        pos += width_of(line[prev : m.start()])
        text = m.group()
        width = width_of(text)
        tokens = text.split(" ")
        if len(tokens) > 1 and all(_is_number(t) for t in tokens):
            # Numbers one space apart are neighbouring cells (``10 100.00%``).
            at = pos
            for t in tokens:
                out.append(_Seg(at, at + width_of(t), t, number))
                at += width_of(t) + 1
        else:
            out.append(_Seg(pos, pos + width, text, number))
        pos += width
        prev = m.end()
    return out


def _wide_columns(lines: list[str]) -> bool:
    """Whether the text counts CJK characters as two columns.

    Decided by which count lines the columns up better: the segments of lines
    with several segments start at fewer distinct positions under the right one.
    """
    starts: dict[bool, set[int]] = {True: set(), False: set()}
    for line in lines:
        if line.isascii() or "\t" in line:
            continue
        for wide in (True, False):
            segs = segments(line, 0, wide)
            if len(segs) > 1:
                starts[wide].update(s.start for s in segs[1:])
    return len(starts[True]) <= len(starts[False])


def _scan(text: str, rejected: list[tuple[int, str, str]]) -> list[_Line]:
    """Non-blank lines with their pages; page marks go to ``rejected``."""
    blank_breaks = "\f" not in text
    lines: list[_Line] = []
    page = 1
    pending = False
    raws = split_lines(text)
    wide = _wide_columns(raws)
    for number, raw in enumerate(raws, start=1):
        if "\f" in raw:
            pending = True
            raw = raw.replace("\f", "")
        if "\t" in raw:
            raw = raw.replace("\t", "  ")
        if not raw.strip():
            pending = pending or blank_breaks
            continue
        if is_page_mark(raw):
            rejected.append((number, raw.strip(), PAGE_MARK))
            pending = True
            continue
        if pending and lines:
            page += 1
        pending = False
        segs = segments(raw, number, wide)
        ln = _Line(number, page, segs)
        if len(segs) > 1:
            ln.anchor = sum(1 for s in segs if _HEADER_RE.match(_key(s.text))) >= 2
        lines.append(ln)
    return lines


def read_layout(text: str, source: str = "<text>") -> Sheet:
    """Read ``pdftotext -layout`` output (see the module docstring)."""
    rows: list[Row] = []
    rejected: list[tuple[int, str, str]] = []
    block: list[_Line] = []
    is_open = False
    for ln in _scan(text, rejected):
        if len(ln.segs) > 1:
            block.append(ln)
            is_open = True
            if _CLOSING_RE.match(_key(ln.segs[0].text)):
                _read_block(block, rows)
                block = []
                is_open = False
        elif is_open and not _TITLE_RE.match(_key(ln.segs[0].text)):
            block.append(ln)
        else:
            if block:
                _read_block(block, rows)
                block = []
            is_open = False
            seg = ln.segs[0]
            rows.append(Row([Cell(clean_cell(seg.text), 0, ln.number)], ln.number, ln.page))
    if block:
        _read_block(block, rows)
    return Sheet(rows, source, "layout", rejected=rejected)


def _read_block(block: list[_Line], rows: list[Row]) -> None:
    cuts = [0]
    for i, ln in enumerate(block):
        if ln.anchor and i > 0:
            cuts.append(max(_header_prefix(block, i), cuts[-1] + 1))
    for a, b in zip(cuts, [*cuts[1:], len(block)], strict=True):
        band = block[a:b]
        anchor = next((ln for ln in band if ln.anchor), None)
        cols = _columns(band, anchor)
        _assemble(band, anchor, cols, rows)


def _header_prefix(block: list[_Line], i: int) -> int:
    """Where the header at ``block[i]`` starts: a header cell centred over several
    lines prints its first piece (``偏差原因分``) on the line right above."""
    anchor = block[i]
    j = i
    while j > 0:
        ln = block[j - 1]
        if ln.number != block[j].number - 1 or ln.anchor:
            break
        if not all(
            _is_header_piece(s) and any(_overlaps_seg(a, s) for a in anchor.segs) for s in ln.segs
        ):
            break
        j -= 1
    return j


def _is_header_piece(s: _Seg) -> bool:
    return (
        len(s.text) <= 10
        and not _DIGIT_RE.search(s.text)
        and bool(_HEADER_FRAGMENT_RE.search(s.text) or _HEADER_RE.match(_key(s.text)))
    )


def _overlaps_seg(a: _Seg, b: _Seg) -> bool:
    return b.start <= a.end and a.start <= b.end


def _overlaps(col: _Col, seg: _Seg, slack: int = 1) -> bool:
    return seg.start <= col.hi + slack and col.lo <= seg.end + slack


def _bare_numbers(col: _Col) -> bool:
    return col.header is None and all(_is_number(s.text) for s in col.segs)


def _columns(band: list[_Line], anchor: _Line | None) -> list[_Col]:
    """Build the band's columns and set ``col`` on every segment."""
    cols: list[_Col] = []
    if anchor is not None:
        for s in anchor.segs:
            cols.append(_Col(s.start, s.end, {s.line}, [s], _key(s.text)))
    others = [s for ln in band if ln is not anchor and len(ln.segs) > 1 for s in ln.segs]
    others.sort(key=lambda s: (s.end - s.start, s.start))
    loose = [s for ln in band if len(ln.segs) == 1 for s in ln.segs]
    # ``2 严格按照时``: a number one space before text may be two cells run
    # together; that is decided once the other segments have made the columns.
    joined = [s for s in others if _NUMBER_THEN_TEXT_RE.match(s.text)]
    for s in others:
        if s not in joined:
            _place(cols, s, loose)
    for s in joined:
        for piece in _split_at_column(cols, s):
            _place(cols, piece, loose)
    _pair_numeric_columns(cols)
    _merge_numeric_orphans(cols)
    cols.sort(key=lambda c: (c.lo, c.hi))
    for i, c in enumerate(cols):
        for s in c.segs:
            s.col = i
    for s in loose:
        s.col = _nearest(cols, s.start)
    return cols


def _place(cols: list[_Col], s: _Seg, loose: list[_Seg]) -> None:
    """Put a segment into the column(s) it overlaps, or start a column."""
    hit = [c for c in cols if _overlaps(c, s)]
    if len(hit) > 1 and not _is_number(s.text) and any(c.header for c in hit):
        # Text under a header that also reaches a column of bare numbers beside
        # it (scores printed close to a text column) leaves the numbers be.
        hit = [c for c in hit if not _bare_numbers(c)]
    elif len(hit) > 1 and _is_number(s.text) and any(_bare_numbers(c) for c in hit):
        hit = [c for c in hit if _bare_numbers(c)]  # and a number joins the numbers
    if not hit:
        cols.append(_Col(s.start, s.end, {s.line}, [s]))
    elif _can_merge(hit, s.line):
        into = hit[0]
        for c in hit[1:]:
            _absorb(into, c)
            cols.remove(c)
        into.lo, into.hi = min(into.lo, s.start), max(into.hi, s.end)
        into.lines.add(s.line)
        into.segs.append(s)
    elif len(hit) == 1:
        cols.append(_Col(s.start, s.end, {s.line}, [s]))
    else:
        loose.append(s)  # spans columns that must stay apart


_NUMBER_THEN_TEXT_RE = re.compile(r"^(\d+(?:\.\d+)?%?) (\D.*)$")


def _split_at_column(cols: list[_Col], s: _Seg) -> list[_Seg]:
    """``2 严格按照时`` → ``2`` and ``严格按照时`` when the number stands in a
    column of bare numbers that the text does not reach."""
    m = _NUMBER_THEN_TEXT_RE.match(s.text)
    if m is None:
        return [s]
    num, rest = m.group(1), m.group(2)
    head = _Seg(s.start, s.start + len(num), num, s.line)
    tail = _Seg(s.start + len(num) + 1, s.end, rest, s.line)
    for c in cols:
        if _bare_numbers(c) and _overlaps(c, head, 0) and not _overlaps(c, tail, 0):
            return [head, tail]
    return [s]


def _can_merge(hit: list[_Col], line: int) -> bool:
    seen: set[int] = set()
    for c in hit:
        if line in c.lines or not seen.isdisjoint(c.lines):
            return False
        seen |= c.lines
    return True


def _absorb(into: _Col, other: _Col) -> None:
    into.lo, into.hi = min(into.lo, other.lo), max(into.hi, other.hi)
    into.lines |= other.lines
    into.segs.extend(other.segs)
    into.header = into.header or other.header


def _numeric_side(c: _Col) -> bool:
    if c.header is not None:
        return _NUMERIC_HEADER_RE.search(c.header) is not None
    return _bare_numbers(c)


def _pair_numeric_columns(cols: list[_Col]) -> None:
    """Numbers under a row of numeric headers (分值 得分), paired in order.

    Centred headers over right-aligned numbers can sit one column off (the
    分值 numbers under 得分, the 得分 numbers beside it). Where a run of
    neighbouring numeric columns holds as many clusters of numbers as it has
    numeric headers, the n-th cluster belongs to the n-th header."""
    cols.sort(key=lambda c: (c.lo, c.hi))
    i = 0
    while i < len(cols):
        j = i
        while j < len(cols) and _numeric_side(cols[j]):
            j += 1
        group = cols[i:j]
        headers = [c for c in group if c.header is not None]
        if len(headers) >= 2 and any(c.header is None for c in group):
            data = sorted(
                (s for c in group for s in c.segs if c.header is None or s is not c.segs[0]),
                key=lambda s: s.start + s.end,
            )
            clusters: list[list[_Seg]] = []
            for s in data:
                if (
                    clusters
                    and (s.start + s.end) - (clusters[-1][-1].start + clusters[-1][-1].end) <= 6
                ):
                    clusters[-1].append(s)
                else:
                    clusters.append([s])
            unique = all(len({s.line for s in cl}) == len(cl) for cl in clusters)
            if len(clusters) == len(headers) and unique:
                for h, cl in zip(headers, clusters, strict=True):
                    head = h.segs[0]
                    h.segs = [head, *cl]
                    h.lines = {head.line, *(s.line for s in cl)}
                    h.lo = min(head.start, *(s.start for s in cl))
                    h.hi = max(head.end, *(s.end for s in cl))
                for c in group:
                    if c.header is None:
                        cols.remove(c)
                j = i + len(headers)
        i = max(j, i + 1)


def _merge_numeric_orphans(cols: list[_Col]) -> None:
    """Numbers aligned away from their header (right-aligned under a left-aligned
    header): an all-numeric column without a header joins the header column right
    beside it when their lines do not clash."""
    if not any(c.header for c in cols):
        return
    cols.sort(key=lambda c: (c.lo, c.hi))
    i = 0
    while i < len(cols):
        orphan = cols[i]
        if orphan.header is not None or not all(_is_number(s.text) for s in orphan.segs):
            i += 1
            continue
        best: _Col | None = None
        best_rank = (True, _ORPHAN_GAP + 1)
        for j in range(len(cols)):
            if j != i:
                c = cols[j]
                gap = max(orphan.lo - c.hi, c.lo - orphan.hi, 0)
                # A numeric header (分值, 得分 …) first, then the nearer one.
                rank = (_NUMERIC_HEADER_RE.search(c.header or "") is None, gap)
                if (
                    c.header is not None
                    and c.lines.isdisjoint(orphan.lines)
                    and gap <= _ORPHAN_GAP
                    and rank < best_rank
                ):
                    best, best_rank = c, rank
        if best is None:
            i += 1
            continue
        _absorb(best, orphan)
        del cols[i]


def _nearest(cols: list[_Col], start: int) -> int:
    if not cols:
        return 0
    best, best_dist = 0, None
    for i, c in enumerate(cols):
        if c.lo <= start < c.hi:
            return i
        dist = c.lo - start if start < c.lo else start - c.hi + 1
        if best_dist is None or dist < best_dist:
            best, best_dist = i, dist
    return best


def _assemble(band: list[_Line], anchor: _Line | None, cols: list[_Col], rows: list[Row]) -> None:
    headers = {i: c.header for i, c in enumerate(cols) if c.header}
    key = {i for i, h in headers.items() if _NUMERIC_HEADER_RE.search(h)}
    for i, c in enumerate(cols):
        data = [s for s in c.segs if anchor is None or s.line != anchor.number]
        if len(data) >= 2 and sum(1 for s in data if _is_number(s.text)) >= 0.8 * len(data):
            key.add(i)
    numeric_key = set(key)
    if not key:
        key = {i for i, h in headers.items() if _VALUE_HEADER_RE.match(h)}
    labels = {i for i, h in headers.items() if h in _LEVEL_HEADERS}
    if anchor is not None and band[0] is not anchor:  # header pieces above the header
        head = _Acc(band[0].number, band[0].page, True, [band[0].number])
        at = band.index(anchor)
        for ln in band[: at + 1]:
            head.add(ln)
        band = band[at + 1 :]
        while band and _continues_header(band[0], head):
            head.add(band.pop(0))
        rows.append(head.to_row())
    elif anchor is not None:
        head = _Acc(anchor.number, anchor.page, True, [anchor.number])
        head.add(anchor)
        band = band[1:]
        while band and _continues_header(band[0], head):
            head.add(band.pop(0))
        rows.append(head.to_row())
    if numeric_key and band and _centred(band, numeric_key):
        rows.extend(_assemble_centred(band, numeric_key))
        return
    acc: _Acc | None = None
    for ln in band:
        if acc is None or _starts_row(ln, acc, anchor is None, key, labels):
            if acc is not None:
                rows.append(acc.to_row())
            acc = _Acc(ln.number, ln.page, ln.anchor, [ln.number])
        acc.add(ln)
    if acc is not None:
        rows.append(acc.to_row())


def _continues_header(ln: _Line, head: _Acc) -> bool:
    """Short header fragments (``改进措施``, ``指标值``, ``(万元)``) under a header;
    right below it (no blank line) also the last character or two of a word
    wrapped in a narrow column (``施``)."""
    if ln.anchor:
        return False
    adjacent = ln.number == max(head.lines) + 1
    return all(
        s.col in head.texts
        and not _DIGIT_RE.search(s.text)
        and (
            (len(s.text) <= 10 and _HEADER_FRAGMENT_RE.search(s.text) is not None)
            or (adjacent and len(s.text) <= 2 and not s.text.isascii())
        )
        for s in ln.segs
    )


def _is_centre(ln: _Line, key: set[int]) -> bool:
    return _ROW_LABEL_RE.match(_key(ln.segs[0].text)) is not None or any(
        s.col in key and _is_number(s.text) for s in ln.segs
    )


def _runs(band: list[_Line], key: set[int]) -> list[list[tuple[_Line, _Seg]]]:
    """Per column, the vertical runs of text: pieces with no blank line between
    them (lines of other columns may come between)."""
    printed = {ln.number for ln in band}
    by_col: dict[int, list[tuple[_Line, _Seg]]] = {}
    for ln in band:
        for s in ln.segs:
            by_col.setdefault(s.col, []).append((ln, s))
    runs: list[list[tuple[_Line, _Seg]]] = []
    for col, items in by_col.items():
        if col in key:
            runs.extend([item] for item in items)
            continue
        run: list[tuple[_Line, _Seg]] = []
        for item in items:
            if run and any(n not in printed for n in range(run[-1][0].number + 1, item[0].number)):
                runs.append(run)
                run = []
            run.append(item)
        runs.append(run)
    return runs


def _centred(band: list[_Line], key: set[int]) -> bool:
    """Whether cells are centred vertically in their rows (as ``pdftotext`` prints
    a form whose cells are centred): some text run begins above the line with
    its row's numbers. Top-aligned rows begin on that line."""
    centres = {ln.number for ln in band if _is_centre(ln, key)}
    if not centres:
        return False
    for run in _runs(band, key):
        first = run[0][0].number
        if first not in centres and any(ln.number in centres for ln, _ in run[1:]):
            return True
    return False


def _assemble_centred(band: list[_Line], key: set[int]) -> list[Row]:
    """Rows of a centred band: each line with numbers is a row; every other piece
    of text joins the row whose numbers are nearest among those printed within
    its run's lines (or, for a run that spans no such line — a label centred
    over several rows — the row nearest to the run's middle)."""
    # A labelled line without numbers (``项目名称 …`` repeated on a new page) is a
    # row of its own and takes nothing from its neighbours.
    labelled = [
        ln
        for ln in band
        if _ROW_LABEL_RE.match(_key(ln.segs[0].text))
        and not any(s.col in key and _is_number(s.text) for s in ln.segs)
    ]
    band = [ln for ln in band if ln not in labelled]
    centres = [ln for ln in band if _is_centre(ln, key)]
    numbers = [ln.number for ln in centres]
    owner: dict[int, list[tuple[_Line, _Seg]]] = {n: [] for n in numbers}
    for ln in labelled:
        owner[ln.number] = [(ln, s) for s in ln.segs]
    if not numbers:
        numbers = [ln.number for ln in labelled]

    def nearest(line: float, among: list[int]) -> int:
        return min(among, key=lambda n: (abs(n - line), n))

    for run in _runs(band, key) if centres else ():
        first, last = run[0][0].number, run[-1][0].number
        inside = [n for n in numbers if first <= n <= last]
        for ln, s in run:
            where = ln.number if inside else (first + last) / 2
            owner[nearest(where, inside or numbers)].append((ln, s))
    out: list[Row] = []
    pages = {ln.number: ln.page for ln in (*band, *labelled)}
    for number in sorted(owner):
        pieces = sorted(owner[number], key=lambda p: (p[0].number, p[1].start))
        acc = _Acc(number, pages[number], False, [number])
        for line in sorted({ln.number for ln, _ in pieces}):
            acc.add(_Line(line, pages[line], [s for ln, s in pieces if ln.number == line]))
        out.append(acc.to_row())
    return out


def _starts_row(ln: _Line, acc: _Acc, headless: bool, key: set[int], labels: set[int]) -> bool:
    if ln.anchor or _ROW_LABEL_RE.match(_key(ln.segs[0].text)):
        return True
    if acc.anchor:
        return not _continues_header(ln, acc)
    if headless and len(ln.segs) > 1:
        return True
    for s in ln.segs:
        if s.col in key or s.col not in acc.texts:
            return True
        if s.col in labels and _LABEL_RE.search(s.text) and _LABEL_RE.search(acc.texts[s.col]):
            return True
    return False
