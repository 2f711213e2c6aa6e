"""One-cell-per-line text → ``Sheet``.

Some extractions print every table cell on its own line and separate rows
with a blank line::

    项目名称|
    平安办工作经费|

    主管部门|
    |
    淞南镇主管单位|

* One trailing ``|`` is stripped from a line; a line holding only ``|`` is an
  empty cell. That is the only way empty cells are kept: without trailing
  pipes an empty cell simply does not exist and the cells after it move left.
* Column ``k`` is the k-th cell line of the row; consecutive blank lines count
  as one row break.
* A form feed or a page mark line (``-1-``, ``第1页``) is a page break; a page
  mark also ends the current row and is listed in ``rejected`` as ``PAGE_MARK``.
"""

from __future__ import annotations

from jixiao.models import Cell, Row, Sheet
from jixiao.readers.clean import clean_cell
from jixiao.readers.layout import PAGE_MARK, is_page_mark, split_lines


def read_cells(text: str, source: str = "<text>") -> Sheet:
    """Read one-cell-per-line text into one ``Sheet``."""
    rows: list[Row] = []
    rejected: list[tuple[int, str, str]] = []
    cells: list[Cell] = []
    lines: list[int] = []
    page = 1
    pending = False

    def flush() -> None:
        nonlocal cells, lines
        if cells:
            rows.append(Row(cells, lines[0], page, tuple(lines) if len(lines) > 1 else ()))
            cells, lines = [], []

    for number, raw in enumerate(split_lines(text), start=1):
        if "\f" in raw:
            flush()
            pending = True
            raw = raw.replace("\f", "")
        line = raw.strip()
        if not line:
            flush()
            continue
        if is_page_mark(line):
            flush()
            rejected.append((number, line, PAGE_MARK))
            pending = True
            continue
        if not cells:
            if pending and rows:
                page += 1
            pending = False
        if line.endswith("|"):
            line = line[:-1]
        cells.append(Cell(clean_cell(line) if line else "", len(cells), number))
        lines.append(number)
    flush()
    return Sheet(rows, source, "cells", rejected=rejected)
