"""Machine instructions executed per table: a cost that other work on the machine cannot move.

Usage: python benchmarks/instructions.py [score|audit] [--tables 300]

Timings on a shared machine vary by ±30% from one pass to the next
(``benchmarks/passes.py``). This counts the instructions the CPU executes to
score (or audit) a corpus of distinct tables once, caches empty (the first pass
of ``score.py`` and ``audit.py``), with valgrind's callgrind: C work included
(dicts, regular expressions, pydantic), unlike ``opcodes.py``, which counts
Python bytecode only but names the functions. Two runs under callgrind make the
same corpus, one does the work and one does not; the difference is the work.
Hash randomisation is off (``PYTHONHASHSEED=0``) so that both runs, and runs of
two versions, probe dicts alike: the count repeats to within about 0.3%.
Fewer instructions is faster, though not in proportion (memory, branches).
To count another version, put its source first on the path:
``git archive REV src/jixiao | tar -x -C /tmp/old`` then
``PYTHONPATH=/tmp/old/src python benchmarks/instructions.py``.
Needs valgrind (Debian package ``valgrind``); a traced run is about 50× slower.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from jixiao import native

HERE = Path(__file__).resolve().parent


def _child(what: str, n: int, work: bool) -> None:
    from corpus import workload

    tables, do = workload(what, n)
    if work:
        for t in tables:
            do(t)


def _instructions(what: str, n: int, work: bool) -> int:
    """Instructions executed by a process that makes the corpus (and does the work)."""
    cmd = [
        "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
        sys.executable, str(Path(__file__).resolve()), what, "--tables", str(n),
        "--child", "work" if work else "corpus",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=HERE, check=True)
    m = re.search(r"Collected : (\d+)", out.stderr)
    if m is None:
        raise SystemExit(f"callgrind printed no count:\n{out.stderr[-2000:]}")
    return int(m.group(1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=("score", "audit"), nargs="?", default="score")
    ap.add_argument("--tables", type=int, default=300)
    ap.add_argument("--child", choices=("corpus", "work"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(args.what, args.tables, args.child == "work")
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    with ThreadPoolExecutor(2) as pool:  # the two runs side by side
        base, full = pool.map(lambda w: _instructions(args.what, args.tables, w), (False, True))
    print(
        f"{args.what}: {(full - base) / args.tables:,.0f} instructions a table "
        f"(first pass over {args.tables:,} distinct tables, caches empty; callgrind); "
        f"hot modules: {native.status()[1]}"
    )


if __name__ == "__main__":
    main()
