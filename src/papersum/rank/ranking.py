"""`rank_annotations`: filter by include/exclude, score, order, cut, and explain each kept paper."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from papersum.curate import keyword_drop_reason, keywords_found
from papersum.errors import UsageError
from papersum.models import Annotation
from papersum.rank.explain import explain
from papersum.rank.profile import RankOptions, ReaderProfile, library_keys, match_keys
from papersum.rank.score import DayFeed, score_documents
from papersum.rank.text import Document


@dataclass
class RankResult:
    """The kept annotations best first, how many were considered, and why the others went."""

    kept: list[Annotation]
    considered: int = 0
    dropped: Counter[str] = field(default_factory=Counter)


def rank(
    annotations: Iterable[Annotation],
    profile: ReaderProfile,
    options: RankOptions | None = None,
    day: DayFeed | None = None,
) -> RankResult:
    """Rank for one reader. Include/exclude filter before scoring; min_score and top cut after.

    `day`: the day's papers fitted once (`DayFeed.fit`), when many readers rank parts of one day;
    the result is the same, the reader's papers are just not read again.
    """
    options = options or RankOptions()
    if profile.empty:
        raise UsageError("nothing to rank by: give a library, interests, or a reader with ratings")
    if options.top is not None and options.top < 1:
        raise UsageError("--top must be at least 1")
    candidates: list[Annotation] = []
    dropped: Counter[str] = Counter()
    considered = 0
    owned = library_keys(profile.library)
    for annotation in annotations:
        considered += 1
        rating = profile.ratings.get(annotation.paper_id) if profile.ratings is not None else None
        if rating is not None:  # the reader has seen it
            dropped[f"already rated {'up' if rating.up else 'down'}"] += 1
        elif owned and not owned.isdisjoint(match_keys(annotation.paper_id, annotation.title)):
            dropped["already in the library"] += 1
        elif reason := keyword_drop_reason(annotation, options.include, options.exclude):
            dropped[reason] += 1
        else:
            candidates.append(annotation)
    documents = [Document(a.title, a.abstract) for a in candidates]
    fitted = (
        day.select(list(zip([a.paper_id for a in candidates], documents, strict=True)))
        if day is not None
        else None
    )
    scores = score_documents(fitted or documents, profile, options.scoring)
    order = [int(i) for i in np.argsort(-scores.score, kind="stable")]
    if options.min_score is not None:
        below = [i for i in order if scores.score[i] < options.min_score]
        if below:
            dropped[f"score below {options.min_score:g}"] += len(below)
        order = [i for i in order if scores.score[i] >= options.min_score]
    if options.top is not None and len(order) > options.top:
        dropped[f"beyond the top {options.top}"] += len(order) - options.top
        order = order[: options.top]
    kept = []
    for row in order:
        item = candidates[row]
        relevance = explain(
            scores, row, f"{item.title}\n{item.abstract}", keywords_found(item, options.include)
        )
        kept.append(item.model_copy(update={"relevance": relevance}))
    return RankResult(kept, considered, dropped)


def rank_annotations(
    annotations: Iterable[Annotation],
    profile: ReaderProfile,
    options: RankOptions | None = None,
    day: DayFeed | None = None,
) -> list[Annotation]:
    """The kept annotations in rank order, each with `.relevance` set (score, reasons, matched)."""
    return rank(annotations, profile, options, day).kept


def fit_day(annotations: Iterable[Annotation]) -> DayFeed:
    """A day's papers fitted once, for `rank(..., day=...)` of each reader."""
    return DayFeed.fit([(a.paper_id, Document(a.title, a.abstract)) for a in annotations])
