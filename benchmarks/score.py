"""Scoring speed: tables scored per second on one core (reading excluded).

Usage: python benchmarks/score.py [--tables 10000] [--rules NAME] [--repeat 5]

Makes ``--tables`` distinct self-evaluations from the bundled samples
(``benchmarks/corpus.py``: own names, moved 执行数 and actual values, printed
scores sometimes stale), empties every cache (parsed values, memoised row
scores), then scores each table once. That first pass is the figure: a corpus
never seen before. It is made ``--repeat`` times, each with the caches emptied
again, and the best and median are printed (``benchmarks/passes.py`` says
why); a second pass over the same tables is printed too (a re-run, with
whatever the caches kept). Target: ≥ 5,000 tables/s.

The figure is tables per CPU second of this single-threaded process, so other
work on the machine does not distort it; wall-clock speed is printed too.
"""

from __future__ import annotations

import argparse
import gc

from jixiao.scoring import clear_caches, load_rules, score

from corpus import make
from passes import report

TARGET = 5000
FORMS = ("project_self_evaluation", "department_self_evaluation")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=10_000)
    parser.add_argument("--rules", default="mof-2020")
    parser.add_argument("--repeat", type=int, default=5, help="first passes to make")
    args = parser.parse_args()
    tables = make(args.tables, forms=FORMS)
    rules = load_rules(args.rules)
    score(tables[0], rules)  # imports, compiled patterns, the rule set's variants
    clear_caches()
    # The corpus stands for tables already read; keep it out of the collector's
    # way as a batch run that reads, scores and drops each table would.
    gc.collect()
    gc.freeze()
    indicators = sum(len(t.indicators) for t in tables)
    print(
        f"{len(tables):,} distinct tables ({indicators:,} indicators), rules {rules.label}; "
        f"target ≥ {TARGET:,} tables per CPU second ({indicators / len(tables):.1f} indicators a table)"
    )
    report(
        tables,
        lambda t: len(score(t, rules).differences),
        clear_caches,
        args.repeat,
        TARGET,
        "differences found",
    )


if __name__ == "__main__":
    main()
