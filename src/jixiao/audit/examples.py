"""Consistent example tables, and one fault per check injected into them.

The catalogue (``docs/checks.md``) shows, for every check, the finding it
reports on its fault; the mutation tests assert that each fault makes exactly
its own check fail. A fault changes only what its check looks at and keeps
everything else consistent (moving points between rows keeps the totals).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from jixiao.models import Fund, Goals, Indicator, Source, Table, Total, Unparsed

FILE = "example.txt"


def _ind(
    n: int,
    level1: str,
    level2: str,
    name: str | None,
    target: str | None,
    actual: str | None = None,
    weight: float | None = None,
    score: float | None = None,
    deviation: str | None = None,
    note: str | None = None,
) -> Indicator:
    return Indicator(
        level1=level1,
        level2=level2,
        name=name,
        target=target,
        actual=actual,
        weight=weight,
        score=score,
        deviation=deviation,
        note=note,
        source=Source(file=FILE, line=n),
    )


def _fund(n: int, item: str, **values: float | str | None) -> Fund:
    return Fund.model_validate({"item": item, **values, "source": {"file": FILE, "line": n}})


def base_self_evaluation() -> Table:
    """A consistent 项目支出绩效自评表: 9.5 (执行率 95%) + 90 = 99.5."""
    return Table(
        form="project_self_evaluation",
        title="财政项目支出绩效自评表",
        year=2023,
        project="城市运行平台运维",
        department="某区城市运行管理中心",
        unit_name="某区城市运行管理中心",
        money_unit="元",
        funds=[
            _fund(
                6,
                "年度资金总额",
                initial_budget=100000.0,
                budget=100000.0,
                executed=95000.0,
                weight=10.0,
                rate=95.0,
                score=9.5,
            ),
            _fund(7, "当年财政拨款", initial_budget=100000.0, budget=100000.0, executed=95000.0),
            _fund(8, "上年结转资金", initial_budget=0.0, budget=0.0),
            _fund(9, "其他资金", initial_budget=0.0, budget=0.0),
        ],
        goals=Goals(
            annual="完成全年平台设备维护和系统运行保障工作，保障城市运行平台稳定运行。",
            achieved="全年完成设备巡检维护12次，平台全年运行稳定，未发生重大故障，资金执行率95%。",
        ),
        indicators=[
            _ind(13, "产出指标", "数量指标", "设备巡检维护次数", "≥12次", "12次", 20.0, 20.0),
            _ind(14, "产出指标", "质量指标", "系统运行合格率", "≥95%", "98%", 10.0, 10.0),
            _ind(15, "产出指标", "时效指标", "故障修复及时率", "=100%", "100%", 10.0, 10.0),
            _ind(16, "产出指标", "成本指标", "设备维护费用", "≤100000元", "95000元", 10.0, 10.0),
            _ind(17, "效益指标", "社会效益指标", "平台可用率", "≥99%", "99.5%", 15.0, 15.0),
            _ind(
                18, "效益指标", "可持续影响指标", "运维管理制度健全性", "健全", "健全", 15.0, 15.0
            ),
            _ind(
                19, "满意度指标", "服务对象满意度指标", "使用人员满意度", "≥90%", "95%", 10.0, 10.0
            ),
        ],
        total=Total(weight=100.0, score=99.5),
        source=Source(file=FILE, line=1),
    )


def base_target() -> Table:
    """A consistent 项目支出绩效目标表."""
    return Table(
        form="project_target",
        title="财政项目支出绩效目标表",
        year=2024,
        project="城市运行平台运维",
        department="某区人民政府",
        unit_name="某区城市运行管理中心",
        period=("2024-01-01", "2024-12-31"),
        money_unit="万元",
        funds=[
            _fund(6, "项目资金总额", budget=10.0),
            _fund(7, "财政资金", budget=10.0),
            _fund(8, "其他资金", budget=None),
            _fund(6, "年度资金申请总额", budget=10.0),
            _fund(7, "当年财政拨款", budget=10.0),
            _fund(8, "上年结转资金", budget=None),
        ],
        goals=Goals(
            overall="保障城市运行平台全年稳定运行，提升城市运行管理效率。",
            annual="完成平台设备巡检维护12次以上，系统运行合格率不低于95%。",
        ),
        indicators=[
            _ind(12, "产出指标", "数量指标", "设备巡检维护次数", "≥12次"),
            _ind(13, "产出指标", "质量指标", "系统运行合格率", "≥95%"),
            _ind(14, "产出指标", "时效指标", "故障修复及时率", "=100%"),
            _ind(15, "产出指标", "成本指标", "设备维护费用", "≤10万元"),
            _ind(16, "效益指标", "社会效益指标", "平台可用率", "≥99%"),
            _ind(17, "满意度指标", "服务对象满意度指标", "使用人员满意度", "≥90%"),
        ],
        source=Source(file=FILE, line=1),
    )


INPUT_ROWS = (
    ("预算编审管理", 7.5),
    ("预算执行管理", 10.2),
    ("预算绩效管理", 4.5),
    ("资产管理", 0.9),
    ("预算透明度", 3.0),
    ("内部控制管理", 2.4),
    ("预算信息化", 1.5),
)


def base_department() -> Table:
    """A consistent 部门（单位）整体支出绩效自评表 (weights 30/25/35/10 printed)."""
    note = "根据沪财绩【2022】13号文的规定要求设置三级指标和指标值"
    indicators = [
        _ind(14 + i, "投入管理指标", name, None, None, None, w, w, note=note)
        for i, (name, w) in enumerate(INPUT_ROWS)
    ]
    indicators += [
        _ind(21, "产出指标", "数量指标", "巡查人员到岗数", "=20.00(人)", "20.00(人)", 10.0, 10.0),
        _ind(22, "产出指标", "质量指标", "案件结案率", "≥95%", "97%", 10.0, 10.0),
        _ind(23, "产出指标", "时效指标", "应急事件响应及时率", "=100.00(%)", "100.00(%)", 5.0, 5.0),
        _ind(
            24,
            "效益指标",
            "社会效益指标",
            "重大安全事故发生数",
            "=0.00(起)",
            "0.00(起)",
            20.0,
            20.0,
        ),
        _ind(25, "效益指标", "可持续影响指标", "长效管理机制健全性", "健全", "健全", 15.0, 15.0),
        _ind(26, "满意度指标", "服务对象满意度指标", "群众满意度", "≥85%", "92%", 10.0, 10.0),
    ]
    return Table(
        form="department_self_evaluation",
        title="部门（单位）整体支出绩效自评表",
        year=2024,
        unit_name="某镇城市运行管理中心",
        money_unit="元",
        funds=[
            _fund(5, "财政拨款", group="资金来源", budget=1000000.0, executed=980000.0, rate=98.0),
            _fund(6, "其他资金", group="资金来源", budget=0.0, executed=0.0, rate=0.0),
            _fund(7, "基本支出", group="资金结构", budget=400000.0, executed=392000.0, rate=98.0),
            _fund(8, "项目支出", group="资金结构", budget=600000.0, executed=588000.0, rate=98.0),
        ],
        goals=Goals(
            annual="推进城市运行“一网统管”建设，提升城市运行突发事件响应、处置能力。",
            achieved="全年处置各类案件1.2万件，结案率97%，应急事件全部及时响应，未发生重大安全事故。",
        ),
        level1_weights={
            "投入管理指标": 30.0,
            "产出指标": 25.0,
            "效益指标": 35.0,
            "满意度指标": 10.0,
        },
        indicators=indicators,
        total=Total(weight=100.0, score=100.0),
        source=Source(file=FILE, line=1),
    )


BASES: dict[str, Callable[[], Table]] = {
    "self_evaluation": base_self_evaluation,
    "target": base_target,
    "department": base_department,
}


# ---------------------------------------------------------------------------
# Faults: one per check.


@dataclass(frozen=True)
class Fault:
    base: str  # key of BASES
    description: str  # what the fault is (Chinese, shown in the catalogue)
    inject: Callable[[Table], None]

    def table(self) -> Table:
        t = BASES[self.base]()
        self.inject(t)
        return t


def _ind_named(t: Table, name: str) -> Indicator:
    for i in t.indicators:
        if i.name == name:
            return i
    raise KeyError(name)


def _fund_named(t: Table, item: str) -> Fund:
    for f in t.funds:
        if f.item == item:
            return f
    raise KeyError(item)


def _set_total(t: Table, score: float) -> None:
    assert t.total is not None
    t.total.score = score


def _total_score(t: Table) -> None:
    _set_total(t, 97.5)


def _total_weight(t: Table) -> None:
    assert t.total is not None
    t.total.weight = 110.0


def _level1_weight(t: Table) -> None:
    t.level1_weights["产出指标"] = 30.0


def _execution_rate(t: Table) -> None:
    _fund_named(t, "年度资金总额").rate = 90.0


def _execution_score(t: Table) -> None:
    _fund_named(t, "年度资金总额").score = 8.0
    _set_total(t, 98.0)


def _execution_basis(t: Table) -> None:
    # Budget cut by 10% (below the adjustment threshold); 执行率 printed on 年初预算数.
    total, own = _fund_named(t, "年度资金总额"), _fund_named(t, "当年财政拨款")
    for f in (total, own):
        f.budget, f.executed = 90000.0, 85500.0
    total.rate, total.score = 85.5, 8.55
    _set_total(t, 98.55)


def _budget_adjusted(t: Table) -> None:
    total, own = _fund_named(t, "年度资金总额"), _fund_named(t, "当年财政拨款")
    for f in (total, own):
        f.budget, f.executed = 75000.0, 71250.0


def _fund_subrows(t: Table) -> None:
    _fund_named(t, "当年财政拨款").executed = 94000.0


def _negative(t: Table) -> None:
    _fund_named(t, "当年财政拨款").initial_budget = 105000.0
    _fund_named(t, "上年结转资金").initial_budget = -5000.0


def _exceeds(t: Table) -> None:
    _ind_named(t, "设备巡检维护次数").score = 22.0
    _set_total(t, 101.5)


def _below(t: Table) -> None:
    i = _ind_named(t, "系统运行合格率")
    i.score, i.deviation = 8.0, "个别时段系统响应较慢"
    _set_total(t, 97.5)


def _above(t: Table) -> None:
    _ind_named(t, "系统运行合格率").actual = "90%"


def _no_reason(t: Table) -> None:
    i = _ind_named(t, "系统运行合格率")
    i.actual, i.score = "90%", 9.47
    _set_total(t, 98.97)


def _reason_full(t: Table) -> None:
    _ind_named(t, "平台可用率").deviation = "个别设备老化，需加强维护"


def _placeholder(t: Table) -> None:
    t.indicators.insert(4, _ind(17, "效益指标", "经济效益指标", "无", "无", "无"))


def _vague(t: Table) -> None:
    i = _ind_named(t, "运维管理制度健全性")
    i.name, i.target, i.actual = "运维管理水平", "有所提升", "有所提升"


def _unmeasurable(t: Table) -> None:
    _ind_named(t, "使用人员满意度").actual = "达成指标"


def _unit(t: Table) -> None:
    i = _ind_named(t, "故障修复及时率")
    i.name, i.target, i.actual = "故障响应时长", "≤2小时", "100%"


def _duplicate(t: Table) -> None:
    _ind_named(t, "平台可用率").name = "系统运行合格率"


def _level2_name(t: Table) -> None:
    _ind_named(t, "设备巡检维护次数").name = "数量指标"


def _cost(t: Table) -> None:
    i = _ind_named(t, "设备维护费用")
    i.name, i.target, i.actual = "提高运维工作效率", "≥95%", "96%"


def _missing(t: Table) -> None:
    quality = _ind_named(t, "系统运行合格率")
    t.indicators.remove(quality)
    count = _ind_named(t, "设备巡检维护次数")
    count.weight = count.score = 30.0


def _copied(t: Table) -> None:
    t.goals.achieved = t.goals.annual


def _weights(t: Table) -> None:
    i = _ind_named(t, "运维管理制度健全性")
    i.weight = i.score = 10.0
    s = _ind_named(t, "使用人员满意度")
    s.weight = s.score = 15.0


def _unparsed(t: Table) -> None:
    t.unparsed.append(
        Unparsed(line=21, text="备注：其中设备购置 12,000 元", reason="不属于任何表格区域")
    )


def _suspicious(t: Table) -> None:
    _ind_named(t, "系统运行合格率").target = "292%"


FAULTS: dict[str, Fault] = {
    "total-score-mismatch": Fault("self_evaluation", "总分 99.5 改为 97.5", _total_score),
    "total-weight-mismatch": Fault("self_evaluation", "总分值 100 改为 110", _total_weight),
    "level1-weight-mismatch": Fault("department", "产出指标所印权重 25 改为 30", _level1_weight),
    "execution-rate-mismatch": Fault(
        "self_evaluation", "执行率 95.00% 改为 90.00%（执行数、预算数不变）", _execution_rate
    ),
    "execution-score-mismatch": Fault(
        "self_evaluation", "执行率得分 9.5 改为 8，总分随之改为 98", _execution_score
    ),
    "execution-basis-initial-budget": Fault(
        "self_evaluation",
        "全年预算数调为 90000、执行 85500，执行率与得分按年初预算数填为 85.5%、8.55",
        _execution_basis,
    ),
    "budget-adjusted": Fault(
        "self_evaluation", "全年预算数调减为 75000，执行 71250（执行率仍为 95%）", _budget_adjusted
    ),
    "fund-subrows-mismatch": Fault(
        "self_evaluation", "当年财政拨款执行数 95000 改为 94000", _fund_subrows
    ),
    "negative-amount": Fault(
        "self_evaluation", "上年结转资金年初预算数填为 -5000（合计仍相符）", _negative
    ),
    "score-exceeds-weight": Fault(
        "self_evaluation", "分值 20 的指标得 22 分，总分随之改为 101.5", _exceeds
    ),
    "score-below-rule": Fault(
        "self_evaluation", "实际 98% 已达到目标 ≥95%，却只得 8 分（填有原因）", _below
    ),
    "score-above-rule": Fault("self_evaluation", "实际 90% 未达到目标 ≥95%，仍得满分 10", _above),
    "missing-deviation-reason": Fault(
        "self_evaluation", "实际 90% 未达到目标 ≥95%，按规则得 9.47 分，但未填偏差原因", _no_reason
    ),
    "reason-without-deduction": Fault("self_evaluation", "满分指标填写了偏差原因", _reason_full),
    "placeholder-indicator": Fault(
        "self_evaluation", "插入一行“经济效益指标 / 无 / 无”", _placeholder
    ),
    "vague-target": Fault("self_evaluation", "可持续影响指标改为“运维管理水平 / 有所提升”", _vague),
    "unmeasurable-actual": Fault(
        "self_evaluation", "满意度 ≥90% 的实际完成值写成“达成指标”", _unmeasurable
    ),
    "unit-mismatch": Fault(
        "self_evaluation", "时效指标改为“故障响应时长 ≤2小时”，实际完成值写成“100%”", _unit
    ),
    "duplicate-indicator": Fault(
        "self_evaluation", "社会效益指标的名称改成与质量指标相同", _duplicate
    ),
    "level2-as-name": Fault(
        "self_evaluation", "数量指标下的三级指标名称写成“数量指标”", _level2_name
    ),
    "cost-indicator-not-cost": Fault(
        "self_evaluation", "成本指标改为“提高运维工作效率 ≥95%”", _cost
    ),
    "missing-category": Fault(
        "self_evaluation", "删去质量指标，其分值并入数量指标（总分不变）", _missing
    ),
    "goal-copied-as-achievement": Fault("self_evaluation", "实际完成情况照抄年度总体目标", _copied),
    "nonstandard-level1-weights": Fault(
        "self_evaluation", "效益指标 5 分移给满意度指标（效益 25、满意度 15）", _weights
    ),
    "unparsed-row": Fault("self_evaluation", "表中有一行未能识别", _unparsed),
    "suspicious-number": Fault("target", "年度指标值 ≥92% 被识别成 292%", _suspicious),
}
