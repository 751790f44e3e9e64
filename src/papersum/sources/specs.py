"""Source specs accepted wherever an input path is: `arxiv:cs.CL+cs.LG`, `hf:2026-08-21`, `hf:`,
`arxiv-query:QUERY`."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from papersum.errors import UsageError
from papersum.taxonomy import category_names

PREFIXES = ("arxiv:", "arxiv-query:", "hf:")
DEFAULT_QUERY_MAX = 100


@dataclass(frozen=True)
class ArxivFeedSpec:
    """Today's announcements for these categories from arXiv's RSS service (one request)."""

    categories: tuple[str, ...]

    def __str__(self) -> str:
        return "arxiv:" + "+".join(self.categories)


@dataclass(frozen=True)
class ArxivQuerySpec:
    """A search through the arXiv API (Atom, paged), newest submissions first."""

    query: str
    since: date | None = None
    max_results: int = DEFAULT_QUERY_MAX

    def __str__(self) -> str:
        return f"arxiv-query:{self.query}"


@dataclass(frozen=True)
class HfSpec:
    """Hugging Face daily papers for one day (None: today, UTC)."""

    day: date | None = None

    def __str__(self) -> str:
        return f"hf:{self.day.isoformat() if self.day else ''}"


SourceSpec = ArxivFeedSpec | ArxivQuerySpec | HfSpec


def is_source_spec(text: str) -> bool:
    """A spec, unless a file of that name exists (a path always wins)."""
    return text.startswith(PREFIXES) and not Path(text).exists()


def check_categories(categories: list[str]) -> tuple[str, ...]:
    """Canonical arXiv category ids (`cs.cl` -> `cs.CL`); archives such as `cs` are accepted too."""
    known = {name.lower(): name for name in category_names()}
    known.update({name.split(".")[0].lower(): name.split(".")[0] for name in category_names()})
    checked: list[str] = []
    for raw in categories:
        for part in raw.replace(",", "+").split("+"):
            name = part.strip()
            if not name:
                continue
            if name.lower() not in known:
                close = difflib.get_close_matches(name, list(known.values()), n=3)
                hint = f" (did you mean {', '.join(close)}?)" if close else ""
                raise UsageError(f"unknown arXiv category '{name}'{hint}")
            if known[name.lower()] not in checked:
                checked.append(known[name.lower()])
    if not checked:
        raise UsageError("give at least one arXiv category, e.g. cs.CL")
    return tuple(checked)


def parse_day(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{what}: not a date (YYYY-MM-DD): {text!r}") from None


def parse_spec(text: str) -> SourceSpec:
    prefix, _, rest = text.partition(":")
    if prefix == "arxiv":
        return ArxivFeedSpec(check_categories([rest]))
    if prefix == "arxiv-query":
        if not rest.strip():
            raise UsageError(f"{text}: give a search, e.g. arxiv-query:cat:cs.CL AND abs:retrieval")
        return ArxivQuerySpec(rest.strip())
    if prefix == "hf":
        return HfSpec(parse_day(rest, text) if rest.strip() else None)
    raise UsageError(f"{text}: not a source (known: {', '.join(PREFIXES)})")
