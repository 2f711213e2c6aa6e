"""The indicator block: 一级/二级/三级指标 rows under their column headers.

Extracted rows are ragged: merged labels sit on one row of their span (often
the middle one, or after a page break), columns shift left or right, and a
row cut by a page break arrives in two pieces.  Each row is read thus:

1. leading cells that are labels (一级/二级 names, block captions, a 一级
   weight) are taken by meaning, wherever they stand;
2. the row's column shift is found from its anchors: the 分值/得分 pair of
   numbers on scored forms, else the position of its labels;
3. the other cells are mapped to fields through the header's column ranges
   moved by that shift;
4. the fixed hierarchy fills in and corrects 一级 (数量指标 → 产出指标).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from jixiao.models import Cell, Indicator, Row, Source
from jixiao.recognize.rowview import Item, RowView
from jixiao.recognize.textutil import (
    is_plain_number,
    join_text,
    key,
    parse_number,
    split_points,
    strip_parenthetical,
    tidy,
)
from jixiao.recognize.vocab import vocabulary

TEXT_FIELDS = ("name", "target", "target_op", "target_unit", "actual", "deviation", "note")
SHIFTS = (0, -1, 1, -2, 2, -3, 3, -4, 4)


@lru_cache(maxsize=4096)
def indicator_column(k: str) -> str | None:
    cols = vocabulary().indicator_columns
    return cols.get(k) or cols.get(strip_parenthetical(k))


def header_fields(rv: RowView) -> dict[str, int] | None:
    """field → col for an indicator header row (at least three known headers)."""
    if rv.header is False:
        rv.header = _header_fields(rv)
    return rv.header  # type: ignore[return-value]


def _header_fields(rv: RowView) -> dict[str, int] | None:
    found: list[tuple[str, int]] = []
    for it in rv.items:
        f = indicator_column(it.key)
        if f is not None:
            found.append((f, it.col))
    names = {f for f, _ in found}
    if len(found) < 3 or not ({"level1", "level2", "name"} & names):
        return None
    cols: dict[str, int] = {}
    for f, col in found:
        # 权重 right after 一级指标, with 分值 elsewhere: the 一级 weight column
        after_l1 = "level1" in cols and col == cols["level1"] + 1
        if f == "weight" and after_l1 and sum(1 for g, _ in found if g == "weight") > 1:
            cols["level1_weight"] = col
            continue
        cols.setdefault(f, col)
    return cols


def label_of(k: str) -> tuple[str, str, float | None] | None:
    """("level1"|"level2"|"ambiguous"|"section", canonical, points) for a label cell."""
    voc = vocabulary()
    base, points = split_points(k)
    if base in voc.section_labels and points is None:
        return "section", base, None
    l1 = voc.level1.get(base)
    l2 = voc.level2.get(base)
    if l1 and l2:
        return "ambiguous", l1, points
    if l1:
        return "level1", l1, points
    if l2:
        return "level2", l2, points
    return None


@dataclass
class Parsed:
    """One row's reading before it becomes an ``Indicator``."""

    row: Row
    level1: str | None = None
    level2: str | None = None
    level1_weight: float | None = None
    texts: dict[str, str] = field(default_factory=dict)
    weight: float | None = None
    score: float | None = None
    has_anchor: bool = False
    has_labels: bool = False
    name_rowspan: int = 1
    stray_name: bool = False  # the name was found left of the name column


