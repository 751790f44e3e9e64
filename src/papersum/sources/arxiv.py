"""arXiv: today's announcements from the RSS service, and searches through the API (Atom, paged).

Every field comes from the feed or the API answer itself: no per-paper lookup (the cause of the 429s
other daily tools run into). Both endpoints share one pace (see `arxiv_pace`).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date
from urllib.parse import urlencode

from papersum.config import Settings
from papersum.errors import InputError
from papersum.ingest.arxiv_feed import ArxivFeed, FeedError, item_record, parse_arxiv_feed, select_items
from papersum.ingest.readers import read_arxiv_atom
from papersum.ingest.records import RawRecord
from papersum.sources.fetched import Fetched, plural
from papersum.sources.http import PoliteClient, SourceError, arxiv_pace
from papersum.sources.specs import ArxivFeedSpec, ArxivQuerySpec

_ATOM = "{http://www.w3.org/2005/Atom}"
_OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
API_PAGE_SIZE = 200
_NEWEST_FIRST = {"sortBy": "submittedDate", "sortOrder": "descending"}


def rss_url(base: str, categories: tuple[str, ...]) -> str:
    """One URL for all categories: arXiv joins them with `+` and answers in a single feed."""
    return base.rstrip("/") + "/" + "+".join(categories)


def _parse_feed(url: str, data: bytes) -> ArxivFeed:
    try:
        return parse_arxiv_feed(data)
    except FeedError as exc:
        raise SourceError(f"{url}: malformed feed: {exc}") from None


def fetch_arxiv_feed(
    client: PoliteClient,
    settings: Settings,
    spec: ArxivFeedSpec,
    *,
    include_replacements: bool = False,
    cross_lists: bool = True,
) -> Fetched:
    url = rss_url(settings.arxiv_rss_url, spec.categories)
    checked: list[ArxivFeed] = []  # a fresh answer is parsed once, when it is checked before caching
    data = client.get(
        url, arxiv_pace(url, settings.arxiv_interval), lambda body: checked.append(_parse_feed(url, body))
    )
    feed = checked[0] if checked else _parse_feed(url, data)
    names = ", ".join(spec.categories)
    if not feed.items:
        message = f"arXiv announced no new papers for {names} (weekend or holiday?)"
        return Fetched(str(spec), [], True, message)
    kept, skipped = select_items(
        feed.items, include_replacements=include_replacements, cross_lists=cross_lists
    )
    counts: dict[str, int] = {}
    for item in kept:
        counts[item.announce_type or "unlabelled"] = counts.get(item.announce_type or "unlabelled", 0) + 1
    detail = ", ".join(f"{count:,} {kind}" for kind, count in counts.items())
    message = f"arXiv {names}: {plural(len(kept), 'paper')}" + (f" ({detail})" if detail else "")
    if skipped:
        message += "; skipped " + ", ".join(plural(count, kind[:-1]) for kind, count in skipped.items())
    return Fetched(str(spec), [item_record(str(spec), item) for item in kept], False, message, skipped)


def _api_total(url: str, data: bytes) -> int:
    """Check an API page and return its totalResults; arXiv reports bad queries as an error entry."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise SourceError(f"{url}: malformed answer: not well-formed XML ({exc})") from None
    if root.tag != f"{_ATOM}feed":
        raise SourceError(f"{url}: malformed answer: not an Atom feed")
    for entry in root.iter(f"{_ATOM}entry"):
        if "/api/errors" in (entry.findtext(f"{_ATOM}id") or ""):
            raise SourceError(f"arXiv API says: {(entry.findtext(f'{_ATOM}summary') or '').strip()}")
    total = (root.findtext(f"{_OPENSEARCH}totalResults") or "").strip()
    return int(total) if total.isdigit() else 0


def _api_check(url: str) -> Callable[[bytes], None]:
    def check(body: bytes) -> None:
        _api_total(url, body)

    return check


def _search_query(spec: ArxivQuerySpec, today: date) -> str:
    if spec.since is None:
        return spec.query
    return f"({spec.query}) AND submittedDate:[{spec.since:%Y%m%d}0000 TO {today:%Y%m%d}2359]"


def _versioned(record: RawRecord) -> RawRecord:
    """API ids carry the version (`2606.13677v1`): keep the id plain and the version apart."""
    raw_id = str(record.fields.get("id") or "")
    base, sep, version = raw_id.rpartition("v")
    if sep and version.isdigit() and base:
        record.fields.update(id=base, version=int(version))
    return record


def fetch_arxiv_query(
    client: PoliteClient,
    settings: Settings,
    spec: ArxivQuerySpec,
    *,
    today: date,
    page_size: int = API_PAGE_SIZE,
) -> Fetched:
    """Newest submissions first, page by page, until `max_results`, the last match or `since`."""
    records: list[RawRecord | InputError] = []
    query = _search_query(spec, today)
    total = start = 0
    while len(records) < spec.max_results:
        size = min(page_size, spec.max_results - len(records))
        params = {"search_query": query, "start": start, "max_results": size}
        url = f"{settings.arxiv_api_url}?{urlencode({**params, **_NEWEST_FIRST})}"
        data = client.get(url, arxiv_pace(url, settings.arxiv_interval), _api_check(url))
        total = total or _api_total(url, data)  # as first answered: later pages can disagree
        page = [
            item if isinstance(item, InputError) else _versioned(item)
            for item in read_arxiv_atom(str(spec), data)
        ]
        for offset, item in enumerate(page):
            if isinstance(item, RawRecord):
                item.line = start + offset + 1
        records.extend(page)
        start += len(page)
        if not page or start >= total:
            break
    if not records:
        return Fetched(str(spec), [], True, f"arXiv search found no papers for {spec.query!r}")
    kept, repeated = _first_of_each(records[: spec.max_results])
    shown = f"{plural(len(kept), 'paper')} of {total:,} matching"
    if repeated:
        shown += f" ({repeated:,} repeated across pages, kept once)"
    return Fetched(str(spec), kept, False, f"arXiv search {spec.query!r}: {shown}")


def _first_of_each(records: list[RawRecord | InputError]) -> tuple[list[RawRecord | InputError], int]:
    """Pages shift while a search pages through (papers submitted meanwhile push older ones onto the
    next page), so a paper can come twice: keep its first record."""
    seen: set[str] = set()
    kept: list[RawRecord | InputError] = []
    for record in records:
        paper_id = str(record.fields.get("id") or "") if isinstance(record, RawRecord) else ""
        if paper_id and paper_id in seen:
            continue
        seen.add(paper_id)
        kept.append(record)
    return kept, len(records) - len(kept)
