"""Test data: gold records printed as PDFs with a text layer, and scans of them.

``gold_to_pdf(records, path)`` lays the tables of ``render.blocks`` out on A4
pages with reportlab and a CJK TrueType font (Debian's ``fonts-wqy-zenhei``;
checkbox glyphs from ``fonts-dejavu-core``): title and year centred, a
``单位：元`` line right-aligned above the table, then the grid with merged
cells as real spans.  Long texts wrap inside their cell, numbers are
right-aligned.  Tables flow one after another (a short narrative between
them) and break across pages between rows; the first ``repeat_rows`` rows of
a table are printed again at the top of each continuation page, as Word's
"repeat header rows" does.  A page number ``- N -`` is printed at the foot of
every page.  ``ruled=False`` prints the same grid without any lines.

``pdf_to_scan(pdf, path)`` rasterises a PDF with pypdfium2 (200 dpi by
default), turns each page by a small random angle (≤ 1°) and adds mild noise,
and writes an image-only PDF (or a PNG of the first page): a scan with no
text layer.

Nothing here is committed data: the tests render into temporary folders.
"""

from __future__ import annotations

import io
import random
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from render import Break, G, Grid, Para, blocks

FONT_FILES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
)
SYMBOL_FONT_FILES = (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),)
FONT = "JxCJK"
SYMBOL_FONT = "JxSymbols"
SYMBOLS = frozenset("☑☐☒")

A4 = (595.0, 842.0)  # portrait, points
MARGIN = 42.0
TABLE_SIZE = 8.0
LEADING = 1.25
PAD = 3.0
UNRULED_PAD = 6.0


def fonts_available() -> bool:
    return any(p.exists() for p in FONT_FILES) and any(p.exists() for p in SYMBOL_FONT_FILES)


_registered = False


def _register() -> None:
    global _registered
    if _registered:
        return
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    font = next(p for p in FONT_FILES if p.exists())
    symbols = next(p for p in SYMBOL_FONT_FILES if p.exists())
    pdfmetrics.registerFont(TTFont(FONT, str(font), subfontIndex=0))
    pdfmetrics.registerFont(TTFont(SYMBOL_FONT, str(symbols)))
    _registered = True


def _runs(text: str) -> Iterator[tuple[str, str]]:
    """(font, text) runs: checkbox glyphs come from the symbol font."""
    cur = ""
    cur_font = FONT
    for ch in text:
        font = SYMBOL_FONT if ch in SYMBOLS else FONT
        if cur and font != cur_font:
            yield cur_font, cur
            cur = ""
        cur_font = font
        cur += ch
    if cur:
        yield cur_font, cur


