"""The entity typer's per-key lexicon terms for a whole lexicon at once (start-up of FastTyper).

Each term is the same float as FastTyper._lexicon_term / the gold term computes key by key: the same
IEEE operations in the same order, element-wise over numpy float64 columns (the logarithms stay
Python's math.log / math.log1p, which numpy's own may differ from in the last bit). Building the
~15,600 terms key by key took ~0.1 s of every process's start-up.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

Triple = tuple[float, float, float]


def _columns(counts: Mapping[str, Sequence[int]]) -> np.ndarray:
    """(keys, count columns) as float64; counts are small integers, so exact."""
    return np.array(list(counts.values()), dtype=np.float64).reshape(len(counts), -1)


def _weighted_sum(
    weights: Sequence[Sequence[float]],
    start: int,
    values: np.ndarray,
    extra: list[np.ndarray] | None = None,
) -> dict[int, list[float]]:
    """Per label: sum(w[start + i] * values[:, i] for i), summed left to right from 0 like `sum`,
    then + the label's `extra` column."""
    sums: dict[int, list[float]] = {}
    for label, w in enumerate(weights):
        total = np.zeros(values.shape[0])
        for i in range(values.shape[1]):
            total = total + w[start + i] * values[:, i]
        if extra is not None:
            total = total + extra[label]
        sums[label] = total.tolist()
    return sums


def _triples(keys: Sequence[str], sums: dict[int, list[float]]) -> dict[str, Triple]:
    return dict(zip(keys, zip(sums[0], sums[1], sums[2], strict=True), strict=True))


def lexicon_terms(
    counts: Mapping[str, Sequence[int]],
    weights: Sequence[Sequence[float]],
    prior: Sequence[float],
    smoothing: float,
    offset: int,
    seen: int | None,
) -> dict[str, Triple]:
    """Key -> per-label sum of the group's log-share features (columns 1.. of the counts, weights
    from `offset`) plus, if `seen` is a feature index, its weight times log1p(total count)."""
    if not counts:
        return {}
    table = _columns(counts)
    totals = table.sum(axis=1)  # exact: integers
    shares = [(table[:, i] + smoothing * p) / (totals + smoothing) for i, p in enumerate(prior)][1:]
    logs = np.array([list(map(math.log, column.tolist())) for column in shares]).T
    seen_values = np.array(list(map(math.log1p, totals.tolist())))
    # `+ 0.0` where the group has no "seen" feature, as the scalar version adds.
    extra = [w[seen] * seen_values if seen is not None else np.zeros(len(counts)) for w in weights]
    return _triples(list(counts), _weighted_sum(weights, offset, logs, extra))


def gold_terms(
    counts: Mapping[str, Sequence[int]], weights: Sequence[Sequence[float]], start: int, labels: int
) -> dict[str, Triple]:
    """Key -> per-label sum(w[start + i] * log1p(counts[i + 1]) for i in range(labels))."""
    if not counts:
        return {}
    table = _columns(counts)[:, 1 : labels + 1]
    logs = np.array([list(map(math.log1p, column.tolist())) for column in table.T]).T
    return _triples(list(counts), _weighted_sum(weights, start, logs))
