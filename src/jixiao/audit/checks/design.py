"""Indicator design: placeholders, vague targets, units, duplicates, categories, weights."""

from __future__ import annotations

from jixiao.audit.checks.scores import numeric_parts
from jixiao.audit.context import Context, Row, fmt, name_key, normalize
from jixiao.audit.registry import (
    ALL_FORMS,
    INSUFFICIENT,
    NOT_APPLICABLE,
    SELF_EVALUATIONS,
    CheckResult,
    Hit,
    check,
)
from jixiao.audit.settings import (
    COST_WORDS,
    COUNT_NAME_ENDINGS,
    COUNT_NAME_EXCEPTIONS,
    COUNT_UNITS,
    IMPROVEMENT_WORDS,
    LEVEL2_PARENT,
    RATE_NAME_ENDINGS,
    VAGUE_WORDS,
)
from jixiao.values import Value
from jixiao.values.vocab import MONEY_SCALE

_EPS = 1e-9


@check(
    "placeholder-indicator",
    severity="warning",
    title="占位或空白指标",
    description="""
    三级指标或年度指标值填的是模板占位内容（“无”“指标1”“/”等），或整行空白、没有年度指标值。
    这样的行不是真正的绩效指标，应删除或补全。
    """,
    template="{detail}",
    group="design",
    forms=ALL_FORMS,
)
def placeholder_indicator(ctx: Context) -> CheckResult:
    rows = ctx.indicator_rows
    if not rows:
        return INSUFFICIENT
    hits: list[Hit] = []
    for row in rows:
        name, target = row.name, row.target_text
        detail: str | None = None
        if name is None and target is None and row.actual_text is None:
            detail = "空白指标行：没有三级指标和年度指标值"
        elif row.placeholder_name:
            printed = f"，年度指标值为「{target}」" if target else ""
            detail = f"三级指标为占位内容「{name}」{printed}"
        elif row.target.kind == "placeholder":
            detail = f"三级指标「{name}」的年度指标值为占位内容「{target}」"
        elif row.target.kind == "empty":
            detail = f"三级指标「{name}」没有年度指标值"
        if detail is None:
            continue
        hits.append(
            Hit(
                ctx.at_indicator(row, "name"),
                {"detail": detail},
                expected="具体的三级指标和年度指标值",
                found=name if name is not None else target,
            )
        )
    return hits


def _vague(v: Value) -> bool:
    if v.kind == "change":
        return v.number is None  # 较上一年提升: a direction without an amount
    if v.kind not in ("qualitative", "text") or not v.words:
        return False
    if any(c.isdigit() for c in v.text):
        return False
    if not all(w in VAGUE_WORDS for w in v.words):
        return False
    if v.kind == "text":  # a long statement: vague when it only promises improvement
        return any(w in IMPROVEMENT_WORDS for w in v.words)
    return True


@check(
    "vague-target",
    severity="warning",
    title="年度指标值模糊，无法衡量",
    description="""
    年度指标值只写方向或程度，如“提升”“提高”“下降”“有效”“较高”“规范”“合理”“保障”“较上一年提升”，
    没有数值、比例或明确的完成标志，年终无法判断是否达成。“及时”“健全”“完备”等可以明确核实的状态不在此列。
    """,
    template="年度指标值「{target}」只说明方向或程度，没有可衡量的标准（数值、比例或明确的完成标志）",
    group="design",
    forms=ALL_FORMS,
)
def vague_target(ctx: Context) -> CheckResult:
    rows = [r for r in ctx.indicator_rows if r.target.kind not in ("empty", "placeholder")]
    if not rows:
        return INSUFFICIENT
    return [
        Hit(
            ctx.at_indicator(row, "target"),
            {"target": row.target_text},
            expected="可衡量的年度指标值",
            found=row.target_text,
        )
        for row in rows
        if _vague(row.target)
    ]


def _units_compatible(a: str | None, b: str | None) -> bool:
    if a is None or b is None or a == b:
        return True
    if a in MONEY_SCALE and b in MONEY_SCALE:
        return True
    return a.removeprefix("个") == b.removeprefix("个")


def _single_quantity(v: Value) -> Value | None:
    return v if v.kind in ("quantity", "duration") and v.number is not None else None


def _name_unit_conflict(name: str | None, v: Value) -> str | None:
    if not name or v.kind != "quantity" or v.unit is None:
        return None
    n = normalize(name)
    n = n.split("(")[0] if n.endswith(")") else n
    if n.endswith(RATE_NAME_ENDINGS) and v.unit in COUNT_UNITS:
        return f"指标名称「{name}」是比率，年度指标值「{v.text}」的单位却是「{v.unit}」"
    if (
        n.endswith(COUNT_NAME_ENDINGS)
        and not n.endswith(COUNT_NAME_EXCEPTIONS)
        and v.unit in ("%", "‰")
    ):
        return f"指标名称「{name}」是数量，年度指标值「{v.text}」却是百分比"
    return None


