"""Terms and TF-IDF vectors for relevance, fitted on the feed being ranked.

Terms are lower-cased word pieces (hyphens split), stopwords dropped, inflections folded
("networks" -> "network"), plus adjacent pairs ("neural network"). Weights are TF-IDF with sublinear
term frequency, with the inverse document frequency of the feed itself, so "model" counts little in
a machine-learning feed and a rare phrase counts a lot; vectors are L2-normalised (cosine).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np

from papersum.offline.text import STOPWORDS, fold_inflection

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

_PIECE = re.compile(r"[a-z0-9]{2,}")  # one-character pieces carry no topic
# A title says more about a paper than any one abstract sentence: its terms count this many times.
TITLE_WEIGHT = 2


# word -> folded form, or "" for a stopword: the same few thousand words recur in every feed.
_FOLDED: dict[str, str] = {}


def _fold(word: str) -> str:
    folded = "" if word in STOPWORDS else fold_inflection(word)
    _FOLDED[word] = folded
    return folded


def words(text: str) -> list[str]:
    """Folded content words in order (stopwords and one-character pieces dropped)."""
    folded = [_FOLDED.get(w) or _fold(w) for w in _PIECE.findall(text.lower())]
    return [w for w in folded if w]


def terms(text: str) -> list[str]:
    """Words plus adjacent word pairs."""
    found = words(text)
    return found + [f"{a} {b}" for a, b in pairwise(found)]


@dataclass(frozen=True)
class Document:
    """The text fields of one paper, library entry, interest or rated paper."""

    title: str = ""
    body: str = ""  # abstract, interest phrase, keywords: everything weighted once

    def terms(self) -> list[str]:
        """Every term occurrence; title terms repeated TITLE_WEIGHT times."""
        return terms(self.title) * TITLE_WEIGHT + terms(self.body)


def _normalised(matrix: csr_matrix) -> csr_matrix:
    """Sublinear term frequency (1 + log tf) is applied by the caller; here rows get unit length."""
    from scipy.sparse import diags

    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return (diags(1.0 / norms) @ matrix).tocsr()


class TermIndex:
    """Vocabulary and inverse document frequencies of one feed; turns documents into vectors."""

    def __init__(self, vocabulary: dict[str, int], idf: np.ndarray, terms: list[str] | None = None) -> None:
        self.vocabulary = vocabulary
        self.idf = idf
        self.terms = terms if terms is not None else list(vocabulary)

    @classmethod
    def fit(cls, feed: Sequence[Document]) -> tuple[TermIndex, csr_matrix]:
        """The index of a feed and the feed's own vectors (one pass over its terms)."""
        index, counts = cls.count(feed)
        return index, index.weigh(counts)

    @classmethod
    def count(cls, feed: Sequence[Document]) -> tuple[TermIndex, csr_matrix]:
        """The index of a feed and its raw term counts (documents x terms)."""
        vocabulary: dict[str, int] = defaultdict(lambda: len(vocabulary))  # a new term gets the next id
        rows: list[int] = []
        columns: list[int] = []
        for row, document in enumerate(feed):
            ids = list(map(vocabulary.__getitem__, document.terms()))
            rows.extend([row] * len(ids))
            columns.extend(ids)
        vocabulary = dict(vocabulary)
        counts = _count_matrix(rows, columns, len(feed), len(vocabulary))
        return cls(vocabulary, _idf(counts, len(vocabulary))), counts

    def restricted(self, counts: csr_matrix) -> TermIndex:
        """The index of some of the feed's documents alone (their counts): idf from their own document
        frequencies, and a term none of them uses weighs 0, as if it were not in the vocabulary."""
        return TermIndex(self.vocabulary, _idf(counts, len(self.terms)), self.terms)

    def vectors(self, documents: Iterable[Document]) -> csr_matrix:
        """One L2-normalised TF-IDF row per document; terms the feed never uses are dropped."""
        rows: list[int] = []
        columns: list[int] = []
        n = 0
        for row, document in enumerate(documents):
            found = [self.vocabulary.get(term) for term in document.terms()]
            ids = [column for column in found if column is not None]
            rows.extend([row] * len(ids))
            columns.extend(ids)
            n = row + 1
        return self.weigh(_count_matrix(rows, columns, n, len(self.terms)))

    def weigh(self, counts: csr_matrix) -> csr_matrix:
        """TF-IDF rows (sublinear tf, this index's idf), L2-normalised."""
        weighted = counts.astype(np.float64)
        weighted.data = (1.0 + np.log(weighted.data)) * self.idf[weighted.indices]
        return _normalised(weighted)


def _idf(counts: csr_matrix, n_terms: int) -> np.ndarray:
    """scikit-learn's smoothed idf (a term in every document still weighs 1); 0 for unused terms."""
    frequency = np.bincount(counts.indices, minlength=n_terms)
    idf = np.log((1 + counts.shape[0]) / (1 + frequency)) + 1.0
    return np.where(frequency > 0, idf, 0.0)


def _count_matrix(rows: list[int], columns: list[int], n_rows: int, n_columns: int) -> csr_matrix:
    from scipy.sparse import coo_matrix

    ones = np.ones(len(rows), dtype=np.float64)
    matrix = coo_matrix((ones, (rows, columns)), shape=(n_rows, n_columns)).tocsr()
    matrix.sum_duplicates()
    return matrix
