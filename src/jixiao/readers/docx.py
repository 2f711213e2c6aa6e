"""Word documents → one ``Sheet`` of rows in document order.

python-docx opens the package (relationships, content types); the main
document XML is then walked directly, because the merges the recognizer needs
live in the table XML: ``w:gridSpan`` (horizontal), ``w:vMerge`` restart /
continue (vertical) and the legacy ``w:hMerge``.

* A table row becomes a ``Row`` whose cells sit at their grid columns; a merged
  cell appears once, at its top-left position, with ``rowspan``/``colspan``, and
  the positions it covers hold ``Cell(text="", spanned=True)`` (the conventions
  of ``readers.text``).  Every row of a table has the table's full width.
* A paragraph outside tables with text becomes a single-cell row (titles,
  ``(2023年度)``, notes), in document order.
* Checkboxes become ☑ / ☐: checkbox glyphs in text (☑ ☒ □ √ …), Wingdings
  symbols (``w:sym`` and runs in a Wingdings font), ``w14:checkbox`` content
  controls and legacy ``FORMCHECKBOX`` fields.  Operators set in the Symbol
  font (``≥`` typed as ``³``) are read as the characters they print.
* ``Cell.line`` / ``Row.line`` is a running row counter over the document;
  ``Cell.ref`` reads ``"table 2 row 3 col 4"`` (1-based) or ``"paragraph 7"``;
  ``Row.page`` counts explicit page and section breaks.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from jixiao.errors import UnreadableFileError
from jixiao.models import Cell, Row, Sheet
from jixiao.readers import normalize_checkboxes, open_zip
from jixiao.readers.clean import CHECKED, UNCHECKED, clean_cell
from jixiao.readers.xlsx import font_glyph, is_symbol_font, symbol_font_text

# Largest main document XML (word/document.xml) handed to the XML parsers.
MAX_DOCUMENT_XML_BYTES = 64 * 1024 * 1024
# Widest table grid (Word itself stops at 63 columns).
MAX_TABLE_COLUMNS = 1_000
# Largest table, rows × grid columns.
MAX_TABLE_CELLS = 1_000_000
# Most rows (table rows plus paragraphs) read from one document.
MAX_DOCUMENT_ROWS = 500_000
# Deepest nesting of containers (content controls, nested tables) followed.
MAX_DEPTH = 64

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"

MAIN_CONTENT_TYPES = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
)


def _w(local: str) -> str:
    return f"{{{W}}}{local}"


P, TBL, TR, TC, SDT, SDT_CONTENT, CUSTOM_XML = (
    _w("p"),
    _w("tbl"),
    _w("tr"),
    _w("tc"),
    _w("sdt"),
    _w("sdtContent"),
    _w("customXml"),
)
_CONTAINERS = (SDT, CUSTOM_XML, SDT_CONTENT, _w("smartTag"))
_SKIP = {
    _w("rPr"),
    _w("pPr"),
    _w("tblPr"),
    _w("trPr"),
    _w("tcPr"),
    _w("sdtPr"),
    _w("sdtEndPr"),
    _w("del"),
    _w("delText"),
    _w("moveFrom"),
    _w("instrText"),
    _w("delInstrText"),
    _w("footnoteReference"),
    _w("endnoteReference"),
    _w("commentReference"),
    f"{{{MC}}}Fallback",
}


def _val(el: ET.Element | None, default: str | None = None) -> str | None:
    if el is None:
        return default
    return el.get(_w("val"), default)


def _on(el: ET.Element | None) -> bool:
    """A WordprocessingML on/off property: present and not val="0"/"false"/"off"."""
    if el is None:
        return False
    value = el.get(_w("val")) or el.get(f"{{{W14}}}val")
    return value is None or value.lower() not in ("0", "false", "off")


def _int_val(el: ET.Element | None, default: int) -> int:
    raw = _val(el)
    try:
        return int(raw) if raw is not None else default
    except ValueError:
        return default


# ---------------------------------------------------------------------------
# Text of paragraphs.


def _run_font(run: ET.Element) -> str | None:
    fonts = run.find(f"{_w('rPr')}/{_w('rFonts')}")
    if fonts is None:
        return None
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        name = fonts.get(_w(attr))
        if is_symbol_font(name):
            return name
    return None


def _hidden(run: ET.Element) -> bool:
    return _on(run.find(f"{_w('rPr')}/{_w('vanish')}"))


def _checkbox_control(sdt: ET.Element) -> str | None:
    box = sdt.find(f"{_w('sdtPr')}/{{{W14}}}checkbox")
    if box is None:
        return None
    return CHECKED if _on(box.find(f"{{{W14}}}checked")) else UNCHECKED


def _form_checkbox(fld_char: ET.Element) -> str | None:
    box = fld_char.find(f"{_w('ffData')}/{_w('checkBox')}")
    if box is None:
        return None
    checked = box.find(_w("checked"))
    if checked is not None:
        return CHECKED if _on(checked) else UNCHECKED
    default = _val(box.find(_w("default")), "0") or "0"
    return CHECKED if default.lower() in ("1", "true", "on") else UNCHECKED


def _inline_text(el: ET.Element, out: list[str], font: str | None = None, depth: int = 0) -> None:
    """Append the printed text under ``el`` (a paragraph or part of one) to ``out``."""
    if depth > MAX_DEPTH:
        return
    for child in el:
        tag = child.tag
        if tag in _SKIP:
            continue
        if tag == _w("t"):
            text = child.text or ""
            if font:
                text = symbol_font_text(font, text)
            out.append(text)
        elif tag == _w("r"):
            if not _hidden(child):
                _inline_text(child, out, _run_font(child), depth + 1)
        elif tag in (_w("tab"), _w("ptab")):
            out.append(" ")
        elif tag in (_w("br"), _w("cr")):
            out.append("\n")
        elif tag == _w("noBreakHyphen"):
            out.append("-")
        elif tag == _w("sym"):
            sym_font = child.get(_w("font")) or ""
            try:
                code = int(child.get(_w("char")) or "", 16)
            except ValueError:
                continue
            glyph = font_glyph(sym_font, code)
            if glyph:
                out.append(glyph)
            elif is_symbol_font(sym_font):
                continue  # a symbol we do not map (arrows, pictures)
            elif 0xF020 <= code <= 0xF0FF:  # a text font's character, private-use encoded
                out.append(chr(code - 0xF000))
            elif code < 0xE000 or code > 0xF8FF:
                out.append(chr(code))
        elif tag == _w("fldChar"):
            glyph = _form_checkbox(child)
            if glyph:
                out.append(glyph)
        elif tag == SDT:
            glyph = _checkbox_control(child)
            if glyph:
                out.append(glyph)
            else:
                _inline_text(child, out, font, depth + 1)
        elif tag == P:  # paragraphs inside text boxes
            if out:
                out.append("\n")
            _inline_text(child, out, None, depth + 1)
        elif tag == TBL:  # a table inside a cell: its text, row by row
            out.append("\n")
            out.append(_table_text(child, depth + 1))
        else:
            _inline_text(child, out, font, depth + 1)


def paragraph_text(p: ET.Element) -> str:
    """The text of a ``w:p`` as printed, checkboxes as ☑/☐, white space collapsed."""
    out: list[str] = []
    _inline_text(p, out)
    return clean_cell(normalize_checkboxes("".join(out)))


def _cell_text(tc: ET.Element, depth: int = 0) -> str:
    parts: list[str] = []
    for block in _blocks(tc, depth):
        if block.tag == P:
            parts.append(paragraph_text(block))
        elif block.tag == TBL:
            parts.append(_table_text(block, depth + 1))
    return clean_cell("\n".join(part for part in parts if part))


def _table_text(tbl: ET.Element, depth: int) -> str:
    if depth > MAX_DEPTH:
        return ""
    lines = []
    for tr in _children(tbl, TR, depth):
        texts = [_cell_text(tc, depth + 1) for tc in _children(tr, TC, depth)]
        lines.append(" ".join(t for t in texts if t))
    return "\n".join(line for line in lines if line)


# ---------------------------------------------------------------------------
# Document structure.


def _children(el: ET.Element, tag: str, depth: int = 0) -> list[ET.Element]:
    """Children with ``tag``, looking through content controls and custom XML."""
    found: list[ET.Element] = []
    for child in el:
        if child.tag == tag:
            found.append(child)
        elif child.tag in _CONTAINERS and depth < MAX_DEPTH:
            found.extend(_children(child, tag, depth + 1))
    return found


def _blocks(el: ET.Element, depth: int = 0) -> list[ET.Element]:
    """Block-level ``w:p`` and ``w:tbl`` in document order."""
    found: list[ET.Element] = []
    for child in el:
        if child.tag in (P, TBL):
            found.append(child)
        elif child.tag in _CONTAINERS and depth < MAX_DEPTH:
            found.extend(_blocks(child, depth + 1))
    return found


@dataclass(slots=True)
class _State:
    source: str
    rows: list[Row] = field(default_factory=list)
    line: int = 0
    page: int = 1
    tables: int = 0
    paragraphs: int = 0

    def next_line(self) -> int:
        self.line += 1
        if self.line > MAX_DOCUMENT_ROWS:
            raise UnreadableFileError(
                self.source, f"document too large (more than {MAX_DOCUMENT_ROWS} rows)"
            )
        return self.line


def _read_paragraph(p: ET.Element, state: _State) -> None:
    ppr = p.find(_w("pPr"))
    if ppr is not None and _on(ppr.find(_w("pageBreakBefore"))) and state.rows:
        state.page += 1
    state.paragraphs += 1
    text = paragraph_text(p)
    if text:
        line = state.next_line()
        cell = Cell(text, 0, line, ref=f"paragraph {state.paragraphs}")
        state.rows.append(Row([cell], line, state.page, (line,)))
    page_break = any(br.get(_w("type")) == "page" for br in p.iter(_w("br")))
    section = ppr is not None and ppr.find(_w("sectPr")) is not None
    if page_break or section:
        state.page += 1


def _read_table(tbl: ET.Element, state: _State) -> None:
    state.tables += 1
    number = state.tables
    grid_cols = len(tbl.findall(f"{_w('tblGrid')}/{_w('gridCol')}"))
    tr_list = _children(tbl, TR)
    # (row index in table, grid column) → cell; anchors of merged cells by column.
    table_rows: list[dict[int, Cell]] = []
    lines: list[int] = []
    above: dict[int, Cell] = {}
    width = min(grid_cols, MAX_TABLE_COLUMNS)
    for r_index, tr in enumerate(tr_list, start=1):
        line = state.next_line()
        lines.append(line)
        trpr = tr.find(_w("trPr"))
        col = _int_val(trpr.find(_w("gridBefore")) if trpr is not None else None, 0)
        row: dict[int, Cell] = {}
        covering: dict[int, Cell] = {}
        last: Cell | None = None
        for tc in _children(tr, TC):
            tcpr = tc.find(_w("tcPr"))
            span = max(1, _int_val(tcpr.find(_w("gridSpan")) if tcpr is not None else None, 1))
            if col + span > MAX_TABLE_COLUMNS:
                raise UnreadableFileError(
                    state.source,
                    f"table {number} too wide (more than {MAX_TABLE_COLUMNS} columns)",
                )
            vmerge = tcpr.find(_w("vMerge")) if tcpr is not None else None
            hmerge = tcpr.find(_w("hMerge")) if tcpr is not None else None
            text = _cell_text(tc)
            origin = above.get(col)
            if (
                vmerge is not None
                and (_val(vmerge) or "continue") == "continue"
                and origin is not None
                and origin.col == col
            ):
                origin.rowspan += 1
                if text:
                    origin.text = clean_cell(f"{origin.text} {text}")
                for c in range(col, col + max(span, origin.colspan)):
                    row[c] = Cell("", c, line, spanned=True, ref=_ref(number, r_index, c))
                    covering[c] = origin
                col += span
                continue
            if hmerge is not None and _val(hmerge) == "continue" and last is not None:
                if text:
                    last.text = clean_cell(f"{last.text} {text}")
                last.colspan += span
                for c in range(col, col + span):
                    row[c] = Cell("", c, line, spanned=True, ref=_ref(number, r_index, c))
                    covering[c] = last
                col += span
                continue
            cell = Cell(text, col, line, colspan=span, ref=_ref(number, r_index, col))
            row[col] = cell
            covering[col] = cell
            for c in range(col + 1, col + span):
                row[c] = Cell("", c, line, spanned=True, ref=_ref(number, r_index, c))
                covering[c] = cell
            last = cell
            col += span
        width = max(width, col)
        above = covering
        table_rows.append(row)
        if len(table_rows) * max(width, 1) > MAX_TABLE_CELLS:
            raise UnreadableFileError(
                state.source, f"table {number} too large (more than {MAX_TABLE_CELLS} cells)"
            )
    for r_index, (row, line) in enumerate(zip(table_rows, lines, strict=True), start=1):
        cells = [
            row.get(c) or Cell("", c, line, ref=_ref(number, r_index, c)) for c in range(width)
        ]
        state.rows.append(Row(cells, line, state.page, (line,)))


def _ref(table: int, row: int, col: int) -> str:
    return f"table {table} row {row} col {col + 1}"


def _walk(el: ET.Element, state: _State, depth: int = 0) -> None:
    for child in el:
        if child.tag == P:
            _read_paragraph(child, state)
        elif child.tag == TBL:
            _read_table(child, state)
        elif child.tag in _CONTAINERS and depth < MAX_DEPTH:
            _walk(child, state, depth + 1)


# ---------------------------------------------------------------------------
# Opening the package.


def _main_document_xml(data: bytes, source: str) -> bytes:
    from docx.opc.exceptions import PackageNotFoundError
    from docx.opc.package import OpcPackage

    with open_zip(data, source) as zf:
        for info in zf.infolist():
            if info.filename.lower().endswith("document.xml") and (
                info.file_size > MAX_DOCUMENT_XML_BYTES
            ):
                raise UnreadableFileError(
                    source,
                    f"document XML too large ({info.file_size} bytes; "
                    f"limit {MAX_DOCUMENT_XML_BYTES})",
                )
    try:
        package = OpcPackage.open(io.BytesIO(data))
        part = package.main_document_part
        content_type = str(part.content_type)
        blob = part.blob
    except PackageNotFoundError as exc:
        raise UnreadableFileError(source, f"not a Word package ({exc})") from exc
    except KeyError as exc:
        raise UnreadableFileError(source, f"corrupt Word document: missing part {exc}") from exc
    except Exception as exc:  # python-docx / lxml / zipfile errors on broken files
        raise UnreadableFileError(
            source, f"corrupt Word document ({type(exc).__name__}: {exc})"
        ) from exc
    if content_type not in MAIN_CONTENT_TYPES:
        raise UnreadableFileError(
            source, f"not a Word document (main part content type {content_type})"
        )
    if not isinstance(blob, bytes):
        raise UnreadableFileError(source, "corrupt Word document (no document XML)")
    return blob


def read_docx(data: bytes, source: str = "<docx>") -> list[Sheet]:
    """A ``.docx`` (or ``.docm``/``.dotx``) document as one sheet of rows."""
    xml = _main_document_xml(data, source)
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        raise UnreadableFileError(source, f"corrupt Word document XML ({exc})") from exc
    body = root.find(_w("body"))
    state = _State(source)
    if body is not None:
        _walk(body, state)
    return [Sheet(state.rows, source, "docx")]


__all__ = [
    "MAX_DOCUMENT_ROWS",
    "MAX_DOCUMENT_XML_BYTES",
    "MAX_TABLE_CELLS",
    "MAX_TABLE_COLUMNS",
    "paragraph_text",
    "read_docx",
]
