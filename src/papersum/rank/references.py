"""Reference rankers for the relevance evaluation, beside ours.

`text_references` use our own terms (folded words and pairs, title twice) so that only the way of
combining signals differs from ours. `sklearn_references` follow the data README to the letter
(scikit-learn TF-IDF over the feed: title + abstract, 1-2 grams, sublinear tf, English stop words)
and need scikit-learn (the `eval` extra); they reproduce the README's reference figures.
"""

from __future__ import annotations

import numpy as np

from papersum.rank.evaluate import EvalReader, Ranker, RelevanceData
from papersum.rank.ratings import Ratings
from papersum.rank.score import standardise
from papersum.rank.text import Document

# The textbook Rocchio weights (Manning, Raghavan & Schütze, ch. 9): query, liked, disliked.
ROCCHIO = (1.0, 0.75, 0.15)
RANDOM_SEEDS = 10


def _cosine_to(feed: np.ndarray | object, vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return np.asarray(feed @ vector).ravel() / (norm or 1.0)


def random_ranker(data: RelevanceData, reader: EvalReader, _ratings: Ratings | None) -> np.ndarray:
    seed = sum(map(ord, reader.name))
    return np.random.default_rng(seed).random(len(data.papers))


def _centroid(data: RelevanceData, documents: list[Document]) -> np.ndarray:
    return np.asarray(data.feed.index.vectors(documents).mean(axis=0)).ravel()


def _library_docs(reader: EvalReader) -> list[Document]:
    return [e.document() for e in reader.library.entries]


def interests_only(data: RelevanceData, reader: EvalReader, _ratings: Ratings | None) -> np.ndarray:
    query = data.feed.index.vectors([Document(body=" ".join(reader.interests))])
    return np.asarray((data.feed.vectors @ query.T).toarray()).ravel()


def library_centroid(data: RelevanceData, reader: EvalReader, _ratings: Ratings | None) -> np.ndarray:
    return _cosine_to(data.feed.vectors, _centroid(data, _library_docs(reader)))


def zscored_sum(data: RelevanceData, reader: EvalReader, _ratings: Ratings | None) -> np.ndarray:
    """The README's hybrid: z(centroid) + z(max similarity) + 0.5 z(interests)."""
    library = data.feed.index.vectors(_library_docs(reader))
    closest = np.asarray((data.feed.vectors @ library.T).max(axis=1).toarray()).ravel()
    centroid = library_centroid(data, reader, None)
    interests = interests_only(data, reader, None)
    total: np.ndarray = standardise(centroid) + standardise(closest) + 0.5 * standardise(interests)
    return total


def rocchio(data: RelevanceData, reader: EvalReader, ratings: Ratings | None) -> np.ndarray:
    """Library centroid moved toward papers rated up and away from those rated down, + interests."""
    alpha, beta, gamma = ROCCHIO
    query = alpha * _centroid(data, _library_docs(reader))
    if ratings is not None:
        if ratings.liked:
            query = query + beta * _centroid(data, [r.document() for r in ratings.liked])
        if ratings.disliked:
            query = query - gamma * _centroid(data, [r.document() for r in ratings.disliked])
    scores = standardise(_cosine_to(data.feed.vectors, query))
    return scores + 0.5 * standardise(interests_only(data, reader, None))


def text_references() -> dict[str, Ranker]:
    return {
        "random": random_ranker,
        "interests only": interests_only,
        "library centroid": library_centroid,
        "z-scored sum (centroid + max + 0.5 interests)": zscored_sum,
    }


def sklearn_references(data: RelevanceData) -> dict[str, Ranker] | None:
    """The README's reference rankers with scikit-learn, or None when it is not installed."""
    try:
        from scipy.sparse import vstack
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.svm import LinearSVC
    except ImportError:
        return None
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, stop_words="english")
    feed = vectorizer.fit_transform([f"{p.title} {p.abstract}" for p in data.papers])

    def library(reader: EvalReader) -> object:
        return vectorizer.transform([f"{e.title} {e.abstract or ''}" for e in reader.library.entries])

    def interests(reader: EvalReader) -> np.ndarray:
        query = vectorizer.transform([" ".join(reader.interests)])
        return np.asarray((feed @ query.T).toarray()).ravel()

    def centroid(reader: EvalReader) -> np.ndarray:
        return _cosine_to(feed, np.asarray(library(reader).mean(axis=0)).ravel())  # type: ignore[attr-defined]

    def hybrid(data: RelevanceData, reader: EvalReader, _ratings: Ratings | None) -> np.ndarray:
        closest = np.asarray((feed @ library(reader).T).max(axis=1).toarray()).ravel()  # type: ignore[attr-defined]
        total: np.ndarray = standardise(centroid(reader)) + standardise(closest)
        return total + 0.5 * standardise(interests(reader))

    def svm(data: RelevanceData, reader: EvalReader, _ratings: Ratings | None) -> np.ndarray:
        positives = library(reader)
        rows = vstack([positives, feed])
        labels = np.r_[np.ones(positives.shape[0]), np.zeros(feed.shape[0])]  # type: ignore[attr-defined]
        model = LinearSVC(C=0.1, class_weight="balanced").fit(rows, labels)
        return np.asarray(model.decision_function(feed))

    return {
        "sklearn: interests only": lambda d, r, _s: interests(r),
        "sklearn: library centroid": lambda d, r, _s: centroid(r),
        "sklearn: LinearSVC (C=0.1, balanced), library vs feed": svm,
        "sklearn: z-scored sum": hybrid,
    }
