"""``pdftotext -layout`` reader: columns, wrapped cells, pages, and rendered forms."""

from __future__ import annotations

from typing import Any

import pytest

from jixiao.models import Row, Sheet
from jixiao.readers.layout import (
    PAGE_MARK,
    display_width,
    is_page_mark,
    join_wrapped,
    read_layout,
    segments,
    split_lines,
)

from render import SAMPLES, expected_rows, render, render_many

# A Sichuan-style project self-evaluation: 万元 with four decimals, 本年财政拨款 /
# 财政专户管理资金 / 单位资金, 权重, the operator / value / unit in their own
# columns, 二级 labels and reasons wrapped under their row, a page mark and a
# form feed before the indicator header, and a signature line after 总分.
SICHUAN = """\
                          2023年度部门预算项目支出绩效自评表
                                                                                    单位：万元
  项目名称        乡村学校少年宫运行补助（51010023T000001234567）
  主管部门        某县教育和体育局                  实施单位      某县教育事务服务中心
  项目资金            年初预算数    全年预算数    全年执行数    权重    执行率      得分
  (万元)
  总额                   45.0000       45.0000       43.2000      10      96.00%    9.60
  其中：本年财政拨款     40.0000       40.0000       38.7000       —      96.75%
  财政专户管理资金        0.0000        0.0000        0.0000       —
  单位资金                5.0000        5.0000        4.5000       —      90.00%
  年度总体目标    预期目标                                实际完成情况
                  保障全县12所乡村学校少年宫正常开展课后  12所少年宫全部正常开放，全年开展
                  服务活动，惠及学生不少于3000人。        活动1260场次，惠及学生3412人。
                                                  -1-
\f  一级指标    二级指标    三级指标            指标性质  指标值  度量单位  权重  实际完成值  得分    未完成原因分析
  产出指标    数量指标    少年宫开放学校数    ≥         12      所        20    12          20
                          年度开展活动场次    ≥         1000    场次      15    1260        15
              质量指标    辅导教师培训合格率  ≥         95      %         10    92          9.2     2名教师因病缺考，
                                                                                                    已安排补考
              时效指标    补助资金拨付完成时  ≤         6       月        5     5           5
                          限
              成本指标    生均活动经费        ≤         150     元/人     10    127         10
  效益指标    社会效益    受益学生人数        ≥         3000    人        15    3412        15
              指标
              可持续影响  少年宫持续运行年限  ≥         3       年        10    3           10
              指标
  满意度指标  服务对象    学生及家长满意度    ≥         90      %         5     96.2        5
              满意度指标
  总分                                                                    90                88.2
  填报人：张某某        联系电话：0800-1234567
"""

# A Hubei-style target table as pdftotext prints a centred header row: the
# header words sit in the middle of their columns, the data start at the
# columns' left edges, values are centred.
HUBEI_TARGET = """\
                    2022年度项目支出绩效目标表
  项目名称    城区公共厕所改造提升
  一级指标       二级指标            三级指标                指标值
  产出指标    数量指标      改造提升公厕数量                  ≥25座
                            新建装配式公厕                     6座
              质量指标      无障碍设施配建率                  =100%
  效益指标    社会效益指标  群众如厕环境                     明显改善
  满意度指标  服务对象满意  周边群众满意度                    ≥90%
              度指标
"""


def rows_of(sheet: Sheet) -> list[list[tuple[int, str]]]:
    return [[(c.col, c.text) for c in row.cells] for row in sheet.rows]


def by_line(sheet: Sheet, line: int) -> Row:
    return next(row for row in sheet.rows if row.line == line)


def col_of(row: Row, text: str) -> int:
    return next(c.col for c in row.cells if c.text == text)


# ---------------------------------------------------------------------------
# Helpers.


