"""The check registry: each check is a small function with a stable code.

A check function takes a :class:`~jixiao.audit.context.Context` and returns the
problems it found (a list of :class:`Hit`, empty when the table passes) or one
of the statuses ``"not_applicable"`` / ``"insufficient_data"`` when it could
not look. The registry adds the severity, the title and the message template.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from jixiao.audit.model import Location, Severity
from jixiao.models import Form

if TYPE_CHECKING:
    from jixiao.audit.context import Context

NotChecked = Literal["not_applicable", "insufficient_data"]
NOT_APPLICABLE: NotChecked = "not_applicable"
INSUFFICIENT: NotChecked = "insufficient_data"

ALL_FORMS: tuple[Form, ...] = (
    "project_target",
    "project_self_evaluation",
    "department_self_evaluation",
)
SELF_EVALUATIONS: tuple[Form, ...] = ("project_self_evaluation", "department_self_evaluation")
PROJECT_SELF_EVALUATION: tuple[Form, ...] = ("project_self_evaluation",)

GROUPS: dict[str, str] = {
    "arithmetic": "算术",
    "execution": "预算执行",
    "scores": "得分与数值",
    "design": "指标设置",
    "data": "数据与识别",
}


class Hit(NamedTuple):
    """One problem found by a check, before the registry turns it into a Finding.

    A named tuple: immutable as a frozen dataclass, and built in C (a table's
    checks make several).
    """

    location: Location
    params: dict[str, Any]  # fills the check's message template
    expected: str | float | None = None
    found: str | float | None = None
    tolerance: float | None = None
    cause: str | None = None


CheckResult = list[Hit] | NotChecked
CheckFunc = Callable[["Context"], CheckResult]


@dataclass(frozen=True, slots=True)
class CheckInfo:
    """A check: what it is called, how bad a finding is, and how it reads."""

    code: str
    severity: Severity
    title: str  # one line, Chinese
    description: str  # the rule, for a non-programmer (Chinese)
    template: str  # the message, with {placeholders} filled from Hit.params
    group: str
    forms: tuple[Form, ...]
    func: CheckFunc
    tolerance: str | None = None  # how numbers are compared, when they are

    def message(self, hit: Hit) -> str:
        text = self.template.format(**hit.params)
        if hit.cause:
            text += f"。可能原因：{hit.cause}"
        return text


CHECKS: dict[str, CheckInfo] = {}
# Bumped whenever CHECKS changes (a check registered, the order changed), so that
# what is derived from the registry (the checks of each form) is made again.
VERSION = [0]


def check(
    code: str,
    *,
    severity: Severity,
    title: str,
    description: str,
    template: str,
    group: str,
    forms: tuple[Form, ...] = ALL_FORMS,
    tolerance: str | None = None,
) -> Callable[[CheckFunc], CheckFunc]:
    """Register a check function under a stable code."""
    if group not in GROUPS:
        raise ValueError(f"unknown group {group!r}")

    def register(func: CheckFunc) -> CheckFunc:
        if code in CHECKS:
            raise ValueError(f"duplicate check code {code!r}")
        VERSION[0] += 1
        CHECKS[code] = CheckInfo(
            code=code,
            severity=severity,
            title=title,
            description="".join(line.strip() for line in description.splitlines()),
            template=template,
            group=group,
            forms=forms,
            func=func,
            tolerance=tolerance,
        )
        return func

    return register


def sort_checks() -> None:
    """Order the registry by group (as in GROUPS), keeping definition order within a group."""
    order = list(GROUPS)
    items = sorted(CHECKS.items(), key=lambda kv: order.index(kv[1].group))
    CHECKS.clear()
    CHECKS.update(items)
    VERSION[0] += 1
