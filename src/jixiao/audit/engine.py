"""Run every registered check on a table and collect a :class:`Report`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jixiao.audit.checks  # noqa: F401  (registers the checks)
from jixiao.audit.context import Context
from jixiao.audit.model import SEVERITIES, Finding, Report, Status
from jixiao.audit.registry import CHECKS
from jixiao.audit.settings import DEFAULT_RULES, DEFAULT_SETTINGS, AuditSettings
from jixiao.models import Table
from jixiao.scoring import RuleSet, load_rules
from jixiao.scoring.results import trusted


def rules_for(table: Table, rules: str | Path | RuleSet | None) -> RuleSet:
    """The rule set to audit a table with: as given, or the default for its form."""
    return load_rules(rules if rules is not None else DEFAULT_RULES[table.form])


def _number(x: Any) -> Any:
    """An int (or bool) as the float a validated Finding would hold; anything else as is."""
    return float(x) if isinstance(x, int) else x


def audit(
    table: Table,
    rules: str | Path | RuleSet | None = None,
    settings: AuditSettings | None = None,
) -> Report:
    """Check one table: arithmetic, values against scores, indicator quality.

    ``rules`` names the rule set (``mof-2020``, ``shanghai-department``, a file
    path); by default ``shanghai-department`` for department forms and
    ``mof-2020`` otherwise. Every check reports a status in ``Report.checks``.
    """
    rs = rules_for(table, rules)
    ctx = Context(table, rs, settings or DEFAULT_SETTINGS)
    findings: list[Finding] = []
    checks: dict[str, Status] = {}
    for code, info in CHECKS.items():
        if table.form not in info.forms:
            checks[code] = "not_applicable"
            continue
        result = info.func(ctx)
        if isinstance(result, str):
            checks[code] = result
            continue
        if not result:
            checks[code] = "pass"
            continue
        checks[code] = "fail"
        for hit in result:
            findings.append(
                trusted(
                    Finding,
                    {
                        "code": code,
                        "severity": info.severity,
                        "title": info.title,
                        "message": info.message(hit),
                        "table": ctx.label,
                        "location": hit.location,
                        "expected": _number(hit.expected),
                        "found": _number(hit.found),
                        "tolerance": _number(hit.tolerance),
                        "cause": hit.cause,
                    },
                )
            )
    findings.sort(key=lambda f: SEVERITIES.index(f.severity))
    t = table
    return trusted(
        Report,
        {
            "form": t.form,
            "title": t.title,
            "project": t.project,
            "unit_name": t.unit_name,
            "year": t.year,
            "file": ctx.file,
            "rules": rs.label,
            "label": ctx.label,
            "findings": findings,
            "checks": checks,
        },
    )


def audit_all(
    tables: list[Table],
    rules: str | Path | RuleSet | None = None,
    settings: AuditSettings | None = None,
) -> list[Report]:
    return [audit(t, rules, settings) for t in tables]