@check(
    "unit-mismatch",
    severity="warning",
    title="单位不一致",
    description="""
    实际完成值的单位与年度指标值不同（如目标“一个工作日”、实际“99.9%”），两者无法比较；
    或指标名称与单位矛盾（名称是“…率”，单位却是“起”“个”；名称是“…数”，值却是百分比）。
    元与万元等可换算的单位视为一致。
    """,
    template="{detail}",
    group="design",
    forms=ALL_FORMS,
)
def unit_mismatch(ctx: Context) -> CheckResult:
    rows = [r for r in ctx.indicator_rows if r.target.kind not in ("empty", "placeholder")]
    if not rows:
        return INSUFFICIENT
    hits: list[Hit] = []
    for row in rows:
        t, a = _single_quantity(row.target), _single_quantity(row.actual)
        if t is not None and a is not None and not _units_compatible(t.unit, a.unit):
            hits.append(
                Hit(
                    ctx.at_indicator(row, "actual"),
                    {
                        "detail": f"年度指标值「{row.target_text}」的单位是「{t.unit}」，"
                        f"实际完成值「{row.actual_text}」的单位却是「{a.unit}」，两者无法比较"
                    },
                    expected=t.unit,
                    found=a.unit,
                )
            )
            continue
        conflict = _name_unit_conflict(row.name, row.target)
        if conflict is not None:
            hits.append(
                Hit(
                    ctx.at_indicator(row, "target"),
                    {"detail": conflict},
                    expected="与指标名称相符的单位",
                    found=row.target.unit,
                )
            )
    return hits


@check(
    "duplicate-indicator",
    severity="warning",
    title="指标重复",
    description="""
    同一张表中三级指标名称相同的指标出现了两次以上（比较时忽略空格和全角半角差别），
    多为复制粘贴遗留，会重复计分。
    """,
    template="三级指标「{name}」与{first}重复{same}",
    group="design",
    forms=ALL_FORMS,
)
def duplicate_indicator(ctx: Context) -> CheckResult:
    rows = [r for r in ctx.indicator_rows if r.key and not r.placeholder_name]
    if not rows:
        return INSUFFICIENT
    seen: dict[str, Row] = {}
    hits: list[Hit] = []
    for row in rows:
        key = row.key
        first = seen.get(key)
        if first is None:
            seen[key] = row
            continue
        a, b = first, row
        if (a.level2, a.target_text, a.weight) == (b.level2, b.target_text, b.weight):
            same = "（二级指标、年度指标值和分值也相同）"
        else:
            where = "、".join(x for x in (a.level2, b.level2) if x)
            same = f"（分属 {where}）" if a.level2 != b.level2 and where else ""
        src = first.source
        line = f"（第 {src.line} 行）" if src is not None and src.line is not None else ""
        hits.append(
            Hit(
                ctx.at_indicator(row, "name"),
                {"name": row.name, "first": f"第 {first.index} 个指标{line}", "same": same},
                expected="每个指标只出现一次",
                found=row.name,
            )
        )
    return hits


@check(
    "level2-as-name",
    severity="warning",
    title="三级指标名称照抄二级或一级指标",
    description="""
    三级指标名称应是具体的指标（如“设备检验合格率”），而不是重复“数量指标”“社会效益指标”等二级或一级指标名称。
    """,
    template="三级指标名称「{name}」只是重复了{which}名称，不是具体指标",
    group="design",
    forms=ALL_FORMS,
)
def level2_as_name(ctx: Context) -> CheckResult:
    rows = [r for r in ctx.indicator_rows if r.name]
    if not rows:
        return INSUFFICIENT
    labels = set(LEVEL2_PARENT) | set(LEVEL2_PARENT.values())
    hits: list[Hit] = []
    for row in rows:
        key = row.key
        which: str | None = None
        if row.level2 and key == name_key(row.level2):
            which = "二级指标"
        elif row.level1 and key == name_key(row.level1):
            which = "一级指标"
        elif key in labels or f"{key}指标" in labels:
            which = "指标类别"
        if which is None:
            continue
        hits.append(
            Hit(
                ctx.at_indicator(row, "name"),
                {"name": row.name, "which": which},
                expected="具体的三级指标",
                found=row.name,
            )
        )
    return hits


def _is_cost_row(ctx: Context, row: Row) -> bool:
    level2 = row.level2 or ""
    return "成本" in level2 or ctx.level1(row) == "成本指标"


