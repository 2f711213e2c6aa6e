"""Scanned pages and images → text items and rulings, with OCR confidences.

A page image (a PDF page without a usable text layer rendered by pypdfium2,
or a PNG/JPEG file) is read in five steps:

1. **Deskew.** Long near-horizontal strokes (table rulings, kept by a
   morphological opening; a line fitted through each) give the skew angle;
   the page is turned back by it.
2. **Rulings.** Openings with long horizontal and vertical kernels keep only
   the table lines; their connected components become ``Ruling`` segments,
   from which ``readers.pages`` builds the ruled tables (merged cells too).
3. **Text boxes.** Checkbox squares (☐, and ☑ when the square holds ink) are
   found by shape and become glyphs; the rulings are painted out.  The ink
   is grouped into lines by a dilation along them; a group one line high (most
   cells) is a text line as it stands.  Taller groups (wrapped paragraphs,
   touching lines, large print) go to RapidOCR's text detector (PP-OCRv4,
   ONNX Runtime; the models ship inside the ``rapidocr-onnxruntime`` wheel, so
   nothing is downloaded), each on a small image of its own at 100 dpi; ink
   left uncovered gets boxes of its own.  A box holding several lines is cut
   between them, a box crossing a vertical ruling is cut there.
4. **Recognition.** Every box is recognised (``recognize``); its text and
   score become an ``Item`` with ``confidence``.  Letters read in a number
   (``o`` for ``0``) are turned into digits with a confidence of at most 0.5,
   and form labels with one misread character (``项目总自标``) are snapped to
   the recogniser's vocabulary.
5. **Cells.** ``readers.pages`` puts the items into the cells of the ruled
   tables (or, without rulings, reads the text positions like pdftotext's
   layout output).  A cell's ``confidence`` is the lowest score of its boxes.

Coordinates are given in points (1/72 in) for PDF pages and in pixels for
image files.  ``LOW_CONFIDENCE`` is the score below which a cell should be
checked by a person; ``low_confidence_numbers`` lists such numeric cells.

``JIXIAO_OCR_THREADS`` (environment) sets the ONNX Runtime threads (default:
all cores).  The detector and recogniser run with their affine steps folded
into the convolutions (``readers.ocr_models``; checked against the original
models at start-up); ``JIXIAO_OCR_FOLD=0`` runs the models as shipped.
``JIXIAO_OCR_DETECT_PAGE=1`` runs the detector over whole pages instead
(slower; for comparison).
"""

from __future__ import annotations

import functools
import math
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from jixiao.errors import UnreadableFileError
from jixiao.models import Sheet
from jixiao.readers.pages import Item, Page, Ruling, assemble

DPI = 200
# Text detection runs at this fraction of 200 dpi.
DET_SCALE = 0.5
# RapidOCR's ``limit_side_len``: a smaller short side is scaled up to it.
DET_MIN_SIDE = 736
# Ink closer than this along a line (pixels at 200 dpi) is one text line.
LINE_GAP = 25
LOW_CONFIDENCE = 0.9
# Largest image side accepted (pixels): bounds memory and time.
MAX_IMAGE_SIDE = 12_000
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"

_NUMBER_RE = re.compile(r"^[-+=<>≥≤]*\s*\d[\d,]*(?:\.\d+)?\s*%?$")


def is_image(data: bytes) -> bool:
    return data.startswith((PNG_MAGIC, JPEG_MAGIC))


# ---------------------------------------------------------------------------
# Engine.


@dataclass(frozen=True, slots=True)
class Engine:
    """The detector and recogniser (grey input, ``ocr_models.Model``), the
    recogniser's alphabet (index 0 is CTC's blank) and RapidOCR's detector
    object for its post-processing (DB boxes)."""

    det: Any
    rec: Any
    chars: list[str]
    det_post: Any


