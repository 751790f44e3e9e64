"""Relevance: rank papers for one reader by their library, interests and ratings, and say why.

    from papersum.rank import ReaderProfile, RankOptions, rank_annotations, load_library, Ratings
    profile = ReaderProfile(name="alice", library=load_library([Path("lib.bib")]),
                            interests=["view synthesis"], ratings=Ratings.load("alice"))
    ranked = rank_annotations(annotations, profile, RankOptions(include=["nerf"], top=20))

`ranked` holds the kept annotations in rank order, each with `.relevance` (score, reasons,
matched). The ranker is offline and deterministic (see `papersum.rank.score`); an LLM can reorder
the top of the list afterwards (`papersum.rank.rerank`).
"""

from __future__ import annotations

from papersum.rank.library import load_library
from papersum.rank.profile import (
    Library,
    LibraryEntry,
    RankOptions,
    ReaderProfile,
    ScoringConfig,
    split_interests,
)
from papersum.rank.ranking import RankResult, fit_day, rank, rank_annotations
from papersum.rank.ratings import Rating, Ratings

__all__ = [
    "Library",
    "LibraryEntry",
    "RankOptions",
    "RankResult",
    "Rating",
    "Ratings",
    "ReaderProfile",
    "ScoringConfig",
    "fit_day",
    "load_library",
    "rank",
    "rank_annotations",
    "split_interests",
]
