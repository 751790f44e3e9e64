"""The newsletter's stages bound to the real ones: papersum.sources to fetch, papersum.rank to rank."""

from __future__ import annotations

from collections.abc import Callable

from papersum.config import Settings
from papersum.models import Annotation
from papersum.newsletter.config import NewsletterConfig, ReaderConfig
from papersum.newsletter.run import Fetch, Rank, RankDay, Remember
from papersum.rank import RankOptions, Ratings, ReaderProfile, fit_day, load_library, rank_annotations
from papersum.rank.ratings import ShownPapers
from papersum.rank.score import DayFeed
from papersum.sources import FetchResult, fetch_source, make_client, replacements_hint


def fetcher(config: NewsletterConfig, settings: Settings) -> Fetch:
    """fetch(spec) with one polite client for the run (arXiv's pace is shared across specs)."""
    client = make_client(settings)

    def fetch(spec: str) -> FetchResult:
        result = fetch_source(
            spec, settings=settings, client=client, include_replacements=config.sources.replacements
        )
        result.message = replacements_hint(result, "replacements = true under [sources] mails them")
        return result

    return fetch


def ranker(settings: Settings, say: Callable[[str], None]) -> RankDay:
    """For the day's papers (read once), rank(annotations, reader) by the reader's library, interests
    and ratings (profiles built once)."""
    profiles: dict[str, ReaderProfile] = {}

    def profile_of(reader: ReaderConfig) -> ReaderProfile:
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
        return profile

    def for_day(papers: list[Annotation]) -> Rank:
        day: list[DayFeed] = []  # fitted when a reader first has something to rank

        def rank(annotations: list[Annotation], reader: ReaderConfig) -> list[Annotation]:
            if not day:
                day.append(fit_day(papers))
            options = RankOptions(
                include=reader.include, exclude=reader.exclude, top=reader.top, min_score=reader.min_score
            )
            return rank_annotations(annotations, profile_of(reader), options, day[0])

        return rank

    return for_day


def shown_papers(settings: Settings) -> Remember:
    """Remember each reader's emailed papers, so `papersum rate --reader NAME ID` finds their text."""

    def remember(reader: str, annotations: list[Annotation]) -> None:
        ShownPapers.load(reader, settings.data_dir).remember(annotations)

    return remember
