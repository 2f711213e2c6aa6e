"""Roles, statuses and labels of the review workflow."""

from __future__ import annotations

from typing import Final

from jixiao.audit.model import FORM_LABELS, SEVERITY_LABELS

ROLES: Final = ("filler", "reviewer", "admin")
ROLE_LABELS: Final[dict[str, str]] = {"filler": "填报人", "reviewer": "审核人", "admin": "管理员"}
ROLE_ALIASES: Final[dict[str, str]] = {
    **{k: k for k in ROLES},
    **{v: k for k, v in ROLE_LABELS.items()},
}

STATUSES: Final = ("draft", "submitted", "returned", "approved")
STATUS_LABELS: Final[dict[str, str]] = {
    "draft": "草稿",
    "submitted": "已提交",
    "returned": "退回",
    "approved": "已审核",
}

# (from, to) → (button label, roles allowed)
TRANSITIONS: Final[dict[tuple[str, str], tuple[str, tuple[str, ...]]]] = {
    ("draft", "submitted"): ("提交审核", ("filler", "reviewer", "admin")),
    ("returned", "submitted"): ("重新提交", ("filler", "reviewer", "admin")),
    ("submitted", "returned"): ("退回修改", ("reviewer", "admin")),
    ("submitted", "approved"): ("审核通过", ("reviewer", "admin")),
    ("approved", "returned"): ("撤销审核并退回", ("reviewer", "admin")),
}

FINDING_STATES: Final[dict[str, str]] = {
    "open": "待处理",
    "confirmed": "已确认",
    "dismissed": "已驳回",
}
REVIEW_ACTIONS: Final[dict[str, str]] = {
    "confirm": "confirmed",
    "dismiss": "dismissed",
    "reopen": "open",
}

GRADES: Final = ("优", "良", "中", "差")

__all__ = [
    "FINDING_STATES",
    "FORM_LABELS",
    "GRADES",
    "REVIEW_ACTIONS",
    "ROLES",
    "ROLE_ALIASES",
    "ROLE_LABELS",
    "SEVERITY_LABELS",
    "STATUSES",
    "STATUS_LABELS",
    "TRANSITIONS",
]
