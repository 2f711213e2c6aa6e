"""The hand-written layouts of the reader tests, read through to records."""

from __future__ import annotations

import jixiao
from readers.test_cells import ANHUI
from readers.test_html import HUNAN
from readers.test_layout import HUBEI_TARGET, SICHUAN
from readers.test_markdown import HUBEI


def test_markdown_inline_fields_and_points_labels() -> None:
    (t,) = jixiao.read_text(HUBEI, "hubei.md")
    assert (t.project, t.department) == ("城区公共厕所改造提升", "某市城市管理执法局")
    assert t.level1_weights == {"产出指标": 50.0, "效益指标": 30.0, "满意度指标": 10.0}
    assert [i.name for i in t.indicators][3] == "A|B类公厕保洁达标率"
    assert t.indicators[-1].level1 == "满意度指标" and t.indicators[-1].score == 9.0
    assert t.total is not None and (t.total.weight, t.total.score) == (90.0, 89.0)


def test_html_department_target_with_spans_and_pairs() -> None:
    (t,) = jixiao.read_text(HUNAN, "hunan.html")
    assert t.form == "project_target" and t.unit_name == "某市水利局"
    assert t.money_unit == "万元"
    assert [(f.item, f.budget) for f in t.funds] == [
        ("资金总额", 4860.0),
        ("财政拨款", 4500.0),
        ("上年结转", 0.0),
        ("项目支出", 3120.0),
        ("其他资金", 360.0),
    ]
    assert [(i.level2, i.name, i.target) for i in t.indicators][:2] == [
        ("数量指标", "病险水库除险加固座数", "≥12座"),
        ("数量指标", "河道清淤疏浚长度", "≥35公里"),
    ]


def test_cells_rate_row_goes_to_the_total_money_row() -> None:
    (t,) = jixiao.read_text(ANHUI, "anhui.txt")
    total = t.funds[0]
    assert (total.item, total.initial_budget, total.budget) == ("年度资金总额", 120.5, 118.0)
    assert (total.rate, total.weight, total.score) == (98.31, 10.0, 9.83)


def test_layout_self_evaluation_with_wrapped_cells() -> None:
    (t,) = jixiao.read_text(SICHUAN, "sichuan.txt")
    assert t.money_unit == "万元" and t.unit_name == "某县教育事务服务中心"
    assert t.goals.achieved == "12所少年宫全部正常开放，全年开展活动1260场次，惠及学生3412人。"
    ind = {i.name: i for i in t.indicators}
    assert ind["补助资金拨付完成时限"].target == "≤6月"
    assert ind["辅导教师培训合格率"].deviation == "2名教师因病缺考，已安排补考"
    assert ind["学生及家长满意度"].level2 == "服务对象满意度指标"
    assert [u.text for u in t.unparsed if "填报人" in u.text]


def test_layout_target_with_centred_headers() -> None:
    (t,) = jixiao.read_text(HUBEI_TARGET, "hubei.txt")
    assert [(i.level1, i.name, i.target) for i in t.indicators][-1] == (
        "满意度指标",
        "周边群众满意度",
        "≥90%",
    )
