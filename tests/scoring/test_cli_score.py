"""``jixiao score``: ``score_command`` on the seed files, read with ``jixiao.read``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jixiao.cli_score import score_command

from seeds import seed_files


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    files, rules, fmt = args
    status = score_command(files, rules, fmt)  # type: ignore[arg-type]
    out, err = capsys.readouterr()
    return status, out, err


def test_json_one_object_per_table(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, seed_files(), "mof-2020", "json")
    assert status == 0, err
    records = json.loads(out)
    assert len(records) == 21
    scored = [r for r in records if r["form"] != "project_target"]
    assert len(scored) == 13
    for r in records:
        for key in (
            "form",
            "project",
            "year",
            "execution_rate",
            "execution_score",
            "printed_total",
            "recomputed_total",
            "printed_grade",
            "recomputed_grade",
            "explained_by",
            "indicators",
        ):
            assert key in r
    by_project = {r["project"]: r for r in scored}
    maint = by_project["设备运行与维护"]
    assert (maint["printed_total"], maint["recomputed_total"]) == (96.38, 100.0)
    assert maint["explained_by"] == "initial-budget"
    assert by_project["网格化事务"]["explained_by"] == "percentage-points"
    assert by_project["平安办工作经费"]["explained_by"] is None
    ind = by_project["综治协管服务社"]["indicators"][1]
    assert ind["name"] == "实有人口登记正确率"
    assert (ind["weight"], ind["printed_score"], ind["recomputed_score"]) == (20.0, 18.0, 19.59)
    assert ind["band"] is None and "按比例" in ind["reason"]
    quality = by_project["综治中心事务"]["indicators"][1]
    assert quality["recomputed_score"] is None and quality["band"] == [8.0, 10.0]


def test_table_view_shows_printed_and_recomputed(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, [seed_files()[3]], "mof-2020", "table")
    assert status == 0
    assert "设备运行与维护" in out and "96.38" in out and "100.00" in out
    assert "initial-budget" in out and "功能完整性" in out


def test_department_rules(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, [seed_files()[0]], "shanghai-department", "json")
    assert status == 0
    (r,) = json.loads(out)
    assert r["rules"] == "shanghai-department@1"
    assert (r["printed_total"], r["recomputed_total"]) == (99.99, 99.91)


def test_bad_options_and_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = run(capsys, seed_files()[:1], "no-such-rules", "json")
    assert status == 2 and "no-such-rules" in err
    status, _, err = run(capsys, seed_files()[:1], "mof-2020", "xml")
    assert status == 2 and "xml" in err
    notes = tmp_path / "notes.txt"
    notes.write_text("会议纪要\n", encoding="utf-8")
    status, out, err = run(capsys, [notes, seed_files()[2]], "mof-2020", "json")
    assert status == 2 and "notes.txt" in err
    assert len(json.loads(out)) == 5  # the readable file is still scored
