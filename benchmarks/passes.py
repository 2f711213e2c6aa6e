"""Repeated first passes over a corpus, for the scoring and audit benchmarks.

One pass over a few thousand tables takes a few CPU seconds, and on a shared
machine (two virtual cores that share a physical one) the same pass varies by
up to ±30% from one run to the next while the other core is busy. A single
figure is therefore not a measurement. Each benchmark makes ``repeat`` first
passes, each after emptying every cache (a fresh process, as far as the code
can tell), and prints every pass, the median and the best: the best is the
figure least disturbed by other work (as ``timeit`` takes the minimum), the
median the one to expect on a busy machine. A re-run (second pass, caches warm)
is printed after them.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

from jixiao import native

T = TypeVar("T")


def timed(items: Sequence[T], work: Callable[[T], int]) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, Σ work) of one pass over ``items``."""
    count = 0
    start, cpu_start = time.perf_counter(), time.process_time()
    for item in items:
        count += work(item)
    return time.perf_counter() - start, time.process_time() - cpu_start, count


def report(
    items: Sequence[T],
    work: Callable[[T], int],
    clear: Callable[[], None],
    repeat: int,
    target: float,
    counted: str,
) -> float:
    """Run and print ``repeat`` first passes and one re-run; return the best first-pass rate."""
    n = len(items)
    print(f"hot modules: {native.status()[1]}")
    rates: list[float] = []
    found = 0
    for i in range(1, repeat + 1):
        clear()
        wall, cpu, found = timed(items, work)
        rates.append(n / cpu)
        print(
            f"first pass {i}/{repeat}, caches empty {n / cpu:8,.0f} tables/s CPU "
            f"({1000 * cpu / n:.3f} ms per table; {n / wall:8,.0f} tables/s wall; "
            f"{found:,} {counted})"
        )
    wall, cpu, again = timed(items, work)
    print(
        f"second pass (re-run)          {n / cpu:8,.0f} tables/s CPU "
        f"({1000 * cpu / n:.3f} ms per table; {n / wall:8,.0f} tables/s wall; "
        f"{again:,} {counted})"
    )
    if again != found:
        raise SystemExit(f"the re-run found {again:,} {counted}, the first pass {found:,}")
    best, median = max(rates), statistics.median(rates)
    verdict = "met" if best >= target else "not met"
    print(
        f"first pass: best {best:,.0f}, median {median:,.0f} tables per CPU second "
        f"over {repeat} passes; target {target:,.0f}: {verdict} (best pass)"
    )
    return best
