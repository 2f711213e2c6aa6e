"""HTML reader: span expansion into a grid, text around tables, lines, pages."""

from __future__ import annotations

import pytest

from jixiao.models import Sheet
from jixiao.readers.html import read_html
from jixiao.readers.layout import PAGE_MARK

from render import SAMPLES, expected_rows, render, render_many

# A Hunan-style 整体支出绩效目标表 as a web export: spans everywhere, an omitted
# </td></tr>, rowspan="0", a nested table, entities, checkboxes, a page break.
HUNAN = """\
<html>
<head><title>2023年度部门整体支出绩效目标表</title>
<style>td { border: 1px solid #000 }</style></head>
<body>
<h2 align="center">2023年度部门整体支出绩效目标表</h2>
<p>填报单位（盖章）：某市水利局&nbsp;&nbsp;&nbsp;单位：万元</p>
<table>
<tr><td colspan="2">部门（单位）名称</td><td colspan="4">某市水利局</td></tr>
<tr><td rowspan="3">年度预算<br/>申请</td><td>资金总额</td><td colspan="2">4,860.00</td><td>其中：项目支出</td><td>3,120.00</td></tr>
<tr><td>财政拨款</td><td colspan=2>4,500.00</td><td>其他资金</td><td>360.00
<tr><td>上年结转</td><td colspan="2">0</td><td colspan="2"></td></tr>
<tr><th>一级指标</th><th>二级指标</th><th colspan="2">三级指标</th><th>指标值</th><th>备注</th></tr>
<tr>
  <td rowspan="0">产出指标</td>
  <td rowspan="2">数量指标</td>
  <td colspan="2">病险水库除险加固座数</td>
  <td>&ge;12座</td>
  <td><input type="checkbox" checked> 重点 <input type="checkbox"> 一般</td>
</tr>
<tr><td colspan="2">河道清淤疏浚<b>长度</b></td><td>≥35公里</td><td></td></tr>
<tr><td>质量指标</td><td colspan="2">工程验收合格率<table><tr><td>其中：</td><td>一次验收</td></tr></table></td><td>=100%</td><td>&lt;5%返工</td></tr>
</table>
<div style="page-break-after: always">-1-</div>
<p>备注：本表由系统生成。</p>
</body></html>
"""

S = "<spanned>"


def grid(sheet: Sheet) -> list[list[str]]:
    return [[S if c.spanned else c.text for c in row.cells] for row in sheet.rows]


def test_hunan_grid_with_spans() -> None:
    sheet = read_html(HUNAN, "hunan.html")
    assert sheet.kind == "html"
    assert grid(sheet) == [
        ["2023年度部门整体支出绩效目标表"],
        ["填报单位（盖章）：某市水利局 单位：万元"],
        ["部门（单位）名称", S, "某市水利局", S, S, S],
        ["年度预算 申请", "资金总额", "4,860.00", S, "其中：项目支出", "3,120.00"],
        [S, "财政拨款", "4,500.00", S, "其他资金", "360.00"],
        [S, "上年结转", "0", S, "", S],
        ["一级指标", "二级指标", "三级指标", S, "指标值", "备注"],
        ["产出指标", "数量指标", "病险水库除险加固座数", S, "≥12座", "☑ 重点 ☐ 一般"],
        [S, S, "河道清淤疏浚长度", S, "≥35公里", ""],
        [S, "质量指标", "工程验收合格率 其中： 一次验收", S, "=100%", "<5%返工"],
        ["备注：本表由系统生成。"],
    ]
    for row in sheet.rows:
        assert [c.col for c in row.cells] == list(range(len(row.cells)))
    spans = {c.text: (c.rowspan, c.colspan) for row in sheet.rows for c in row.cells if c.text}
    assert spans["部门（单位）名称"] == (1, 2)
    assert spans["年度预算 申请"] == (3, 1)
    assert spans["产出指标"] == (3, 1)  # rowspan="0": to the end of the table
    assert spans["数量指标"] == (2, 1)
    assert spans["三级指标"] == (1, 2)


def test_hunan_lines_pages_and_rejects() -> None:
    sheet = read_html(HUNAN, "hunan.html")
    lines = [(row.line, row.lines) for row in sheet.rows]
    assert lines[:6] == [(5, ()), (6, ()), (8, ()), (9, ()), (10, ()), (11, ())]
    assert lines[7] == (13, tuple(range(13, 20)))  # a <tr> written over seven lines
    assert lines[8:10] == [(20, ()), (21, ())]
    cells = {c.text: c.line for row in sheet.rows for c in row.cells if c.text}
    assert cells["病险水库除险加固座数"] == 16
    assert cells["☑ 重点 ☐ 一般"] == 18
    assert [row.page for row in sheet.rows] == [1] * 10 + [2]
    assert sheet.rejected == [
        (2, "2023年度部门整体支出绩效目标表", "html head"),
        (23, "-1-", PAGE_MARK),
    ]


def test_implicit_rows_and_stray_text() -> None:
    text = "<table>\n<td>a<td rowspan=2>b\n<tr><td>c</td>\n说明\n</table>\n"
    sheet = read_html(text, "x.html")
    assert grid(sheet) == [["a", "b"], ["c", S]]
    assert sheet.rows[1].cells[1].line == 3
    assert sheet.rejected == [(4, "说明", "text inside <table> outside any cell")]


def test_text_blocks_in_document_order() -> None:
    text = (
        "<div>财政项目支出绩效自评表<br>(2023年度)</div>\n<p>附件2：</p>\n"
        "<table><tr><td>项目名称</td></tr></table>\n<p>说明</p>\n"
        "<!-- page 2 -->\n<p>尾页</p>"
    )
    sheet = read_html(text, "x.html")
    assert [(r.page, [c.text for c in r.cells]) for r in sheet.rows] == [
        (1, ["财政项目支出绩效自评表"]),
        (1, ["(2023年度)"]),
        (1, ["附件2："]),
        (1, ["项目名称"]),
        (1, ["说明"]),
        (2, ["尾页"]),
    ]


@pytest.mark.parametrize("form", sorted(SAMPLES))
def test_rendered_form_is_the_printed_grid(form: str) -> None:
    record = SAMPLES[form]
    sheet = read_html(render(record, "html"), "x.html")
    assert [[c.text for c in row.cells] for row in sheet.rows] == expected_rows(record)
    assert not sheet.rejected


def test_rendered_spans_and_checkboxes() -> None:
    sheet = read_html(render(SAMPLES["project_target"], "html"), "x.html")
    kinds = next(c for row in sheet.rows for c in row.cells if "专项资金" in c.text)
    assert kinds.text == "专项资金 ☐ 经常性项目 ☑ 一次性项目 ☐"
    assert kinds.colspan == 2
    label = next(c for row in sheet.rows for c in row.cells if c.text == "绩效指标")
    assert label.rowspan == 7  # the header row and six indicators
    below = [row for row in sheet.rows if row.line > label.line][:6]
    assert all(row.cells[0].spanned and row.cells[0].text == "" for row in below)
    level1 = [row.cells[1] for row in below]
    assert [(c.text, c.rowspan, c.spanned) for c in level1] == [
        ("产出指标", 3, False),
        ("", 1, True),
        ("", 1, True),
        ("效益指标", 2, False),
        ("", 1, True),
        ("满意度指标", 1, False),
    ]


def test_rendered_many_counts_pages() -> None:
    sheet = read_html(render_many(list(SAMPLES.values()), "html"), "x.html")
    titles = [r for r in sheet.rows if r.cells[0].text.endswith(("表", "表》"))]
    assert [r.page for r in titles] == [1, 2, 3]
