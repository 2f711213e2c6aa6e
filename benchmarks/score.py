"""Scoring speed: tables scored per second on one core (reading excluded).

Usage: python benchmarks/score.py [SECONDS] [--rules NAME] [--cold]

Scores the gold records of the seed self-evaluations (or, without ../shared,
the bundled samples read once before timing) repeatedly and prints tables/s.
Target: ≥ 5,000 tables/s.

The engine memoises row scores (template rows such as ``=100%`` / ``100%`` repeat
across tables) and parsed values. The default figure is the steady state over the
seed corpus; ``--cold`` clears every cache before each pass over the tables, so
each distinct row is parsed and scored afresh once per pass.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import jixiao
from jixiao.models import Table
from jixiao.scoring import clear_caches, load_rules, score

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO.parent / "shared" / "gold"
SAMPLES = REPO / "src" / "jixiao" / "samples"


def load_tables() -> list[Table]:
    tables: list[Table] = []
    if GOLD.is_dir():
        for path in sorted(GOLD.glob("*.json")):
            tables.extend(Table.model_validate(r) for r in json.loads(path.read_text("utf-8")))
    else:
        for path in sorted(SAMPLES.glob("*.txt")):
            tables.extend(jixiao.read(path))
    return [t for t in tables if t.form != "project_target"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seconds", nargs="?", type=float, default=3.0)
    parser.add_argument("--rules", default="mof-2020")
    parser.add_argument("--cold", action="store_true", help="clear caches before each pass")
    args = parser.parse_args()
    tables = load_tables()
    rules = load_rules(args.rules)
    for t in tables:  # warm up caches (rule variants, parsed values)
        score(t, rules)
    n = 0
    start = time.perf_counter()
    cpu_start = time.process_time()
    deadline = start + args.seconds
    while time.perf_counter() < deadline:
        if args.cold:
            clear_caches()
        for t in tables:
            score(t, rules)
        n += len(tables)
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    indicators = sum(len(t.indicators) for t in tables) * n / len(tables)
    # CPU time is the figure for one core; wall time also counts other processes' turns.
    print(
        f"scored {n} tables ({len(tables)} distinct, {indicators:.0f} indicators) "
        f"with {rules.label}{' (cold)' if args.cold else ''}: "
        f"{n / cpu:,.0f} tables/s of CPU time ({indicators / cpu:,.0f} indicators/s); "
        f"{n / elapsed:,.0f} tables/s of wall time"
    )


if __name__ == "__main__":
    main()
