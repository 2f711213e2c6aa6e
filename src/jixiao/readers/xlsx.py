"""Excel workbooks → one ``Sheet`` per worksheet.

``.xlsx`` is read with openpyxl, which gives merged ranges, number formats and
formulas.  Before openpyxl sees a worksheet, a streaming pass over its XML
measures the used range (refusing sheets larger than ``MAX_SHEET_CELLS``) and
collects the cached value of every formula cell: a formula whose value was
never calculated (files written by scripts) is reported in ``Sheet.rejected``
instead of being read as an empty cell.

``.xls`` (and ``read_xlsx(..., fast=True)``) is read with python-calamine, which
gives cached values and merged ranges but no number formats, so percentages
read there are plain fractions (1.0 rather than ``100.00%``).  calamine runs in
a child process with a memory ceiling (``CALAMINE_MEMORY_LIMIT``): a damaged
file can make it panic or abort, and that must not take the caller down.

The grid follows the conventions of ``readers.text``: ``Cell.col`` is the
0-based column within the used range, ``Cell.line`` / ``Row.line`` the
spreadsheet row number, ``Cell.ref`` the cell reference (``"B7"``); a merged
cell sits at its top-left position with ``rowspan``/``colspan`` and the
positions it covers hold ``Cell(text="", spanned=True)``.  Rows without text
are dropped unless a merged cell with text covers them.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import pickle
import re
import subprocess
import sys
import warnings
import xml.etree.ElementTree as ET
import zipfile
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from pathlib import PurePosixPath

# Stubs come from types-openpyxl when installed; without them openpyxl is untyped.
import openpyxl  # type: ignore[import-untyped, unused-ignore]
from openpyxl.cell.cell import Cell as XlCell  # type: ignore[import-untyped, unused-ignore]
from openpyxl.styles.numbers import is_date_format  # type: ignore[import-untyped, unused-ignore]

from jixiao.errors import UnreadableFileError
from jixiao.models import Cell, Row, Sheet
from jixiao.readers import ZIP_READ_ERRORS, normalize_checkboxes, office_main_part, open_zip
from jixiao.readers.clean import CHECKED, UNCHECKED, clean_cell

# Largest used range (rows × columns, merged ranges included) of one worksheet.
# A performance table is a few hundred cells; a whole sheet of them a few
# thousand.  openpyxl keeps every cell of the range as an object, so this also
# bounds memory and time (~0.5 GB and ~25 s at the limit).
MAX_SHEET_CELLS = 1_000_000
# Most worksheets read from one workbook.
MAX_SHEETS = 256

_XML_ERRORS: tuple[type[Exception], ...] = (ET.ParseError, *ZIP_READ_ERRORS)
_PART_ERRORS: tuple[type[Exception], ...] = (KeyError, *_XML_ERRORS)
_REF_RE = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
_QUOTED_RE = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
_PERCENT_DECIMALS_RE = re.compile(r"0(?:\.(0+))?%")

# Symbol fonts: text typed as "R" / "£" / "³" and shown through the font as
# ☑ / □ / ≥.  Only the characters forms use are mapped (checkboxes, operators).
WINGDINGS: dict[int, str] = {
    0x6F: UNCHECKED,
    0x71: UNCHECKED,
    0x78: CHECKED,
    0xA8: UNCHECKED,
    0xFC: CHECKED,
    0xFD: CHECKED,
    0xFE: CHECKED,
}
WINGDINGS_2: dict[int, str] = {
    0x50: CHECKED,
    0x52: CHECKED,
    0x53: CHECKED,
    0x54: CHECKED,
    0xA3: UNCHECKED,
}
SYMBOL: dict[int, str] = {
    0x25: "%",
    0x3C: "<",
    0x3D: "=",
    0x3E: ">",
    0xA3: "≤",
    0xB0: "°",
    0xB1: "±",
    0xB3: "≥",
    0xB4: "×",
    0xB8: "÷",
    0xB9: "≠",
    0xBB: "≈",
    0xD6: CHECKED,  # √, used as a tick
}
_SYMBOL_FONT_CHARS = frozenset(chr(code) for code in (*WINGDINGS, *WINGDINGS_2, *SYMBOL))


def is_symbol_font(font: str | None) -> bool:
    """Wingdings, Wingdings 2/3 or Symbol: fonts whose letters print as symbols."""
    if not font:
        return False
    lowered = font.lower().replace(" ", "")
    return lowered.startswith("wingdings") or lowered == "symbol"


def font_glyph(font: str, code: int) -> str | None:
    """What a character code prints as in a symbol font (☑ ☐ ≥ …), if it is mapped."""
    lowered = font.lower().replace(" ", "")
    if 0xF000 <= code <= 0xF0FF:  # symbol fonts' private-use encoding
        code -= 0xF000
    if lowered.startswith("wingdings2"):
        return WINGDINGS_2.get(code)
    if lowered.startswith("wingdings3"):
        return None
    if lowered.startswith("wingdings"):
        return WINGDINGS.get(code)
    if lowered == "symbol":
        return SYMBOL.get(code)
    return None


def symbol_font_text(font: str, text: str) -> str:
    """``text`` set in a symbol font, as the characters it prints."""
    return "".join(font_glyph(font, ord(ch)) or ch for ch in text)


# ---------------------------------------------------------------------------
# Rendering values the way a spreadsheet prints them.


def format_number(value: float) -> str:
    """A number as printed: ``12690000.0`` → ``"12690000"``, ``0.5`` → ``"0.5"``.

    At most 15 significant digits (what Excel keeps), so binary noise such as
    ``0.30000000000000004`` prints as ``0.3``.
    """
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if math.isnan(value) or math.isinf(value):
        return ""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.15g}"
    if "e" in text:
        text = f"{value:.15f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def percent_decimals(number_format: str | None) -> int | None:
    """Decimals of a percent number format (``"0.00%"`` → 2), None if not percent."""
    if not number_format or "%" not in number_format:
        return None
    plain = _QUOTED_RE.sub("", number_format.split(";")[0])
    if "%" not in plain:
        return None
    match = _PERCENT_DECIMALS_RE.search(plain.replace("#", "0"))
    return len(match.group(1) or "") if match else 0


def format_value(value: object, number_format: str | None = None) -> str:
    """A cell value as text; percent-formatted numbers as ``"100.00%"``."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        decimals = percent_decimals(number_format)
        if decimals is not None:
            return f"{value * 100:.{decimals}f}%"
        return format_number(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.timedelta):
        total = int(value.total_seconds())
        sign = "-" if total < 0 else ""
        hours, rest = divmod(abs(total), 3600)
        return f"{sign}{hours}:{rest // 60:02d}:{rest % 60:02d}"
    return str(value)


