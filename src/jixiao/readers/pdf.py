"""PDF files → one ``Sheet`` (every page, tables stitched over page breaks).

Pages with a text layer are read from it with pypdfium2 (PDFium): every
character with its box, and the page's path objects as rulings (stroked lines
and rectangle edges, thin filled rectangles).  ``readers.pages`` turns these
into ruled tables (cells from the lines), unruled tables (from text
positions, through the layout reader) and one-cell rows for titles, the
``单位：万元`` line and narrative; see there for how tables continued on the
next page are stitched.

A page without a usable text layer — no characters but images (a scan), or
characters that do not decode (CID fonts without a ``ToUnicode`` map: private
use, replacement or control characters, or no Chinese at all but mostly
symbols) — is rendered and read by OCR (``readers.ocr``); such cells carry
``Cell.confidence``.

Provenance: ``Row.page`` is the 1-based page, ``Cell.bbox`` is
``(x0, top, x1, bottom)`` in points from the page's top-left corner.

A PDF that needs a password raises ``UnreadableFileError`` naming the file; so
does a file PDFium cannot open.
"""

from __future__ import annotations

import ctypes
import itertools
import unicodedata
from collections.abc import Iterator
from typing import Any

from jixiao.errors import UnreadableFileError
from jixiao.models import Sheet
from jixiao.readers.pages import Item, Page, Ruling, assemble

PDF_MAGIC = b"%PDF"
# Most pages read from one file: a performance table report has dozens.
MAX_PAGES = 2000
# A page is a scan when it has fewer characters than this and holds an image.
MIN_TEXT_CHARS = 10
# Thinnest filled rectangle still drawn as a line (points).
THIN = 2.5

ENCRYPTED_REASON = (
    "加密文件/encrypted: the PDF needs a password; save a copy without a password and read that"
)


def is_pdf(data: bytes) -> bool:
    """PDF magic in the first KiB (some writers put junk before ``%PDF``)."""
    return PDF_MAGIC in data[:1024]


def open_pdf(data: bytes, name: str) -> Any:
    """A ``pypdfium2.PdfDocument``, or ``UnreadableFileError`` with a clear reason."""
    import pypdfium2 as pdfium  # type: ignore[import-untyped, unused-ignore]

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        text = str(exc).lower()
        if "password" in text or "security" in text:
            raise UnreadableFileError(name, ENCRYPTED_REASON) from exc
        raise UnreadableFileError(name, f"broken or unsupported PDF ({exc})") from exc


def read_pdf(data: bytes, name: str, ocr: bool | None = None) -> list[Sheet]:
    """Read a PDF. ``ocr``: None = OCR only pages without a usable text layer,
    True = OCR every page, False = never OCR (such pages are left out and noted)."""
    doc = open_pdf(data, name)
    try:
        count = len(doc)
        if count > MAX_PAGES:
            raise UnreadableFileError(name, f"PDF has {count} pages (limit {MAX_PAGES})")
        pages: list[Page] = []
        scanned = 0
        skipped: list[int] = []
        for index in range(count):
            page = doc[index]
            try:
                items, rulings, images = page_content(page)
                usable = text_layer_usable(items)
                if ocr is True or (ocr is None and not usable and (images or items)):
                    from jixiao.readers.ocr import ocr_pdf_page

                    pages.append(ocr_pdf_page(page, index + 1))
                    scanned += 1
                elif usable:
                    pages.append(Page(index + 1, items, rulings))
                elif images or items:
                    skipped.append(index + 1)
            finally:
                page.close()
    finally:
        doc.close()
    kind = "ocr" if scanned and scanned == len(pages) else "pdf"
    sheet = assemble(pages, name, kind)
    for number in skipped:
        sheet.rejected.append((0, f"page {number}", "no text layer (OCR disabled)"))
    return [sheet]


# ---------------------------------------------------------------------------
# Text layer.


def page_content(page: Any) -> tuple[list[Item], list[Ruling], int]:
    """Characters, rulings and the number of image objects of one page."""
    import pypdfium2.raw as raw  # type: ignore[import-untyped, unused-ignore]

    _, height = page.get_size()
    textpage = page.get_textpage()
    try:
        items = list(_chars(raw, textpage.raw, height))
    finally:
        textpage.close()
    rulings: list[Ruling] = []
    images = _objects(raw, page.raw, None, height, rulings, 0)
    return items, rulings, images


