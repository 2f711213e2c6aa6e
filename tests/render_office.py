"""Test data: gold records rendered as Excel and Word files laid out like the forms.

``gold_to_xlsx(record, path)`` and ``gold_to_docx(record, path)`` print a
canonical record (``shared/gold/*.json``) the way the official forms are
printed (see the seeds): title, ``(YYYY年度)``, the header fields, the money
block, the goals block, the indicator block with 一级/二级 labels as merged
cells spanning their rows, and the 总分 row.  Both writers share one layout
(``layout``), so the two files hold the same grid.  A list of records gives one
worksheet per record (xlsx) or one table after another (docx).

Nothing here is committed data: the tests render into ``tmp_path``.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import jixiao

Record = Mapping[str, Any]

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
GOLD = SHARED / "gold"
TOOLS = SHARED / "tools"


def gold_files() -> list[Path]:
    """The gold record files of ../shared/gold (empty when the folder is absent)."""
    return sorted(GOLD.glob("*.json")) if GOLD.is_dir() else []


def gold_records(path: Path) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return data


def load_evaluator() -> ModuleType | None:
    """shared/tools/evaluate_extraction.py as a module, or None when it is absent."""
    path = TOOLS / "evaluate_extraction.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location("evaluate_extraction", path)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CHECKED = "☑"
UNCHECKED = "☐"
PROJECT_KINDS = ("专项资金", "经常性项目", "一次性项目")


@dataclass
class Money:
    """An amount; ``percent`` values are printed as ``100.00%`` (gold rate 100.0)."""

    value: float
    percent: bool = False
    thousands: bool = False


@dataclass
class Kinds:
    """The 项目类别 options with the ticked one."""

    checked: str | None


Value = str | float | Money | Kinds | dt.date | None


@dataclass
class Box:
    row: int  # 0-based within the form's grid
    col: int
    value: Value
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Form:
    title: str | None
    year_line: str | None
    width: int
    boxes: list[Box] = field(default_factory=list)
    rows: int = 0

    def put(self, col: int, value: Value, colspan: int = 1, rowspan: int = 1) -> Box:
        box = Box(self.rows, col, value, rowspan, colspan)
        self.boxes.append(box)
        return box

    def next_row(self, count: int = 1) -> None:
        self.rows += count


# ---------------------------------------------------------------------------
# The layout.


def layout(record: Record) -> Form:
    """The printed form of a gold record as a grid of (merged) boxes."""
    form = record["form"]
    year = record.get("year")
    if form == "department_self_evaluation":
        grid = Form(record.get("title"), f"（{year}年度）" if year else None, 9)
        _department(grid, record)
    elif form == "project_target":
        grid = Form(record.get("title"), f"({year}年度)" if year else None, 5)
        _target(grid, record)
    else:
        grid = Form(record.get("title"), f"({year} 年度)" if year else None, 9)
        _self_evaluation(grid, record)
    return grid


def _unit_label(record: Record, default: str = "元") -> str:
    return str(record.get("money_unit") or default)


def _self_evaluation(g: Form, r: Record) -> None:
    g.put(0, "项目名称")
    g.put(1, r.get("project"), colspan=8)
    g.next_row()
    g.put(0, "主管部门")
    g.put(1, r.get("department"), colspan=3)
    g.put(4, "实施单位")
    g.put(5, r.get("unit_name"), colspan=4)
    g.next_row()
    funds = list(r.get("funds") or [])
    g.put(0, f"项目资金 ({_unit_label(r)})", rowspan=1 + len(funds))
    for col, label in enumerate(("年初预算数", "全年预算数", "全年执行数", "分值", "执行率"), 2):
        g.put(col, label)
    g.put(7, "得分", colspan=2)
    g.next_row()
    for fund in funds:
        item = fund["item"]
        g.put(1, f"其中：{item}" if item == "当年财政拨款" else item)
        g.put(2, _money(fund.get("initial_budget")))
        g.put(3, _money(fund.get("budget")))
        g.put(4, _money(fund.get("executed")))
        weight = fund.get("weight")
        g.put(5, "—" if weight is None else float(weight))
        rate = fund.get("rate")
        g.put(6, None if rate is None else Money(float(rate), percent=True))
        g.put(7, _num(fund.get("score")), colspan=2)
        g.next_row()
    goals = r.get("goals") or {}
    g.put(0, "年度总体目标", rowspan=2)
    g.put(1, "预期目标", colspan=3)
    g.put(4, "实际完成情况", colspan=5)
    g.next_row()
    g.put(1, goals.get("annual"), colspan=3)
    g.put(4, goals.get("achieved"), colspan=5)
    g.next_row()
    indicators = list(r.get("indicators") or [])
    g.put(0, "绩效指标", rowspan=1 + len(indicators))
    headers = ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分")
    for col, label in enumerate(headers, 1):
        g.put(col, label)
    g.put(8, "偏差原因分析及改进措施")
    g.next_row()
    _indicator_rows(
        g,
        indicators,
        level1_col=1,
        level2_col=2,
        fields=(("name", 3), ("target", 4), ("actual", 5), ("weight", 6), ("score", 7)),
        deviation_col=8,
    )
    _total_row(g, r, weight_col=6)


def _department(g: Form, r: Record) -> None:
    g.put(0, "单位名称", colspan=2)
    g.put(2, r.get("unit_name"), colspan=7)
    g.next_row()
    if r.get("department"):
        g.put(0, "主管部门", colspan=2)
        g.put(2, r.get("department"), colspan=7)
        g.next_row()
    funds = list(r.get("funds") or [])
    g.put(0, f"整体支出规模（{_unit_label(r)}）", colspan=2, rowspan=1 + len(funds))
    g.put(3, "全年预算数", colspan=2)
    g.put(5, "全年执行数", colspan=2)
    g.put(7, "执行率(%)", colspan=2)
    g.next_row()
    seen: dict[str | None, int] = {}
    for fund in funds:
        group = fund.get("group")
        seen[group] = seen.get(group, 0) + 1
        prefix = f"{group}：" if group and seen[group] == 1 else ""
        g.put(2, f"{prefix}（{seen[group]}）{fund['item']}")
        g.put(3, _money(fund.get("budget"), thousands=True), colspan=2)
        g.put(5, _money(fund.get("executed"), thousands=True), colspan=2)
        g.put(7, _num(fund.get("rate")), colspan=2)
        g.next_row()
    goals = r.get("goals") or {}
    g.put(0, "年度总体目标", rowspan=2)
    g.put(1, "年初设定目标", colspan=4)
    g.put(5, "全年完成情况", colspan=4)
    g.next_row()
    g.put(1, goals.get("annual"), colspan=4)
    g.put(5, goals.get("achieved"), colspan=4)
    g.next_row()
    g.put(0, "分解目标自评", colspan=9)
    g.next_row()
    headers = (
        "一级指标",
        "权重",
        "二级指标",
        "三级指标",
        "年度指标值",
        "全年完成值",
        "分值",
        "得分",
    )
    for col, label in enumerate(headers):
        g.put(col, label)
    g.put(8, "偏差及原因分析")
    g.next_row()
    _indicator_rows(
        g,
        list(r.get("indicators") or []),
        level1_col=0,
        level2_col=2,
        fields=(("name", 3), ("target", 4), ("actual", 5), ("weight", 6), ("score", 7)),
        deviation_col=8,
        level1_weights=r.get("level1_weights") or {},
        weight_col=1,
    )
    _total_row(g, r, weight_col=6)


def _target(g: Form, r: Record) -> None:
    g.put(0, "项目名称")
    g.put(1, r.get("project"), colspan=2)
    if r.get("project_kind") is not None or r.get("form") == "project_target":
        g.put(3, "项目类别")
        g.put(4, Kinds(r.get("project_kind")))
    g.next_row()
    g.put(0, "主管部门")
    g.put(1, r.get("department"), colspan=2)
    g.put(3, "实施单位")
    g.put(4, r.get("unit_name"))
    g.next_row()
    period = r.get("period")
    if period:
        g.put(0, "计划开始日期")
        g.put(1, dt.date.fromisoformat(period[0]), colspan=2)
        g.put(3, "计划完成日期")
        g.put(4, dt.date.fromisoformat(period[1]))
        g.next_row()
    funds = list(r.get("funds") or [])
    left, right = funds[:3], funds[3:]
    height = max(len(left), len(right), 1)
    g.put(0, f"项目资金 ({_unit_label(r, '万元')})", rowspan=height)
    for i in range(height):
        for col, side in ((1, left), (3, right)):
            if i < len(side):
                item = side[i]["item"]
                g.put(col, f"其中：{item}" if i == 1 else item)
                g.put(col + 1, _money(side[i].get("budget")))
        g.next_row()
    goals = r.get("goals") or {}
    year = r.get("year")
    g.put(0, "项目绩效目标", rowspan=2)
    g.put(1, f"项目总目标 ({year}年-{year}年)" if year else "项目总目标", colspan=3)
    g.put(4, "年度总体目标")
    g.next_row()
    g.put(1, goals.get("overall"), colspan=3)
    g.put(4, goals.get("annual"))
    g.next_row()
    indicators = list(r.get("indicators") or [])
    g.put(0, "绩效指标", rowspan=1 + len(indicators))
    for col, label in enumerate(("一级指标", "二级指标", "三级指标", "年度指标值"), 1):
        g.put(col, label)
    g.next_row()
    _indicator_rows(g, indicators, level1_col=1, level2_col=2, fields=(("name", 3), ("target", 4)))


def _runs(values: Sequence[Any]) -> list[tuple[int, int]]:
    """(start, length) of runs of equal, non-null consecutive values."""
    runs: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(values) + 1):
        if i == len(values) or values[i] != values[start] or values[i] is None:
            runs.append((start, i - start))
            start = i
    return runs


def _indicator_rows(
    g: Form,
    indicators: list[Record],
    *,
    level1_col: int,
    level2_col: int,
    fields: Sequence[tuple[str, int]],
    deviation_col: int | None = None,
    level1_weights: Mapping[str, float] | None = None,
    weight_col: int | None = None,
) -> None:
    top = g.rows
    level1 = [ind.get("level1") for ind in indicators]
    for start, length in _runs(level1):
        label = level1[start]
        g.rows = top + start
        g.put(level1_col, label, rowspan=length)
        if weight_col is not None:
            weight = (level1_weights or {}).get(label) if label else None
            g.put(weight_col, _num(weight), rowspan=length)
        pairs = [
            (ind.get("level1"), ind.get("level2")) for ind in indicators[start : start + length]
        ]
        for s2, len2 in _runs(pairs):
            g.rows = top + start + s2
            g.put(level2_col, pairs[s2][1], rowspan=len2)
    for i, ind in enumerate(indicators):
        g.rows = top + i
        for key, col in fields:
            value = ind.get(key)
            g.put(col, _num(value) if key in ("weight", "score") else value)
        if deviation_col is not None:
            g.put(deviation_col, ind.get("deviation"))
    g.rows = top + len(indicators)


def _total_row(g: Form, r: Record, weight_col: int) -> None:
    total = r.get("total")
    if not total:
        return
    g.put(0, "总分", colspan=weight_col)
    g.put(weight_col, _num(total.get("weight")))
    g.put(weight_col + 1, _num(total.get("score")))
    g.next_row()


def _money(value: Any, thousands: bool = False) -> Money | None:
    return None if value is None else Money(float(value), thousands=thousands)


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


# ---------------------------------------------------------------------------
# Text of values (docx, and what the xlsx reader is expected to print).


def number_text(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.10g}"


def value_text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, Money):
        if value.percent:
            return f"{value.value:.2f}%"
        if value.thousands:
            return f"{value.value:,.2f}"
        return number_text(value.value)
    if isinstance(value, Kinds):
        return " ".join(
            f"{CHECKED if kind == value.checked else UNCHECKED}{kind}" for kind in PROJECT_KINDS
        )
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, float):
        return number_text(value)
    return str(value)


def _records(record: Record | Sequence[Record]) -> list[Record]:
    if isinstance(record, Mapping):
        return [record]
    return list(record)


# ---------------------------------------------------------------------------
# Excel.

_SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")


def gold_to_xlsx(
    record: Record | Sequence[Record], path: str | Path, origin: tuple[int, int] = (1, 1)
) -> Path:
    """Write one worksheet per record; the form's top-left cell at ``origin`` (row, col)."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for number, rec in enumerate(_records(record), start=1):
        title = _SHEET_TITLE_BAD.sub(
            "", f"{number} {rec.get('project') or rec.get('unit_name') or ''}"
        )
        ws = wb.create_sheet(title[:31].strip() or str(number))
        _write_sheet(ws, layout(rec), origin)
    out = Path(path)
    wb.save(out)
    return out