@dataclass
class IndicatorBlock:
    columns: dict[str, int]
    level1: str | None = None
    level2: str | None = None
    level1_weights: dict[str, float] = field(default_factory=dict)
    shift: int = 0
    parsed: list[Parsed] = field(default_factory=list)

    def __post_init__(self) -> None:
        order = sorted(self.columns.items(), key=lambda kv: kv[1])
        self._ranges: list[tuple[int, int, str]] = []
        for n, (f, col) in enumerate(order):
            end = order[n + 1][1] if n + 1 < len(order) else 10_000
            self._ranges.append((col, end, f))
        self.scored = "weight" in self.columns and "score" in self.columns

    # -- reading rows ------------------------------------------------------

    def field_at(self, col: int) -> str:
        for start, end, f in self._ranges:
            if start <= col < end:
                return f
        return self._ranges[0][2] if self._ranges else "name"

    def _labels(self, items: list[Item]) -> tuple[list[tuple[str, str, float | None, Item]], int]:
        """Leading label cells, and the index of the first data cell."""
        labels: list[tuple[str, str, float | None, Item]] = []
        i = 0
        while i < len(items):
            it = items[i]
            lab = label_of(it.key)
            if lab is not None:
                labels.append((lab[0], lab[1], lab[2], it))
                i += 1
                continue
            after_l1 = bool(labels) and labels[-1][0] in ("level1", "ambiguous")
            if after_l1 and "level1_weight" in self.columns and is_plain_number(it.text):
                labels.append(("level1_weight", it.text, parse_number(it.text), it))
                i += 1
                continue
            break
        return labels, i

    def _anchor_shift(self, data: list[Item]) -> int | None:
        """The shift that puts the rightmost 分值/得分 numbers under their headers."""
        if not self.scored:
            return None
        wcol, scol = self.columns["weight"], self.columns["score"]
        by_col = {it.col: it for it in data}
        nulls = vocabulary().null_marks
        partial: int | None = None
        for d in SHIFTS:
            w = by_col.get(wcol + d)
            if w is None or not is_plain_number(w.text):
                continue
            right = max(wcol, scol) + d
            if any(is_plain_number(it.text) for it in data if it.col > right):
                continue
            s = by_col.get(scol + d)
            if s is None:
                partial = d if partial is None else partial
                continue
            if is_plain_number(s.text) or s.key in nulls:
                return d
        return partial

    def read(self, rv: RowView) -> Parsed:
        row = rv.row
        items = rv.items
        labels, first_data = self._labels(items)
        data = items[first_data:]
        p = Parsed(row, has_labels=bool(labels))
        row_l1: str | None = None
        row_l2: str | None = None
        kinds = [lab[0] for lab in labels]
        for n, (kind, canonical, points, it) in enumerate(labels):
            if kind == "ambiguous":
                later_l2 = any(k in ("level2", "ambiguous") for k in kinds[n + 1 :])
                at_l1 = "level1" in self.columns and it.col <= self.columns["level1"] + self.shift
                if later_l2 or (at_l1 and row_l1 is None and self.level1 != "产出指标"):
                    kind = "level1"
                else:
                    kind = "level2"
                    canonical = vocabulary().level2.get(split_points(it.key)[0], canonical)
            if kind == "level1":
                row_l1 = canonical
                if points is not None:
                    p.level1_weight = points
            elif kind == "level2":
                row_l2 = canonical
            elif kind == "level1_weight":
                p.level1_weight = points
        # the shift: anchors first, then label positions, then the previous row's
        d = self._anchor_shift(data)
        p.has_anchor = d is not None
        if d is None:
            d = self._label_shift(labels)
        if d is None:
            d = self.shift
        self.shift = d
        # data cells → fields
        stray: list[str] = []
        for it in data:
            f = self.field_at(it.col - d)
            if f in ("level1", "level2", "level1_weight"):
                stray.append(it.text)
            elif f == "weight":
                p.weight = parse_number(it.text)
            elif f == "score":
                p.score = parse_number(it.text)
            else:
                p.texts[f] = join_text(p.texts[f], it.text) if f in p.texts else it.text
                if f == "name":
                    p.name_rowspan = it.cell.rowspan
        self._levels(row_l1, row_l2)
        if stray:
            text = " ".join(stray)
            if "name" not in p.texts and self.level1 in vocabulary().fixed_level1:
                p.texts["name"] = text  # a name pushed left into the label columns
                p.stray_name = True
            elif row_l2 is None:
                self.level2 = tidy(text)  # a level2 printed freely (投入管理 rows)
        if p.level1_weight is not None and self.level1:
            self.level1_weights[self.level1] = p.level1_weight
        p.level1, p.level2 = self.level1, self.level2
        return p

    def _levels(self, row_l1: str | None, row_l2: str | None) -> None:
        """Move the running 一级/二级 by this row's labels and the hierarchy."""
        parent = vocabulary().parent
        if row_l1 is not None:
            if row_l2 is not None:
                self.level1, self.level2 = row_l1, row_l2
            elif self.level2 is not None and parent.get(self.level2) == row_l1:
                self.level1 = row_l1  # the label of the block the rows already belong to
            elif row_l1 != self.level1:
                self.level1, self.level2 = row_l1, None
        elif row_l2 is not None:
            up = parent.get(row_l2)
            if up is not None and up != self.level1:
                self.level1 = up
            self.level2 = row_l2

    def _label_shift(self, labels: list[tuple[str, str, float | None, Item]]) -> int | None:
        for kind, _, _, it in reversed(labels):
            if kind == "level2" and "level2" in self.columns:
                return it.col - self.columns["level2"]
            if kind == "level1" and "level1" in self.columns:
                return it.col - self.columns["level1"]
        return None

    def is_fragment(self, p: Parsed) -> bool:
        """Text but no 分值: a piece of a row cut by a break, or an unscored row."""
        return (
            self.scored
            and not p.has_anchor
            and not p.has_labels
            and p.weight is None
            and p.score is None
            and bool(p.texts)
        )

    # -- building indicators -------------------------------------------------

    def add(self, p: Parsed) -> None:
        self.parsed.append(p)

    def merge_into_previous(self, frag: Parsed) -> bool:
        if not self.parsed:
            return False
        prev = self.parsed[-1]
        for f, text in frag.texts.items():
            prev.texts[f] = join_text(prev.texts.get(f, ""), text)
        prev.row = Row(
            prev.row.cells,
            prev.row.line,
            prev.row.page,
            prev.row.source_lines() + frag.row.source_lines(),
        )
        return True

    def indicators(self, file: str | None) -> list[Indicator]:
        out: list[Indicator] = []
        spans: list[int] = []
        for p in self.parsed:
            t = p.texts
            if not (t or p.weight is not None or p.score is not None):
                continue  # a row of labels only
            lines = list(p.row.source_lines())
            out.append(
                Indicator(
                    level1=p.level1,
                    level2=p.level2,
                    name=tidy(t.get("name", "")),
                    target=self._target(p),
                    actual=tidy(t.get("actual", "")),
                    weight=p.weight,
                    score=p.score,
                    deviation=tidy(t.get("deviation", "")),
                    note=tidy(t.get("note", "")),
                    source=Source(
                        file=file,
                        page=p.row.page,
                        line=p.row.line,
                        lines=lines if len(lines) > 1 else None,
                        bbox=row_bbox(p.row),
                    ),
                )
            )
            spans.append(p.name_rowspan)
        return _spanning_notes(out, spans)

    @staticmethod
    def _target(p: Parsed) -> str | None:
        op, value, unit = (p.texts.get(f, "") for f in ("target_op", "target", "target_unit"))
        if not (op or unit):
            return tidy(value)
        return tidy(key(op) + value.strip() + key(unit))


