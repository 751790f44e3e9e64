"""The newsletter's stages bound to the real ones: papersum.sources to fetch, papersum.rank to rank."""

from __future__ import annotations

from collections.abc import Callable

from papersum.config import Settings
from papersum.models import Annotation
from papersum.newsletter.config import NewsletterConfig, ReaderConfig
from papersum.newsletter.run import Fetch, Rank, Remember
from papersum.rank import RankOptions, Ratings, ReaderProfile, load_library, rank_annotations
from papersum.rank.ratings import ShownPapers
from papersum.sources import FetchResult, fetch_source, make_client


def fetcher(config: NewsletterConfig, settings: Settings) -> Fetch:
    """fetch(spec) with one polite client for the run (arXiv's pace is shared across specs)."""
    client = make_client(settings)

    def fetch(spec: str) -> FetchResult:
        return fetch_source(
            spec, settings=settings, client=client, include_replacements=config.sources.replacements
        )

    return fetch


def ranker(settings: Settings, say: Callable[[str], None]) -> Rank:
    """rank(annotations, reader) by the reader's library, interests and ratings (profiles built once)."""
    profiles: dict[str, ReaderProfile] = {}

    def rank(annotations: list[Annotation], reader: ReaderConfig) -> list[Annotation]:
        profile = profiles.get(reader.name)
        if profile is None:
            library = load_library(reader.library)
            if library.skipped:
                first = library.skipped[0]
                say(f"{reader.name}: {len(library.skipped)} library record(s) unreadable (first: {first})")
            profile = ReaderProfile(
                name=reader.name,
                library=library.entries,
                interests=reader.interests,
                ratings=Ratings.load(reader.name, settings.data_dir),
            )
            profiles[reader.name] = profile
        options = RankOptions(
            include=reader.include, exclude=reader.exclude, top=reader.top, min_score=reader.min_score
        )
        return rank_annotations(annotations, profile, options)

    return rank


def shown_papers(settings: Settings) -> Remember:
    """Remember each reader's emailed papers, so `papersum rate --reader NAME ID` finds their text."""

    def remember(reader: str, annotations: list[Annotation]) -> None:
        ShownPapers.load(reader, settings.data_dir).remember(annotations)

    return remember
