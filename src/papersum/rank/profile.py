"""What a reader is ranked by: library entries, interest phrases, ratings, and the ranking options."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, overload

from papersum.errors import InputError, UsageError
from papersum.rank.text import Document

if TYPE_CHECKING:
    from papersum.rank.ratings import Ratings

_READER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def check_reader_name(name: str) -> str:
    """Reader names become file names in the data directory: letters, digits, '.', '_' and '-'."""
    if not _READER_NAME.match(name):
        raise UsageError(
            f"--reader {name!r}: use 1-64 letters, digits, '.', '_' or '-' (it names a file in the data dir)"
        )
    return name


@dataclass(frozen=True)
class LibraryEntry:
    """One paper in a reader's library. Only the title is needed; an abstract and keywords help."""

    title: str
    abstract: str | None = None
    keywords: tuple[str, ...] = ()
    added: date | None = None  # when the reader added it: newer entries weigh more in the average
    key: str = ""  # citation key, DOI or paper id
    source: str | None = None  # file:line

    def document(self) -> Document:
        return Document(self.title, " ".join([self.abstract or "", *self.keywords]))


@dataclass(frozen=True)
class Library(Sequence[LibraryEntry]):
    """Entries read from one or more files (a sequence of them), plus the records that could not be
    read (`skipped`), so `ReaderProfile(library=load_library(paths))` works as it is."""

    entries: tuple[LibraryEntry, ...] = ()
    skipped: tuple[InputError, ...] = ()

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[LibraryEntry]:
        return iter(self.entries)

    @overload
    def __getitem__(self, index: int) -> LibraryEntry: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[LibraryEntry]: ...

    def __getitem__(self, index: int | slice) -> LibraryEntry | Sequence[LibraryEntry]:
        return self.entries[index]


def match_keys(paper_id: str, title: str) -> set[str]:
    """Keys under which two records are the same paper: arXiv id or normalised title, and the id."""
    from papersum.ingest.normalize import dedupe_key

    keys = {dedupe_key(paper_id, title)} if title else set()
    if paper_id.strip():
        keys.add(f"id:{paper_id.strip().lower()}")
    return keys


def library_keys(entries: Sequence[LibraryEntry]) -> set[str]:
    return {key for entry in entries for key in match_keys(entry.key, entry.title)}


def split_interests(values: Sequence[str]) -> list[str]:
    """`--interests "view synthesis, NeRF; 3D"` -> ["view synthesis", "NeRF", "3D"] (in order, once)."""
    found: list[str] = []
    for value in values:
        for part in re.split(r"[,;\n]", value):
            phrase = " ".join(part.split())
            if phrase and phrase.lower() not in {p.lower() for p in found}:
                found.append(phrase)
    return found


@dataclass
class ReaderProfile:
    """Everything known about one reader's taste."""

    name: str | None = None
    library: Sequence[LibraryEntry] = ()
    interests: Sequence[str] = ()
    ratings: Ratings | None = None

    @property
    def empty(self) -> bool:
        rated = self.ratings is not None and len(self.ratings) > 0
        return not self.library and not self.interests and not rated


@dataclass(frozen=True)
class ScoringConfig:
    """Knobs of the offline ranker, for measuring alternatives (the defaults are the ranker)."""

    interest_weight: float = 0.5  # interests count half as much as each library signal
    use_max: bool = True  # the closest library entry: keeps a niche interest alive
    use_mean: bool = True  # the library as a whole
    item_z: bool = True  # z-score each entry's similarities over the feed before combining


@dataclass(frozen=True)
class RankOptions:
    """Filters applied before ranking (include/exclude) and cuts applied after (top, min_score)."""

    include: Sequence[str] = ()
    exclude: Sequence[str] = ()
    top: int | None = None
    min_score: float | None = None
    scoring: ScoringConfig = field(default_factory=lambda: ScoringConfig())