def text_width(text: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    _register()
    return sum(stringWidth(t, f, size) for f, t in _runs(text))


def _tokens(text: str) -> list[str]:
    """Unbreakable pieces: runs of ASCII letters/digits/punctuation, or one other character."""
    out: list[str] = []
    for ch in text:
        last = out[-1][-1:] if out else ""
        if ch.isascii() and not ch.isspace() and last.isascii() and last and not last.isspace():
            out[-1] += ch
            continue
        out.append(ch)
    return out


def wrap(text: str, width: float, size: float) -> list[str]:
    """Lines of at most ``width`` points (ASCII words are not broken)."""
    if not text:
        return []
    lines: list[str] = []
    cur = ""
    for tok in _tokens(text):
        if cur and text_width(cur + tok, size) > width:
            lines.append(cur.rstrip())
            cur = tok.lstrip()
        else:
            cur += tok
    if cur.strip():
        lines.append(cur.strip())
    return lines


@dataclass
class _Placed:
    row: int
    col: int
    g: G


@dataclass
class Options:
    ruled: bool = True
    repeat_rows: int = 1
    unit_line: bool = True
    page_numbers: bool = True
    size: float = TABLE_SIZE
    landscape: bool = False


def _col_widths(grid: Grid, total: float, opt: Options) -> list[float]:
    pad = PAD if opt.ruled else UNRULED_PAD
    n = grid.ncols
    low = [4 * opt.size] * n
    nat = [4 * opt.size] * n
    keep = [0.0] * n  # widths that keep short labels on one line
    for row in grid.rows:
        for c, g in row:
            if g.colspan != 1 or not g.text:
                continue
            longest = max((text_width(t, opt.size) for t in _tokens(g.text)), default=0.0)
            low[c] = max(low[c], longest + 2 * pad)
            if not g.wrap and len(g.text) <= 12:
                keep[c] = max(keep[c], text_width(g.text, opt.size) + 2 * pad)
            full = text_width(g.text, opt.size) + 2 * pad
            nat[c] = max(nat[c], min(full, 9 * opt.size) if g.wrap else full)
    for c in sorted(range(n), key=lambda c: keep[c] - low[c]):
        extra = keep[c] - low[c]
        if extra > 0 and sum(low) + extra <= total:
            low[c] = keep[c]
    widths = low[:]
    spare = total - sum(widths)
    want = [max(0.0, nat[c] - low[c]) for c in range(n)]
    if spare > 0 and sum(want) > 0:
        k = min(1.0, spare / sum(want))
        widths = [low[c] + want[c] * k for c in range(n)]
        spare = total - sum(widths)
    if spare > 0:
        widths = [w + spare / n for w in widths]
    return widths


class _Doc:
    def __init__(self, path: Path, opt: Options) -> None:
        from reportlab.pdfgen.canvas import Canvas

        _register()
        self.w, self.h = (A4[1], A4[0]) if opt.landscape else A4
        self.canvas = Canvas(str(path), pagesize=(self.w, self.h), invariant=True)
        self.opt = opt
        self.page = 1
        self.y = self.h - MARGIN
        self.dirty = False

    def new_page(self) -> None:
        self._footer()
        self.canvas.showPage()
        self.page += 1
        self.y = self.h - MARGIN
        self.dirty = False

    def _footer(self) -> None:
        if self.opt.page_numbers:
            self.text(f"- {self.page} -", self.w / 2, MARGIN / 2, 9, align="center")

    def finish(self) -> None:
        self._footer()
        self.canvas.showPage()
        self.canvas.save()

    def text(self, text: str, x: float, baseline: float, size: float, align: str = "left") -> None:
        width = text_width(text, size)
        if align == "center":
            x -= width / 2
        elif align == "right":
            x -= width
        for font, part in _runs(text):
            self.canvas.setFont(font, size)
            self.canvas.drawString(x, baseline, part)
            x += text_width(part, size)

    def para(self, text: str, size: float, align: str, space: float = 4.0) -> None:
        lines = wrap(text, self.w - 2 * MARGIN, size)
        need = len(lines) * size * LEADING + space
        if self.y - need < MARGIN:
            self.new_page()
        for line in lines:
            self.y -= size * LEADING
            x = {"left": MARGIN, "center": self.w / 2, "right": self.w - MARGIN}[align]
            self.text(line, x, self.y + size * 0.25, size, align)
        self.y -= space
        self.dirty = True

    # -- tables ------------------------------------------------------------
    def table(self, grid: Grid) -> None:
        opt = self.opt
        size = opt.size
        pad = PAD if opt.ruled else UNRULED_PAD
        widths = _col_widths(grid, self.w - 2 * MARGIN, opt)
        xs = [MARGIN + sum(widths[:c]) for c in range(grid.ncols + 1)]
        placed = [_Placed(r, c, g) for r, row in enumerate(grid.rows) for c, g in row]
        lines: dict[int, list[str]] = {}
        for i, p in enumerate(placed):
            span = xs[p.col + p.g.colspan] - xs[p.col] - 2 * pad
            lines[i] = wrap(p.g.text, span, size) if p.g.text else []
        line_h = size * LEADING
        heights = [line_h + 2 * pad] * len(grid.rows)
        for i, p in enumerate(placed):
            if p.g.rowspan == 1:
                heights[p.row] = max(heights[p.row], len(lines[i]) * line_h + 2 * pad)
        for i, p in enumerate(placed):
            if p.g.rowspan > 1:
                last = min(p.row + p.g.rowspan, len(heights))
                need = len(lines[i]) * line_h + 2 * pad
                have = sum(heights[p.row : last])
                if need > have:
                    heights[last - 1] += need - have
        # page breaks: before row r when it does not fit; never inside the part
        # of a spanning cell its text needs (the break moves up to that cell).
        bottom = MARGIN + 14
        if self.y - sum(heights[:3]) < bottom:
            self.new_page()
        starts = [0]
        head = min(opt.repeat_rows, len(grid.rows))
        head_h = sum(heights[:head])
        first_on_page = 0
        y = self.y
        r = 0
        while r < len(grid.rows):
            if y - heights[r] < bottom and r > first_on_page:
                brk = r
                for i, p in enumerate(placed):
                    if p.row < brk < p.row + p.g.rowspan and p.row > first_on_page:
                        need = len(lines[i]) * line_h + 2 * pad
                        if sum(heights[p.row : brk]) < need:
                            brk = min(brk, p.row)
                starts.append(brk)
                first_on_page = brk
                r = brk
                y = self.h - MARGIN - (head_h if brk >= head else 0)
                continue
            y -= heights[r]
            r += 1
        starts.append(len(grid.rows))
        for k in range(len(starts) - 1):
            a, b = starts[k], starts[k + 1]
            if k:
                self.new_page()
                if a >= head:
                    self._rows(grid, placed, lines, xs, heights, 0, head, pad, line_h)
            self._rows(grid, placed, lines, xs, heights, a, b, pad, line_h)
        self.y -= 6
        self.dirty = True

    def _rows(
        self,
        grid: Grid,
        placed: list[_Placed],
        lines: dict[int, list[str]],
        xs: list[float],
        heights: list[float],
        a: int,
        b: int,
        pad: float,
        line_h: float,
    ) -> None:
        """Draw rows a..b-1 from the current y; spanning cells clipped to them."""
        c = self.canvas
        size = self.opt.size
        tops = [self.y]
        for r in range(a, b):
            tops.append(tops[-1] - heights[r])
        c.setLineWidth(0.6)
        for i, p in enumerate(placed):
            r0, r1 = p.row, p.row + p.g.rowspan
            if r1 <= a or r0 >= b:
                continue
            top = tops[max(r0, a) - a]
            bot = tops[min(r1, b) - a]
            x0, x1 = xs[p.col], xs[p.col + p.g.colspan]
            if self.opt.ruled:
                c.rect(x0, bot, x1 - x0, top - bot, stroke=1, fill=0)
            if r0 < a or not lines[i]:
                continue  # text printed on the page where the cell starts
            text_h = len(lines[i]) * line_h
            y = top - max(pad, (top - bot - text_h) / 2) if self.opt.ruled else top - pad
            for line in lines[i]:
                y -= line_h
                base = y + size * 0.25
                if p.g.right:
                    self.text(line, x1 - pad, base, size, "right")
                else:
                    self.text(line, x0 + pad, base, size)
        self.y = tops[-1]


_UNIT_IN_LABEL_RE = re.compile(r"\s*[(（]\s*万?元\s*[)）]")


def _records(records: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    if isinstance(records, Mapping):
        return [dict(records)]
    return [dict(r) for r in records]


def gold_to_pdf(
    records: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    path: str | Path,
    *,
    ruled: bool = True,
    repeat_rows: int = 1,
    unit_line: bool = True,
    page_numbers: bool = True,
    landscape: bool = False,
    unit_in_label: bool = True,
) -> Path:
    """Print canonical records as a text-layer PDF; returns ``path``.

    ``unit_in_label=False`` prints ``项目资金`` without ``(元)``: the unit is then
    only in the ``单位：元`` line above the table.
    """
    out = Path(path)
    opt = Options(ruled, repeat_rows, unit_line, page_numbers, landscape=landscape)
    doc = _Doc(out, opt)
    recs = _records(records)
    for i, rec in enumerate(recs):
        if i:
            name = rec.get("project") or rec.get("unit_name") or ""
            doc.para(f"附件{i + 1}：", 10, "left")
            doc.para(f"{rec.get('year')}年度{name}绩效情况如下。", 10, "left", space=10)
        for part in blocks(rec):
            if isinstance(part, Break):
                continue
            if isinstance(part, Para):
                if part.kind == "title":
                    doc.para(part.text, 14, "center")
                else:
                    doc.para(part.text, 10, "center")
                    if unit_line and rec.get("money_unit"):
                        doc.para(f"单位：{rec['money_unit']}", 9, "right", space=2)
            else:
                if not unit_in_label:
                    for row in part.rows:
                        for _, g in row:
                            g.text = _UNIT_IN_LABEL_RE.sub("", g.text)
                doc.table(part)
    doc.finish()
    return out


# ---------------------------------------------------------------------------
# Scans.


def rasterise(pdf: str | Path, dpi: int = 200) -> list[Any]:
    """The pages of a PDF as greyscale PIL images."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        images = []
        for i in range(len(doc)):
            page = doc[i]
            bitmap = page.render(scale=dpi / 72, grayscale=True)
            images.append(bitmap.to_pil().convert("L"))
            page.close()
        return images
    finally:
        doc.close()


def degrade(image: Any, rng: random.Random, max_angle: float = 1.0, noise: float = 10.0) -> Any:
    """Turn a page by a small angle, add grey noise and a few specks."""
    import numpy as np
    from PIL import Image

    angle = rng.uniform(-max_angle, max_angle)
    turned = image.rotate(angle, resample=Image.Resampling.BILINEAR, expand=False, fillcolor=255)
    arr = np.asarray(turned, dtype=np.float32)
    gen = np.random.default_rng(rng.randrange(2**32))
    arr = arr * 0.92 + 12 + gen.normal(0.0, noise, arr.shape)
    specks = gen.random(arr.shape) < 0.0004
    arr[specks] = 40
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "L")


def pdf_to_scan(
    pdf: str | Path,
    path: str | Path,
    *,
    dpi: int = 200,
    seed: int = 0,
    max_angle: float = 1.0,
    noise: float = 10.0,
    fmt: str = "pdf",
) -> Path:
    """An image-only "scan" of a PDF: ``fmt`` ``pdf`` (every page), ``png`` or ``jpeg`` (page 1)."""
    rng = random.Random(seed)
    pages = [degrade(im, rng, max_angle, noise) for im in rasterise(pdf, dpi)]
    out = Path(path)
    if fmt == "pdf":
        buf = io.BytesIO()
        pages[0].save(
            buf, "PDF", save_all=True, append_images=pages[1:], resolution=float(dpi), quality=85
        )
        out.write_bytes(buf.getvalue())
    elif fmt == "png":
        pages[0].save(out, "PNG", dpi=(dpi, dpi))
    elif fmt == "jpeg":
        pages[0].save(out, "JPEG", dpi=(dpi, dpi), quality=85)
    else:
        raise ValueError(f"unknown scan format {fmt!r}")
    return out


def scanned_seed_page(out: Path) -> Any:
    """Page 1 of seed 004 printed and scanned at 200 dpi (scan seed 3), as grey pixels."""
    import cv2

    from seeds import gold_for, seed_files

    pdf = gold_to_pdf(gold_for(seed_files()[3])[:1], out / "one.pdf")
    png = pdf_to_scan(pdf, out / "page.png", fmt="png", seed=3)
    gray = cv2.imread(str(png), cv2.IMREAD_GRAYSCALE)
    if gray is None:
        raise RuntimeError(f"{png}: the scan could not be read back")
    return gray