def row_bbox(row: Row) -> list[float] | None:
    """Union of the boxes of a row's own cells (PDF/OCR provenance), if any.

    Cells merged down over several rows (一级/二级 labels) are left out when
    the row has others, so that the box is the row's own height.
    """
    boxes = [c.bbox for c in row.cells if c.bbox is not None and c.rowspan == 1]
    if not boxes:
        boxes = [c.bbox for c in row.cells if c.bbox is not None]
    if not boxes:
        return None
    return [
        round(min(b[0] for b in boxes), 2),
        round(min(b[1] for b in boxes), 2),
        round(max(b[2] for b in boxes), 2),
        round(max(b[3] for b in boxes), 2),
    ]


def _spanning_notes(rows: list[Indicator], spans: list[int]) -> list[Indicator]:
    """A 三级 cell merged over several scored rows is a note, not an indicator name."""
    i = 0
    while i < len(rows):
        r = rows[i]
        if r.name and r.target is None and r.actual is None:
            j = i + 1
            while (
                j < len(rows)
                and rows[j].level1 == r.level1
                and rows[j].name is None
                and rows[j].target is None
                and rows[j].actual is None
                and rows[j].weight is not None
            ):
                j += 1
            span = max(j - i, spans[i])
            if span > 1:
                note = r.name
                for k in range(i, min(i + span, len(rows))):
                    rows[k].name = None
                    rows[k].note = note
                i += span
                continue
        i += 1
    return rows


def merge_cells(first: Row, second: Row) -> Row:
    """The two pieces of a row cut by a page break, joined column by column."""
    width = max((c.col for c in first.cells + second.cells), default=-1) + 1
    a = {c.col: c for c in first.cells}
    b = {c.col: c for c in second.cells}
    cells: list[Cell] = []
    for col in range(width):
        ca, cb = a.get(col), b.get(col)
        base = cb or ca
        if base is None:
            continue
        text = join_text(ca.text if ca else "", cb.text if cb else "")
        cells.append(Cell(text, col, base.line, base.rowspan, base.colspan, False, base.ref))
    return Row(cells, second.line, second.page, first.source_lines() + second.source_lines())
