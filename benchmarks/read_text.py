"""Tables read per second from extracted text, on one core.

The seed documents are repeated until at least 10,000 tables have been read;
the figure excludes process start-up and file I/O (texts are in memory).

    .venv/bin/python benchmarks/read_text.py [--tables 10000]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from jixiao.api import recognize_sheets
from jixiao.readers.text import read_text

SAMPLES = Path(__file__).resolve().parents[1] / "src" / "jixiao" / "samples"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tables", type=int, default=10_000)
    args = ap.parse_args()
    texts = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(SAMPLES.glob("*.txt"))]
    per_round = sum(len(recognize_sheets([read_text(t, n)])) for n, t in texts)
    rounds = -(-args.tables // per_round)
    tables = 0
    start = time.perf_counter()
    for _ in range(rounds):
        for name, text in texts:
            tables += len(recognize_sheets([read_text(text, name)]))
    elapsed = time.perf_counter() - start
    print(f"read {tables} tables in {elapsed:.2f} s (one core)")
    print(f"tables per second: {tables / elapsed:,.0f}")
    print(f"mean time per table: {1000 * elapsed / tables:.3f} ms")


if __name__ == "__main__":
    main()
