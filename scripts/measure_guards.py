"""What each refine guard does: re-score cached draft-and-refine runs with guards switched off.

    PAPERSUM_CACHE_DIR=... PYTHONPATH=src python scripts/measure_guards.py evals/runs/dev-*-local-v2

For every `papersum eval` run directory given (made with a draft-and-refine prompt), the model's
answers are read back from the result cache under the run's recorded provider identity (nothing
is sent), then refined with all guards, with each guard off in turn, and with none (the model's
answer as it came), and scored like the run. Each line: the suite's main metric and the paired
bootstrap 95% interval of its difference to the draft alone (the offline engine).
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from papersum.cache import ResultCache, cache_key
from papersum.config import load_settings
from papersum.evals.bootstrap import paired_bootstrap
from papersum.evals.report import load_report
from papersum.evals.scoring import main_statistic, score_suite
from papersum.evals.suites import SuiteItem, load_suite
from papersum.models import Annotation, Summary
from papersum.refine import GUARDS, make_draft, refine


def annotations_for(
    items: Sequence[SuiteItem], answers: Sequence[Summary | None], off: frozenset[str] | None
) -> list[Annotation]:
    """off=None: the draft alone; otherwise the refined answer with those guards off."""
    out: list[Annotation] = []
    for item, answer in zip(items, answers, strict=True):
        draft = make_draft(item.paper)
        if off is None:
            summary = draft.summary
        elif answer is None:
            out.append(Annotation.from_paper(item.paper, error="not in the cache"))
            continue
        else:
            summary = refine(item.paper, draft, answer, off).summary
        out.append(Annotation.from_paper(item.paper, tldr=summary.tldr, tags=summary.tags))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("runs", nargs="+", type=Path)
    args = parser.parse_args()
    cache = ResultCache.open(load_settings().cache_dir)
    variants: list[tuple[str, frozenset[str] | None]] = [
        ("draft (offline)", None),
        ("all guards", frozenset()),
        *[(f"without {name}", frozenset({name})) for name in GUARDS],
        ("no guards (model as is)", frozenset(GUARDS)),
    ]
    for run in args.runs:
        report = load_report(run)
        meta = report.meta
        items = load_suite(meta.suite, limit=meta.limit, skip=meta.skip)
        identity = meta.provider_identity
        answers = []
        for item in items:
            hit = cache.get(cache_key(identity, item.paper))
            answers.append(hit.summary if hit is not None else None)
        missing = sum(answer is None for answer in answers)
        where = f"{len(items)} papers, skip {meta.skip}, {missing} not cached"
        print(f"\n{meta.suite} ({where}): {report.main_metric}")
        statistic = main_statistic(meta.suite)
        base_rows = score_suite(meta.suite, items, annotations_for(items, answers, None)).rows
        for name, off in variants:
            scores = score_suite(meta.suite, items, annotations_for(items, answers, off))
            boot = paired_bootstrap(base_rows, scores.rows, statistic)
            print(
                f"  {name:28s} {100 * statistic(scores.rows):6.1f}   vs draft {100 * boot.delta:+5.1f} "
                f"[{100 * boot.low:+5.1f}, {100 * boot.high:+5.1f}]"
            )
        sources: Counter[tuple[str, str]] = Counter()
        for item, answer in zip(items, answers, strict=True):
            if answer is not None:
                for field, source in refine(item.paper, make_draft(item.paper), answer).fields.items():
                    sources[field, source] += 1
        print("  fields (all guards):", ", ".join(f"{f} {s} {n}" for (f, s), n in sorted(sources.items())))
    cache.close()


if __name__ == "__main__":
    main()
