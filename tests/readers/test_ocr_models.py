"""The folded OCR models give the outputs of the models shipped in the wheel.

The folded models read one grey channel; the originals get it copied into
three.
A page of seed 004 is printed and scanned (``render_pdf``); the detector runs
on it at the resolution ``readers.ocr`` uses and the recogniser on crops of its
text boxes, through the folded and the original models.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("onnx")
pytest.importorskip("rapidocr_onnxruntime")
pytest.importorskip("reportlab")
render_pdf = pytest.importorskip("render_pdf")
if not render_pdf.fonts_available():
    pytest.skip("CJK font missing (apt-get install fonts-wqy-zenhei)", allow_module_level=True)

import cv2  # noqa: E402
import onnx  # noqa: E402
import onnxruntime as ort  # noqa: E402

from jixiao.readers import ocr, ocr_models  # noqa: E402


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Page 1 of seed 004, scanned at 200 dpi (greyscale pixels)."""
    return render_pdf.scanned_seed_page(tmp_path_factory.mktemp("models"))


def _original(name: str) -> Any:
    return ort.InferenceSession(
        str(ocr_models.model_dir() / name),
        ocr_models.session_options(1),
        providers=["CPUExecutionProvider"],
    )


def _folded(name: str) -> ocr_models.Model:
    model = ocr_models.load_session(ocr_models.model_dir() / name, 1)
    assert model.folded and model.channels == 1
    return model


def _run(session: Any, gray: Any) -> Any:
    """The original model's output for grey images (copied into three channels)."""
    return session.run(None, {session.get_inputs()[0].name: np.repeat(gray, 3, axis=1)})[0]


def _det_input(gray: Any) -> Any:
    small = cv2.resize(gray, (832, 1184), interpolation=cv2.INTER_AREA)
    return (small.astype(np.float32) / 127.5 - 1.0)[None, None]


def _rec_input(crops: list[Any]) -> Any:
    widths = [max(24, round(48 * c.shape[1] / c.shape[0])) for c in crops]
    batch = np.ones((len(crops), 1, 48, max(widths)), dtype=np.float32)
    for i, (crop, width) in enumerate(zip(crops, widths, strict=True)):
        img = cv2.resize(crop, (width, 48), interpolation=cv2.INTER_LINEAR)
        batch[i, 0, :, :width] = img.astype(np.float32) / 127.5 - 1.0
    return batch


def test_folding_removes_the_elementwise_steps() -> None:
    """Affine steps and hard-swishes are gone; the convolutions are all there."""
    for name in (ocr_models.DET_MODEL, ocr_models.REC_MODEL):
        model = onnx.load(str(ocr_models.model_dir() / name))
        folded = ocr_models.fold(model)
        ops = [n.op_type for n in folded.graph.node]
        before = [n.op_type for n in model.graph.node if n.op_type != "Constant"]
        assert "Clip" not in ops
        assert ops.count("Conv") == before.count("Conv")
        elementwise = ("Add", "Mul", "Div", "Clip", "BatchNormalization")
        assert sum(map(ops.count, elementwise)) < 0.5 * sum(map(before.count, elementwise))


def test_folded_detector_matches_the_original(page: Any) -> None:
    x = _det_input(page)
    want = _run(_original(ocr_models.DET_MODEL), x)
    got = _folded(ocr_models.DET_MODEL)(x)
    assert got.shape == want.shape
    assert float(np.abs(got - want).max()) < 1e-3
    # the text regions (DB threshold 0.3) are the same
    assert np.mean((got > 0.3) != (want > 0.3)) < 1e-4


def test_folded_recogniser_matches_the_original(page: Any) -> None:
    boxes = ocr._detect(page, 1.0)[:40]
    assert len(boxes) >= 20
    crops = [page[y0:y1, x0:x1] for x0, y0, x1, y1 in boxes]
    x = _rec_input(crops)
    want = _run(_original(ocr_models.REC_MODEL), x)
    got = _folded(ocr_models.REC_MODEL)(x)
    assert got.shape == want.shape
    assert float(np.abs(got - want).max()) < 1e-3
    assert (got.argmax(axis=2) == want.argmax(axis=2)).mean() > 0.999


def _spoil(model: Any) -> Any:
    """A fold that changes the model: the first convolution's weights doubled."""
    from onnx import numpy_helper

    folded = ocr_models.fold_gray(model)
    conv = next(n for n in folded.graph.node if n.op_type == "Conv")
    for i, init in enumerate(folded.graph.initializer):
        if init.name == conv.input[1]:
            spoilt = numpy_helper.from_array(numpy_helper.to_array(init) * 2, init.name)
            folded.graph.initializer[i].CopyFrom(spoilt)
    return folded


def _broken(model: Any) -> Any:
    raise ValueError("cannot fold")


@pytest.mark.parametrize("folder", [_spoil, _broken])
def test_falls_back_to_the_original_model(
    folder: Any, page: Any, caplog: pytest.LogCaptureFixture
) -> None:
    path: Path = ocr_models.model_dir() / ocr_models.REC_MODEL
    model = ocr_models.load_session(path, 1, folder=folder)
    assert not model.folded and model.channels == 3
    assert "using the original model" in caplog.text
    crops = [page[y0:y1, x0:x1] for x0, y0, x1, y1 in ocr._detect(page, 1.0)[:8]]
    x = _rec_input(crops)
    assert np.array_equal(model(x), _run(_original(ocr_models.REC_MODEL), x))