def _write_sheet(ws: Any, grid: Form, origin: tuple[int, int]) -> None:
    top, left = origin
    row = top
    for text in (grid.title, grid.year_line):
        if text:
            ws.cell(row, left, text)
            ws.merge_cells(
                start_row=row, start_column=left, end_row=row, end_column=left + grid.width - 1
            )
            row += 1
    for box in grid.boxes:
        r, c = row + box.row, left + box.col
        cell = ws.cell(r, c)
        _set_xlsx_value(cell, box.value)
        if box.rowspan > 1 or box.colspan > 1:
            ws.merge_cells(
                start_row=r,
                start_column=c,
                end_row=r + box.rowspan - 1,
                end_column=c + box.colspan - 1,
            )


def _set_xlsx_value(cell: Any, value: Value) -> None:
    if value is None:
        return
    if isinstance(value, Money):
        cell.value = value.value / 100 if value.percent else value.value
        cell.number_format = "0.00%" if value.percent else "#,##0.00"
    elif isinstance(value, Kinds):
        # ☑ before the ticked option, □ (mapped to ☐ by the reader) before the others
        cell.value = " ".join(
            f"{'☑' if kind == value.checked else '□'}{kind}" for kind in PROJECT_KINDS
        )
    elif isinstance(value, dt.date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, str):
        cell.value = value
        if value.startswith("="):  # printed targets such as "=100.00(%)" are text
            cell.data_type = "s"
    else:
        cell.value = value


