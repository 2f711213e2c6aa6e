"""Markdown reader: pipe tables, text around them, line numbers, pages, rejects."""

from __future__ import annotations

import time

import pytest

from jixiao.readers.layout import PAGE_MARK
from jixiao.readers.markdown import read_markdown

from render import SAMPLES, expected_rows, render, render_many

# A Hubei-style self-evaluation as a PDF-to-Markdown converter prints it: bold
# title, 一级 labels carrying their points (产出指标(50分)), a table without
# outer pipes further down, an escaped pipe, <br> inside a cell, a page mark.
HUBEI = """\
**2022年度项目支出绩效自评表**

项目名称：城区公共厕所改造提升　　主管部门：某市城市管理执法局

| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |
|:---|:---|:---|:---:|:---:|---:|---:|
| 产出指标(50分) | 数量指标 | 改造提升公厕数量 | ≥25座 | 27座 | 20 | 20 |
|  | 质量指标 | 验收合格率<br>（含无障碍设施） | 100% | 100% | 15 | 15 |
|  | 时效指标 | 完工时间 | 2022年10月底前 | 2022年9月 | 15 | 15 |
| 效益指标(30分) | 社会效益指标 | A\\|B类公厕保洁达标率 | ≥95% | 97% | 30 | 30 |

-2-

满意度指标(10分) | 服务对象满意度指标 | 周边群众满意度 | ≥90% | 94% | 10 | 9
--- | --- | --- | --- | --- | --- | ---
总分 | | | | | 90 | 89

<!-- 说明：本页由系统导出 -->
"""


def test_hubei_table_grid_and_lines() -> None:
    sheet = read_markdown(HUBEI, "hubei.md")
    assert sheet.kind == "markdown"
    rows = {row.line: row for row in sheet.rows}
    assert [c.text for c in rows[1].cells] == ["2022年度项目支出绩效自评表"]
    assert [c.text for c in rows[3].cells] == [
        "项目名称：城区公共厕所改造提升 主管部门：某市城市管理执法局"
    ]
    header = [c.text for c in rows[5].cells]
    assert header == [
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
    ]
    assert 6 not in rows  # the separator is consumed
    assert [c.text for c in rows[7].cells] == ["产出指标(50分)", "数量指标", "改造提升公厕数量",
                                               "≥25座", "27座", "20", "20"]  # fmt: skip
    assert [c.text for c in rows[8].cells][:3] == ["", "质量指标", "验收合格率 （含无障碍设施）"]
    assert rows[10].cells[2].text == "A|B类公厕保洁达标率"
    assert all(len(rows[n].cells) == 7 for n in (5, 7, 8, 9, 10, 14, 16))
    assert all(c.line == n for n, row in rows.items() for c in row.cells)
    # the second table (no outer pipes) starts after the page mark
    assert [c.text for c in rows[14].cells][:2] == ["满意度指标(10分)", "服务对象满意度指标"]
    assert [c.text for c in rows[16].cells] == ["总分", "", "", "", "", "90", "89"]
    assert [rows[n].page for n in (10, 14, 16)] == [1, 2, 2]
    assert sheet.rejected == [
        (12, "-2-", PAGE_MARK),
        (18, "<!-- 说明：本页由系统导出 -->", "markdown comment"),
    ]


def test_text_lines_headings_and_setext() -> None:
    text = "# 财政项目支出绩效自评表\n(2023年度)\n\n财政项目支出绩效目标表\n===\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    sheet = read_markdown(text, "x.md")
    assert [(r.line, [c.text for c in r.cells]) for r in sheet.rows] == [
        (1, ["财政项目支出绩效自评表"]),
        (2, ["(2023年度)"]),
        (4, ["财政项目支出绩效目标表"]),
        (7, ["a", "b"]),
        (9, ["1", "2"]),
    ]
    assert not sheet.rejected


def test_thematic_break_and_form_feed_are_page_breaks() -> None:
    text = "| a |\n|---|\n| 1 |\n\n---\n\n| b |\n\f| 2 |\n<!-- PageBreak -->\n| 3 |\n"
    sheet = read_markdown(text, "x.md")
    assert [(r.line, r.page) for r in sheet.rows] == [(1, 1), (3, 1), (7, 2), (9, 3), (11, 4)]
    assert not sheet.rejected


def test_pipe_in_text_is_not_a_table_by_itself() -> None:
    sheet = read_markdown("说明：甲|乙\n", "x.md")
    assert [[c.text for c in r.cells] for r in sheet.rows] == [["说明：甲|乙"]]


@pytest.mark.parametrize("form", sorted(SAMPLES))
def test_rendered_form_is_the_printed_grid(form: str) -> None:
    record = SAMPLES[form]
    sheet = read_markdown(render(record, "markdown"), "x.md")
    assert [[c.text for c in row.cells] for row in sheet.rows] == expected_rows(record)
    assert not sheet.rejected
    widths = {len(row.cells) for row in sheet.rows if len(row.cells) > 1}
    assert widths == {5 if form == "project_target" else 9}


def test_rendered_labels_only_on_the_first_row_of_their_span() -> None:
    sheet = read_markdown(render(SAMPLES["project_self_evaluation"], "markdown"), "x.md")
    level1 = [row.cells[1].text for row in sheet.rows if len(row.cells) == 9][-8:-1]
    assert level1 == ["产出指标", "", "", "", "效益指标", "", "满意度指标"]


def test_rendered_many_counts_pages() -> None:
    sheet = read_markdown(render_many(list(SAMPLES.values()), "markdown"), "x.md")
    assert sorted({row.page for row in sheet.rows}) == [1, 2, 3]


def test_speed() -> None:
    text = render(SAMPLES["project_self_evaluation"], "markdown")
    start = time.perf_counter()
    for _ in range(200):
        read_markdown(text, "x.md")
    per_table = (time.perf_counter() - start) / 200
    assert per_table < 0.005  # typically ~0.2 ms
