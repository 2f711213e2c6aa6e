"""OCR of scanned pages: PDFs without a text layer, PNG/JPEG files, garbled text layers.

The gold records are printed as PDFs (``render_pdf``) and rasterised into
scans at 200 dpi, each page turned by up to 1° with mild noise.  Every seed is
OCR'd once per session (about a minute on two cores).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

import jixiao
from jixiao.api import recognize_sheets
from jixiao.models import Sheet, Table
from jixiao.readers import read_sheets, sniff
from jixiao.readers.ocr import LOW_CONFIDENCE, is_number_text, low_confidence_numbers
from jixiao.readers.pdf import read_pdf

from seeds import assert_matches_gold, evaluator, gold_for, seed_files

pytest.importorskip("reportlab")
pytest.importorskip("rapidocr_onnxruntime")
render_pdf = pytest.importorskip("render_pdf")
if not render_pdf.fonts_available():
    pytest.skip(
        "CJK font missing (apt-get install fonts-wqy-zenhei fonts-dejavu-core)",
        allow_module_level=True,
    )

SEEDS = seed_files()
MIN_SCAN_F1 = 0.98


class Scanned:
    def __init__(self, path: Path, gold: list[dict[str, Any]], sheets: list[Sheet]) -> None:
        self.path = path
        self.gold = gold
        self.sheets = sheets
        self.tables: list[Table] = recognize_sheets(sheets)
        self.pred = [t.to_canonical() for t in self.tables]


@pytest.fixture(scope="session")
def scans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Scanned]:
    out = tmp_path_factory.mktemp("scans")
    result = {}
    for seed in SEEDS:
        gold = gold_for(seed)
        pdf = render_pdf.gold_to_pdf(gold, out / f"{seed.stem}.pdf")
        scan = render_pdf.pdf_to_scan(pdf, out / f"{seed.stem}.scan.pdf", dpi=200, seed=7)
        result[seed.stem] = Scanned(scan, gold, read_sheets(scan))
    return result


@pytest.fixture(scope="session")
def page_image(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Page 1 of seed 004 as a 200 dpi PNG, under a name that says nothing."""
    out = tmp_path_factory.mktemp("image")
    pdf = render_pdf.gold_to_pdf(gold_for(SEEDS[3])[:1], out / "one.pdf")
    return render_pdf.pdf_to_scan(pdf, out / "page.dat", fmt="png", seed=3)


def test_scans_read_with_high_cell_f1(scans: dict[str, Scanned]) -> None:
    ev = evaluator()
    total = ev.Tally()
    for stem, s in scans.items():
        assert all(sheet.kind == "ocr" for sheet in s.sheets)
        tally, _ = ev.compare_file(s.gold, s.pred, stem)
        total.merge(tally)
    precision, recall, f1 = total.scores()
    print(f"scan cells: precision {precision:.4f} recall {recall:.4f} f1 {f1:.4f}")
    assert f1 >= MIN_SCAN_F1, "\n".join(total.errors[:30])


def test_every_table_is_found(scans: dict[str, Scanned]) -> None:
    for s in scans.values():
        assert len(s.pred) == len(s.gold)


def _numbers(sheets: list[Sheet]) -> list[float]:
    """Values of the numeric cells flagged as low confidence."""
    out = []
    for _, _, text, _ in low_confidence_numbers(sheets):
        digits = text.lstrip("=<>≥≤+").replace(",", "").rstrip("%")
        try:
            out.append(float(digits))
        except ValueError:
            continue
    return out


