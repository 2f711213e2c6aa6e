"""The seed documents read exactly into their gold records."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import jixiao

from seeds import REPO, SHARED, assert_matches_gold, gold_for, seed_files


@pytest.mark.parametrize("seed", seed_files(), ids=lambda p: p.stem)
def test_seed_reads_exactly(seed: Path) -> None:
    tables = jixiao.read(seed)
    assert_matches_gold(gold_for(seed), [t.to_canonical() for t in tables], seed.stem)


def test_evaluator_command_reports_perfect_score() -> None:
    """The yardstick of the issue, run as a user runs it."""
    tool = SHARED / "tools" / "evaluate_extraction.py"
    if not tool.exists():
        pytest.skip(f"{tool} not found")
    jx = Path(sys.executable).with_name("jixiao")
    cmd = f"{jx} export --format json {{input}}"
    out = subprocess.run(
        [
            sys.executable,
            str(tool),
            "--gold",
            str(SHARED / "gold"),
            "--inputs",
            str(REPO / "src" / "jixiao" / "samples"),
            "--run",
            cmd,
            "--min",
            "1.0",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    last = out.stdout.strip().splitlines()[-1]
    assert out.returncode == 0, out.stdout + out.stderr
    assert "f1 1.0000" in last and "tables exact: 21/21" in last, last


@pytest.mark.parametrize("seed", seed_files(), ids=lambda p: p.stem)
def test_every_line_is_accounted_for(seed: Path) -> None:
    tables = jixiao.read(seed)
    used = {line for t in tables for line in t.used_lines}
    unparsed = {u.line for t in tables for u in t.unparsed}
    lines = seed.read_text(encoding="utf-8").splitlines()
    for number, text in enumerate(lines, start=1):
        if text.strip():
            assert number in used or number in unparsed, f"line {number} lost: {text!r}"


def test_indicator_rows_carry_their_source_line() -> None:
    seed = seed_files()[0]
    lines = seed.read_text(encoding="utf-8").splitlines()
    table = jixiao.read(seed)[0]
    for ind in table.indicators:
        assert ind.source is not None and ind.source.line is not None
        if ind.name:
            assert ind.name[:4] in lines[ind.source.line - 1].replace(" ", "")
