"""Layouts from other provinces, written by hand (not copies of the seeds)."""

from __future__ import annotations

import jixiao

SICHUAN_STYLE = "\n".join(
    [
        "2023年度部门预算项目支出绩效自评表",
        "项目名称\t51000023T000001-乡村振兴示范村建设补助",
        "主管部门\t某县农业农村局\t实施单位\t某县乡村振兴服务中心",
        "项目资金(万元)\t\t年初预算数\t调整后预算数\t预算执行数\t执行率\t权重\t得分",
        "\t总额\t120.5\t118.0\t106.2\t90.00%\t10\t9.00",
        "\t其中：本年财政拨款\t100.0\t98.0\t90.2\t\t\t",
        "\t财政专户管理资金\t0\t0\t0\t\t\t",
        "\t单位资金\t20.5\t20.0\t16.0\t\t\t",
        "年度总体目标\t预期目标\t实际完成情况",
        "\t完成5个示范村基础设施建设\t完成5个示范村建设，1个村道路硬化延期",
        "一级指标\t二级指标\t三级指标\t指标性质\t指标值\t度量单位\t权重\t实际完成值\t得分\t未完成原因分析",
        "产出指标(50分)\t数量指标\t示范村建设数量\t≥\t5\t个\t20\t5\t20\t",
        "\t\t村道路硬化里程\t≥\t12\t公里\t10\t10.5\t8.75\t1个村道路硬化受雨季影响延期",
        "\t质量指标\t工程验收合格率\t=\t100\t%\t10\t100\t10\t",
        "\t时效指标\t项目完成及时率\t≥\t95\t%\t10\t90\t9.47\t部分工程延期",
        "效益指标(30分)\t社会效益指标\t受益农户数\t≥\t1200\t户\t15\t1260\t15\t",
        "\t可持续影响指标\t设施正常使用年限\t≥\t10\t年\t15\t10\t15\t",
        "满意度指标(10分)\t服务对象满意度指标\t受益群众满意度\t≥\t90\t%\t10\t93\t10\t",
        "总分\t\t\t\t\t\t100\t\t96.22\t",
    ]
)

HUNAN_TARGET = "\n".join(
    [
        "项目支出绩效目标表",
        "（2024年度）",
        "项目名称\t城乡环境综合整治",
        "主管部门\t某市城市管理局\t实施单位\t某市环境卫生管理处",
        "资金情况(万元)\t年度资金总额: 10",
        "\t其中：财政拨款 10",
        "\t其他资金 0",
        "年度绩效目标\t完成主次干道清扫保洁，垃圾日产日清",
        "绩效指标\t一级指标\t二级指标\t三级指标\t指标值",
        "\t产出指标\t数量指标\t清扫保洁面积\t≥120万平方米",
        "\t\t质量指标\t道路清扫达标率\t≥95%",
        "\t\t时效指标\t垃圾清运及时率\t100%",
        "\t成本指标\t经济成本指标\t保洁单价\t≤2.5元/平方米",
        "\t效益指标\t社会效益指标\t市容环境改善\t明显改善",
        "\t满意度指标\t服务对象满意度指标\t市民满意度\t≥90%",
    ]
)


def test_sichuan_style_self_evaluation() -> None:
    (t,) = jixiao.read_text(SICHUAN_STYLE, "sichuan.txt")
    assert t.form == "project_self_evaluation"
    assert t.year == 2023
    assert t.project == "51000023T000001-乡村振兴示范村建设补助"
    assert t.unit_name == "某县乡村振兴服务中心"
    assert t.money_unit == "万元"
    assert [f.item for f in t.funds] == ["总额", "本年财政拨款", "财政专户管理资金", "单位资金"]
    total = t.funds[0]
    assert (total.initial_budget, total.budget, total.executed) == (120.5, 118.0, 106.2)
    assert (total.rate, total.weight, total.score) == (90.0, 10.0, 9.0)
    assert t.goals.annual == "完成5个示范村基础设施建设"
    assert t.goals.achieved == "完成5个示范村建设，1个村道路硬化延期"
    assert t.level1_weights == {"产出指标": 50.0, "效益指标": 30.0, "满意度指标": 10.0}
    rows = [
        (i.level1, i.level2, i.name, i.target, i.actual, i.weight, i.score) for i in t.indicators
    ]
    assert rows[0] == ("产出指标", "数量指标", "示范村建设数量", "≥5个", "5", 20.0, 20.0)
    assert rows[1] == ("产出指标", "数量指标", "村道路硬化里程", "≥12公里", "10.5", 10.0, 8.75)
    assert rows[3][3] == "≥95%" and rows[3][6] == 9.47
    assert rows[4][:3] == ("效益指标", "社会效益指标", "受益农户数")
    assert rows[6][:3] == ("满意度指标", "服务对象满意度指标", "受益群众满意度")
    assert t.indicators[1].deviation == "1个村道路硬化受雨季影响延期"
    assert t.total is not None and (t.total.weight, t.total.score) == (100.0, 96.22)
    assert t.unparsed == []


