"""Run every registered check on a table and collect a :class:`Report`."""

from __future__ import annotations

from pathlib import Path

import jixiao.audit.checks  # noqa: F401  (registers the checks)
from jixiao.audit.context import Context
from jixiao.audit.model import SEVERITIES, Finding, Report, Status
from jixiao.audit.registry import CHECKS, VERSION, CheckInfo
from jixiao.audit.settings import DEFAULT_RULES, DEFAULT_SETTINGS, AuditSettings
from jixiao.models import Table
from jixiao.scoring import RuleSet, load_rules
from jixiao.scoring.results import trusted


def rules_for(table: Table, rules: str | Path | RuleSet | None) -> RuleSet:
    """The rule set to audit a table with: as given, or the default for its form."""
    return load_rules(rules if rules is not None else DEFAULT_RULES[table.form])


# form → (registry version, the checks that apply to the form in the registry's order,
# the status of every check before any runs: not_applicable).
_PLANS: dict[str, tuple[int, list[tuple[str, CheckInfo]], dict[str, Status]]] = {}


def _plan(form: str) -> tuple[list[tuple[str, CheckInfo]], dict[str, Status]]:
    plan = _PLANS.get(form)
    if plan is None or plan[0] != VERSION[0]:
        applicable = [(code, info) for code, info in CHECKS.items() if form in info.forms]
        plan = _PLANS[form] = (VERSION[0], applicable, dict.fromkeys(CHECKS, "not_applicable"))
    return plan[1], plan[2]


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
    applicable, checks = _plan(table.form)
    checks = checks.copy()  # every code, in the registry's order; not_applicable until run
    label: str | None = None
    for code, info in applicable:
        result = info.func(ctx)
        if isinstance(result, str):
            checks[code] = result
            continue
        if not result:
            checks[code] = "pass"
            continue
        checks[code] = "fail"
        if label is None:
            label = ctx.label
        for hit in result:
            expected, found, tolerance = hit.expected, hit.found, hit.tolerance
            findings.append(
                trusted(
                    Finding,
                    {
                        "code": code,
                        "severity": info.severity,
                        "title": info.title,
                        "message": info.message(hit),
                        "table": label,
                        "location": hit.location,
                        # an int (or bool) as the float a validated Finding would hold
                        "expected": float(expected) if isinstance(expected, int) else expected,
                        "found": float(found) if isinstance(found, int) else found,
                        "tolerance": float(tolerance) if isinstance(tolerance, int) else tolerance,
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
