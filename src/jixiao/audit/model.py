"""What an audit returns: findings and a per-check status for each table."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from jixiao.models import Form

Severity = Literal["error", "warning", "info"]
# pass: checked, no problem; fail: at least one finding; not_applicable: the
# form has nothing this check looks at; insufficient_data: it would apply, but
# the numbers or texts it needs are missing.
Status = Literal["pass", "fail", "not_applicable", "insufficient_data"]
Part = Literal["table", "funds", "fund", "goals", "indicators", "indicator", "weights", "total"]

SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
SEVERITY_LABELS: dict[str, str] = {"error": "错误", "warning": "警告", "info": "提示"}
STATUS_LABELS: dict[str, str] = {
    "pass": "通过",
    "fail": "未通过",
    "not_applicable": "不适用",
    "insufficient_data": "数据不足",
}
FORM_LABELS: dict[str, str] = {
    "project_target": "项目支出绩效目标表",
    "project_self_evaluation": "项目支出绩效自评表",
    "department_self_evaluation": "部门（单位）整体支出绩效自评表",
}
COLUMN_LABELS: dict[str, str] = {
    "initial_budget": "年初预算数",
    "budget": "全年预算数",
    "executed": "全年执行数",
    "rate": "执行率",
    "weight": "分值",
    "score": "得分",
    "target": "年度指标值",
    "actual": "实际完成值",
    "deviation": "偏差原因",
    "achieved": "实际完成情况",
    "annual": "年度总体目标",
    "name": "三级指标",
}


class Location(BaseModel):
    """Where a finding is: a money row, an indicator, the goals, the total …"""

    part: Part
    fund: str | None = None  # money row item (年度资金总额 …)
    column: str | None = None  # initial_budget, budget, executed, rate, weight, score, target …
    index: int | None = None  # 1-based indicator number within the table
    level1: str | None = None
    level2: str | None = None
    name: str | None = None
    file: str | None = None
    page: int | None = None
    line: int | None = None
    sheet: str | None = None
    cell: str | None = None

    def where(self) -> str:
        """``产出指标 / 数量指标 / 设备数量（年度指标值）``, ``年度资金总额·执行率``, ``总分``."""
        col = COLUMN_LABELS.get(self.column or "", self.column or "")
        if self.part == "indicator":
            path = " / ".join(p for p in (self.level1, self.level2, self.name) if p)
            head = f"第 {self.index} 个指标" if self.index is not None else "指标"
            text = f"{head}（{path}）" if path else head
            return f"{text}·{col}" if col else text
        if self.part == "fund":
            return f"{self.fund or '资金'}·{col}" if col else (self.fund or "资金")
        base = {
            "table": "全表",
            "funds": "项目资金",
            "goals": "年度总体目标",
            "indicators": "绩效指标",
            "weights": "分值",
            "total": "总分",
        }[self.part]
        if self.part == "indicators" and self.level1:
            base = " / ".join(p for p in (self.level1, self.level2) if p)
        return f"{base}·{col}" if col else base

    def source(self) -> str:
        """``第 34 行``, ``第 2 页第 34 行``, ``Sheet1!B7``; empty when unknown."""
        if self.cell:
            return f"{self.sheet}!{self.cell}" if self.sheet else self.cell
        if self.line is not None:
            page = f"第 {self.page} 页" if self.page and self.page > 1 else ""
            return f"{page}第 {self.line} 行"
        return ""


class Finding(BaseModel):
    """One problem: which check, where, what was expected and what was found."""

    code: str
    severity: Severity
    title: str
    message: str
    table: str  # the table's label: project or unit name and year
    location: Location
    expected: str | float | None = None
    found: str | float | None = None
    tolerance: float | None = None  # for arithmetic: the tolerance used
    cause: str | None = None  # the likely cause, when one is known

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code,
            "severity": self.severity,
            "title": self.title,
            "message": self.message,
            "location": self.location.model_dump(exclude_none=True),
            "expected": self.expected,
            "found": self.found,
        }
        if self.tolerance is not None:
            out["tolerance"] = self.tolerance
        if self.cause is not None:
            out["cause"] = self.cause
        return out


class Report(BaseModel):
    """The audit of one table: findings (most severe first) and every check's status."""

    form: Form
    title: str | None = None
    project: str | None = None
    unit_name: str | None = None
    year: int | None = None
    file: str | None = None
    rules: str
    label: str
    findings: list[Finding]
    checks: dict[str, Status]

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def has(self, severity: Severity) -> bool:
        """True when there is a finding of this severity or a more severe one."""
        rank = SEVERITIES.index(severity)
        return any(SEVERITIES.index(f.severity) <= rank for f in self.findings)

    def codes(self) -> list[str]:
        """Codes of the checks that failed, in catalogue order."""
        return [c for c, s in self.checks.items() if s == "fail"]

    def summary(self) -> str:
        """One line: ``2 个错误 · 3 个警告 · 1 条提示 · 检查 26 项：20 通过，3 未通过，3 不适用``."""
        counts = [
            f"{self.count('error')} 个错误",
            f"{self.count('warning')} 个警告",
            f"{self.count('info')} 条提示",
        ]
        by_status = {s: 0 for s in STATUS_LABELS}
        for s in self.checks.values():
            by_status[s] += 1
        parts = [f"{n} {STATUS_LABELS[s]}" for s, n in by_status.items() if n]
        return " · ".join(counts) + f" · 检查 {len(self.checks)} 项：" + "，".join(parts)

    def to_json(self) -> dict[str, Any]:
        return {
            "form": self.form,
            "title": self.title,
            "project": self.project,
            "unit_name": self.unit_name,
            "year": self.year,
            "file": self.file,
            "rules": self.rules,
            "summary": {s: self.count(s) for s in SEVERITIES},
            "findings": [f.to_json() for f in self.findings],
            "checks": dict(self.checks),
        }