def cell_ref(row: int, col: int) -> str:
    """``(7, 2)`` → ``"B7"`` (1-based row and column)."""
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}"


def _parse_ref(ref: str) -> tuple[int, int] | None:
    match = _REF_RE.match(ref)
    if not match:
        return None
    col = 0
    for ch in match.group(1).upper():
        col = col * 26 + ord(ch) - 64
    return int(match.group(2)), col


def _parse_range(ref: str) -> tuple[int, int, int, int] | None:
    first, _, last = ref.partition(":")
    a = _parse_ref(first)
    b = _parse_ref(last or first)
    if a is None or b is None:
        return None
    return min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1])


# ---------------------------------------------------------------------------
# Building the grid (shared by the openpyxl and calamine paths).


@dataclass(slots=True)
class _Grid:
    """Cell texts and merged ranges of one worksheet, 1-based coordinates."""

    texts: dict[tuple[int, int], str] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    rejected: list[tuple[int, str, str]] = field(default_factory=list)


def build_sheet(grid: _Grid, source: str, kind: str, name: str | None) -> Sheet:
    """Texts + merged ranges → ``Sheet`` rows with spans, refs and row numbers."""
    texts = {pos: text for pos, text in grid.texts.items() if text}
    merges = [m for m in grid.merges if m[0] <= m[2] and m[1] <= m[3]]
    live = [m for m in merges if texts.get((m[0], m[1]))]
    kept: set[int] = {r for r, _ in texts}
    for r1, _, r2, _ in live:
        kept.update(range(r1, r2 + 1))
    if not kept:
        return Sheet([], source, kind, name=name, rejected=list(grid.rejected))
    cols = [c for _, c in texts] + [c for m in live for c in (m[1], m[3])]
    first_col, last_col = min(cols), max(cols)
    rows_sorted = sorted(kept)
    cells: dict[int, list[Cell]] = {
        r: [
            Cell(texts.get((r, c), ""), c - first_col, r, ref=cell_ref(r, c))
            for c in range(first_col, last_col + 1)
        ]
        for r in rows_sorted
    }
    for r1, c1, r2, c2 in merges:
        rows_in = rows_sorted[bisect_left(rows_sorted, r1) : bisect_right(rows_sorted, r2)]
        c_lo, c_hi = max(c1, first_col), min(c2, last_col)
        if not rows_in or c_lo > c_hi:
            continue
        anchor = cells[rows_in[0]][c_lo - first_col]
        if anchor.spanned:  # overlapping merges (invalid file): keep the first
            continue
        anchor.text = texts.get((r1, c1), "")
        anchor.rowspan = len(rows_in)
        anchor.colspan = c_hi - c_lo + 1
        for r in rows_in:
            for c in range(c_lo, c_hi + 1):
                cell = cells[r][c - first_col]
                if cell is not anchor:
                    cell.text = ""
                    cell.spanned = True
    rows = [Row(cells[r], r, 1, (r,)) for r in rows_sorted]
    return Sheet(rows, source, kind, name=name, rejected=list(grid.rejected))


