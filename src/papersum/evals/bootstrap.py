"""Paired bootstrap confidence interval for the difference of a corpus metric between two runs."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

DEFAULT_RESAMPLES = 1000
DEFAULT_SEED = 20201


@dataclass(frozen=True)
class BootstrapResult:
    """`delta` = statistic(B) - statistic(A) on the full sample, with a percentile interval."""

    delta: float
    low: float
    high: float
    confidence: float
    resamples: int
    seed: int
    share_b_better: float  # share of resamples where B beat A (delta > 0)

    @property
    def significant(self) -> bool:
        """True when the interval excludes 0."""
        return self.low > 0 or self.high < 0


def _percentile(sorted_values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile of already sorted values, q in [0, 1]."""
    position = q * (len(sorted_values) - 1)
    lower = int(position)
    upper = min(lower + 1, len(sorted_values) - 1)
    fraction = position - lower
    return sorted_values[lower] * (1 - fraction) + sorted_values[upper] * fraction


def paired_bootstrap(
    rows_a: Sequence[T],
    rows_b: Sequence[T],
    statistic: Callable[[Sequence[T]], float],
    *,
    resamples: int = DEFAULT_RESAMPLES,
    confidence: float = 0.95,
    seed: int = DEFAULT_SEED,
) -> BootstrapResult:
    """Resample papers with replacement (the same indices for both runs) and take the percentile
    interval of statistic(B sample) - statistic(A sample).

    `rows_a[i]` and `rows_b[i]` must describe the same paper. Seeded with its own Random, so the
    same inputs always give the same interval.
    """
    if len(rows_a) != len(rows_b):
        raise ValueError(f"paired bootstrap needs equal lengths, got {len(rows_a)} and {len(rows_b)}")
    if not rows_a:
        raise ValueError("paired bootstrap needs at least one paired paper")
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    rng = random.Random(seed)
    n = len(rows_a)
    deltas: list[float] = []
    for _ in range(resamples):
        indices = [rng.randrange(n) for _ in range(n)]
        deltas.append(statistic([rows_b[i] for i in indices]) - statistic([rows_a[i] for i in indices]))
    deltas.sort()
    alpha = (1 - confidence) / 2
    return BootstrapResult(
        delta=statistic(rows_b) - statistic(rows_a),
        low=_percentile(deltas, alpha),
        high=_percentile(deltas, 1 - alpha),
        confidence=confidence,
        resamples=resamples,
        seed=seed,
        share_b_better=sum(1 for d in deltas if d > 0) / resamples,
    )
