"""Recognition: a ``Sheet`` → the performance tables it holds.

The sheet is cut into one run of rows per table (at each title, or at a new
项目名称 block after a finished table), and each run goes through
``TableBuilder``.  Rows that belong to no table are kept as ``unparsed``
entries of the nearest table, so no line is ever lost.
"""

from __future__ import annotations

from jixiao.models import Row, Sheet, Table, Unparsed
from jixiao.recognize import header
from jixiao.recognize.builder import TableBuilder
from jixiao.recognize.indicators import header_fields
from jixiao.recognize.rowview import RowView, view
from jixiao.recognize.vocab import vocabulary


def _is_title(rv: RowView) -> bool:
    return 0 < len(rv.items) <= 3 and any(header.title_form(it.text) for it in rv.items)


def segments(rows: list[Row]) -> list[list[RowView]]:
    """Runs of rows, one per table (the first may be text before any table)."""
    segs: list[list[RowView]] = [[]]
    finished = False  # the current run has passed its indicator header or 总分
    titled = False
    totals = vocabulary().totals
    names: dict[str, str] = {}  # the current table's project / unit name
    for row in rows:
        rv = view(row)
        if not rv.items:
            segs[-1].append(rv)
            continue
        if _is_title(rv):
            if titled or finished:
                segs.append([])
                names = {}
            titled, finished = True, False
        elif header.is_field_row(rv):
            found = {f: v for f, v, _ in header.read_fields(rv) if f in ("project", "unit_name")}
            repeated = bool(found) and all(names.get(f) == v for f, v in found.items())
            if finished and found and not repeated:
                # A new table without a title; the same name again is the
                # table's first row repeated on a new page.
                segs.append([])
                titled, finished = False, False
                names = {}
            names.update(found)
        elif rv.items[0].key in totals or header_fields(rv) is not None:
            finished = True
        segs[-1].append(rv)
    return [s for s in segs if s]


def recognize(sheet: Sheet) -> list[Table]:
    """Every performance table of a sheet, in order."""
    tables: list[Table] = []
    orphans: list[Unparsed] = [
        Unparsed(line=line, text=text, reason=reason) for line, text, reason in sheet.rejected
    ]
    for seg in segments(sheet.rows):
        builder = TableBuilder(seg, sheet.source)
        table = builder.build()
        if table is None:
            for rv in seg:
                text = " | ".join(it.text for it in rv.items)
                if text:
                    reason = "text outside any recognised table"
                    orphans.append(
                        Unparsed(line=rv.row.line, text=text, reason=reason, page=rv.row.page)
                    )
            continue
        if orphans:
            table.unparsed = orphans + table.unparsed
            orphans = []
        tables.append(table)
    if orphans and tables:
        tables[-1].unparsed.extend(orphans)
    for t in tables:
        if sheet.name and t.source is not None:
            t.source.sheet = sheet.name
        t.unparsed.sort(key=lambda u: u.line)
    return tables


__all__ = ["recognize", "segments"]
