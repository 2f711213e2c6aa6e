"""What the checks compare against: tolerances, word lists, required categories.

Plain data, like :mod:`jixiao.values.vocab`: extend here, not in the checks.
Scoring rules (执行率 basis, tiers, default 一级 weights, the budget-adjustment
threshold) come from the rule set (:mod:`jixiao.scoring.rules`); what is here
is only what the audit adds on top.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from jixiao.models import Form

# Default rule set per form when ``audit(table)`` is called without one.
DEFAULT_RULES: dict[str, str] = {
    "project_target": "mof-2020",
    "project_self_evaluation": "mof-2020",
    "department_self_evaluation": "shanghai-department",
}

# 一级 spellings seen on forms, mapped to the framework's names.
LEVEL1_ALIASES: dict[str, str] = {"效果指标": "效益指标"}

# The fixed hierarchy (spec/domain.md): 二级 → its 一级.
LEVEL2_PARENT: dict[str, str] = {
    "数量指标": "产出指标",
    "质量指标": "产出指标",
    "时效指标": "产出指标",
    "成本指标": "产出指标",
    "经济效益指标": "效益指标",
    "社会效益指标": "效益指标",
    "生态效益指标": "效益指标",
    "可持续影响指标": "效益指标",
    "服务对象满意度指标": "满意度指标",
    "经济成本指标": "成本指标",
    "社会成本指标": "成本指标",
    "生态环境成本指标": "成本指标",
}

# Required categories per form: 一级 → the 二级 that must be present under it
# (empty: the 一级 needs at least one real indicator, whatever its 二级).
# Target forms set the whole framework (数量/质量/时效/成本, 财预〔2021〕101号);
# self-evaluations are checked for 数量/质量/时效 (older templates print no 成本).
REQUIRED_CATEGORIES: dict[str, dict[str, tuple[str, ...]]] = {
    "project_target": {
        "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
        "效益指标": (),
        "满意度指标": (),
    },
    "project_self_evaluation": {
        "产出指标": ("数量指标", "质量指标", "时效指标"),
        "效益指标": (),
        "满意度指标": (),
    },
    "department_self_evaluation": {
        "产出指标": ("数量指标", "质量指标", "时效指标"),
        "效益指标": (),
        "满意度指标": (),
    },
}

# A target whose only words are these states no measurable standard.
VAGUE_WORDS = frozenset(
    {
        "提升", "提高", "上升", "增长", "增加", "增强", "加强", "下降", "降低", "减少",
        "改善", "优化", "有效", "较高", "较好", "良好", "规范", "合理", "便捷", "保障",
        "明显", "显著", "高", "好", "优",
    }
)  # fmt: skip
# Long statements count as vague only when they promise an improvement.
IMPROVEMENT_WORDS = frozenset({"提升", "提高", "改善", "优化", "加强", "增强", "上升", "增长"})

# A cost indicator names money: one of these words, or a money unit in its value.
COST_WORDS = (
    "成本", "费用", "经费", "资金", "预算", "价格", "单价", "造价", "支出", "金额",
    "投资", "投入", "开支", "节约", "节支", "节省", "花费", "费", "元", "补助标准", "补贴标准",
    "定额",
)  # fmt: skip

# Names that end like this measure a rate (a % or ‰) …
RATE_NAME_ENDINGS = ("率",)
# … and names that end like this measure a count (not a %).
COUNT_NAME_ENDINGS = ("数", "数量", "次数", "人数", "个数", "件数", "户数")
COUNT_NAME_EXCEPTIONS = ("指数", "系数", "倍数", "分数", "参数", "函数", "率数")
# Units that are plain counts (a rate in one of these contradicts its name).
COUNT_UNITS = frozenset(
    {
        "个", "人", "人次", "次", "件", "项", "起", "部", "台", "套", "家", "户", "所", "名",
        "位", "篇", "场", "批", "份", "张", "条", "辆", "座", "处", "间", "宗", "台次",
    }
)  # fmt: skip

# Words in 实际完成情况 that explain low execution.
EXECUTION_EXPLANATION_WORDS = (
    "执行", "预算", "资金", "核减", "结转", "调整", "支付", "拨付", "结余", "未用", "节约",
)  # fmt: skip

# Deviation texts that say nothing (treated as empty).
EMPTY_TEXTS = frozenset({"无", "/", "-", "—", "——", "–", "无偏差", "暂无", "……", "..."})


class AuditSettings(BaseModel):
    """Tolerances and thresholds of the audit (documented in docs/checks.md)."""

    # Money sums (年度资金总额 = Σ its sub-rows), in the table's money unit.
    money_tolerance: float = 0.01
    # A printed 执行率 (in percent) matches when within this of 执行数/预算数 × 100
    # (covers rounding and truncation to two decimals) …
    rate_tolerance: float = 0.01
    # … or, when printed as a whole number, within this (rounded to an integer).
    rate_integer_tolerance: float = 0.5
    # 执行率 below this (percent) needs an explanation.
    low_execution_rate: float = 90.0
    # 实际完成情况 that repeats 年度总体目标 with at most this many extra characters.
    copied_goal_extra_chars: int = 12
    # Goals shorter than this are not compared (too short to be a copy).
    copied_goal_min_chars: int = 10
    level1_aliases: dict[str, str] = Field(default_factory=lambda: dict(LEVEL1_ALIASES))
    required_categories: dict[str, dict[str, tuple[str, ...]]] = Field(
        default_factory=lambda: {k: dict(v) for k, v in REQUIRED_CATEGORIES.items()}
    )

    def required_for(self, form: Form) -> dict[str, tuple[str, ...]]:
        return self.required_categories.get(form, {})


DEFAULT_SETTINGS = AuditSettings()
