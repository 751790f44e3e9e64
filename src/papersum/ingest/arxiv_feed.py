"""arXiv announcement feeds as rss.arxiv.org writes them (RSS 2.0 and Atom): a pure parser.

Shared by the network fetcher (`papersum fetch arxiv`, `arxiv:` inputs) and the ingest reader for
saved feed files. Everything comes from the feed itself: id and version, title, abstract (without
the "arXiv:ID Announce Type: ... Abstract:" prefix), authors, categories, announce type. Parsed with
feedparser; HTML sanitising is off because arXiv abstracts are plain text ("<1 minute" must survive).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from papersum.errors import InputError
from papersum.ingest.readers import ReaderOutput
from papersum.ingest.records import RawRecord

# "arXiv:2609.26811v1 Announce Type: new \nAbstract: ..." (the prefix arXiv puts in every description).
_PREFIX = re.compile(r"^\s*arXiv:(?P<id>\S+)\s+Announce Type:\s*(?P<type>[\w-]+)\s*(?:Abstract:\s*)?", re.I)
_VERSIONED = re.compile(r"^(?P<base>.+?)v(?P<version>\d+)$")
_AUTHOR_SPLIT = re.compile(r",\s*|\s+and\s+")
REPLACEMENTS = frozenset({"replace", "replace-cross"})
CROSS_LISTS = frozenset({"cross"})


class FeedError(ValueError):
    """The bytes are not a usable arXiv feed (not XML, cut off, not RSS/Atom, or arXiv's error feed)."""


@dataclass(frozen=True)
class FeedItem:
    """One announcement, as the feed states it."""

    number: int
    arxiv_id: str
    version: int | None
    title: str
    abstract: str
    authors: list[str]
    categories: list[str]
    announce_type: str | None
    url: str | None
    published: date | None


@dataclass
class ArxivFeed:
    title: str
    items: list[FeedItem] = field(default_factory=list)


def _split_id(raw: str) -> tuple[str, int | None]:
    raw = raw.strip().removeprefix("oai:arXiv.org:").rsplit("/abs/", 1)[-1]
    match = _VERSIONED.match(raw)
    return (match.group("base"), int(match.group("version"))) if match else (raw, None)


def _date(parsed: Any) -> date | None:
    return date(*parsed[:3]) if parsed else None


def _authors(entry: Any) -> list[str]:
    # arXiv writes all authors into one dc:creator: "A, B and C".
    names: list[str] = []
    for author in entry.get("authors") or [{"name": entry.get("author", "")}]:
        names.extend(part.strip() for part in _AUTHOR_SPLIT.split(author.get("name") or "") if part.strip())
    return names


def _item(number: int, entry: Any) -> FeedItem:
    description = entry.get("summary") or ""
    prefix = _PREFIX.match(description)
    raw_id = (prefix.group("id") if prefix else "") or entry.get("id") or entry.get("link") or ""
    arxiv_id, version = _split_id(raw_id)
    announce_type = entry.get("arxiv_announce_type") or (prefix.group("type") if prefix else None)
    return FeedItem(
        number=number,
        arxiv_id=arxiv_id,
        version=version,
        title=entry.get("title") or "",
        abstract=description[prefix.end() :] if prefix else description,
        authors=_authors(entry),
        categories=[tag.get("term", "") for tag in entry.get("tags") or [] if tag.get("term")],
        announce_type=announce_type.strip().lower() if announce_type else None,
        url=entry.get("link"),
        published=_date(entry.get("published_parsed") or entry.get("updated_parsed")),
    )


def parse_arxiv_feed(data: bytes) -> ArxivFeed:
    """Parse a feed; raise FeedError when it is not a complete, well-formed RSS or Atom document."""
    import feedparser  # here: importing it costs every papersum command that reads inputs ~60 ms

    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    problem = parsed.get("bozo_exception")
    if parsed.get("bozo") and not isinstance(problem, feedparser.CharacterEncodingOverride):
        raise FeedError(f"not well-formed XML ({problem})")
    if not parsed.get("version"):
        raise FeedError("not an RSS or Atom feed")
    title = parsed.feed.get("title") or ""
    if title.startswith("Feed error for query"):  # arXiv's answer to an unknown category
        raise FeedError(f"arXiv says: {parsed.feed.get('description') or title}")
    return ArxivFeed(title=title, items=[_item(n, e) for n, e in enumerate(parsed.entries, start=1)])


def select_items(
    items: Iterable[FeedItem], *, include_replacements: bool = False, cross_lists: bool = True
) -> tuple[list[FeedItem], dict[str, int]]:
    """Default: new papers and cross-lists. Returns the kept items and counts of what was skipped."""
    kept: list[FeedItem] = []
    skipped: dict[str, int] = {}
    for item in items:
        if item.announce_type in REPLACEMENTS and not include_replacements:
            skipped["replacements"] = skipped.get("replacements", 0) + 1
        elif item.announce_type in CROSS_LISTS and not cross_lists:
            skipped["cross-lists"] = skipped.get("cross-lists", 0) + 1
        else:
            kept.append(item)
    return kept, skipped


def item_record(path: str, item: FeedItem) -> RawRecord:
    return RawRecord(
        path,
        item.number,
        {
            "id": item.arxiv_id,
            "title": item.title,
            "abstract": item.abstract,
            "authors": item.authors,
            "categories": item.categories,
            "url": item.url,
            "published": item.published,
            "announce_type": item.announce_type,
            "version": item.version,
        },
    )


def looks_like_arxiv_feed(head: bytes) -> bool:
    """True for rss.arxiv.org output (RSS, or its Atom variant), not for export.arxiv.org API answers."""
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    if not text.startswith(b"<"):
        return False
    return (b"<rss" in text and b"arxiv.org" in text) or (b"<feed" in text and b"rss.arxiv.org" in text)


def read_arxiv_feed(path: str, data: bytes) -> ReaderOutput:
    """A saved rss.arxiv.org feed file: new papers and cross-lists; replacements are left out."""
    try:
        feed = parse_arxiv_feed(data)
    except FeedError as exc:
        yield InputError(path, None, None, f"not a valid arXiv feed: {exc}")
        return
    kept, _skipped = select_items(feed.items)
    for item in kept:
        yield item_record(path, item)