@check(
    "cost-indicator-not-cost",
    severity="warning",
    title="成本指标没有反映成本",
    description="""
    成本指标应衡量花费，如“人均培训成本 ≤500 元”“设备采购单价”“控制在预算范围内”。
    名称和年度指标值都与金额、费用、预算无关的（如“提高管理人员工作效率”“设备维护率 100%”），不是成本指标。
    """,
    template="成本指标「{name}」（年度指标值「{target}」）没有反映成本或费用",
    group="design",
    forms=ALL_FORMS,
)
def cost_indicator_not_cost(ctx: Context) -> CheckResult:
    rows = [r for r in ctx.indicator_rows if _is_cost_row(ctx, r)]
    if not rows:
        return NOT_APPLICABLE
    hits: list[Hit] = []
    for row in rows:
        if row.placeholder_name or row.name is None:
            continue  # placeholder-indicator reports it
        text = normalize(row.name) + normalize(row.target_text or "")
        if any(w in text for w in COST_WORDS):
            continue
        if any(p.unit in MONEY_SCALE for p in numeric_parts(row.target)):
            continue
        hits.append(
            Hit(
                ctx.at_indicator(row, "name"),
                {"name": row.name, "target": row.target_text or "—"},
                expected="反映成本、费用或预算控制的指标",
                found=row.name,
            )
        )
    return hits


@check(
    "missing-category",
    severity="warning",
    title="缺少必设的指标类别",
    description="""
    项目绩效目标表的产出指标应设数量、质量、时效、成本指标，自评表和部门整体自评表的产出指标应有数量、质量、时效指标；
    效益指标、满意度指标都至少要有一个实际指标。只有占位行（“无”）的类别视为缺少。
    新框架下单列的“成本指标”一级视同产出指标下的成本指标。
    """,
    template="{level1}下缺少{missing}",
    group="design",
    forms=ALL_FORMS,
)
def missing_category(ctx: Context) -> CheckResult:
    required = ctx.settings.required_for(ctx.table.form)
    rows = ctx.indicator_rows
    if not required:
        return NOT_APPLICABLE
    if not rows:
        return INSUFFICIENT
    real: dict[str, set[str]] = {}  # 一级 → 二级 with at least one real indicator
    present: dict[str, set[str]] = {}  # 一级 → 二级 printed at all
    for row in rows:
        level1 = ctx.level1(row) or LEVEL2_PARENT.get(row.level2 or "", "")
        level2 = row.level2 or ""
        present.setdefault(level1, set()).add(level2)
        if not (row.placeholder_name or row.target.kind == "placeholder"):
            real.setdefault(level1, set()).add(level2)
    if not any(level1 in required for level1 in present):
        return INSUFFICIENT  # no row carries a known 一级 (the labels were not read)
    if "成本指标" in real:  # newer framework: 成本 as its own 一级
        real.setdefault("产出指标", set()).add("成本指标")
    hits: list[Hit] = []
    for level1, level2s in required.items():
        have = real.get(level1, set())
        printed = present.get(level1, set())
        if not level2s:
            if have:
                continue
            missing = "实际指标（只有占位行）" if printed else "任何指标"
            hits.append(
                Hit(
                    ctx.at("indicators", level1=level1),
                    {"level1": level1, "missing": missing},
                    expected=f"{level1}下至少一个指标",
                    found="仅占位行" if printed else "无",
                )
            )
            continue
        absent = [n for n in level2s if n not in have]
        if not absent:
            continue
        names = "、".join(n + ("（只有占位行）" if n in printed else "") for n in absent)
        hits.append(
            Hit(
                ctx.at("indicators", level1=level1),
                {"level1": level1, "missing": names},
                expected="、".join(level2s),
                found="、".join(n for n in level2s if n in have) or "无",
            )
        )
    return hits


@check(
    "nonstandard-level1-weights",
    severity="info",
    title="一级指标权重与规则默认不同",
    description="""
    财预〔2020〕10号 的默认权重为 预算执行率 10、产出指标 50、效益指标 30、满意度指标 10
    （部门整体自评表按规则集所载的权重）。权重可以调整，但偏离默认值时值得看一眼是否有依据。
    """,
    template="一级指标分值为 {found}，与规则集 {rules} 的默认权重 {expected} 不同",
    group="design",
    forms=SELF_EVALUATIONS,
    tolerance="规则集容差（0.005 分）",
)
def nonstandard_level1_weights(ctx: Context) -> CheckResult:
    defaults = ctx.rules.level1_default_weights
    if not defaults:
        return NOT_APPLICABLE
    sums: dict[str, float] = {}
    f = ctx.execution_fund
    if ctx.table.form == "project_self_evaluation" and f is not None and f.weight is not None:
        sums["预算执行率"] = f.weight
    for row in ctx.rows:
        if row.weight is None:
            continue
        level1 = ctx.level1(row) or "（未分类）"
        sums[level1] = sums.get(level1, 0.0) + row.weight
    if not any(k != "预算执行率" for k in sums):
        return INSUFFICIENT
    names = list(defaults) + [k for k in sums if k not in defaults]
    differs = any(
        abs(sums.get(k, 0.0) - defaults.get(k, 0.0)) > ctx.tolerance + _EPS for k in names
    )
    if not differs:
        return []

    def show(d: dict[str, float]) -> str:
        return "、".join(f"{k} {fmt(d.get(k, 0.0))}" for k in names)

    return [
        Hit(
            ctx.at("weights"),
            {"found": show(sums), "expected": show(defaults), "rules": ctx.rules.label},
            expected=show(defaults),
            found=show(sums),
            tolerance=ctx.tolerance,
        )
    ]