@functools.lru_cache(maxsize=1)
def _engine() -> Engine:
    from rapidocr_onnxruntime import RapidOCR  # type: ignore[import-untyped, unused-ignore]

    from jixiao.readers import ocr_models

    kwargs: dict[str, Any] = {"print_verbose": False}
    raw = os.environ.get("JIXIAO_OCR_THREADS", "")
    threads = int(raw) if raw.isdigit() and int(raw) > 0 else None
    if threads:
        kwargs["intra_op_num_threads"] = threads
        kwargs["inter_op_num_threads"] = 1
    engine = RapidOCR(**kwargs)
    det, rec = engine.text_det.infer.session, engine.text_rec.session.session
    if os.environ.get("JIXIAO_OCR_FOLD", "1") != "0":
        # the same models with their affine steps folded into the convolutions
        models = ocr_models.model_dir()
        det_model = ocr_models.load_session(models / ocr_models.DET_MODEL, threads, original=det)
        rec_model = ocr_models.load_session(models / ocr_models.REC_MODEL, threads, original=rec)
    else:
        det_model, rec_model = ocr_models.Model(det, False), ocr_models.Model(rec, False)
    return Engine(
        det_model, rec_model, list(engine.text_rec.postprocess_op.character), engine.text_det
    )


# ---------------------------------------------------------------------------
# Entry points.


def ocr_pdf_page(page: Any, number: int, dpi: int = DPI) -> Page:
    """OCR one ``pypdfium2.PdfPage``; coordinates in points."""
    import numpy as np

    bitmap = page.render(scale=dpi / 72, grayscale=True)
    image = bitmap.to_pil().convert("L")
    gray = np.asarray(image, dtype=np.uint8)
    return read_page_image(gray, number, 72 / dpi, dpi)


def read_image(data: bytes, name: str) -> list[Sheet]:
    """A PNG or JPEG file → one sheet (coordinates in pixels)."""
    import cv2
    import numpy as np

    buf = np.frombuffer(data, dtype=np.uint8)
    gray = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)
    if gray is None:
        raise UnreadableFileError(name, "broken or unsupported image")
    if max(gray.shape) > MAX_IMAGE_SIDE:
        raise UnreadableFileError(
            name, f"image too large ({gray.shape[1]}×{gray.shape[0]}; limit {MAX_IMAGE_SIDE})"
        )
    dpi = _image_dpi(data) or DPI
    page = read_page_image(gray, 1, 1.0, dpi)
    return [assemble([page], name, "ocr")]


def _image_dpi(data: bytes) -> int | None:
    import io

    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as im:
            dpi = im.info.get("dpi")
    except (OSError, ValueError):
        return None
    if isinstance(dpi, tuple) and dpi and isinstance(dpi[0], int | float) and 50 <= dpi[0] <= 1200:
        return round(float(dpi[0]))
    return None


def read_page_image(gray: Any, number: int, scale: float, dpi: int = DPI) -> Page:
    """OCR a greyscale page image; ``scale`` converts pixels to output units."""
    import cv2

    k = dpi / DPI  # sizes below are tuned at 200 dpi
    angle = _skew(gray, k)
    gray = gray.copy()
    if abs(angle) > 0.02:
        h, w = gray.shape
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        gray = cv2.warpAffine(
            gray, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=255
        )
    binary = cv2.adaptiveThreshold(
        gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 25
    )
    horizontal, vertical = _line_masks(binary, k)
    hstats, vstats = _components(horizontal)[2], _components(vertical)[2]
    rulings = _rulings(hstats, vstats, scale, k)
    vlines = _vertical_runs(vstats)
    boxes_found = _checkboxes(binary, horizontal, vertical, k)
    for x0, y0, x1, y1, _ in boxes_found:
        gray[max(0, y0 - 1) : y1 + 1, max(0, x0 - 1) : x1 + 1] = 255
        vlines.append(((x0 + x1) // 2, y0, y1))
    # rulings (and their anti-aliased fringes) are painted white before reading text
    lines = cv2.dilate(
        cv2.bitwise_or(horizontal, vertical),
        cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5)),
    )
    gray[lines > 0] = 255
    ink = cv2.bitwise_and(binary, cv2.bitwise_not(lines))
    for x0, y0, x1, y1, _ in boxes_found:
        ink[y0:y1, x0:x1] = 0
    crops = []
    kept: list[tuple[int, int, int, int]] = []
    if os.environ.get("JIXIAO_OCR_DETECT_PAGE") == "1":
        boxes: list[tuple[int, int, int, int]] = _detect(gray, k)
        single: list[tuple[int, int, int, int]] = []
        margins = (0, 0, 0, 0)
    else:
        boxes, single, margins = _line_boxes(gray, ink, k)
    boxes += _missed(ink, boxes + single, k)
    for x0, y0, x1, y1 in single:
        for box in _split_at_lines(x0, y0, x1, y1, vlines, int(4 * k)):
            found = _line_crop(gray, ink, box, margins, k)
            if found is not None:
                crops.append(found[0])
                kept.append(found[1])
    pieces: list[tuple[int, int, int, int]] = []
    for box in boxes:
        for x0, y0, x1, y1 in _split_rows(box, ink, k):
            pieces += _split_at_lines(x0, y0, x1, y1, vlines, int(4 * k))
    for x0, y0, x1, y1 in pieces:
        crop = _crop(gray[y0:y1, x0:x1])
        if crop is not None:
            crops.append(crop)
            kept.append((x0, y0, x1, y1))
    items: list[Item] = []
    for (x0, y0, x1, y1), (raw_text, raw_score) in zip(kept, recognize(crops), strict=True):
        text = snap_label(fix_digits(raw_text.strip()))
        # a number made from look-alike letters is a guess: flag it
        score = (
            raw_score
            if not is_number_text(text) or text == raw_text.strip()
            else min(raw_score, 0.5)
        )
        if text and (score >= MIN_SCORE or (is_number_text(text) and score >= MIN_NUMBER_SCORE)):
            items.append(Item(text, x0 * scale, y0 * scale, x1 * scale, y1 * scale, score))
    for x0, y0, x1, y1, glyph in boxes_found:
        items.append(Item(glyph, x0 * scale, y0 * scale, x1 * scale, y1 * scale, 1.0))
    return Page(number, items, rulings)