def _chars(raw: Any, tp: Any, height: float) -> Iterator[Item]:
    n = raw.FPDFText_CountChars(tp)
    rect = raw.FS_RECTF()
    for i in range(n):
        code = raw.FPDFText_GetUnicode(tp, i)
        if code in (0x20, 0x09, 0x0A, 0x0D, 0xA0, 0x3000) or raw.FPDFText_IsGenerated(tp, i) == 1:
            continue
        if not raw.FPDFText_GetLooseCharBox(tp, i, ctypes.byref(rect)):
            continue
        try:
            ch = chr(code)
        except (ValueError, OverflowError):
            ch = "\ufffd"
        left, right = min(rect.left, rect.right), max(rect.left, rect.right)
        top, bottom = max(rect.top, rect.bottom), min(rect.top, rect.bottom)
        if right - left <= 0 or top - bottom <= 0:
            continue
        yield Item(ch, left, height - top, right, height - bottom)


def _multiply(m: tuple[float, ...], n: tuple[float, ...] | None) -> tuple[float, ...]:
    """m then n (PDF matrices a b c d e f)."""
    if n is None:
        return m
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def _objects(
    raw: Any,
    parent: Any,
    outer: tuple[float, ...] | None,
    height: float,
    rulings: list[Ruling],
    depth: int,
) -> int:
    """Collect rulings from the path objects of a page (or form); count images."""
    form = outer is not None
    count = raw.FPDFFormObj_CountObjects(parent) if form else raw.FPDFPage_CountObjects(parent)
    images = 0
    matrix = raw.FS_MATRIX()
    for i in range(count):
        obj = raw.FPDFFormObj_GetObject(parent, i) if form else raw.FPDFPage_GetObject(parent, i)
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == raw.FPDF_PAGEOBJ_IMAGE:
            images += 1
        elif kind in (raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM):
            if not raw.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix)):
                continue
            m = _multiply((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), outer)
            if kind == raw.FPDF_PAGEOBJ_FORM:
                if depth < 4:
                    images += _objects(raw, obj, m, height, rulings, depth + 1)
            else:
                _path_rulings(raw, obj, m, height, rulings)
    return images


def _path_rulings(
    raw: Any, obj: Any, m: tuple[float, ...], height: float, rulings: list[Ruling]
) -> None:
    fill = ctypes.c_int()
    stroke = ctypes.c_int()
    if not raw.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke)):
        return
    stroked = bool(stroke.value)
    if not stroked and not fill.value:
        return
    a, b, c, d, e, f = m
    x = ctypes.c_float()
    y = ctypes.c_float()
    subpaths: list[list[tuple[float, float]]] = []
    for k in range(raw.FPDFPath_CountSegments(obj)):
        seg = raw.FPDFPath_GetPathSegment(obj, k)
        if not raw.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y)):
            continue
        px, py = x.value, y.value
        point = (a * px + c * py + e, height - (b * px + d * py + f))
        if raw.FPDFPathSegment_GetType(seg) == raw.FPDF_SEGMENT_MOVETO or not subpaths:
            subpaths.append([point])
        else:
            subpaths[-1].append(point)
            if raw.FPDFPathSegment_GetClose(seg):
                subpaths[-1].append(subpaths[-1][0])
    for pts in subpaths:
        xs = [p[0] for p in pts]
        ys = [p[1] for p in pts]
        w, h = max(xs) - min(xs), max(ys) - min(ys)
        if len(pts) >= 4 and (w <= THIN or h <= THIN) and max(w, h) > THIN:
            # a thin rectangle (filled or stroked) is one line
            if w <= THIN:
                cx = (min(xs) + max(xs)) / 2
                rulings.append(Ruling(cx, min(ys), cx, max(ys)))
            else:
                cy = (min(ys) + max(ys)) / 2
                rulings.append(Ruling(min(xs), cy, max(xs), cy))
            continue
        if not stroked:
            continue
        for (x0, y0), (x1, y1) in itertools.pairwise(pts):
            if abs(y1 - y0) <= 0.5 and abs(x1 - x0) > THIN:
                rulings.append(Ruling(min(x0, x1), y0, max(x0, x1), y0))
            elif abs(x1 - x0) <= 0.5 and abs(y1 - y0) > THIN:
                rulings.append(Ruling(x0, min(y0, y1), x0, max(y0, y1)))


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def text_layer_usable(items: list[Item]) -> bool:
    """Does the text layer decode into real text? (see the module docstring)"""
    if len(items) < MIN_TEXT_CHARS:
        return False
    bad = cjk = symbols = 0
    for it in items:
        ch = it.text
        cat = unicodedata.category(ch)
        if ch == "\ufffd" or cat in ("Co", "Cc", "Cn", "Cs"):
            bad += 1
        elif _is_cjk(ch):
            cjk += 1
        elif cat[0] in "PS" and ch not in ".,%-:()+/":
            symbols += 1
    n = len(items)
    if bad > 0.1 * n:
        return False
    return not (cjk == 0 and symbols > 0.3 * n)
