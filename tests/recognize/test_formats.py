"""The seed tables, re-written from their gold records in every text form,
read back exactly (the renders are generated here, never committed)."""

from __future__ import annotations

from pathlib import Path

import pytest

import jixiao
from jixiao.readers.text import detect_format

from render import render_many
from seeds import assert_matches_gold, gold_for, seed_files

FORMATS = ["tsv", "markdown", "html", "cells", "layout"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("seed", seed_files(), ids=lambda p: p.stem)
def test_rendered_seed_reads_exactly(seed: Path, fmt: str) -> None:
    gold = gold_for(seed)
    text = render_many(gold, fmt)
    assert detect_format(text) == fmt
    tables = jixiao.read_text(text, f"{seed.stem}.{fmt}")
    assert_matches_gold(gold, [t.to_canonical() for t in tables], f"{seed.stem}.{fmt}")


@pytest.mark.parametrize("fmt", FORMATS)
def test_rendered_lines_are_all_accounted_for(fmt: str) -> None:
    gold = gold_for(seed_files()[2])
    text = render_many(gold, fmt)
    tables = jixiao.read_text(text, f"x.{fmt}")
    used = {line for t in tables for line in t.used_lines}
    unparsed = {u.line for t in tables for u in t.unparsed}
    skip = ("|---", "| ---", "<", "</")
    for number, line in enumerate(text.splitlines(), start=1):
        s = line.strip().strip("|").strip()
        if s and not s.startswith(skip) and not set(s) <= set("-|: "):
            assert number in used or number in unparsed, f"{fmt} line {number} lost: {line!r}"
