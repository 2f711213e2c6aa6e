"""One-cell-per-line reader: pipes keep empty cells, blank lines end rows."""

from __future__ import annotations

import time

import pytest

from jixiao.readers.cells import read_cells
from jixiao.readers.layout import PAGE_MARK

from render import SAMPLES, expected_rows, render, render_many

# An Anhui-style money block dumped cell by cell by an OCR tool: trailing pipes
# on some rows (empty cells kept), none on others (empty cells gone), a page
# mark and a form feed.
ANHUI = """\
2022年度项目支出绩效自评表

项目资金（万元）|
|
年初预算数|
全年预算数|
全年执行数|
分值|
执行率|
得分|

|
年度资金总额|
120.5|
118|
|
10|
|
|

第 1 页 共 2 页

预算执行率
10
98.31%
9.83
\f
总分
100
93.6
"""


def test_anhui_cells_grid() -> None:
    sheet = read_cells(ANHUI, "anhui.txt")
    assert sheet.kind == "cells"
    rows = [[c.text for c in row.cells] for row in sheet.rows]
    assert rows == [
        ["2022年度项目支出绩效自评表"],
        [
            "项目资金（万元）",
            "",
            "年初预算数",
            "全年预算数",
            "全年执行数",
            "分值",
            "执行率",
            "得分",
        ],
        ["", "年度资金总额", "120.5", "118", "", "10", "", ""],
        ["预算执行率", "10", "98.31%", "9.83"],
        ["总分", "100", "93.6"],
    ]
    assert [c.col for c in sheet.rows[2].cells] == list(range(8))
    money = sheet.rows[2]
    assert (money.line, money.lines) == (12, tuple(range(12, 20)))
    assert [c.line for c in money.cells] == list(range(12, 20))
    assert [row.page for row in sheet.rows] == [1, 1, 1, 2, 3]
    assert sheet.rejected == [(21, "第 1 页 共 2 页", PAGE_MARK)]


def test_page_mark_ends_a_row() -> None:
    sheet = read_cells("a|\nb|\n-3-\nc|\n", "x")
    assert [[c.text for c in r.cells] for r in sheet.rows] == [["a", "b"], ["c"]]
    assert [r.page for r in sheet.rows] == [1, 2]


def test_only_one_trailing_pipe_is_stripped() -> None:
    sheet = read_cells("a||\n | \nx|y|\n", "x")
    assert [c.text for c in sheet.rows[0].cells] == ["a|", "", "x|y"]


@pytest.mark.parametrize("form", sorted(SAMPLES))
def test_rendered_form_is_the_printed_grid(form: str) -> None:
    record = SAMPLES[form]
    sheet = read_cells(render(record, "cells"), "x")
    expected = expected_rows(record)
    for row in expected:
        while len(row) > 1 and not row[-1]:
            row.pop()  # the render leaves trailing empty cells out
    assert [[c.text for c in row.cells] for row in sheet.rows] == expected
    assert not sheet.rejected


def test_rendered_many_counts_pages() -> None:
    sheet = read_cells(render_many(list(SAMPLES.values()), "cells"), "x")
    assert sorted({row.page for row in sheet.rows}) == [1, 2, 3]
    assert [m[2] for m in sheet.rejected] == [PAGE_MARK, PAGE_MARK]


def test_speed() -> None:
    text = render(SAMPLES["project_self_evaluation"], "cells")
    start = time.perf_counter()
    for _ in range(200):
        read_cells(text, "x")
    assert (time.perf_counter() - start) / 200 < 0.005  # typically ~0.2 ms
