"""Sparse bag-of-words features for the category classifier (shared by training and run time)."""

from __future__ import annotations

import math
from collections import Counter
from itertools import pairwise
from operator import mul

from papersum.offline.text import content_words

TITLE_WEIGHT = 2  # a title word says more about the field than an abstract word
_scaled = [0.0]  # _scaled[count] = 1.0 + math.log(count); replaced by a longer list when needed


def _terms(text: str) -> list[str]:
    """The text's unigrams and adjacent bigrams in the order they occur: w0, w1, "w0 w1", w2, ..."""
    tokens = content_words(text)
    if len(tokens) < 2:
        return tokens
    terms = [""] * (2 * len(tokens) - 1)
    terms[0::2] = [tokens[0], *map(" ".join, pairwise(tokens))]
    terms[1::2] = tokens[1:]
    return terms


def category_vector(title: str, abstract: str) -> tuple[list[str], list[float]]:
    """category_features as (keys, values), in the same order."""
    counts = Counter(_terms(title))
    for key in counts:
        counts[key] *= TITLE_WEIGHT
    counts.update(_terms(abstract))
    if not counts:
        return [], []
    global _scaled
    table, top = _scaled, max(counts.values())
    if top >= len(table):
        # A new list, never grown in place: another thread may be reading the old one.
        table = _scaled = table + [1.0 + math.log(count) for count in range(len(table), top + 1)]
    scaled = list(map(table.__getitem__, counts.values()))
    # Summed left to right, as `sum(v * v for v in scaled)` (the same float result).
    norm = math.sqrt(sum(map(mul, scaled, scaled)))
    return list(counts), [value / norm for value in scaled]


def category_features(title: str, abstract: str) -> dict[str, float]:
    """Unigram and adjacent-bigram counts (title counted twice), log-scaled and L2-normalised."""
    keys, values = category_vector(title, abstract)
    return dict(zip(keys, values, strict=True))
