"""Sources: today's papers from arXiv (RSS announcements, API searches) and Hugging Face daily papers.

    from papersum.sources import fetch_source, FetchResult, SourceError
    result = fetch_source("arxiv:cs.CL+cs.LG")   # also "hf:2026-08-21", "hf:" (today), "arxiv-query:..."

A valid feed with nothing in it (a weekend) is `result.empty`, not an error; a network error, a 5xx
after retries or a malformed answer raises `SourceError` with a one-line reason. Responses are cached
for the day, so fetching the same source again that day makes no request.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from papersum.config import Settings, load_settings
from papersum.errors import InputError
from papersum.ingest.records import RawRecord, paper_or_error
from papersum.models import Paper
from papersum.sources.arxiv import fetch_arxiv_feed, fetch_arxiv_query
from papersum.sources.daycache import DayCache
from papersum.sources.fetched import Fetched, plural
from papersum.sources.hf import fetch_hf_daily
from papersum.sources.http import HostLimiter, PoliteClient, SourceError
from papersum.sources.specs import (
    ArxivFeedSpec,
    ArxivQuerySpec,
    HfSpec,
    SourceSpec,
    is_source_spec,
    parse_spec,
)

__all__ = [
    "ArxivFeedSpec",
    "ArxivQuerySpec",
    "FetchResult",
    "HfSpec",
    "SourceError",
    "fetch_source",
    "is_source_spec",
    "make_client",
    "parse_spec",
    "replacements_hint",
    "source_records",
]

# One limiter for the whole process: an arXiv feed and an arXiv search in the same run share the pace.
_LIMITER = HostLimiter()


@dataclass
class FetchResult:
    source: str
    papers: list[Paper]
    empty: bool  # a valid feed with nothing announced (weekend, holiday): not an error
    message: str  # one line for humans
    skipped: dict[str, int] = field(default_factory=dict)  # e.g. {"replacements": 12}
    errors: list[InputError] = field(default_factory=list)  # records that did not make a paper
    requests: int = 0  # network requests made (0 when served from today's cache)


def make_client(
    settings: Settings, *, refresh: bool = False, limiter: HostLimiter | None = None
) -> PoliteClient:
    """A client with the settings' contact, timeout and retries; `refresh` skips reading today's cache."""
    cache = DayCache(settings.cache_dir / "sources")
    return PoliteClient(
        contact=settings.contact,
        cache=cache,
        refresh=refresh,
        timeout=settings.http_timeout,
        retries=settings.http_retries,
        limiter=limiter or _LIMITER,
    )


def _fetch(
    spec: SourceSpec | str,
    settings: Settings,
    client: PoliteClient,
    feed_options: dict[str, bool],
    today: date | None,
) -> Fetched:
    spec = parse_spec(spec) if isinstance(spec, str) else spec
    if isinstance(spec, ArxivFeedSpec):
        return fetch_arxiv_feed(client, settings, spec, **feed_options)
    if isinstance(spec, ArxivQuerySpec):
        return fetch_arxiv_query(client, settings, spec, today=today or date.today())
    return fetch_hf_daily(client, settings, spec, today=today or datetime.now(UTC).date())


def fetch_source(
    spec: SourceSpec | str,
    *,
    settings: Settings | None = None,
    client: PoliteClient | None = None,
    include_replacements: bool = False,
    cross_lists: bool = True,
    today: date | None = None,
) -> FetchResult:
    """Fetch one source into validated papers. Raises SourceError (one line) when it cannot be read.

    `include_replacements` and `cross_lists` apply to arXiv announcements; `today` (the local date
    by default, UTC for Hugging Face) dates `hf:` and `--since` searches.
    """
    settings = settings or load_settings()
    client = client or make_client(settings)
    before = client.requests
    options = {"include_replacements": include_replacements, "cross_lists": cross_lists}
    fetched = _fetch(spec, settings, client, options, today)
    papers: list[Paper] = []
    errors: list[InputError] = []
    for record in fetched.records:
        item = record if isinstance(record, InputError) else paper_or_error(record)
        if isinstance(item, InputError):
            errors.append(item)
        else:
            papers.append(item)
    message = fetched.message
    if errors:
        message += f"; {len(errors)} record(s) unusable (first: {errors[0]})"
    if client.requests == before:
        message += " (from today's cache)"
    return FetchResult(
        fetched.source, papers, fetched.empty, message, fetched.skipped, errors, client.requests - before
    )


def replacements_hint(result: FetchResult, hint: str) -> str:
    """The result's message with how to keep the skipped replacements, which depends on the caller
    (`fetch --include-replacements`, a newsletter's `replacements = true`), after their count."""
    count = result.skipped.get("replacements", 0)
    skipped = plural(count, "replacement")
    if not count or skipped not in result.message:
        return result.message
    return result.message.replace(skipped, f"{skipped} ({hint})", 1)


def source_records(text: str) -> Iterator[RawRecord | InputError]:
    """The records of a source spec given as an input (`papersum run arxiv:cs.CL ...`), default options."""
    settings = load_settings()
    yield from _fetch(text, settings, make_client(settings), {}, None).records