def _clean(text: str) -> str:
    return clean_cell(normalize_checkboxes(text))


def _check_size(rows: int, cols: int, sheet: str, source: str) -> None:
    if rows * cols > MAX_SHEET_CELLS:
        raise UnreadableFileError(
            source,
            f"worksheet {sheet!r} too large ({rows} rows × {cols} columns; "
            f"limit {MAX_SHEET_CELLS} cells)",
        )


# ---------------------------------------------------------------------------
# The XML pass: used range and cached formula values.


@dataclass(slots=True)
class _Scan:
    max_row: int = 0
    max_col: int = 0
    # Formula cells: ref → (cell type, cached value text or None when absent).
    formulas: dict[str, tuple[str, str | None]] = field(default_factory=dict)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _attr(el: ET.Element, local: str) -> str | None:
    for key, value in el.attrib.items():
        if _local(key) == local and key.startswith("{"):
            return value
    return None


def _worksheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet title → zip member of its XML (chartsheets left out)."""
    workbook = office_main_part(zf) or "xl/workbook.xml"
    if workbook not in zf.namelist():
        workbook = "xl/workbook.xml"
    wb_path = PurePosixPath(workbook)
    rels_path = str(wb_path.parent / "_rels" / f"{wb_path.name}.rels")
    targets: dict[str, str] = {}
    try:
        rels_root = ET.fromstring(zf.read(rels_path))
    except _PART_ERRORS:
        rels_root = None
    if rels_root is not None:
        for rel in rels_root:
            rel_id, target = rel.get("Id"), rel.get("Target")
            rel_type = rel.get("Type") or ""
            if not rel_id or not target or not rel_type.endswith("/worksheet"):
                continue
            if target.startswith("/"):
                path = target.lstrip("/")
            else:
                path = str(PurePosixPath(wb_path.parent, target))
            targets[rel_id] = _normalize_path(path)
    parts: dict[str, str] = {}
    try:
        wb_root = ET.fromstring(zf.read(workbook))
    except _PART_ERRORS:
        return parts
    for el in wb_root.iter():
        if _local(el.tag) != "sheet":
            continue
        title = el.get("name")
        rel_id = _attr(el, "id")
        if title is not None and rel_id in targets:
            parts[title] = targets[rel_id]
    return parts


def _normalize_path(path: str) -> str:
    out: list[str] = []
    for piece in path.split("/"):
        if piece == "..":
            if out:
                out.pop()
        elif piece and piece != ".":
            out.append(piece)
    return "/".join(out)


def _scan_worksheet(zf: zipfile.ZipFile, member: str, title: str, source: str) -> _Scan:
    scan = _Scan()
    row_no = 0
    try:
        with zf.open(member) as fh:
            for _, el in ET.iterparse(fh, events=("end",)):
                tag = _local(el.tag)
                if tag == "row":
                    row_attr = el.get("r")
                    row_no = int(row_attr) if row_attr and row_attr.isdigit() else row_no + 1
                    _scan_row(el, row_no, scan, title, source)
                    el.clear()
                elif tag == "sheetData":
                    el.clear()
                elif tag == "mergeCell":
                    rng = _parse_range(el.get("ref") or "")
                    if rng:
                        scan.max_row = max(scan.max_row, rng[2])
                        scan.max_col = max(scan.max_col, rng[3])
                        _check_size(scan.max_row, scan.max_col, title, source)
    except KeyError as exc:
        raise UnreadableFileError(source, f"worksheet {title!r}: missing part {member}") from exc
    except _XML_ERRORS as exc:
        raise UnreadableFileError(source, f"worksheet {title!r}: broken XML ({exc})") from exc
    return scan


def _scan_row(row: ET.Element, row_no: int, scan: _Scan, title: str, source: str) -> None:
    """Extent and formula caches of the cells (``c``) of one ``row`` element."""
    col_no = 0
    last_col = 0
    for el in row:
        if _local(el.tag) != "c":
            continue
        pos = _parse_ref(el.get("r") or "")
        r, c = pos if pos else (row_no, col_no + 1)
        col_no = c
        formula = False
        value: str | None = None
        has_content = False
        for child in el:
            child_tag = _local(child.tag)
            if child_tag == "f":
                formula = True
            elif child_tag == "v":
                value = child.text or ""
                has_content = has_content or bool(value)
            elif child_tag == "is":
                has_content = True
        if formula:
            has_content = True
            scan.formulas[cell_ref(r, c)] = (el.get("t") or "n", value)
        if has_content:
            scan.max_row = max(scan.max_row, r)
            last_col = max(last_col, c)
    if last_col:
        scan.max_col = max(scan.max_col, last_col)
        _check_size(scan.max_row, scan.max_col, title, source)


# ---------------------------------------------------------------------------
# .xlsx with openpyxl.


def read_xlsx(data: bytes, source: str = "<xlsx>", *, fast: bool = False) -> list[Sheet]:
    """Every worksheet of an ``.xlsx`` workbook, in workbook order.

    ``fast=True`` reads values with calamine only (no number formats, no
    formula reports), for bulk value extraction.
    """
    with open_zip(data, source) as zf:
        parts = _worksheet_parts(zf)
        if len(parts) > MAX_SHEETS:
            raise UnreadableFileError(
                source, f"workbook has {len(parts)} worksheets (limit {MAX_SHEETS})"
            )
        scans = {
            title: _scan_worksheet(zf, member, title, source) for title, member in parts.items()
        }
    if fast:
        return _read_calamine(data, source, "xlsx")
    try:
        return _read_openpyxl(data, source, scans)
    except UnreadableFileError:
        raise
    except Exception as exc:  # openpyxl fails on some odd producers: try calamine
        try:
            return _read_calamine(data, source, "xlsx")
        except UnreadableFileError as second:
            raise UnreadableFileError(
                source, f"corrupt Excel workbook ({type(exc).__name__}: {exc})"
            ) from second


def _read_openpyxl(data: bytes, source: str, scans: dict[str, _Scan]) -> list[Sheet]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(
            io.BytesIO(data), read_only=False, data_only=False, keep_links=False
        )
    epoch_1904 = wb.epoch.year == 1904
    sheets: list[Sheet] = []
    try:
        for ws in wb.worksheets:
            title = ws.title
            scan = scans.get(title)
            if scan is None:  # not found by the XML pass: measure it here
                scan = _Scan(ws.max_row, ws.max_column)
                _check_size(scan.max_row, scan.max_col, title, source)
            grid = _Grid()
            for rng in ws.merged_cells.ranges:
                grid.merges.append((rng.min_row, rng.min_col, rng.max_row, rng.max_col))
            if scan.max_row and scan.max_col:
                for row in ws.iter_rows(
                    min_row=1, max_row=scan.max_row, min_col=1, max_col=scan.max_col
                ):
                    for xl in row:
                        if not isinstance(xl, XlCell) or xl.value is None:
                            continue
                        r, c = xl.row, xl.column
                        value = xl.value
                        numeric = isinstance(value, int | float) and not isinstance(value, bool)
                        fmt = xl.number_format if numeric or xl.data_type == "f" else None
                        if xl.data_type == "f":
                            formula = (
                                xl.value
                                if isinstance(xl.value, str)
                                else str(getattr(xl.value, "text", None) or "=<formula>")
                            )
                            cached = scan.formulas.get(xl.coordinate)
                            kind, raw = cached if cached else ("n", None)
                            if raw is None or (raw == "" and kind != "str"):
                                grid.rejected.append(
                                    (
                                        r,
                                        formula,
                                        f"formula without cached value at {xl.coordinate}",
                                    )
                                )
                                continue
                            text = _cached_text(kind, raw, fmt, epoch_1904)
                        else:
                            text = format_value(xl.value, fmt)
                        if not _SYMBOL_FONT_CHARS.isdisjoint(text):
                            font = xl.font.name if xl.font is not None else None
                            if font and is_symbol_font(font):
                                text = symbol_font_text(font, text)
                        grid.texts[(r, c)] = _clean(text)
            sheets.append(build_sheet(grid, source, "xlsx", title))
    finally:
        wb.close()
    return sheets


def excel_date(serial: float, epoch_1904: bool = False) -> dt.datetime:
    """An Excel date serial number as a datetime (1900 or 1904 date system)."""
    if epoch_1904:
        base = dt.datetime(1904, 1, 1)
    elif serial < 60:  # before Excel's phantom 1900-02-29
        base = dt.datetime(1899, 12, 31)
    else:
        base = dt.datetime(1899, 12, 30)
    return base + dt.timedelta(seconds=round(serial * 86400))


def _cached_text(kind: str, raw: str, number_format: str | None, epoch_1904: bool) -> str:
    """The cached value of a formula cell (``<v>`` text and ``t`` type) as printed."""
    if kind in ("str", "inlineStr", "e", "s"):
        return raw
    if kind == "b":
        return "TRUE" if raw.strip() in ("1", "true") else "FALSE"
    if kind == "d":
        return raw.split("T")[0] if raw.endswith("T00:00:00") else raw
    try:
        number = float(raw)
    except ValueError:
        return raw
    if is_date_format(number_format):
        try:
            return format_value(excel_date(number, epoch_1904))
        except (ValueError, OverflowError):
            return format_number(number)
    return format_value(number, number_format)


# ---------------------------------------------------------------------------
# .xls (and fast reads) with calamine, in a child process.
#
# calamine (Rust) sizes a sheet from the cell coordinates it finds: a damaged or
# crafted .xls can make it request tens of gigabytes at once, which aborts the
# whole process, or make it panic.  It therefore runs in a child interpreter with
# a memory ceiling; a crash there becomes an UnreadableFileError here.

# Address space of the child process (bytes); a full BIFF8 sheet needs ~0.6 GB.
CALAMINE_MEMORY_LIMIT = 2 * 1024 * 1024 * 1024
# Wall-clock limit of the child process (seconds).
CALAMINE_TIMEOUT_SECONDS = 120

_CALAMINE_CHILD = r"""
import io, pickle, sys
try:
    import resource
    limit = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
