"""The relevance evaluation protocol (see ../shared/evaldata/relevance_acmcr_dev/README.md).

For each reader, rank the whole feed and score it against the reader's positives; average over
readers. Library only and library + interests are reported apart. The feedback round rates each
reader's top 10 from the gold (up if a positive, else down), ranks again, and scores only the papers
not yet rated, before and after. The data is read from its directory at evaluation time.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from papersum.errors import PapersumError, UsageError
from papersum.models import Paper
from papersum.rank.library import load_library
from papersum.rank.metrics import mean_metrics, ranking_metrics
from papersum.rank.profile import Library, ReaderProfile, ScoringConfig, library_keys, match_keys
from papersum.rank.ratings import Ratings
from papersum.rank.score import FittedFeed, score_documents
from papersum.rank.text import Document

FEEDBACK_TOP = 10
T = TypeVar("T")


@dataclass
class EvalReader:
    name: str
    interests: list[str]
    library: Library
    positives: set[str]


@dataclass
class RelevanceData:
    directory: Path
    papers: list[Paper]
    readers: list[EvalReader]
    documents: list[Document] = field(init=False)
    feed: FittedFeed = field(init=False)

    def __post_init__(self) -> None:
        self.documents = [Document(p.title, p.abstract) for p in self.papers]
        self.feed = FittedFeed.fit(self.documents)

    @property
    def ids(self) -> list[str]:
        return [p.id for p in self.papers]


def _rows(path: Path, what: str, build: Callable[[dict[str, Any]], T]) -> list[T]:
    """One object per JSON line, built by `build`; a malformed line is one clear error."""
    built = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                built.append(build(json.loads(line)))
            except (ValueError, KeyError, TypeError) as error:
                raise PapersumError(f"{path}:{number}: malformed {what} ({error})") from None
    return built


def load_relevance_data(directory: Path) -> RelevanceData:
    """feed.jsonl, readers.jsonl and the libraries they name; a problem is one clear error."""
    if not directory.is_dir():
        raise UsageError(f"--data {directory}: no such directory")
    feed_path, readers_path = directory / "feed.jsonl", directory / "readers.jsonl"
    for path in (feed_path, readers_path):
        if not path.is_file():
            raise UsageError(f"--data {directory}: no {path.name} (expected the relevance_acmcr_dev layout)")
    # Read directly: the feed's `published` is a bare year, which paper ingest rejects.
    papers = _rows(
        feed_path, "paper", lambda row: Paper(id=row["id"], title=row["title"], abstract=row["abstract"])
    )
    readers = _rows(
        readers_path,
        "reader",
        lambda row: EvalReader(
            row["reader"],
            list(row["interests"]),
            load_library([directory / row["library"]]),
            set(row["positives"]),
        ),
    )
    return RelevanceData(directory, papers, readers)


# A ranker maps (data, reader, ratings) to one score per feed paper; higher ranks first.
Ranker = Callable[[RelevanceData, EvalReader, Ratings | None], np.ndarray]


def ours(config: ScoringConfig | None = None, interests: bool = True, drop_owned: bool = True) -> Ranker:
    def ranker(data: RelevanceData, reader: EvalReader, ratings: Ratings | None) -> np.ndarray:
        profile = ReaderProfile(
            name=reader.name,
            library=reader.library.entries,
            interests=reader.interests if interests else (),
            ratings=ratings,
        )
        scores = score_documents(data.feed, profile, config).score
        # As `rank` does: a paper the reader already has is not recommended.
        owned = library_keys(reader.library.entries) if drop_owned else set()
        for row, paper in enumerate(data.papers):
            if not owned.isdisjoint(match_keys(paper.id, paper.title)):
                scores[row] = -np.inf
        return scores

    return ranker


def ranked_ids(data: RelevanceData, scores: np.ndarray, exclude: set[str] | None = None) -> list[str]:
    ids = data.ids
    skip = exclude or set()
    return [ids[i] for i in np.argsort(-scores, kind="stable") if ids[i] not in skip]


@dataclass
class RankerResult:
    name: str
    per_reader: dict[str, dict[str, float]]

    @property
    def mean(self) -> dict[str, float]:
        return mean_metrics(list(self.per_reader.values()))


def evaluate_ranker(data: RelevanceData, name: str, ranker: Ranker) -> RankerResult:
    rows = {}
    for reader in data.readers:
        rows[reader.name] = ranking_metrics(ranked_ids(data, ranker(data, reader, None)), reader.positives)
    return RankerResult(name, rows)


@dataclass
class FeedbackResult:
    name: str
    before: dict[str, dict[str, float]]
    after: dict[str, dict[str, float]]
    skipped: list[str]  # readers whose positives were all in their top 10

    @property
    def delta_ndcg(self) -> float:
        return (
            mean_metrics(list(self.after.values()))["ndcg@10"]
            - mean_metrics(list(self.before.values()))["ndcg@10"]
        )


def feedback_round(data: RelevanceData, name: str, ranker: Ranker, top: int = FEEDBACK_TOP) -> FeedbackResult:
    """Rate each reader's top `top` from the gold, rank again, score the papers not yet rated."""
    before: dict[str, dict[str, float]] = {}
    after: dict[str, dict[str, float]] = {}
    skipped = []
    by_id = {p.id: p for p in data.papers}
    for reader in data.readers:
        first = ranked_ids(data, ranker(data, reader, None))
        rated = first[:top]
        unrated_positives = reader.positives - set(rated)
        if not unrated_positives:
            skipped.append(reader.name)
            continue
        ratings = Ratings(f"eval-{reader.name}")
        for paper_id in rated:
            paper = by_id[paper_id]
            ratings.rate(paper_id, paper_id in reader.positives, paper.title, paper.abstract)
        second = ranked_ids(data, ranker(data, reader, ratings), exclude=set(rated))
        before[reader.name] = ranking_metrics([p for p in first if p not in set(rated)], unrated_positives)
        after[reader.name] = ranking_metrics(second, unrated_positives)
    return FeedbackResult(name, before, after, skipped)


def leave_one_reader_out(results: Sequence[RankerResult], metric: str = "ndcg@10") -> dict[str, float]:
    """Choose among `results` on all readers but one, score the choice on that one; mean metrics.

    An honest estimate of picking the best variant on these readers, and how often each was picked
    (`picked:<name>`)."""
    readers = list(results[0].per_reader)
    rows = []
    picks: dict[str, int] = {}
    for held_out in readers:
        others = [r for r in readers if r != held_out]

        def training_score(result: RankerResult, others: list[str] = others) -> float:
            return sum(result.per_reader[r][metric] for r in others)

        best = max(results, key=training_score)
        picks[best.name] = picks.get(best.name, 0) + 1
        rows.append(best.per_reader[held_out])
    summary = mean_metrics(rows)
    summary.update({f"picked:{name}": float(count) for name, count in picks.items()})
    return summary