def test_display_width_counts_wide_characters_twice() -> None:
    assert display_width("abc") == 3
    assert display_width("项目名称") == 8
    assert display_width("（2023年度）") == 12  # full-width parentheses
    assert display_width("≥90%") == 4  # ≥ is ambiguous width: 1
    assert display_width("e\u0301") == 1  # combining accent


def test_segments_split_on_two_spaces_in_display_columns() -> None:
    segs = segments("  项目名称    平安办 工作经费  10")
    assert [(s.start, s.end, s.text) for s in segs] == [
        (2, 10, "项目名称"),
        (14, 29, "平安办 工作经费"),
        (31, 33, "10"),
    ]
    assert [s.text for s in segments("a\u3000b")] == ["a", "b"]  # ideographic space


def test_page_marks_and_line_splitting() -> None:
    for mark in ("-1-", " - 12 - ", "—3—", "第2页", "第 2 页 共 9 页", "共9页 第2页"):
        assert is_page_mark(mark), mark
    for text in ("-3", "1-2", "第2页内容", "100%", "-"):
        assert not is_page_mark(text), text
    # numbered like str.splitlines; a line ended by a form feed keeps a marker
    assert split_lines("a\r\nb\fc\n\nd") == ["a", "b\f", "c", "", "d"]
    assert len(split_lines("a\r\nb\fc\n\nd")) == len("a\r\nb\fc\n\nd".splitlines())


def test_join_wrapped_keeps_cjk_together_and_words_apart() -> None:
    assert join_wrapped("派出所工作食堂伙食食", "材采购经费") == "派出所工作食堂伙食食材采购经费"
    assert join_wrapped("PDA", "通信服务") == "PDA通信服务"
    assert join_wrapped("service", "level") == "service level"
    assert join_wrapped("", "x") == "x"


# ---------------------------------------------------------------------------
# Hand-written layouts.


def test_sichuan_self_evaluation_grid() -> None:
    sheet = read_layout(SICHUAN, "sichuan.txt")
    assert sheet.kind == "layout"
    got = rows_of(sheet)
    assert got[0] == [(0, "2023年度部门预算项目支出绩效自评表")]
    assert got[1] == [(0, "单位：万元")]
    assert got[3] == [
        (0, "主管部门"),
        (1, "某县教育和体育局"),
        (2, "实施单位"),
        (3, "某县教育事务服务中心"),
    ]

    # the money header, its wrapped "(万元)" joined, numbers under their headers
    header = by_line(sheet, 5)
    assert header.lines == (5, 6)
    assert header.cells[0].text == "项目资金(万元)"
    money = {name: col_of(header, name) for name in ("年初预算数", "全年执行数", "权重", "执行率")}
    total = by_line(sheet, 7)
    assert [c.text for c in total.cells if c.col == money["年初预算数"]] == ["45.0000"]
    assert [c.text for c in total.cells if c.col == money["执行率"]] == ["96.00%"]
    for line, item in ((8, "其中：本年财政拨款"), (9, "财政专户管理资金"), (10, "单位资金")):
        row = by_line(sheet, line)
        assert row.cells[0].text == item
        assert [c.text for c in row.cells if c.col == money["权重"]] == ["—"]
    assert [c.text for c in by_line(sheet, 9).cells if c.col == money["全年执行数"]] == ["0.0000"]

    goals = by_line(sheet, 12)
    assert goals.lines == (12, 13)
    assert [c.text for c in goals.cells] == [
        "保障全县12所乡村学校少年宫正常开展课后服务活动，惠及学生不少于3000人。",
        "12所少年宫全部正常开放，全年开展活动1260场次，惠及学生3412人。",
    ]

    # the indicator header after the page mark and the form feed
    head = by_line(sheet, 16)
    assert head.page == 2 and by_line(sheet, 12).page == 1
    assert sheet.rejected == [(14, "-1-", PAGE_MARK)]
    names = ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "权重",
             "实际完成值", "得分", "未完成原因分析"]  # fmt: skip
    assert [c.text for c in head.cells] == names
    cols = {name: col_of(head, name) for name in names}

    def at(row: Row, name: str) -> str:
        return next((c.text for c in row.cells if c.col == cols[name]), "")

    quality = by_line(sheet, 19)
    assert quality.lines == (19, 20)
    assert [at(quality, n) for n in names] == ["", "质量指标", "辅导教师培训合格率", "≥", "95", "%",
                                               "10", "92", "9.2", "2名教师因病缺考，已安排补考"]  # fmt: skip
    assert at(by_line(sheet, 21), "三级指标") == "补助资金拨付完成时限"
    assert at(by_line(sheet, 23), "度量单位") == "元/人"
    assert at(by_line(sheet, 24), "二级指标") == "社会效益指标"
    assert at(by_line(sheet, 26), "二级指标") == "可持续影响指标"
    satisfaction = by_line(sheet, 28)
    assert (at(satisfaction, "一级指标"), at(satisfaction, "二级指标")) == (
        "满意度指标",
        "服务对象满意度指标",
    )
    assert satisfaction.lines == (28, 29)
    # no line was taken as a row of its own or lost
    assert [row.line for row in sheet.rows if row.line >= 16] == [16, 17, 18, 19, 21, 23, 24, 26,
                                                                  28, 30, 31]  # fmt: skip
    assert (at(by_line(sheet, 30), "权重"), at(by_line(sheet, 30), "得分")) == ("90", "88.2")
    # after 总分 the table is closed: the signature line is a row of its own
    assert [c.text for c in sheet.rows[-1].cells] == ["填报人：张某某", "联系电话：0800-1234567"]
    accounted = {n for row in sheet.rows for n in row.source_lines()} | {14}
    assert accounted == {n for n, text in enumerate(SICHUAN.splitlines(), 1) if text.strip()}