except (ImportError, ValueError, OSError):
    pass
max_cells, max_sheets = int(sys.argv[2]), int(sys.argv[3])
data = sys.stdin.buffer.read()
try:
    from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum
    sheets = []
    with CalamineWorkbook.from_filelike(io.BytesIO(data)) as wb:
        metas = [m for m in wb.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
        if len(metas) > max_sheets:
            raise ValueError(f"workbook has {len(metas)} worksheets (limit {max_sheets})")
        for meta in metas:
            ws = wb.get_sheet_by_name(meta.name)
            end = ws.end
            merged = ws.merged_cell_ranges or []
            rows = end[0] + 1 if end else 0
            cols = end[1] + 1 if end else 0
            for _, (r2, c2) in merged:
                rows, cols = max(rows, r2 + 1), max(cols, c2 + 1)
            if rows * cols > max_cells:
                result = ("too_large", meta.name, rows, cols)
                break
            values = ws.to_python(skip_empty_area=False) if end else []
            sheets.append((meta.name, values, merged))
        else:
            result = ("ok", sheets)
except MemoryError:
    result = ("memory",)
except BaseException as exc:
    password = type(exc).__name__ == "PasswordError"
    result = ("error", "password" if password else "", str(exc) or type(exc).__name__)
sys.stdout.buffer.write(pickle.dumps(result))
"""


def read_xls(data: bytes, source: str = "<xls>") -> list[Sheet]:
    """Every worksheet of a legacy ``.xls`` workbook (BIFF8), read with calamine."""
    return _read_calamine(data, source, "xls")


def _read_calamine(data: bytes, source: str, kind: str) -> list[Sheet]:
    label = "Excel 97-2003 workbook (.xls)" if kind == "xls" else "Excel workbook"
    if not sys.executable:
        raise UnreadableFileError(source, f"{label}: no Python interpreter to run calamine")
    args = [str(CALAMINE_MEMORY_LIMIT), str(MAX_SHEET_CELLS), str(MAX_SHEETS)]
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _CALAMINE_CHILD, *args],
            input=data,
            capture_output=True,
            timeout=CALAMINE_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise UnreadableFileError(
            source, f"{label}: reading took more than {CALAMINE_TIMEOUT_SECONDS} s"
        ) from exc
    except OSError as exc:
        raise UnreadableFileError(source, f"{label}: cannot run calamine ({exc})") from exc
    try:
        result = pickle.loads(proc.stdout) if proc.returncode == 0 else None
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError):
        result = None
    if not isinstance(result, tuple) or not result:
        raise UnreadableFileError(
            source,
            f"corrupt {label}: the reader crashed (exit status {proc.returncode}; "
            f"damaged file, or more than {CALAMINE_MEMORY_LIMIT // 2**20} MiB needed)",
        )
    if result[0] == "too_large":
        _check_size(result[2], result[3], result[1], source)
    if result[0] == "memory":
        raise UnreadableFileError(source, f"{label} needs too much memory")
    if result[0] == "error":
        message = str(result[2])
        lowered = message.lower()
        if result[1] == "password" or "password" in lowered or "encrypt" in lowered:
            raise UnreadableFileError(source, "加密文件/encrypted: password-protected workbook")
        raise UnreadableFileError(source, f"corrupt {label} ({message})")
    sheets: list[Sheet] = []
    for name, values, merged in result[1]:
        grid = _Grid()
        for r, row in enumerate(values, start=1):
            for c, value in enumerate(row, start=1):
                if value is None or value == "":
                    continue
                grid.texts[(r, c)] = _clean(format_value(value))
        grid.merges = [(r1 + 1, c1 + 1, r2 + 1, c2 + 1) for (r1, c1), (r2, c2) in merged]
        sheets.append(build_sheet(grid, source, kind, str(name)))
    return sheets


__all__ = [
    "CALAMINE_MEMORY_LIMIT",
    "CALAMINE_TIMEOUT_SECONDS",
    "MAX_SHEETS",
    "MAX_SHEET_CELLS",
    "build_sheet",
    "cell_ref",
    "excel_date",
    "font_glyph",
    "format_number",
    "format_value",
    "percent_decimals",
    "read_xls",
    "read_xlsx",
]
