"""Does the "This paper" TL;DR prefill help SmolLM2? SciTLDR ROUGE-1 on N dev abstracts, with/without.

    PYTHONPATH=src python scripts/bench_prefill.py --n 20

Scored as in SciTLDR: ROUGE-1 F1 against every gold TL;DR, keeping the best; no stemming.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
from pathlib import Path

from rouge_score import rouge_scorer

from papersum.llm_request import COMPACT_LIMITS
from papersum.models import Paper
from papersum.providers.local import LocalProvider


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--data", type=Path, default=Path("evals/data/scitldr_a_dev.jsonl"))
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines()[: args.n]]
    scorer = rouge_scorer.RougeScorer(["rouge1"], use_stemmer=False)
    setups = {
        "prefill": dataclasses.replace(COMPACT_LIMITS, tldr_prefix="This paper"),
        "no-prefill": dataclasses.replace(COMPACT_LIMITS, tldr_prefix=None),
    }
    for name, limits in setups.items():
        scores: list[float] = []
        failed = 0
        with LocalProvider(limits=limits) as provider:
            for row in rows:
                paper = Paper(id=row["id"], title=row.get("title", ""), abstract=row["abstract"])
                result = provider.execute(paper)
                if result.summary is None:
                    failed += 1
                    scores.append(0.0)
                    continue
                best = max(
                    scorer.score(gold, result.summary.tldr)["rouge1"].fmeasure for gold in row["tldrs"]
                )
                scores.append(best)
        print(
            json.dumps(
                {
                    "setup": name,
                    "n": len(rows),
                    "failed": failed,
                    "rouge1": round(100 * statistics.mean(scores), 1),
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
