"""The PDF reader on text-layer PDFs printed from the gold records.

Every seed's gold records are printed with reportlab (``render_pdf``): ruled
tables that run over pages with a repeated header row, a ``单位：元`` line
above each table, page numbers at the foot.  Reading them back must give the
gold records exactly.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import jixiao
from jixiao.errors import UnreadableFileError
from jixiao.readers import read_bytes, read_sheets, sniff
from jixiao.readers.pdf import text_layer_usable

from seeds import assert_matches_gold, evaluator, gold_for, seed_files

pytest.importorskip("reportlab")
pytest.importorskip("pypdfium2")
render_pdf = pytest.importorskip("render_pdf")
if not render_pdf.fonts_available():
    pytest.skip(
        "CJK font missing (apt-get install fonts-wqy-zenhei fonts-dejavu-core)",
        allow_module_level=True,
    )

SEEDS = seed_files()


@pytest.fixture(scope="session")
def ruled_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("pdf")
    return {
        seed.stem: render_pdf.gold_to_pdf(gold_for(seed), out / f"{seed.stem}.pdf")
        for seed in SEEDS
    }


def canonical(path: Path) -> list[dict[str, Any]]:
    return [t.to_canonical() for t in jixiao.read(path)]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_seed_pdf_reads_exactly(seed: Path, ruled_pdfs: dict[str, Path]) -> None:
    assert_matches_gold(gold_for(seed), canonical(ruled_pdfs[seed.stem]), seed.stem)


def test_tables_continued_over_pages_are_stitched(ruled_pdfs: dict[str, Path]) -> None:
    """The 62-indicator table of seed 001 runs over three pages."""
    stem = SEEDS[0].stem
    tables = jixiao.read(ruled_pdfs[stem])
    assert len(tables) == 1
    pages = {i.source.page for i in tables[0].indicators if i.source}
    assert pages == {1, 2, 3}
    # the repeated header row (单位名称 …) was dropped, not read as a new table
    assert not [u for u in tables[0].unparsed if "单位名称" in u.text]


def test_provenance_is_page_and_bbox(ruled_pdfs: dict[str, Path]) -> None:
    stem = SEEDS[1].stem
    for table in jixiao.read(ruled_pdfs[stem]):
        for ind in table.indicators:
            src = ind.source
            assert src is not None and src.page and src.page >= 1
            assert src.bbox is not None
            x0, top, x1, bottom = src.bbox
            assert 0 <= x0 < x1 <= 595 and 0 <= top < bottom <= 842


def test_export_json_has_source_for_every_indicator(ruled_pdfs: dict[str, Path]) -> None:
    jx = Path(sys.executable).with_name("jixiao")
    path = ruled_pdfs[SEEDS[3].stem]
    out = subprocess.run(
        [str(jx), "export", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    records = json.loads(out.stdout)
    assert records
    for rec in records:
        for ind in rec["indicators"]:
            assert {"page", "bbox", "file"} <= set(ind["source"])


def test_read_by_content_not_extension(ruled_pdfs: dict[str, Path], tmp_path: Path) -> None:
    data = ruled_pdfs[SEEDS[1].stem].read_bytes()
    assert sniff(data, "x.txt") == "pdf"
    odd = tmp_path / "table.txt"
    odd.write_bytes(data)
    sheets = read_sheets(odd)
    assert sheets[0].kind == "pdf"
    assert_matches_gold(gold_for(SEEDS[1]), [t.to_canonical() for t in jixiao.read(odd)], "renamed")


def test_unit_lines_are_read_per_table(tmp_path: Path) -> None:
    """Without a unit in the 项目资金 label, each table's 单位 line gives its unit."""
    recs = gold_for(SEEDS[2])[:2] + gold_for(SEEDS[1])[:1]  # 元, 元, 万元
    path = render_pdf.gold_to_pdf(recs, tmp_path / "units.pdf", unit_in_label=False)
    got = canonical(path)
    assert [r["money_unit"] for r in got] == ["元", "元", "万元"]
    assert_matches_gold(recs, got, "units")


def test_unruled_tables_read_from_text_positions(tmp_path: Path) -> None:
    """Without any ruling the layout of the text is read (like pdftotext -layout)."""
    ev = evaluator()
    total = ev.Tally()
    for seed in SEEDS:
        gold = gold_for(seed)
        path = render_pdf.gold_to_pdf(gold, tmp_path / f"{seed.stem}.pdf", ruled=False)
        sheets = read_sheets(path)
        assert sheets[0].kind == "pdf"
        tally, _ = ev.compare_file(gold, canonical(path), seed.stem)
        total.merge(tally)
    _, _, f1 = total.scores()
    assert f1 >= 0.97, "\n".join(total.errors[:20])


def test_encrypted_pdf_gives_a_clear_message(tmp_path: Path) -> None:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "locked.pdf"
    enc = pdfencrypt.StandardEncryption("secret", canPrint=0)
    canvas = Canvas(str(path), encrypt=enc)
    canvas.drawString(100, 700, "locked")
    canvas.save()
    with pytest.raises(UnreadableFileError) as err:
        read_sheets(path)
    assert str(path) in str(err.value) and "password" in str(err.value)
    jx = Path(sys.executable).with_name("jixiao")
    out = subprocess.run(
        [str(jx), "export", "--format", "json", str(path)], capture_output=True, text=True
    )
    assert out.returncode != 0
    assert "Traceback" not in out.stderr + out.stdout
    assert "locked.pdf" in out.stderr + out.stdout


def test_broken_pdf_gives_a_clear_message() -> None:
    with pytest.raises(UnreadableFileError, match=r"broken\.pdf"):
        read_bytes(b"%PDF-1.7\n1 0 obj << >> garbage", "broken.pdf")


def test_garbled_text_layer_is_not_trusted(ruled_pdfs: dict[str, Path]) -> None:
    """Fonts without a ToUnicode map decode to symbols: such pages need OCR."""
    from jixiao.readers.pdf import open_pdf, page_content

    data = ruled_pdfs[SEEDS[3].stem].read_bytes().replace(b"/ToUnicode", b"/XoUnicode")
    doc = open_pdf(data, "garbled.pdf")
    items, _, _ = page_content(doc[0])
    assert items and not text_layer_usable(items)
    good = open_pdf(ruled_pdfs[SEEDS[3].stem].read_bytes(), "good.pdf")
    assert text_layer_usable(page_content(good[0])[0])


def test_pages_without_text_are_noted_when_ocr_is_off(ruled_pdfs: dict[str, Path]) -> None:
    from jixiao.readers.pdf import read_pdf

    data = ruled_pdfs[SEEDS[3].stem].read_bytes().replace(b"/ToUnicode", b"/XoUnicode")
    sheet = read_pdf(data, "garbled.pdf", ocr=False)[0]
    assert not sheet.rows
    assert sheet.rejected and all("OCR" in reason for _, _, reason in sheet.rejected)