def test_target_form_with_inline_money_and_new_cost_level1() -> None:
    (t,) = jixiao.read_text(HUNAN_TARGET, "hunan.txt")
    assert t.form == "project_target" and t.year == 2024
    assert t.money_unit == "万元"
    assert [(f.item, f.budget) for f in t.funds] == [
        ("年度资金总额", 10.0),
        ("财政拨款", 10.0),
        ("其他资金", 0.0),
    ]
    assert t.goals.annual == "完成主次干道清扫保洁，垃圾日产日清"
    levels = [(i.level1, i.level2, i.name, i.target) for i in t.indicators]
    assert levels[3] == ("成本指标", "经济成本指标", "保洁单价", "≤2.5元/平方米")
    assert levels[2] == ("产出指标", "时效指标", "垃圾清运及时率", "100%")
    assert levels[5] == ("满意度指标", "服务对象满意度指标", "市民满意度", "≥90%")
    assert t.unparsed == []


def test_two_tables_with_narrative_between_are_two_records() -> None:
    text = SICHUAN_STYLE + "\n\n附件2：\n以下为目标表。\n\n" + HUNAN_TARGET
    tables = jixiao.read_text(text, "both.txt")
    assert [t.form for t in tables] == ["project_self_evaluation", "project_target"]
    notes = [u.text for u in tables[0].unparsed]
    assert notes == ["附件2：", "以下为目标表。"]


def test_money_unit_is_never_assumed() -> None:
    text = SICHUAN_STYLE.replace("项目资金(万元)", "项目资金")
    (t,) = jixiao.read_text(text, "x.txt")
    assert t.money_unit is None


MOF_TEMPLATE = "\n".join(
    [
        "项目支出绩效自评表",
        "（2022年）",
        "项目名称\t基层医疗卫生机构能力提升",
        "主管部门\t某区卫生健康委员会\t\t实施单位\t某区社区卫生服务中心",
        "项目资金（万元）\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分",
        "\t年度资金总额\t80\t80\t76\t10分\t95%\t9.5分",
        "\t其中：当年财政拨款\t80\t80\t76\t—\t—\t—",
        "年度总体目标\t预期目标\t\t实际完成情况",
        "\t为6家社区卫生服务站配置设备\t\t已为6家服务站配置设备",
        "绩效指标\t一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施",
        "\t产出指标\t产出数量\t设备配置站点数\t6个\t6个\t30分\t30分\t",
        "\t\t\t指标2：\t\t\t\t\t",
        "\t\t产出时效\t设备到位及时率\t≥95%\t100%\t20分\t20分\t",
        "\t效益指标\t社会效益\t基层诊疗人次增长率\t≥5%\t6.2%\t30分\t30分\t",
        "\t满意度指标\t服务对象满意度\t患者满意度\t≥90%\t88%\t10分\t9分\t部分患者反映候诊时间长",
        "总分\t\t\t\t\t\t100分\t98.5分\t",
    ]
)


def test_template_placeholders_points_suffix_and_aliases() -> None:
    (t,) = jixiao.read_text(MOF_TEMPLATE, "mof.txt")
    assert t.year == 2022 and t.unit_name == "某区社区卫生服务中心"
    assert (t.funds[0].weight, t.funds[0].rate, t.funds[0].score) == (10.0, 95.0, 9.5)
    rows = [(i.level1, i.level2, i.name, i.weight, i.score) for i in t.indicators]
    assert rows == [
        ("产出指标", "数量指标", "设备配置站点数", 30.0, 30.0),
        ("产出指标", "数量指标", "指标2：", None, None),
        ("产出指标", "时效指标", "设备到位及时率", 20.0, 20.0),
        ("效益指标", "社会效益指标", "基层诊疗人次增长率", 30.0, 30.0),
        ("满意度指标", "服务对象满意度指标", "患者满意度", 10.0, 9.0),
    ]
    assert t.indicators[-1].deviation == "部分患者反映候诊时间长"
    assert t.total is not None and (t.total.weight, t.total.score) == (100.0, 98.5)
    assert t.goals.achieved == "已为6家服务站配置设备"


def test_first_row_repeated_on_a_new_page_does_not_start_a_table() -> None:
    lines = SICHUAN_STYLE.split("\n")
    at = lines.index("\t质量指标\t工程验收合格率\t=\t100\t%\t10\t100\t10\t")
    repeated = [*lines[:at], "\f" + lines[1], *lines[at:]]
    tables = jixiao.read_text("\n".join(repeated), "repeated.txt")
    assert len(tables) == 1
    assert len(tables[0].indicators) == 7
    assert tables[0].total is not None and tables[0].total.score == 96.22
    # A different project after the indicators is a new table, title or not.
    other = [*lines[:at], "项目名称\t另一个项目", *lines[at:]]
    assert len(jixiao.read_text("\n".join(other), "other.txt")) == 2
