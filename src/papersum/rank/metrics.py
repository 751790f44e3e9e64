"""Ranking metrics with binary relevance (pure): nDCG@k, recall@k, average precision, reciprocal rank."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

METRICS = ("ndcg@10", "recall@20", "recall@50", "map", "mrr")


def ranking_metrics(ranked: Sequence[str], relevant: Iterable[str]) -> dict[str, float]:
    """Metrics of one ranked list of ids against the set of relevant ids (every list item ranked)."""
    positives = set(relevant)
    if not positives:
        raise ValueError("no relevant papers to score against")
    hits = [paper in positives for paper in ranked]
    dcg = sum(1.0 / math.log2(rank + 2) for rank, hit in enumerate(hits[:10]) if hit)
    ideal = sum(1.0 / math.log2(rank + 2) for rank in range(min(10, len(positives))))
    found = 0
    precision_sum = 0.0
    first = 0.0
    for rank, hit in enumerate(hits, start=1):
        if hit:
            found += 1
            precision_sum += found / rank
            first = first or 1.0 / rank
    return {
        "ndcg@10": dcg / ideal,
        "recall@20": sum(hits[:20]) / len(positives),
        "recall@50": sum(hits[:50]) / len(positives),
        "map": precision_sum / len(positives),  # relevant papers never ranked count as precision 0
        "mrr": first,
    }


def mean_metrics(rows: Sequence[Mapping[str, float]]) -> dict[str, float]:
    """Per-metric mean over readers, in percent."""
    if not rows:
        return dict.fromkeys(METRICS, 0.0)
    return {name: 100.0 * sum(row[name] for row in rows) / len(rows) for name in METRICS}
