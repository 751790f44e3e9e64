"""The offline ranker: how close each feed paper is to a reader's library, interests and ratings.

Every profile item (a library entry, an interest phrase, a rated paper) gets its cosine similarity
to each feed paper, z-scored over the feed: "how unusually close is this paper to that item,
compared with the rest of today's feed". Z-scores put a 15-word interest phrase and a 300-word
abstract on one scale and need no constant tuned to a corpus. Per group they combine as the
maximum (the closest item, so one niche entry can carry a paper) plus the mean (the library as a
whole), each z-scored again; interests add half a signal; papers rated up form a group like the
library; a paper closer to one rated down than to anything liked is pushed down by the difference.
The total is z-scored once more, so a score reads as standard deviations above the feed's average.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from papersum.rank.profile import LibraryEntry, ReaderProfile, ScoringConfig
from papersum.rank.text import Document, TermIndex

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

LIBRARY, INTERESTS, LIKED, DISLIKED = "library", "interests", "liked", "disliked"


def standardise(values: np.ndarray) -> np.ndarray:
    """z-scores along the first axis; a constant column becomes all zeros (it says nothing)."""
    spread = values.std(axis=0)
    safe = np.where(spread > 1e-12, spread, 1.0)
    return np.where(spread > 1e-12, (values - values.mean(axis=0)) / safe, 0.0)


def recency_weights(added: Sequence[date | None]) -> np.ndarray:
    """Newer library entries weigh more in the mean: 1 / (1 + log10(rank by date added)), as
    zotero-arxiv-daily does. Entries without a date rank after every dated one; none dated: equal."""
    if not any(day is not None for day in added):
        return np.ones(len(added))
    order = sorted(range(len(added)), key=lambda i: (added[i] is None, -(added[i] or date.min).toordinal()))
    weights = np.empty(len(added))
    for rank, index in enumerate(order, start=1):
        weights[index] = 1.0 / (1.0 + math.log10(rank))
    return weights


@dataclass
class ItemGroup:
    """One kind of profile item: labels (titles, phrases), z-scored similarities, raw vectors."""

    kind: str
    labels: list[str]
    z: np.ndarray  # feed papers x items
    vectors: csr_matrix
    weights: np.ndarray

    @property
    def size(self) -> int:
        return len(self.labels)


@dataclass
class FeedScores:
    """The score of every feed paper plus what is needed to explain it."""

    score: np.ndarray
    groups: dict[str, ItemGroup] = field(default_factory=dict)
    index: TermIndex | None = None
    feed_vectors: csr_matrix | None = None
    penalty: np.ndarray | None = None  # how much closer to a disliked paper than to anything liked


def _group(
    kind: str,
    labels: list[str],
    documents: list[Document],
    weights: np.ndarray,
    index: TermIndex,
    feed: csr_matrix,
    config: ScoringConfig,
) -> ItemGroup:
    vectors = index.vectors(documents)
    similarity = (feed @ vectors.T).toarray()
    z = standardise(similarity) if config.item_z else similarity
    return ItemGroup(kind, labels, z, vectors, weights)


def _max_and_mean(group: ItemGroup, config: ScoringConfig) -> np.ndarray:
    informative = group.z.std(axis=0) > 1e-12  # an item sharing no term with the feed says nothing
    if not informative.any():
        return np.zeros(group.z.shape[0])
    z, weights = group.z[:, informative], group.weights[informative]
    total = np.zeros(z.shape[0])
    if config.use_max:
        total += standardise(z.max(axis=1))
    if config.use_mean:
        total += standardise(z @ weights / weights.sum())
    return total


def profile_groups(
    profile: ReaderProfile, index: TermIndex, feed: csr_matrix, config: ScoringConfig
) -> dict[str, ItemGroup]:
    groups: dict[str, ItemGroup] = {}
    library: list[LibraryEntry] = [e for e in profile.library if e.title or e.abstract]
    if library:
        weights = recency_weights([e.added for e in library])
        docs = [e.document() for e in library]
        groups[LIBRARY] = _group(LIBRARY, [e.title for e in library], docs, weights, index, feed, config)
    if profile.interests:
        phrases = list(profile.interests)
        docs = [Document(body=p) for p in phrases]
        groups[INTERESTS] = _group(INTERESTS, phrases, docs, np.ones(len(phrases)), index, feed, config)
    if profile.ratings is not None:
        for kind, rated in ((LIKED, profile.ratings.liked), (DISLIKED, profile.ratings.disliked)):
            rated = [r for r in rated if r.has_text]
            if rated:
                docs = [r.document() for r in rated]
                labels = [r.title or r.paper_id for r in rated]
                groups[kind] = _group(kind, labels, docs, np.ones(len(rated)), index, feed, config)
    return groups


@dataclass(frozen=True)
class FittedFeed:
    """A feed's term index and vectors: fit once, score for many readers."""

    index: TermIndex
    vectors: csr_matrix
    counts: csr_matrix | None = None  # raw term counts: a subset is weighed again without re-reading

    @classmethod
    def fit(cls, documents: Sequence[Document]) -> FittedFeed:
        index, counts = TermIndex.count(documents)
        return cls(index, index.weigh(counts), counts)

    @property
    def size(self) -> int:
        return int(self.vectors.shape[0])

    def subset(self, rows: Sequence[int]) -> FittedFeed:
        """The feed of these rows alone, scored as `fit` on their documents would score it (idf from
        their own document frequencies), without tokenising them again: a day's papers are fitted
        once and each reader's feed (what is new for them, after include/exclude) is a selection."""
        if self.counts is None:
            raise ValueError("this FittedFeed keeps no counts to select from")
        counts = self.counts[np.asarray(rows, dtype=np.int64)]
        index = self.index.restricted(counts)
        return FittedFeed(index, index.weigh(counts), counts)


