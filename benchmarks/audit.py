"""Tables audited per second, on one core (reading excluded).

The figure is tables per CPU second of this (single-threaded) process, so that
other work on the machine does not distort it; wall-clock speed is printed too.

The seed documents are read once; their tables are then audited over and over
until at least ``--tables`` audits have run. Every audit is a fresh call of
``jixiao.audit(table)`` (all checks, with scoring); nothing is cached between
audits of the same table except what the value parser caches by text.

    .venv/bin/python benchmarks/audit.py [--tables 20000] [--cold]

With ``--cold`` every round starts with empty caches (parsed values, memoised
row scores, normalised names), as when each batch of 21 tables is new.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from jixiao import audit, read
from jixiao.audit.context import clear_caches as clear_audit_caches
from jixiao.models import Table
from jixiao.scoring.engine import clear_caches as clear_scoring_caches

SAMPLES = Path(__file__).resolve().parents[1] / "src" / "jixiao" / "samples"
TARGET = 2000  # tables per second


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tables", type=int, default=20_000)
    ap.add_argument("--cold", action="store_true", help="clear all caches before each round")
    args = ap.parse_args()
    tables: list[Table] = [t for p in sorted(SAMPLES.glob("*.txt")) for t in read(p)]
    forms = Counter(t.form for t in tables)
    for t in tables:  # warm up (imports, rule sets, parser caches)
        audit(t)
    rounds = -(-args.tables // len(tables))
    audited = findings = 0
    start, cpu_start = time.perf_counter(), time.process_time()
    for _ in range(rounds):
        if args.cold:
            clear_scoring_caches()
            clear_audit_caches()
        for t in tables:
            findings += len(audit(t).findings)
            audited += 1
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    print(f"audited {audited} tables in {elapsed:.2f} s wall, {cpu:.2f} s CPU (reading excluded)")
    print(f"mix per round: {dict(forms)}; {findings // rounds} findings per round")
    print("caches: " + ("cleared before every round (cold)" if args.cold else "warm"))
    print(f"tables per second: {audited / cpu:,.0f} per CPU second (target ≥ {TARGET:,})")
    print(f"tables per second (wall clock): {audited / elapsed:,.0f}")
    print(f"mean CPU time per table: {1000 * cpu / audited:.3f} ms")


if __name__ == "__main__":
    main()
