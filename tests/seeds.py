"""Where the seed documents, gold records and the evaluator are."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "src" / "jixiao" / "samples"
SHARED = REPO.parent / "shared"
GOLD = SHARED / "gold"
TOOLS = SHARED / "tools"


def seed_files() -> list[Path]:
    return sorted(SAMPLES.glob("*.txt"))


def gold_for(seed: Path) -> list[dict[str, Any]]:
    path = GOLD / f"{seed.stem}.json"
    if not path.exists():
        pytest.skip(f"gold records not found at {path} (../shared is not beside the repo)")
    data: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return data


def all_gold() -> list[dict[str, Any]]:
    return [rec for seed in seed_files() for rec in gold_for(seed)]


def evaluator() -> ModuleType:
    path = TOOLS / "evaluate_extraction.py"
    if not path.exists():
        pytest.skip(f"evaluator not found at {path}")
    spec = importlib.util.spec_from_file_location("evaluate_extraction", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def assert_matches_gold(gold: list[dict[str, Any]], pred: list[dict[str, Any]], name: str) -> None:
    ev = evaluator()
    tally, exact = ev.compare_file(gold, pred, name)
    assert not tally.errors, "\n".join(tally.errors[:20])
    assert exact == len(gold) == len(pred)
