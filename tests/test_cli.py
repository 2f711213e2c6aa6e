"""The command line, run as a user runs it (a real subprocess)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

from seeds import seed_files

JX = str(Path(sys.executable).with_name("jixiao"))


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([JX, *args], capture_output=True, text=True, check=False)


def test_export_json_keeps_input_order_across_files() -> None:
    files = [str(p) for p in seed_files()]
    out = run("export", "--format", "json", *files)
    assert out.returncode == 0, out.stderr
    records = json.loads(out.stdout)
    assert len(records) == 21
    assert records[0]["form"] == "department_self_evaluation"
    assert [r["project"] for r in records[1:3]] == ["残保金抚恤金专项", "联管大队整治经费"]
    assert all("source" in ind for r in records for ind in r["indicators"])


def test_export_csv_has_one_row_per_indicator() -> None:
    seed = seed_files()[2]
    out = run("export", "--format", "csv", str(seed))
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    records = json.loads(run("export", str(seed)).stdout)
    assert len(rows) == sum(len(r["indicators"]) for r in records)
    assert rows[0]["project"] == "平安办工作经费" and rows[0]["name"] == "综治信息平台相关设备"
    assert rows[0]["line"].isdigit()


def test_file_without_table_exits_2_and_names_it(tmp_path: Path) -> None:
    f = tmp_path / "notes.txt"
    f.write_text("会议纪要\n今天讨论了预算。\n", encoding="utf-8")
    out = run("export", str(f))
    assert out.returncode == 2
    assert "notes.txt" in out.stderr and "一级指标" in out.stderr


def test_binary_file_gets_its_own_message(tmp_path: Path) -> None:
    f = tmp_path / "image.bin"
    f.write_bytes(bytes(range(256)) * 4)
    out = run("export", str(f))
    assert out.returncode == 2
    assert "image.bin" in out.stderr and "无法读取" in out.stderr
    assert "Traceback" not in out.stderr


def test_missing_file_is_reported(tmp_path: Path) -> None:
    out = run("export", str(tmp_path / "nope.txt"))
    assert out.returncode == 2 and "nope.txt" in out.stderr


def test_gbk_text_is_decoded(tmp_path: Path) -> None:
    seed = seed_files()[3]
    f = tmp_path / "gbk.txt"
    f.write_bytes(seed.read_text(encoding="utf-8").encode("gb18030"))
    out = run("export", str(f))
    assert out.returncode == 0, out.stderr
    utf8 = json.loads(run("export", str(seed)).stdout)
    gbk = json.loads(out.stdout)
    for a, b in zip(utf8, gbk, strict=True):
        a.pop("source"), b.pop("source")
        for part in ("indicators", "funds"):
            for row in a[part] + b[part]:
                row.pop("source", None)
        assert a == b
