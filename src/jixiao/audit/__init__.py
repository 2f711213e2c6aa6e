"""Audit: check performance tables the way a reviewer reads them.

>>> import jixiao
>>> report = jixiao.audit(table)  # doctest: +SKIP
>>> report.checks["total-score-mismatch"], [f.code for f in report.findings]  # doctest: +SKIP

Each check is a small function with a stable code (``jixiao.audit.registry.CHECKS``);
``python -m jixiao.audit.catalogue`` prints the catalogue of ``docs/checks.md``.
"""

from jixiao.audit.engine import audit, audit_all, rules_for
from jixiao.audit.model import (
    SEVERITIES,
    Finding,
    Location,
    Report,
    Severity,
    Status,
)
from jixiao.audit.registry import CHECKS, CheckInfo
from jixiao.audit.settings import DEFAULT_SETTINGS, AuditSettings

__all__ = [
    "CHECKS",
    "DEFAULT_SETTINGS",
    "SEVERITIES",
    "AuditSettings",
    "CheckInfo",
    "Finding",
    "Location",
    "Report",
    "Severity",
    "Status",
    "audit",
    "audit_all",
    "rules_for",
]