# ---------------------------------------------------------------------------
# Word.

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"


def gold_to_docx(record: Record | Sequence[Record], path: str | Path) -> Path:
    """Title and year as paragraphs, the form as one table with merged cells."""
    import docx
    from docx.enum.text import WD_BREAK

    document = docx.Document()
    for number, rec in enumerate(_records(record)):
        grid = layout(rec)
        if number:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        if grid.title:
            document.add_paragraph().add_run(grid.title).bold = True
        if grid.year_line:
            document.add_paragraph(grid.year_line)
        document.add_paragraph("")  # an empty paragraph: skipped by the reader
        table = document.add_table(rows=grid.rows, cols=grid.width)
        # Cells looked up once (table.cell() rebuilds the whole grid on every call):
        # text goes into each box's top-left cell, then python-docx merges the box
        # (w:gridSpan across, w:vMerge restart/continue down), keeping that text.
        cells = [list(row.cells) for row in table.rows]
        for box in grid.boxes:
            cell = cells[box.row][box.col]
            if isinstance(box.value, Kinds):
                _checkbox_paragraph(cell.paragraphs[0], box.value)
            else:
                cell.text = value_text(box.value)
        for box in grid.boxes:
            if box.rowspan > 1 or box.colspan > 1:
                last = cells[box.row + box.rowspan - 1][box.col + box.colspan - 1]
                cells[box.row][box.col].merge(last)
    out = Path(path)
    document.save(str(out))
    return out


