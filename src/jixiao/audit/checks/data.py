"""Data and recognition: lines not read, numbers that look damaged."""

from __future__ import annotations

import re

from jixiao.audit.context import Context, Row, fmt, normalize
from jixiao.audit.registry import ALL_FORMS, INSUFFICIENT, CheckResult, Hit, check
from jixiao.values import Value

_CLOCK = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?$")
# Rates that cannot exceed 100%.
BOUNDED_RATE_ENDINGS = (
    "满意度", "满意率", "合格率", "覆盖率", "知晓率", "完成率", "到岗率", "达标率", "通过率",
    "使用率", "运行率", "连通率", "准确率", "正确率", "及时率", "持证上岗率", "普及率",
    "办结率", "结案率", "处置率", "处理率", "修复率", "整改率", "参与率",
)  # fmt: skip


@check(
    "unparsed-row",
    severity="warning",
    title="有未能识别的行",
    description="""
    表格范围内有非空的行没能读成资金、目标或指标。这些行里的数字没有参加任何核对，请人工查看原表。
    """,
    template="第 {line} 行未能识别（{reason}）：{text}",
    group="data",
    forms=ALL_FORMS,
)
def unparsed_row(ctx: Context) -> CheckResult:
    hits: list[Hit] = []
    for u in ctx.table.unparsed:
        text = " ".join(u.text.split())
        short = text if len(text) <= 60 else text[:59] + "…"
        loc = ctx.at("table", line=u.line, page=u.page)
        hits.append(
            Hit(
                loc,
                {"line": u.line, "reason": u.reason, "text": short},
                expected="可识别的表格行",
                found=short,
            )
        )
    return hits


def _number_text(v: Value) -> str:
    return normalize(v.text)


def _suspicious(row: Row, v: Value, column: str) -> tuple[str, str] | None:
    """(what is wrong, the likely cause) for one value, or None."""
    if v.kind == "text" and (":" in v.text or "：" in v.text) and _CLOCK.match(_number_text(v)):
        return (
            f"{column}「{v.text}」是时刻格式",
            "电子表格把数值或百分比自动转成了时间",
        )
    if v.kind == "quantity" and v.unit == "%" and v.number is not None and v.number > 100:
        n = v.number
        if v.op is None and 200 < n <= 300 and n == int(n):
            return (
                f"{column}「{v.text}」超过 100%",
                f"「≥{fmt(n - 200)}%」的「≥」被识别成了「2」",
            )
        name = normalize(row.name or "")
        if name.endswith(BOUNDED_RATE_ENDINGS):
            return (
                f"{column}「{v.text}」超过 100%，而「{row.name}」不可能超过 100%",
                "录入错误",
            )
    return None


def _lost_decimal(t: Value, a: Value) -> str | None:
    """An actual that is the target times 10, 100 or 1000 with the same digits."""
    if t.kind != "quantity" or a.kind != "quantity" or t.unit != a.unit:
        return None
    x, y = t.number, a.number
    if not x or not y or x == y:
        return None
    small, big = (x, y) if x < y else (y, x)
    if small == int(small):
        return None  # the smaller one has no decimals: nothing to lose
    for k in (10, 100, 1000):
        if abs(small * k - big) < 1e-9 and big == int(big):
            return f"「{fmt(small, 4)}」与「{fmt(big, 4)}」数字相同而相差 {k} 倍"
    return None


def suspicious_rows(ctx: Context) -> dict[int, tuple[str, str, str]]:
    """Row index → (column, what is wrong, likely cause) for values that look damaged.

    Other checks leave these rows alone: a score recomputed from ``292%`` says
    nothing about the score, only about the number.
    """
    cached = ctx.memo.get("suspicious_rows")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    out: dict[int, tuple[str, str, str]] = {}
    for row in ctx.indicator_rows:
        for v, column, label in (
            (row.target, "target", "年度指标值"),
            (row.actual, "actual", "实际完成值"),
        ):
            s = _suspicious(row, v, label)
            if s is not None:
                out[row.index] = (column, s[0], s[1])
                break
        else:
            lost = _lost_decimal(row.target, row.actual)
            if lost is not None:
                out[row.index] = ("actual", f"年度指标值与实际完成值{lost}", "小数点丢失")
    ctx.memo["suspicious_rows"] = out
    return out


@check(
    "suspicious-number",
    severity="warning",
    title="数字疑似识别或录入错误",
    description="""
    数值看起来是扫描识别或录入造成的错误：百分比超过 100%（如“292%”多半是“≥92%”的“≥”被识别成“2”），
    满意度、合格率等比率超过 100%，时刻格式的指标值（如“15:01:00”，电子表格把数值转成了时间），
    年度指标值与实际完成值数字相同而相差 10、100、1000 倍（小数点丢失）。
    """,
    template="{what}",
    group="data",
    forms=ALL_FORMS,
)
def suspicious_number(ctx: Context) -> CheckResult:
    rows = ctx.indicator_rows
    if not rows:
        return INSUFFICIENT
    hits: list[Hit] = []
    suspicious = suspicious_rows(ctx)
    for row in rows:
        found = suspicious.get(row.index)
        if found is None:
            continue
        column, what, cause = found
        text = row.target_text if column == "target" else row.actual_text
        hits.append(
            Hit(
                ctx.at_indicator(row, column),
                {"what": what},
                expected="正确的数值",
                found=text,
                cause=cause,
            )
        )
    return hits