# ---------------------------------------------------------------------------
# Recognition.

REC_HEIGHT = 48
# Pixels (at the model's height) of one recognition batch.
REC_BATCH_PIXELS = 600
MIN_SCORE = 0.3
# numbers are kept down to this score (and flagged below ``LOW_CONFIDENCE``)
MIN_NUMBER_SCORE = 0.05


def _recognize(crops: list[Any]) -> list[tuple[str, float]]:
    """Text and confidence of greyscale line images, one model pass.

    RapidOCR pads every line to at least 320 pixels; short cells (numbers) are
    most of a table, so lines are batched by width here and padded only to the
    widest of their batch.  The confidence of a text with digits is the lowest
    probability of any of its digits (a single doubtful digit makes a doubtful
    number); of other texts, the mean probability of their characters.
    """
    import cv2
    import numpy as np

    if not crops:
        return []
    engine = _engine()
    chars = engine.chars
    resized = []
    for crop in crops:
        h, w = crop.shape[:2]
        width = max(REC_HEIGHT // 2, math.ceil(REC_HEIGHT * w / max(h, 1)))
        resized.append(cv2.resize(crop, (width, REC_HEIGHT), interpolation=cv2.INTER_LINEAR))
    order = sorted(range(len(resized)), key=lambda i: resized[i].shape[1])
    out: list[tuple[str, float]] = [("", 0.0)] * len(resized)
    start = 0
    while start < len(order):
        end = start + 1
        while end < len(order) and resized[order[end]].shape[1] * (end - start + 1) <= max(
            REC_BATCH_PIXELS, resized[order[start]].shape[1]
        ):
            end += 1
        batch_ids = order[start:end]
        width = max(resized[i].shape[1] for i in batch_ids)
        batch = np.zeros((len(batch_ids), 1, REC_HEIGHT, width), dtype=np.float32)
        for j, i in enumerate(batch_ids):
            img = resized[i].astype(np.float32) / 127.5 - 1.0
            batch[j, 0, :, : img.shape[1]] = img
        preds = engine.rec(batch)
        idx = preds.argmax(axis=2)
        prob = preds.max(axis=2)
        for j, i in enumerate(batch_ids):
            seq = idx[j]
            keep = np.ones(len(seq), dtype=bool)
            keep[1:] = seq[1:] != seq[:-1]
            keep &= seq != 0
            text = "".join(chars[t] for t in seq[keep])
            p = prob[j][keep]
            digits = [k for k, ch in enumerate(text) if ch.isdigit()]
            if digits:
                out[i] = (text, float(p[digits].min()))
            else:
                out[i] = (text, float(p.mean()) if len(p) else 0.0)
        start = end
    return out


def recognize(crops: list[Any]) -> list[tuple[str, float]]:
    """Text and confidence of greyscale line images.

    A lone character (a score of ``0`` or ``5`` alone in its cell) is hard for
    a line recogniser; when a short box is read poorly (nothing, or a score
    below 0.8; a confident reading of two or more characters is kept as it
    is), three copies side by side are read instead, and kept when they give three times the same character
    (look-alike letters such as ``o`` count as the digit, with a confidence
    of at most 0.5).
    """
    import numpy as np

    out = _recognize(crops)
    retry = [
        i
        for i, (text, score) in enumerate(out)
        if crops[i].shape[1] < 1.6 * crops[i].shape[0] and (not text or score < 0.8)
    ]
    if not retry:
        return out
    tripled = []
    for i in retry:
        crop = crops[i]
        gap = np.full((crop.shape[0], max(2, crop.shape[0] // 4)), 255, dtype=crop.dtype)
        tripled.append(np.hstack([crop, gap, crop, gap, crop]))
    for i, (text, score) in zip(retry, _recognize(tripled), strict=True):
        same = {fix_digits(ch) for ch in text}
        if len(text) == 3 and len(same) == 1:
            ch = same.pop()
            if ch in text:
                if score > out[i][1]:
                    out[i] = (ch, score)
            elif not out[i][0] or score > out[i][1]:
                out[i] = (ch, min(score, 0.5))  # a digit read as a look-alike: doubtful
    return out


# ---------------------------------------------------------------------------
# Steps.


def _skew(gray: Any, k: float) -> float:
    """Skew angle in degrees (positive: counter-clockwise) from long strokes.

    Long horizontal strokes (table rulings, underlines) are kept by an opening
    at half resolution; a line fitted through each long one gives its angle,
    and the length-weighted median of those is the page's skew.
    """
    import cv2
    import numpy as np

    small = cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    binary = cv2.adaptiveThreshold(
        small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 15, 20
    )
    w = small.shape[1]
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (max(15, int(30 * k)), 1))
    mask = cv2.morphologyEx(binary, cv2.MORPH_OPEN, kernel)
    n, labels, stats = _components(mask)
    angles: list[tuple[float, float]] = []
    for i in range(1, n):
        x, y, cw, ch, _ = stats[i]
        if cw < w / 6 or ch > 0.06 * cw + 6:
            continue
        ys, xs = np.nonzero(labels[y : y + ch, x : x + cw] == i)
        if len(xs) < 10:
            continue
        slope = float(np.polyfit(xs.astype(np.float64), ys.astype(np.float64), 1)[0])
        angles.append((math.degrees(math.atan(slope)), float(cw)))
    if not angles:
        return 0.0
    angles.sort()
    half = sum(a[1] for a in angles) / 2
    acc = 0.0
    for angle, weight in angles:
        acc += weight
        if acc >= half:
            return angle
    return 0.0


def _line_masks(binary: Any, k: float) -> tuple[Any, Any]:
    import cv2

    hk = cv2.getStructuringElement(cv2.MORPH_RECT, (int(60 * k), 1))
    vk = cv2.getStructuringElement(cv2.MORPH_RECT, (1, int(40 * k)))
    horizontal = cv2.morphologyEx(binary, cv2.MORPH_OPEN, hk)
    vertical = cv2.morphologyEx(binary, cv2.MORPH_OPEN, vk)
    # close small gaps along the lines (noise, JPEG)
    horizontal = cv2.morphologyEx(
        horizontal, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (int(9 * k), 1))
    )
    vertical = cv2.morphologyEx(
        vertical, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, int(9 * k)))
    )
    return horizontal, vertical