@dataclass(frozen=True)
class DayFeed:
    """A day's papers fitted once; `select` gives any reader's part of it as a FittedFeed."""

    fitted: FittedFeed
    rows: dict[str, int]  # paper id -> row
    documents: list[Document]

    @classmethod
    def fit(cls, papers: Sequence[tuple[str, Document]]) -> DayFeed:
        rows: dict[str, int] = {}
        for row, (paper_id, _) in enumerate(papers):
            rows.setdefault(paper_id, row)
        documents = [document for _, document in papers]
        return cls(FittedFeed.fit(documents), rows, documents)

    def select(self, papers: Sequence[tuple[str, Document]]) -> FittedFeed | None:
        """These papers' feed, or None when one of them is not (or not with this text) in the day."""
        rows = [self.rows.get(paper_id, -1) for paper_id, _ in papers]
        if any(
            row < 0 or self.documents[row] != document
            for row, (_, document) in zip(rows, papers, strict=True)
        ):
            return None
        return self.fitted.subset(rows)


def score_documents(
    feed_documents: Sequence[Document] | FittedFeed,
    profile: ReaderProfile,
    config: ScoringConfig | None = None,
) -> FeedScores:
    """Score each feed document for the reader (higher first); pure and deterministic."""
    config = config or ScoringConfig()
    fitted = feed_documents if isinstance(feed_documents, FittedFeed) else FittedFeed.fit(feed_documents)
    n = fitted.size
    if n == 0:
        return FeedScores(np.zeros(0))
    index, feed = fitted.index, fitted.vectors
    groups = profile_groups(profile, index, feed, config)
    total = np.zeros(n)
    if LIBRARY in groups:
        total += _max_and_mean(groups[LIBRARY], config)
    if INTERESTS in groups:
        interests = groups[INTERESTS]
        informative = interests.z.std(axis=0) > 1e-12
        if informative.any():
            weight = config.interest_weight if LIBRARY in groups or LIKED in groups else 1.0
            total += weight * standardise(interests.z[:, informative].mean(axis=1))
    if LIKED in groups:
        total += _max_and_mean(groups[LIKED], config)
    penalty = None
    if DISLIKED in groups:
        liked = [groups[k].z for k in (LIBRARY, LIKED) if k in groups]
        closest_liked = np.hstack(liked).max(axis=1) if liked else np.zeros(n)
        penalty = np.maximum(groups[DISLIKED].z.max(axis=1) - closest_liked, 0.0)
        total -= penalty
    return FeedScores(standardise(total), groups, index, feed, penalty)
