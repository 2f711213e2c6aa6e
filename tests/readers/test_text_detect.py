"""``detect_format`` on rendered forms and on hand-written extractions."""

from __future__ import annotations

import pytest

from jixiao.readers.text import detect_format, read_text

from render import FORMATS, SAMPLES, render, render_many


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("form", sorted(SAMPLES))
def test_rendered_form_is_detected(form: str, fmt: str) -> None:
    assert detect_format(render(SAMPLES[form], fmt)) == fmt


@pytest.mark.parametrize("fmt", FORMATS)
def test_rendered_many_is_detected_and_read(fmt: str) -> None:
    text = render_many(list(SAMPLES.values()), fmt)
    assert detect_format(text) == fmt
    sheet = read_text(text, "x")
    assert sheet.kind == fmt
    assert max(row.page for row in sheet.rows) == 3


HAND_WRITTEN = {
    "tsv": "项目名称\t河道保洁\t\t\n主管部门\t某区水务局\t实施单位\t某区河道管理所\n"
    "一级指标\t二级指标\t三级指标\t年度指标值\n产出指标\t数量指标\t保洁河道长度\t≥120公里\n",
    "markdown": "## 项目支出绩效自评表\n\n| 一级指标 | 二级指标 | 分值 |\n| --- | --- | --- |\n"
    "| 产出指标(50分) | 数量指标 | 20 |\n| 效益指标(30分) | 社会效益指标 | 30 |\n",
    "html": "<p>绩效目标表</p><table><tr><th>一级指标</th><th>指标值</th></tr>"
    "<tr><td>产出指标</td><td>≥6家</td></tr></table>",
    "cells": "一级指标|\n二级指标|\n三级指标|\n\n产出指标|\n数量指标|\n保洁河道长度|\n\n|\n质量指标|\n"
    "保洁合格率|\n",
    "layout": "          项目支出绩效自评表\n  项目名称    河道保洁\n"
    "  一级指标    二级指标    三级指标        分值  得分\n"
    "  产出指标    数量指标    保洁河道长度      20    20\n"
    "              质量指标    保洁合格率        20    19\n",
}


@pytest.mark.parametrize("fmt", sorted(HAND_WRITTEN))
def test_hand_written_extraction_is_detected(fmt: str) -> None:
    assert detect_format(HAND_WRITTEN[fmt]) == fmt


def test_cells_with_only_pipes_are_not_markdown() -> None:
    text = "|\n|\n|\n项目名称|\n|\n" * 3
    assert detect_format(text) == "cells"
