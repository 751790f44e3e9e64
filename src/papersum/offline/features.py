"""Sparse bag-of-words features for the category classifier (shared by training and run time)."""

from __future__ import annotations

import math

from papersum.offline.text import content_words

TITLE_WEIGHT = 2  # a title word says more about the field than an abstract word


def category_features(title: str, abstract: str) -> dict[str, float]:
    """Unigram and adjacent-bigram counts (title counted twice), log-scaled and L2-normalised."""
    counts: dict[str, float] = {}
    for text, weight in ((title, TITLE_WEIGHT), (abstract, 1)):
        tokens = content_words(text)
        previous = ""
        for token in tokens:
            counts[token] = counts.get(token, 0.0) + weight
            if previous:
                bigram = f"{previous} {token}"
                counts[bigram] = counts.get(bigram, 0.0) + weight
            previous = token
    if not counts:
        return {}
    scaled = {key: 1.0 + math.log(value) for key, value in counts.items()}
    norm = math.sqrt(sum(v * v for v in scaled.values()))
    return {key: value / norm for key, value in scaled.items()}
