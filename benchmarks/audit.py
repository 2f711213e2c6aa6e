"""Tables audited per second, on one core (reading excluded).

Usage: python benchmarks/audit.py [--tables 10000] [--repeat 5]

Makes ``--tables`` distinct tables of all three forms from the bundled samples
(``benchmarks/corpus.py``: own names, moved 执行数 and actual values, printed
scores sometimes stale), empties every cache, then audits each table once with
``jixiao.audit(table)`` (every check, scoring included). That first pass is the
figure. It is made ``--repeat`` times, each with the caches emptied again, and
the best and median are printed (``benchmarks/passes.py`` says why); a second
pass (a re-run, with whatever the caches kept) is printed too.
Target: ≥ 2,000 tables/s.

The figure is tables per CPU second of this single-threaded process, so other
work on the machine does not distort it; wall-clock speed is printed too.
"""

from __future__ import annotations

import argparse
import gc
from collections import Counter

from jixiao import audit
from jixiao.audit.context import clear_caches as clear_audit_caches
from jixiao.scoring.engine import clear_caches as clear_scoring_caches

from corpus import make
from passes import report

TARGET = 2000  # tables per second


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tables", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=5, help="first passes to make")
    args = ap.parse_args()
    tables = make(args.tables)
    audit(tables[0])  # imports, compiled patterns, rule sets
    clear_scoring_caches()
    clear_audit_caches()
    # The corpus stands for tables already read; keep it out of the collector's
    # way as a batch run that reads, audits and drops each table would.
    gc.collect()
    gc.freeze()
    forms = Counter(t.form for t in tables)
    print(
        f"{len(tables):,} distinct tables {dict(forms)}; target ≥ {TARGET:,} tables per CPU second"
    )

    def clear() -> None:
        clear_scoring_caches()
        clear_audit_caches()

    report(tables, lambda t: len(audit(t).findings), clear, args.repeat, TARGET, "findings")


if __name__ == "__main__":
    main()