def _numeric_cells(gold: dict[str, Any], pred: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    ev = evaluator()
    cells: list[tuple[str, Any, Any]] = []
    for g, p in ev.align(
        gold.get("funds") or [], pred.get("funds") or [], lambda r: str(r.get("item"))
    ):
        for f in ev.FUND_FIELDS:
            cells.append((f"fund.{f}", (g or {}).get(f), (p or {}).get(f)))
    for g, p in ev.align(gold.get("indicators") or [], pred.get("indicators") or [], ev.row_key):
        for f in ("weight", "score"):
            cells.append((f"indicator.{f}", (g or {}).get(f), (p or {}).get(f)))
    for f in ("weight", "score"):
        cells.append(
            (f"total.{f}", (gold.get("total") or {}).get(f), (pred.get("total") or {}).get(f))
        )
    return cells


def test_numbers_read_wrong_are_flagged(scans: dict[str, Scanned]) -> None:
    """A wrong number is either missing (None: seen as an empty cell) or flagged."""
    ev = evaluator()
    unflagged = []
    wrong = 0
    for stem, s in scans.items():
        flagged = _numbers(s.sheets)
        for g, p in ev.align(s.gold, s.pred, ev.record_key):
            if g is None or p is None:
                continue
            for where, gv, pv in _numeric_cells(g, p):
                if gv is None or pv is None or math.isclose(gv, pv, abs_tol=0.005):
                    continue
                wrong += 1
                if not any(math.isclose(pv, f, abs_tol=0.005) for f in flagged):
                    unflagged.append(f"{stem} {g.get('project')} {where}: gold {gv} got {pv}")
    print(f"numbers read wrong (not missing): {wrong}; unflagged: {len(unflagged)}")
    assert not unflagged, "\n".join(unflagged)


def test_cells_carry_confidence_page_and_bbox(scans: dict[str, Scanned]) -> None:
    s = scans[SEEDS[1].stem]
    cells = [c for sheet in s.sheets for row in sheet.rows for c in row.cells]
    assert cells
    for c in cells:
        assert c.confidence is not None and 0.0 <= c.confidence <= 1.0
        assert c.bbox is not None
    pages = {row.page for sheet in s.sheets for row in sheet.rows}
    assert pages == set(range(1, max(pages) + 1)) and max(pages) > 1
    for table in s.tables:
        for ind in table.indicators:
            assert ind.source is not None and ind.source.page and ind.source.bbox


def test_low_confidence_numbers_are_listed(scans: dict[str, Scanned]) -> None:
    flags = [f for s in scans.values() for f in low_confidence_numbers(s.sheets)]
    assert flags
    for page, line, text, conf in flags:
        assert page >= 1 and line >= 1 and is_number_text(text) and conf < LOW_CONFIDENCE


@pytest.mark.parametrize("fmt", ["png", "jpeg"])
def test_image_files_are_read_by_content(fmt: str, tmp_path: Path) -> None:
    pdf = render_pdf.gold_to_pdf(gold_for(SEEDS[3])[:1], tmp_path / "one.pdf")
    image = render_pdf.pdf_to_scan(pdf, tmp_path / "scan.bin", fmt=fmt, seed=5)
    data = image.read_bytes()
    assert sniff(data, "scan.bin") == "image"
    sheets = read_sheets(image)
    assert sheets[0].kind == "ocr"
    tables = recognize_sheets(sheets)
    ev = evaluator()
    tally, _ = ev.compare_file(gold_for(SEEDS[3])[:1], [t.to_canonical() for t in tables], fmt)
    assert tally.scores()[2] >= 0.95, "\n".join(tally.errors)


def test_garbled_text_layer_is_read_by_ocr(tmp_path: Path) -> None:
    gold = gold_for(SEEDS[3])[:1]
    pdf = render_pdf.gold_to_pdf(gold, tmp_path / "one.pdf")
    data = pdf.read_bytes().replace(b"/ToUnicode", b"/XoUnicode")
    sheets = read_pdf(data, "garbled.pdf")
    assert sheets[0].kind == "ocr"
    ev = evaluator()
    pred = [t.to_canonical() for t in recognize_sheets(sheets)]
    tally, _ = ev.compare_file(gold, pred, "garbled")
    assert tally.scores()[2] >= 0.95, "\n".join(tally.errors)


BLOCK_SOCKETS = """
import socket

def _blocked(*args, **kwargs):
    raise OSError("network blocked by the test")

socket.socket.connect = _blocked
socket.socket.connect_ex = _blocked
socket.create_connection = _blocked
socket.getaddrinfo = _blocked
"""


def test_ocr_runs_with_the_network_blocked(page_image: Path, tmp_path: Path) -> None:
    """The models ship in the wheel: nothing is downloaded at run time."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(BLOCK_SOCKETS, encoding="utf-8")
    script = textwrap.dedent(
        """
        import json, socket, sys
        try:
            socket.create_connection(("127.0.0.1", 9))
        except OSError as exc:
            assert "blocked" in str(exc), exc
        else:
            raise SystemExit("sockets are not blocked")
        import jixiao
        tables = jixiao.read(sys.argv[1])
        print(json.dumps([t.to_canonical(provenance=False) for t in tables], ensure_ascii=False))
        """
    )
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(site), env.get("PYTHONPATH")) if p)
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        env[var] = "http://127.0.0.1:9"
    out = subprocess.run(
        [sys.executable, "-c", script, str(page_image)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    records = json.loads(out.stdout)
    assert records and records[0]["project"] == gold_for(SEEDS[3])[0]["project"]


def test_text_pdf_and_scan_give_the_same_structure(scans: dict[str, Scanned]) -> None:
    s = scans[SEEDS[2].stem]
    text_pdf = s.path.with_name(s.path.name.replace(".scan", ""))
    assert_matches_gold(s.gold, [t.to_canonical() for t in jixiao.read(text_pdf)], "text")
    assert [len(t["indicators"]) for t in s.pred] == [len(g["indicators"]) for g in s.gold]
