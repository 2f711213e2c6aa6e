"""Reports: JSON shape, terminal and HTML rendering, the check command's exit status."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import jixiao
from jixiao.audit import CHECKS, Report, audit
from jixiao.audit.examples import FAULTS, base_self_evaluation
from jixiao.audit.render import render_html, render_json
from jixiao.cli_check import check_command

from seeds import seed_files

STATUSES = {"pass", "fail", "not_applicable", "insufficient_data"}
FINDING_KEYS = {"code", "severity", "title", "message", "location", "expected", "found"}


def all_reports() -> list[Report]:
    return [audit(t) for p in seed_files() for t in jixiao.read(p)]


def test_api_is_exported() -> None:
    assert jixiao.audit is audit
    r = jixiao.audit(base_self_evaluation())
    assert isinstance(r, Report) and r.rules == "mof-2020@1"


def test_json_for_machines(capsys: pytest.CaptureFixture[str]) -> None:
    status = check_command(seed_files(), "json", None)
    assert status == 0
    data = json.loads(capsys.readouterr().out)
    assert isinstance(data, list) and len(data) == 21
    for obj in data:
        assert {"form", "project", "year", "findings", "checks"} <= set(obj)
        assert set(obj["checks"]) == set(CHECKS)
        assert set(obj["checks"].values()) <= STATUSES
        for f in obj["findings"]:
            assert set(f) >= FINDING_KEYS
            assert f["code"] in CHECKS and f["severity"] in ("error", "warning", "info")
            assert obj["checks"][f["code"]] == "fail"
    assert data[0]["form"] == "department_self_evaluation" and data[0]["project"] is None
    assert data[1]["project"] == "残保金抚恤金专项" and data[1]["year"] == 2023
    dup = next(f for f in data[0]["findings"] if f["code"] == "duplicate-indicator")
    assert dup["location"]["line"] == 39 and dup["location"]["name"] == "机动执法队人员到岗数"


def test_terminal_report(capsys: pytest.CaptureFixture[str]) -> None:
    status = check_command([seed_files()[3]], "table", None)
    out = capsys.readouterr().out
    assert status == 0
    # One summary line per table, findings grouped by severity.
    assert len(re.findall(r"\d+ 个错误 · \d+ 个警告 · \d+ 条提示 · 检查 26 项", out)) == 7
    assert "设备运行与维护（2021 年度）" in out and "错误（1）" in out and "警告（" in out
    assert "total-score-mismatch" in out and "可能原因" in out
    assert "未发现问题" in out  # 课题与规划
    assert "共 7 张表" in out


def test_fail_on(capsys: pytest.CaptureFixture[str]) -> None:
    seeds = seed_files()
    assert check_command([seeds[2]], "json", "error") == 0  # 003: warnings only
    assert check_command([seeds[2]], "json", "warning") == 1
    assert check_command([seeds[3]], "json", "error") == 1  # 004: totals that do not add up
    assert check_command([seeds[3]], "json", None) == 0
    capsys.readouterr()


def test_unreadable_input_exits_2_and_still_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "image.bin"
    bad.write_bytes(bytes(range(256)) * 4)
    status = check_command([bad, seed_files()[2]], "json", "error")
    captured = capsys.readouterr()
    assert status == 2
    assert "image.bin" in captured.err
    assert len(json.loads(captured.out)) == 5
    assert check_command([tmp_path / "missing.txt"], "table", None) == 2
    assert check_command([seed_files()[2]], "xml", None) == 2
    assert check_command([seed_files()[2]], "json", "fatal") == 2


def test_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.html"
    assert check_command([seed_files()[0]], "html", None, output=out) == 0
    assert capsys.readouterr().out == ""
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    txt = tmp_path / "report.txt"
    assert check_command([seed_files()[0]], "table", None, output=txt) == 0
    assert "机动执法队人员到岗数" in txt.read_text(encoding="utf-8")


def test_html_is_self_contained_and_escaped() -> None:
    reports = all_reports()
    page = render_html(reports)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert not re.search(r"(?:src|href)=\"(?:https?:)?//", page)
    assert "<script" not in page and "<link" not in page and "@import" not in page
    for r in reports:
        assert r.label in page
    assert page.count('<section class="tbl"') == 21
    # Texts from the table are escaped.
    t = base_self_evaluation()
    t.indicators[0].name = "<b>设备</b>"
    t.indicators[0].target = "提升"
    html = render_html([audit(t)])
    assert "<b>设备</b>" not in html and "&lt;b&gt;设备&lt;/b&gt;" in html


def test_every_status_is_reported_and_json_roundtrips() -> None:
    for code in FAULTS:
        r = audit(FAULTS[code].table())
        assert set(r.checks) == set(CHECKS)
        again = json.loads(render_json([r]))[0]
        assert again["checks"] == r.checks
        assert [f["code"] for f in again["findings"]] == [f.code for f in r.findings]