def _checkbox_paragraph(paragraph: Any, kinds: Kinds) -> None:
    """专项资金 [☒] 经常性项目 [☐] …, the boxes as w14:checkbox content controls."""
    from docx.oxml import parse_xml

    for kind in PROJECT_KINDS:
        paragraph.add_run(f"{kind} ")
        checked = "1" if kind == kinds.checked else "0"
        glyph = "☒" if checked == "1" else "☐"
        sdt = parse_xml(
            f'<w:sdt xmlns:w="{W_NS}" xmlns:w14="{W14_NS}"><w:sdtPr><w14:checkbox>'
            f'<w14:checked w14:val="{checked}"/>'
            '<w14:checkedState w14:val="2612" w14:font="MS Gothic"/>'
            '<w14:uncheckedState w14:val="2610" w14:font="MS Gothic"/>'
            f"</w14:checkbox></w:sdtPr><w:sdtContent><w:r><w:t>{glyph}</w:t></w:r>"
            "</w:sdtContent></w:sdt>"
        )
        paragraph._p.append(sdt)
        paragraph.add_run(" ")


# ---------------------------------------------------------------------------
# Legacy binary files: a minimal compound file (OLE2) writer and a BIFF8 sheet.

_ENDOFCHAIN, _FREESECT, _FATSECT, _NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def ole2_file(streams: Mapping[str, bytes]) -> bytes:
    """A compound file (v3, 512-byte sectors) holding ``streams`` (at most ~6 MB).

    Streams are padded to 4096 bytes so that none lives in the mini stream.
    """
    names = sorted(streams, key=lambda n: (len(n), n.upper()))
    padded = {
        n: streams[n].ljust(max(4096, -(-len(streams[n]) // 512) * 512), b"\0") for n in names
    }
    dir_bytes = 128 * (len(names) + 1)
    dir_sectors = -(-dir_bytes // 512)
    payload = sum(len(d) // 512 for d in padded.values()) + dir_sectors
    fat_sectors = 1
    while fat_sectors * 128 < payload + fat_sectors:
        fat_sectors += 1
    if fat_sectors > 109:
        raise ValueError("ole2_file: too much data for a header-only DIFAT")
    fat = [_FATSECT] * fat_sectors
    sectors: list[bytes] = []

    def add_chain(data: bytes) -> int:
        first = len(fat)
        count = len(data) // 512
        for i in range(count):
            sectors.append(data[i * 512 : (i + 1) * 512])
            fat.append(len(fat) + 1 if i < count - 1 else _ENDOFCHAIN)
        return first

    starts = {name: add_chain(padded[name]) for name in names}

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (
            raw.ljust(64, b"\0")
            + struct.pack("<HBBIII", len(raw), kind, 1, _NOSTREAM, right, child)
            + b"\0" * 36
            + struct.pack("<IQ", start, size)
        )

    entries = [entry("Root Entry", 5, 1 if names else _NOSTREAM, _NOSTREAM, _ENDOFCHAIN, 0)]
    for i, name in enumerate(names):
        right = i + 2 if i + 1 < len(names) else _NOSTREAM
        entries.append(entry(name, 2, _NOSTREAM, right, starts[name], len(padded[name])))
    directory = b"".join(entries)
    dir_start = add_chain(directory + b"\0" * (-len(directory) % 512))
    fat += [_FREESECT] * (fat_sectors * 128 - len(fat))
    difat = list(range(fat_sectors)) + [_FREESECT] * (109 - fat_sectors)
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<9I", 0, fat_sectors, dir_start, 0, 4096, _ENDOFCHAIN, 0, _ENDOFCHAIN, 0)
        + struct.pack("<109I", *difat)
    )
    return header + struct.pack(f"<{len(fat)}I", *fat) + b"".join(sectors)


def _biff(kind: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


XlsSheet = tuple[str, Mapping[tuple[int, int], str | float], Sequence[tuple[int, int, int, int]]]


def xls_file(sheets: Sequence[XlsSheet]) -> bytes:
    """A BIFF8 ``.xls``: per sheet (name, {(row, col): value}, [(r1, c1, r2, c2)]), 0-based."""

    def bof(kind: int) -> bytes:
        return _biff(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 6))

    bodies: list[bytes] = []
    for _, cells, merges in sheets:
        rows = [r for r, _ in cells] or [0]
        cols = [c for _, c in cells] or [0]
        body = bof(0x10) + _biff(
            0x0200, struct.pack("<IIHHH", min(rows), max(rows) + 1, min(cols), max(cols) + 1, 0)
        )
        for (r, c), value in sorted(cells.items()):
            if isinstance(value, str):
                raw = value.encode("utf-16-le")
                body += _biff(0x0204, struct.pack("<HHHHB", r, c, 15, len(value), 1) + raw)
            else:
                body += _biff(0x0203, struct.pack("<HHHd", r, c, 15, value))
        if merges:
            refs = b"".join(struct.pack("<HHHH", r1, r2, c1, c2) for r1, c1, r2, c2 in merges)
            body += _biff(0x00E5, struct.pack("<H", len(merges)) + refs)
        bodies.append(body + _biff(0x000A))

    def workbook_globals(offsets: Sequence[int]) -> bytes:
        out = bof(0x0005) + _biff(0x0042, struct.pack("<H", 1200))
        for xf in range(16):
            used = 0xFFF5 if xf < 15 else 0x0001
            out += _biff(
                0x00E0, struct.pack("<HHHBBBBIIH", 0, 0, used, 0x20, 0, 0, 0, 0, 0, 0x20C0)
            )
        for (name, _, _), offset in zip(sheets, offsets, strict=True):
            out += _biff(
                0x0085, struct.pack("<IBBBB", offset, 0, 0, len(name), 1) + name.encode("utf-16-le")
            )
        return out + _biff(0x000A)

    offsets: list[int] = []
    position = len(workbook_globals([0] * len(sheets)))
    for body in bodies:
        offsets.append(position)
        position += len(body)
    return ole2_file({"Workbook": workbook_globals(offsets) + b"".join(bodies)})


def gold_to_xls(record: Record | Sequence[Record], path: str | Path) -> Path:
    """The xlsx layout as a BIFF8 ``.xls`` (one sheet per record).

    calamine reads no number formats, so rates are written as text (``100.00%``).
    """
    sheets: list[XlsSheet] = []
    for number, rec in enumerate(_records(record), start=1):
        grid = layout(rec)
        cells: dict[tuple[int, int], str | float] = {}
        merges: list[tuple[int, int, int, int]] = []
        row = 0
        for text in (grid.title, grid.year_line):
            if text:
                cells[(row, 0)] = text
                merges.append((row, 0, row, grid.width - 1))
                row += 1
        for box in grid.boxes:
            r, c = row + box.row, box.col
            value = box.value
            if isinstance(value, Money) and not value.percent:
                cells[(r, c)] = value.value
            elif isinstance(value, float):
                cells[(r, c)] = value
            elif value is not None:
                cells[(r, c)] = value_text(value)
            if box.rowspan > 1 or box.colspan > 1:
                merges.append((r, c, r + box.rowspan - 1, c + box.colspan - 1))
        sheets.append((f"Sheet{number}", cells, merges))
    out = Path(path)
    out.write_bytes(xls_file(sheets))
    return out


__all__ = [
    "GOLD",
    "TOOLS",
    "gold_files",
    "gold_records",
    "gold_to_docx",
    "gold_to_xls",
    "gold_to_xlsx",
    "layout",
    "load_evaluator",
    "ole2_file",
    "value_text",
    "xls_file",
]


# ---------------------------------------------------------------------------
# end-to-end helpers shared by the xlsx and docx tests


def gold_cases() -> list[Any]:
    files = gold_files()
    if not files:
        reason = f"gold records not found in {GOLD} (../shared is not beside the repo)"
        return [pytest.param(None, 0, marks=pytest.mark.skip(reason=reason))]
    return [
        pytest.param(path, index, id=f"{path.stem[:3]}-{index}")
        for path in files
        for index in range(len(gold_records(path)))
    ]


def gold_file_cases() -> list[Any]:
    files = gold_files()
    if not files:
        reason = f"gold records not found in {GOLD} (../shared is not beside the repo)"
        return [pytest.param(None, marks=pytest.mark.skip(reason=reason))]
    return [pytest.param(path, id=path.stem[:3]) for path in files]


def assert_reads_as_gold(path: Path, gold: list[dict[str, Any]]) -> None:
    evaluator = load_evaluator()
    if evaluator is None:
        pytest.skip(
            "shared/tools/evaluate_extraction.py not found (../shared is not beside the repo)"
        )
    tables = jixiao.read(path)
    predicted = [t.to_canonical() for t in tables]
    tally, exact = evaluator.compare_file(gold, predicted, path.name)
    assert not tally.errors, "\n".join(tally.errors[:20])
    assert len(predicted) == len(gold) == exact