def test_centred_header_over_left_aligned_data() -> None:
    sheet = read_layout(HUBEI_TARGET, "hubei.txt")
    head = by_line(sheet, 3)
    cols = {c.text: c.col for c in head.cells}
    assert list(cols) == ["一级指标", "二级指标", "三级指标", "指标值"]
    expected = {
        4: ("产出指标", "数量指标", "改造提升公厕数量", "≥25座"),
        5: ("", "", "新建装配式公厕", "6座"),
        6: ("", "质量指标", "无障碍设施配建率", "=100%"),
        7: ("效益指标", "社会效益指标", "群众如厕环境", "明显改善"),
        8: ("满意度指标", "服务对象满意度指标", "周边群众满意度", "≥90%"),
    }
    for line, texts in expected.items():
        row = by_line(sheet, line)
        got = {c.col: c.text for c in row.cells}
        assert tuple(got.get(col, "") for col in cols.values()) == texts, line
    assert by_line(sheet, 8).lines == (8, 9)


def test_pages_from_blank_lines_only_without_form_feeds() -> None:
    text = "标题\n\n  项目名称  甲\n  主管部门  乙\n\n\n  实施单位  丙\n"
    assert [r.page for r in read_layout(text, "x").rows] == [1, 2, 2, 3]
    # with form feeds, blank lines are vertical space, not page breaks
    text = "标题\n\n  项目名称  甲\n\f  主管部门  乙\n\n  实施单位  丙\n"
    assert [r.page for r in read_layout(text, "x").rows] == [1, 1, 2, 2]


def test_right_aligned_numbers_join_their_left_aligned_header() -> None:
    text = (
        "  一级指标  三级指标          分值        得分\n"
        "  产出指标  设备数量             5           5\n"
        "            设备完好率           10        9.5\n"
    )
    sheet = read_layout(text, "x")
    head = sheet.rows[0]
    weight, score = col_of(head, "分值"), col_of(head, "得分")
    for row in sheet.rows[1:]:
        cells = {c.col: c.text for c in row.cells}
        assert weight in cells and score in cells
    assert [c.text for c in sheet.rows[2].cells] == ["设备完好率", "10", "9.5"]


