"""Print the extraction quality table for the fixture corpus, and (on request) pin its figures as the gate's floor.

    python tools/quality_report.py                      # the table: overall and per platform
    python tools/quality_report.py --misses             # and every difference, page by page
    python tools/quality_report.py --write-baseline     # pin the current figures (refuses to lower a floor)
    python tools/quality_report.py --write-baseline --accept-lower   # after a deliberate, explained drop

The corpus, the metrics and the gate are described in docs/quality-gate.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path[:0] = [
    str(Path(__file__).resolve().parents[1]),
    str(Path(__file__).resolve().parents[1] / "tests" / "quality"),
]

from quality_metrics import (  # noqa: E402
    BASELINE,
    METRICS,
    PageResult,
    Tally,
    aggregate,
    baseline_from,
    load_baseline,
    load_corpus,
    regressions,
    score_corpus,
)

SHORT = {
    "title": "title",
    "author": "author",
    "date": "date",
    "body": "body",
    "comment_count": "count",
    "thread_presence": "thread",
    "comment_author_precision": "c.auth P",
    "comment_author_recall": "c.auth R",
    "comment_date": "c.date",
    "comment_parent": "c.parent",
}


def table(results: list[PageResult]) -> str:
    overall, per_platform = aggregate(results)
    head = f"{'platform':<22}{'pages':>6}" + "".join(f"{SHORT[m]:>10}" for m in METRICS)
    lines = [head, "-" * len(head)]

    def row(name: str, tally: Tally) -> str:
        cells = "".join(f"{'—' if v is None else f'{v:.3f}':>10}" for v in tally.rates().values())
        return f"{name:<22}{tally.pages:>6}{cells}"

    lines += [row(name, tally) for name, tally in per_platform.items()]
    lines += ["-" * len(head), row("overall", overall)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list every difference, page by page")
    parser.add_argument("--write-baseline", action="store_true", help=f"pin the current figures in {BASELINE.name}")
    parser.add_argument("--accept-lower", action="store_true", help="allow --write-baseline to lower a floor")
    args = parser.parse_args(argv)

    results = score_corpus(load_corpus())
    print(table(results))
    if args.misses:
        for result in results:
            for miss in result.misses:
                print(f"{result.case.key}: {miss}")
    current = baseline_from(results)
    if BASELINE.exists():
        old = load_baseline()
        pinned = [r for r in results if r.case.key in set(old["pages"])]
        drops = regressions(baseline_from(pinned), old)
        unpinned = sorted(set(current["pages"]) - set(old["pages"]))
        if unpinned:
            print(f"\n{len(unpinned)} pages are not pinned yet (the gate ignores them): {', '.join(unpinned)}")
        if drops:
            print("\nBelow the pinned floor:\n  " + "\n  ".join(drops))
    if args.write_baseline:
        lowered = regressions(current, load_baseline()) if BASELINE.exists() else []
        if lowered and not args.accept_lower:
            print("\nNot written: this would lower the floor:\n  " + "\n  ".join(lowered))
            print(
                "If the drop is deliberate (a harder page added), rerun with --accept-lower and say why in the commit."
            )
            return 1
        BASELINE.write_text(json.dumps(current, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"\nWrote {BASELINE.relative_to(Path.cwd()) if BASELINE.is_relative_to(Path.cwd()) else BASELINE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
