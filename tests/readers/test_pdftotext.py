"""Real ``pdftotext -layout`` output (poppler), not text we lay out ourselves.

The gold records are printed as ruled PDFs with centred, wrapped cells
(``tests/render_pdf.py``) and converted with Debian's ``pdftotext -layout``,
as a user would. Such text puts a wrapped cell's first lines *above* the line
with the row's numbers, counts a CJK character as one column and runs close
cells together with one space. The figure below is a floor measured on this
reader (see docs/reading.md), so a change that loses ground fails.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from jixiao.readers.layout import read_layout
from jixiao.recognize import recognize

from seeds import evaluator, gold_for, seed_files

render_pdf = pytest.importorskip("render_pdf")
PDFTOTEXT = shutil.which("pdftotext")
pytestmark = pytest.mark.skipif(
    PDFTOTEXT is None or not render_pdf.fonts_available(),
    reason="needs pdftotext and a CJK font (apt-get install poppler-utils fonts-wqy-zenhei)",
)

F1_FLOOR = 0.52  # measured 0.525 over the 21 seed tables (0.16 before centred rows)


def layout_text(pdf: Path) -> str:
    assert PDFTOTEXT is not None
    out = subprocess.run(
        [PDFTOTEXT, "-layout", "-enc", "UTF-8", str(pdf), "-"],
        check=True,
        capture_output=True,
    )
    return out.stdout.decode("utf-8")


@pytest.fixture(scope="module")
def texts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("pdftotext")
    out: dict[str, str] = {}
    for seed in seed_files():
        pdf = render_pdf.gold_to_pdf(gold_for(seed), folder / f"{seed.stem}.pdf")
        out[seed.stem] = layout_text(pdf)
    return out


def test_pdftotext_output_reads_above_the_floor(texts: dict[str, str]) -> None:
    ev = evaluator()
    total = ev.Tally()
    for seed in seed_files():
        sheet = read_layout(texts[seed.stem], seed.name)
        pred = [t.to_canonical() for t in recognize(sheet)]
        tally, _ = ev.compare_file(gold_for(seed), pred, seed.stem)
        total.merge(tally)
    precision, recall, f1 = total.scores()
    assert f1 >= F1_FLOOR, (precision, recall, f1)


def test_every_pdftotext_line_is_accounted_for(texts: dict[str, str]) -> None:
    for stem, text in texts.items():
        sheet = read_layout(text, stem)
        seen = {n for row in sheet.rows for n in (row.line, *row.lines)}
        seen |= {n for n, _, _ in sheet.rejected}
        for n, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                assert n in seen, (stem, n, line)


def place(*cells: tuple[int, str]) -> str:
    """A line as pdftotext prints it: each text at a character column."""
    line = ""
    for col, text in cells:
        line += " " * max(col - len(line), 2 if line else 0) + text
    return line


# Columns: 一级 0, 二级 12, 三级 24, 年度指标值 40, 实际完成值 56, 分值 70, 得分 78.
CENTRED = "\n".join(
    [
        place(
            (0, "一级指标"), (12, "二级指标"), (24, "三级指标"), (40, "年度指标值"),
            (56, "实际完成值"), (70, "分值"), (78, "得分"),
        ),
        "",
        place((56, "按时完成项")),
        place((24, "综治信息平台相"), (40, "关设备（1个镇")),
        place((56, "目招投标及"), (70, "4"), (78, "4")),
        place((24, "关设备"), (40, "级平台）")),
        place((56, "签约")),
        "",
        place((56, "全年同比下")),
        place((12, "数量指标"), (24, "治安案件发生率"), (40, "下降"), (70, "5"), (78, "5")),
        place((56, "降14.6%")),
        "",
    ]
)  # fmt: skip


def test_centred_cells_join_the_row_of_their_numbers() -> None:
    sheet = read_layout(CENTRED)
    rows = [[c.text for c in r.cells] for r in sheet.rows]
    assert rows == [
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["综治信息平台相关设备", "关设备（1个镇级平台）", "按时完成项目招投标及签约", "4", "4"],
        ["数量指标", "治安案件发生率", "下降", "全年同比下降14.6%", "5", "5"],
    ]
    # Each row keeps every line it was made of.
    assert sheet.rows[1].line == 5 and set(sheet.rows[1].lines) == {3, 4, 5, 6, 7}
