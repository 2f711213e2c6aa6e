"""Text lines of a scanned page: single lines boxed from the ink, the rest detected.

A page of seed 004 is printed and scanned (``render_pdf``).  Most of its cells
hold one line, boxed from the ink; its wrapped paragraphs go to the detector.
Together they must find the text the detector finds over the whole page.
"""

from __future__ import annotations

import statistics
from typing import Any

import pytest

pytest.importorskip("rapidocr_onnxruntime")
pytest.importorskip("reportlab")
render_pdf = pytest.importorskip("render_pdf")
if not render_pdf.fonts_available():
    pytest.skip("CJK font missing (apt-get install fonts-wqy-zenhei)", allow_module_level=True)


from jixiao.readers import ocr  # noqa: E402

Box = tuple[int, int, int, int]


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Page 1 of seed 004, scanned at 200 dpi (greyscale pixels)."""
    return render_pdf.scanned_seed_page(tmp_path_factory.mktemp("lines"))


@pytest.fixture(scope="module")
def found(page: Any) -> tuple[Any, list[Box], list[Box], tuple[int, int, int, int]]:
    """The page as ``_line_boxes`` sees it (rulings painted out), and its result."""
    seen: list[Any] = []
    real = ocr._line_boxes

    def spy(gray: Any, ink: Any, k: float) -> Any:
        out = real(gray, ink, k)
        seen.append((gray.copy(), *out))
        return out

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ocr, "_line_boxes", spy)
        ocr.read_page_image(page, 1, 1.0)
    assert len(seen) == 1
    gray, detected, single, margins = seen[0]
    return gray, detected, single, margins


def _inside(x: float, y: float, boxes: list[Box], slack: int = 4) -> bool:
    return any(
        x0 - slack <= x <= x1 + slack and y0 - slack <= y <= y1 + slack for x0, y0, x1, y1 in boxes
    )


def test_most_lines_are_single_and_paragraphs_are_detected(found: Any) -> None:
    _, detected, single, _ = found
    assert detected, "the page's wrapped paragraphs go to the detector"
    assert len(single) > 3 * len(detected)


def test_single_lines_are_one_line_high(found: Any) -> None:
    _, _, single, margins = found
    heights = [y1 - y0 for _, y0, _, y1 in single]
    usual = statistics.median(heights)
    assert max(heights) <= 1.4 * usual + 4
    # the crops' margins follow the print: about a third of a line above and below
    _, top, _, bottom = margins
    assert 0.25 * usual <= top <= bottom <= 0.6 * usual


def test_the_text_the_page_detector_finds_is_found(found: Any) -> None:
    gray, detected, single, _ = found
    whole = ocr._detect(gray, 1.0)
    assert len(whole) >= 40
    mine = detected + single
    missed = [b for b in whole if not _inside((b[0] + b[2]) / 2, (b[1] + b[3]) / 2, mine)]
    assert len(missed) <= 0.02 * len(whole), missed


def test_a_crop_holds_its_line_with_white_margins(found: Any) -> None:
    gray, _, single, margins = found
    x0, y0, x1, y1 = max(single, key=lambda b: b[2] - b[0])
    got = ocr._line_crop(gray, gray < 128, (x0, y0, x1, y1), margins, 1.0)
    assert got is not None
    crop, (a, b, c, d) = got
    # the box: the line's ink within two pixels
    assert x0 - 2 <= a < c <= x1 + 2 and y0 - 2 <= b < d <= y1 + 2
    # white above and below, as much as the margins
    assert crop.shape[0] >= (d - b) + margins[1] + margins[3] - 4
    assert int(crop[0].min()) == 255 and int(crop[-1].min()) == 255
