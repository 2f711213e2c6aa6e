"""Bytecode instructions executed per table: a cost that other work on the machine cannot move.

Usage: python benchmarks/opcodes.py [score|audit] [--tables 1000] [--top 25]

Timings on a shared machine vary by ±30% from one run to the next
(``benchmarks/passes.py``), too much to tell a 5% change. This counts the
Python bytecode instructions executed while scoring (or auditing) a corpus of
distinct tables once, caches empty (the first pass of ``score.py`` and
``audit.py``), with ``sys.settrace`` and per-frame opcode events. The count is
the same on every run, so two versions compare exactly; it is a proxy only: C
work (regular expressions, dict copies, pydantic) does not count, and a traced
run is about 50 times slower. The functions that execute most are listed.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable
from types import CodeType, FrameType
from typing import Any

from jixiao.models import Table

from corpus import workload


def count(
    tables: list[Table], work: Callable[[Table], Any]
) -> tuple[Counter[CodeType], Counter[CodeType]]:
    """(opcodes, calls) per code object while ``work`` runs on every table."""
    opcodes: Counter[CodeType] = Counter()
    calls: Counter[CodeType] = Counter()

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        if event == "opcode":
            opcodes[frame.f_code] += 1
        elif event == "call":
            calls[frame.f_code] += 1
            frame.f_trace_opcodes = True
        return tracer

    sys.settrace(tracer)
    try:
        for t in tables:
            work(t)
    finally:
        sys.settrace(None)
    return opcodes, calls


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=("score", "audit"), nargs="?", default="score")
    ap.add_argument("--tables", type=int, default=1000)
    ap.add_argument("--top", type=int, default=25)
    args = ap.parse_args()
    tables, work = workload(args.what, args.tables)
    opcodes, calls = count(tables, work)
    n = len(tables)
    total = sum(opcodes.values())
    print(f"{args.what}: {total / n:,.0f} opcodes and {sum(calls.values()) / n:,.0f} calls a table")
    for code, k in opcodes.most_common(args.top):
        where = f"{code.co_filename.rsplit('/', 1)[-1]}:{code.co_firstlineno}"
        print(
            f"{k / total:6.1%} {k / n:8,.0f} a table {calls[code] / n:7.1f} calls "
            f"{code.co_name} ({where})"
        )


if __name__ == "__main__":
    main()