def _components(mask: Any) -> tuple[int, Any, Any]:
    """``cv2.connectedComponentsWithStats`` (8-connected): count, labels, stats.

    16-bit labels are three times faster to write than 32-bit ones; a mask
    with more components than they can number is labelled again with 32 bits.
    """
    import cv2

    try:
        n, labels, stats, _ = cv2.connectedComponentsWithStats(
            mask, connectivity=8, ltype=cv2.CV_16U
        )
    except cv2.error:
        n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    return n, labels, stats


def _rulings(hstats: Any, vstats: Any, scale: float, k: float) -> list[Ruling]:
    """Ruling segments from the component stats of the horizontal and vertical masks."""
    out: list[Ruling] = []
    for x, y, w, h, _area in hstats[1:]:
        if w >= 60 * k and h <= 12 * k:
            cy = (y + h / 2) * scale
            out.append(Ruling(x * scale, cy, (x + w) * scale, cy))
    for x, y, w, h, _area in vstats[1:]:
        if h >= 40 * k and w <= 12 * k:
            cx = (x + w / 2) * scale
            out.append(Ruling(cx, y * scale, cx, (y + h) * scale))
    return out


def _vertical_runs(vstats: Any) -> list[tuple[int, int, int]]:
    """Vertical rulings as (x, y0, y1) in pixels, from the vertical mask's component stats."""
    return [(int(x + w // 2), int(y), int(y + h)) for x, y, w, h, _ in vstats[1:]]


def _detect(gray: Any, k: float) -> list[tuple[int, int, int, int]]:
    """Text line boxes (axis-aligned, pixels) from RapidOCR's detector.

    Detection runs at 100 dpi: as many boxes as at 200 dpi, in a tenth of the time.
    """
    import cv2

    f = min(1.0, DET_SCALE / k)
    small = cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else gray
    # RapidOCR's preprocessing: the short side at least DET_MIN_SIDE
    sh, sw = small.shape
    ratio = max(1.0, DET_MIN_SIDE / min(sh, sw))
    size = (round(int(sw * ratio) / 32) * 32, round(int(sh * ratio) / 32) * 32)
    if min(size) <= 0:
        return []
    return _detect_scaled(cv2.resize(small, size), (sh, sw), f, gray.shape)


def _detect_scaled(
    net: Any, shape: tuple[int, int], f: float, limit: tuple[int, int]
) -> list[tuple[int, int, int, int]]:
    """Boxes found by the detector in ``net`` (grey, sides multiples of 32), an
    image of ``shape`` pixels resized; ``f``: that image's scale to the page
    (of ``limit`` pixels, height and width)."""
    import numpy as np

    x = (net.astype(np.float32) * np.float32(1 / 127.5) - np.float32(1.0))[None, None]
    engine = _engine()
    post = engine.det_post
    boxes, _ = post.postprocess_op(engine.det(x), shape)
    boxes = post.filter_tag_det_res(boxes, shape)
    h, w = limit
    out: list[tuple[int, int, int, int]] = []
    for quad in boxes:
        xs = [float(p[0]) / f for p in quad]
        ys = [float(p[1]) / f for p in quad]
        x0, x1 = max(0, int(min(xs))), min(w, math.ceil(max(xs)))
        y0, y1 = max(0, int(min(ys))), min(h, math.ceil(max(ys)))
        if x1 - x0 >= 4 and y1 - y0 >= 4:
            out.append((x0, y0, x1, y1))
    return out


# White margins (left, top, right, bottom) around the ink of a single line,
# in the page's usual line heights.  The recogniser reads a line best at about
# half the crop's height; the side margins are added to ``_crop``'s.
LINE_MARGINS = (0.1, 0.35, 0.1, 0.4)


def _line_crop(
    gray: Any,
    ink: Any,
    box: tuple[int, int, int, int],
    margins: tuple[int, int, int, int],
    k: float,
) -> tuple[Any, tuple[int, int, int, int]] | None:
    """The image of a single line found in the ink, and its box: the page
    within two pixels of the line's ink, then white ``margins`` (pixels: left,
    top, right, bottom) and ``_crop``'s."""
    import cv2
    import numpy as np

    x0, y0, x1, y1 = box
    sub = ink[y0:y1, x0:x1] > 0
    rows = np.flatnonzero(sub.any(axis=1))
    if len(rows) == 0:
        return None
    cols = np.flatnonzero(sub.any(axis=0))
    x0, x1 = x0 + int(cols[0]), x0 + int(cols[-1]) + 1
    y0, y1 = y0 + int(rows[0]), y0 + int(rows[-1]) + 1
    height, width = gray.shape
    e = max(1, round(2 * k))
    a, b, c, d = max(0, x0 - e), max(0, y0 - e), min(width, x1 + e), min(height, y1 + e)
    crop = gray[b:d, a:c]
    if int(crop.min()) > 160:
        return None
    ml, mt, mr, mb = margins
    crop = cv2.copyMakeBorder(
        crop,
        max(0, mt - (y0 - b)),
        max(0, mb - (d - y1)),
        max(0, ml - (x0 - a)),
        max(0, mr - (c - x1)),
        cv2.BORDER_CONSTANT,
        value=255,
    )
    return _crop(crop), (a, b, c, d)


def _line_boxes(
    gray: Any, ink: Any, k: float
) -> tuple[
    list[tuple[int, int, int, int]], list[tuple[int, int, int, int]], tuple[int, int, int, int]
]:
    """Text line boxes: from the ink where it forms single lines, from the
    detector elsewhere.

    Ink (rulings already taken out) is grouped into lines by a dilation along
    the line.  A group no taller than 1.4 of the page's usual line height is
    one line: its ink's box is returned among the single lines, with the
    margins (pixels, ``LINE_MARGINS``) its crop gets.  Taller groups (wrapped
    paragraphs, touching lines, large print) are read by the detector, each on
    its own small image holding only that group's ink: detection costs as much
    as the pixels it is given, and most of a table's cells hold one line.
    """
    import cv2
    import numpy as np

    n, labels, stats = _components(ink)
    # specks: below 150 dpi the noise of a scan reaches four pixels
    big = stats[:, cv2.CC_STAT_AREA] >= max(6, int(6 * k * k))
    big[0] = False
    clean = big[labels].astype(np.uint8)
    kernel = cv2.getStructuringElement(
        cv2.MORPH_RECT, (max(3, int(LINE_GAP * k)), max(1, int(3 * k)))
    )
    n, labels, stats = _components(cv2.dilate(clean, kernel))
    heights = [int(s[3]) for s in stats[1:] if 10 * k <= s[3] <= 60 * k and s[2] >= 20 * k]
    usual = float(np.median(heights)) if heights else 24 * k
    tallest = min(1.4 * usual, 40 * k)
    ml, mt, mr, mb = (round(m * usual) for m in LINE_MARGINS)
    height, width = ink.shape
    out: list[tuple[int, int, int, int]] = []
    lines: list[tuple[int, int, int, int]] = []
    blocks: list[int] = []
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        if (h < 8 * k and w < 14 * k) or (h < 0.4 * usual and w < usual):
            continue  # specks (and a lone dash); ``_missed`` takes what it has to
        if h > tallest or w > 1200 * k:
            blocks.append(i)
            continue
        word = clean[y : y + h, x : x + w] & (labels[y : y + h, x : x + w] == i)
        rows = np.flatnonzero(word.any(axis=1))
        cols = np.flatnonzero(word.any(axis=0))
        if len(rows) == 0:
            continue
        x0, y0 = x + int(cols[0]), y + int(rows[0])
        x1, y1 = x + int(cols[-1]) + 1, y + int(rows[-1]) + 1
        lines.append((x0, y0, x1, y1))
    f = min(1.0, DET_SCALE / k)
    pad = round(16 / f)
    for i in blocks:
        x, y, w, h, _ = stats[i]
        x0, y0 = max(0, x - pad), max(0, y - pad)
        x1, y1 = min(width, x + w + pad), min(height, y + h + pad)
        region = gray[y0:y1, x0:x1].copy()
        # other groups' ink in the region is left out (read on their own)
        others = labels[y0:y1, x0:x1]
        region[(others != 0) & (others != i)] = 255
        small = (
            cv2.resize(region, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else region
        )
        sh, sw = small.shape
        net = cv2.copyMakeBorder(small, 0, -sh % 32, 0, -sw % 32, cv2.BORDER_CONSTANT, value=255)
        for a, b, c, d in _detect_scaled(net, net.shape, f, (y1 - y0, x1 - x0)):
            out.append((x0 + a, y0 + b, x0 + c, y0 + d))
    return out, lines, (ml, mt, mr, mb)


def _missed(
    ink: Any, boxes: list[tuple[int, int, int, int]], k: float
) -> list[tuple[int, int, int, int]]:
    """Boxes around words most of whose ink no detected box covers.

    The detector, run at half resolution, misses a lone short character in an
    otherwise empty cell and now and then a line of a wrapped paragraph; ink is
    grouped into words by a small dilation and every word left mostly
    uncovered gets a box of its own.
    """
    import cv2
    import numpy as np

    # specks of noise would chain characters into tall blobs
    n, labels, stats = _components(ink)
    big = stats[:, cv2.CC_STAT_AREA] >= max(4, int(6 * k * k))
    big[0] = False
    clean = big[labels]
    covered = np.zeros(ink.shape, dtype=bool)
    for x0, y0, x1, y1 in boxes:
        covered[y0:y1, x0:x1] = True
    grown = cv2.dilate(
        clean.astype(np.uint8),
        cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, int(11 * k)), max(1, int(3 * k)))),
    )
    n, labels, stats = _components(grown)
    height, width = ink.shape
    pad = max(2, int(5 * k))
    out: list[tuple[int, int, int, int]] = []
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        if h > 60 * k or w > 1200 * k or (h < 8 * k and w < 14 * k):
            continue
        word = clean[y : y + h, x : x + w] & (labels[y : y + h, x : x + w] == i)
        total = int(word.sum())
        if total < 25 * k * k:
            continue
        if int((word & ~covered[y : y + h, x : x + w]).sum()) < 0.5 * total:
            continue
        out.append(
            (max(0, x - pad), max(0, y - pad), min(width, x + w + pad), min(height, y + h + pad))
        )
    return out


def _split_rows(
    box: tuple[int, int, int, int], ink: Any, k: float
) -> list[tuple[int, int, int, int]]:
    """Cut a box holding several text lines (merged by the detector) between them.

    Rows of ink are found by a horizontal projection; short runs at the box's
    top or bottom edge are the fringes of the neighbouring lines and are left out.
    """
    x0, y0, x1, y1 = box
    if y1 - y0 < 40 * k:
        return [box]
    profile = (ink[y0:y1, x0:x1] > 0).sum(axis=1)
    busy = profile > max(1, 0.02 * (x1 - x0))
    runs: list[list[int]] = []
    for y, on in enumerate(busy):
        if on:
            if runs and y - runs[-1][1] <= 1:
                runs[-1][1] = y
            else:
                runs.append([y, y])
    full = 14 * k  # ink height of a line of small print
    runs = [
        r
        for r in runs
        if r[1] - r[0] + 1 >= full or (r[0] > 0 and r[1] < len(busy) - 1 and r[1] - r[0] >= 6 * k)
    ]
    if len(runs) < 2:
        return [box]
    pad = max(2, int(4 * k))
    return [(x0, max(y0, y0 + a - pad), x1, min(y1, y0 + b + 1 + pad)) for a, b in runs]


def _split_at_lines(
    x0: int, y0: int, x1: int, y1: int, vlines: list[tuple[int, int, int]], margin: int
) -> list[tuple[int, int, int, int]]:
    """Cut a box where a vertical ruling crosses it."""
    mid = (y0 + y1) / 2
    cuts = sorted(x for x, a, b in vlines if x0 + margin < x < x1 - margin and a <= mid <= b)
    out = []
    start = x0
    for x in cuts:
        if x - start > margin:
            out.append((start, y0, x - 2, y1))
        start = x + 3
    if x1 - start > margin:
        out.append((start, y0, x1, y1))
    return out


def _crop(crop: Any) -> Any:
    """A box image with white margins (None when it holds no ink)."""
    import cv2

    if crop.size == 0 or int(crop.min()) > 160:
        return None
    # white margins help the recogniser keep the first and last characters
    margin = max(2, crop.shape[0] // 5)
    return cv2.copyMakeBorder(crop, 0, 0, margin, margin, cv2.BORDER_CONSTANT, value=255)


def _checkboxes(
    binary: Any, horizontal: Any, vertical: Any, k: float
) -> list[tuple[int, int, int, int, str]]:
    """Checkbox squares: ☐ when hollow, ☑ with a mark inside (pixels, glyph).

    A candidate is a square about one text line high whose four sides are
    drawn all along, standing apart from its neighbours (a character such as
    口 or 目 sits closer to the next one and its strokes do not close a frame).
    """
    import cv2

    ink = cv2.bitwise_and(binary, cv2.bitwise_not(cv2.bitwise_or(horizontal, vertical)))
    contours, _ = cv2.findContours(ink, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    out: list[tuple[int, int, int, int, str]] = []
    lo, hi = 14 * k, 40 * k
    width = ink.shape[1]
    for c in contours:
        x, y, w, h = cv2.boundingRect(c)
        if not (lo <= w <= hi and lo <= h <= hi and 0.85 <= w / h <= 1.18):
            continue
        # a frame's outline encloses its whole box; most characters' do not
        if cv2.contourArea(c) < 0.75 * w * h:
            continue
        frame = ink[y : y + h, x : x + w] > 0
        t = max(3, round(0.2 * w))
        sides = (
            frame[:, :t].any(axis=1).mean(),
            frame[:, -t:].any(axis=1).mean(),
            frame[:t, :].any(axis=0).mean(),
            frame[-t:, :].any(axis=0).mean(),
        )
        if min(sides) < 0.85:
            continue
        gap = max(3, round(0.3 * w))
        left = ink[y : y + h, max(0, x - gap) : x] > 0
        right = ink[y : y + h, x + w : min(width, x + w + gap)] > 0
        if left.sum() > 2 or right.sum() > 2:
            continue
        inner = frame[t + 1 : h - t - 1, t + 1 : w - t - 1]
        if inner.size == 0:
            continue
        filled = float(inner.mean())
        if filled > 0.5:
            continue
        out.append((x, y, x + w, y + h, "☑" if filled > 0.06 else "☐"))
    return out


# ---------------------------------------------------------------------------
# Flags.


_ZERO_LOOKALIKES = frozenset({"o", "O", "〇", "○", "。", "０", "ｏ", "Ｏ"})
_LOOKALIKES = str.maketrans({"o": "0", "O": "0", "〇": "0", "l": "1", "I": "1", "|": "1"})
_LOOKALIKE_NUMBER_RE = re.compile(r"^[-+=<>≥≤]*[\doOl〇I|][\d,.oOl〇I|]*%?$")


def fix_digits(text: str) -> str:
    """Letters the recogniser reads for digits in a number (``o`` → ``0``)."""
    if text in _ZERO_LOOKALIKES:
        return "0"
    if len(text) > 1 and text[-1] in ".,，。":
        head = fix_digits(text[:-1])
        if _NUMBER_RE.match(head):
            return head  # a speck after a number
    if _LOOKALIKE_NUMBER_RE.match(text) and any(ch.isdigit() for ch in text):
        return text.translate(_LOOKALIKES)
    return text


@functools.lru_cache(maxsize=1)
def _labels() -> dict[tuple[int, str], str]:
    """Form labels of the recogniser's vocabulary, keyed with one character left out."""
    import tomllib
    from importlib import resources

    raw = tomllib.loads(
        resources.files("jixiao.recognize").joinpath("vocabulary.toml").read_text("utf-8")
    )
    words: set[str] = set()

    def collect(value: object) -> None:
        if isinstance(value, str):
            if len(value) >= 4 and all("\u4e00" <= ch <= "\u9fff" for ch in value):
                words.add(value)
        elif isinstance(value, list):
            for v in value:
                collect(v)
        elif isinstance(value, dict):
            for key, v in value.items():
                collect(key)
                collect(v)

    collect(raw)
    index: dict[tuple[int, str], str] = {}
    ambiguous: set[tuple[int, str]] = set()
    for word in words:
        for i in range(len(word)):
            key = (i, word[:i] + word[i + 1 :])
            if key in index and index[key] != word:
                ambiguous.add(key)
            index[key] = word
    for key in ambiguous:
        del index[key]
    for word in words:
        index[(-1, word)] = word
    return index


def snap_label(text: str) -> str:
    """A form label with one misread character (``项目总自标``) → the label.

    Only texts as long as a label of four or more Chinese characters, possibly
    followed by a parenthesis, and differing from it in one place are changed.
    """
    head, sep, tail = text.partition("（") if "（" in text else text.partition("(")
    head = head.strip()
    if len(head) < 4 or not all("\u4e00" <= ch <= "\u9fff" for ch in head):
        return text
    labels = _labels()
    if (-1, head) in labels:
        return text
    for i in range(len(head)):
        word = labels.get((i, head[:i] + head[i + 1 :]))
        if word is not None:
            return word + sep + tail
    return text


def is_number_text(text: str) -> bool:
    return bool(_NUMBER_RE.match(text.strip()))


def low_confidence_numbers(
    sheets: Iterable[Sheet], threshold: float = LOW_CONFIDENCE
) -> list[tuple[int, int, str, float]]:
    """(page, line, text, confidence) of numeric OCR cells below ``threshold``."""
    out = []
    for sheet in sheets:
        for row in sheet.rows:
            for cell in row.cells:
                if (
                    cell.confidence is not None
                    and cell.confidence < threshold
                    and is_number_text(cell.text)
                ):
                    out.append((row.page, cell.line, cell.text, cell.confidence))
    return out