def test_narrative_between_tables_is_not_joined_to_them() -> None:
    text = (
        "  项目名称  甲项目\n"
        "  总分                  100    95\n"
        "  说明：本表金额单位为元，得分保留两位小数。\n"
        "附件2：\n"
        "  项目名称  乙项目\n"
    )
    sheet = read_layout(text, "x")
    assert [[c.text for c in row.cells] for row in sheet.rows] == [
        ["项目名称", "甲项目"],
        ["总分", "100", "95"],
        ["说明：本表金额单位为元，得分保留两位小数。"],
        ["附件2："],
        ["项目名称", "乙项目"],
    ]
    assert [row.cells[0].col for row in sheet.rows] == [0, 0, 0, 0, 0]
    assert [row.line for row in sheet.rows] == [1, 2, 3, 4, 5]


# ---------------------------------------------------------------------------
# Rendered forms.


def _pairs(record: dict[str, Any], sheet: Sheet) -> list[list[tuple[int, int]]]:
    """Per row: (printed grid column, layout column) of each non-empty cell."""
    expected = expected_rows(record)
    assert len(sheet.rows) == len(expected)
    out = []
    for exp, row in zip(expected, sheet.rows, strict=True):
        want = [(col, text.replace(" ", "")) for col, text in enumerate(exp) if text]
        got = [(c.col, c.text.replace(" ", "")) for c in row.cells if c.text]
        assert [t for _, t in got] == [t for _, t in want]
        out.append([(w[0], g[0]) for w, g in zip(want, got, strict=True)])
    return out


_BAND_STARTS = ("年初预算数", "全年预算数", "预期目标", "年初设定目标", "年度总体目标", "一级指标")


@pytest.mark.parametrize("form", sorted(SAMPLES))
def test_rendered_form_reads_back_with_consistent_columns(form: str) -> None:
    record = SAMPLES[form]
    text = render(record, "layout")
    sheet = read_layout(text, f"{form}.txt")
    assert not sheet.rejected
    pairs = _pairs(record, sheet)
    # within each band (a header row and the rows below it) one printed column
    # is always the same layout column, and different ones stay different
    mapping: dict[int, int] = {}
    for row, row_pairs in zip(sheet.rows, pairs, strict=True):
        if any(c.text in _BAND_STARTS for c in row.cells):
            mapping = {}
        for grid_col, layout_col in row_pairs:
            assert mapping.setdefault(grid_col, layout_col) == layout_col, (row.line, grid_col)
        assert len(set(mapping.values())) == len(mapping), row.line
    wrapped = [row for row in sheet.rows if row.lines]
    assert wrapped and all(row.lines[0] == row.line for row in wrapped)


def test_rendered_wrapped_cells_list_all_their_lines() -> None:
    text = render(SAMPLES["department_self_evaluation"], "layout")
    sheet = read_layout(text, "x")
    lines = text.splitlines()
    note = next(r for r in sheet.rows if any(c.text.startswith("按年度部门") for c in r.cells))
    assert len(note.lines) >= 2
    assert all("按年度部门" not in lines[n - 1] for n in note.lines[1:])
    # every printed line is in exactly one row
    seen = [n for row in sheet.rows for n in row.source_lines()]
    assert sorted(seen) == [n for n, t in enumerate(lines, 1) if t.strip()]


def test_rendered_many_tables_are_split_by_pages() -> None:
    records = list(SAMPLES.values())
    sheet = read_layout(render_many(records, "layout"), "x")
    titles = [r for r in sheet.rows if r.cells[0].text.endswith(("自评表", "目标表", "自评表》"))]
    assert [r.page for r in titles] == [1, 2, 3]
    assert [r.cells[0].col for r in titles] == [0, 0, 0]
    assert any(r.cells[0].text == "附件2：" and r.page == 2 for r in sheet.rows)
