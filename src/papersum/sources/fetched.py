"""What a fetcher hands back before records become papers."""

from __future__ import annotations

from dataclasses import dataclass, field

from papersum.errors import InputError
from papersum.ingest.records import RawRecord


@dataclass
class Fetched:
    source: str
    records: list[RawRecord | InputError]
    empty: bool  # a valid answer with nothing in it (a weekend feed), not a failure
    message: str  # one line for humans
    skipped: dict[str, int] = field(default_factory=dict)


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"
