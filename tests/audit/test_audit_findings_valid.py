"""Findings are built without validation (``trusted``): prove they are valid models."""

from __future__ import annotations

import jixiao
from jixiao.audit import CHECKS, Finding, Report
from jixiao.audit.examples import FAULTS
from jixiao.models import Table

from seeds import seed_files


def _tables() -> list[Table]:
    tables = [fault.table() for fault in FAULTS.values()]
    for path in seed_files():
        tables.extend(jixiao.read(path))
    return tables


def test_every_finding_equals_its_validated_form() -> None:
    codes: set[str] = set()
    for table in _tables():
        report = jixiao.audit(table)
        assert set(report.__dict__) == set(Report.model_fields)
        assert Report.model_validate(report.model_dump()) == report
        for f in report.findings:
            codes.add(f.code)
            assert set(f.__dict__) == set(Finding.model_fields)
            assert Finding.model_validate(f.model_dump()) == f
            for value in (f.expected, f.found, f.tolerance):
                assert value is None or type(value) in (str, float)
    assert codes == set(CHECKS), set(CHECKS) - codes
