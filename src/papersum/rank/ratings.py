"""A reader's thumbs up and down, kept in the data directory (user state, not cache).

`<data dir>/readers/<name>/ratings.json` holds each rated paper with its title and abstract, so a
rating keeps working after the paper has left the feed. `shown.json` remembers the papers recently
ranked for the reader, so `papersum rate --reader NAME ID` can find a paper's text by its id.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from papersum.errors import PapersumError
from papersum.models import Annotation, arxiv_id_base
from papersum.rank.profile import check_reader_name
from papersum.rank.text import Document

STORE_VERSION = 1
SHOWN_LIMIT = 5000  # papers remembered per reader for `rate` (oldest forgotten first)


def rating_key(paper_id: str) -> str:
    """A rating follows the paper across arXiv versions: the id without version, else the id."""
    return arxiv_id_base(paper_id) or paper_id.strip()


def reader_dir(reader: str, directory: Path | None = None) -> Path:
    if directory is None:
        from papersum.datadir import data_dir

        directory = data_dir()
    return directory / "readers" / check_reader_name(reader)


@dataclass(frozen=True)
class Rating:
    """One rated paper; `title`/`abstract` are empty when the paper's text was not known."""

    paper_id: str
    up: bool
    title: str = ""
    abstract: str = ""
    rated_at: str = ""

    @property
    def key(self) -> str:
        return rating_key(self.paper_id)

    @property
    def has_text(self) -> bool:
        return bool(self.title or self.abstract)

    def document(self) -> Document:
        return Document(self.title, self.abstract)


def _read_json(path: Path, what: str) -> dict[str, object]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise TypeError("not a JSON object")
    except (OSError, ValueError, TypeError) as error:
        raise PapersumError(f"{path}: unreadable {what} ({error}); fix or delete it") from None
    return data


class Ratings:
    """The ratings of one reader: `Ratings.load("alice")`, `.rate(...)`, `.save()`."""

    def __init__(
        self, reader: str, ratings: dict[str, Rating] | None = None, path: Path | None = None
    ) -> None:
        self.reader = reader
        self.path = path
        self._ratings: dict[str, Rating] = dict(ratings or {})

    @classmethod
    def load(cls, reader: str, directory: Path | None = None) -> Ratings:
        path = reader_dir(reader, directory) / "ratings.json"
        if not path.exists():
            return cls(reader, path=path)
        data = _read_json(path, "ratings file")
        ratings: dict[str, Rating] = {}
        entries = data.get("ratings")
        if not isinstance(entries, list):
            raise PapersumError(f"{path}: 'ratings' is not a list; fix or delete it")
        for number, entry in enumerate(entries, start=1):
            try:
                rating = Rating(**entry)
            except TypeError as error:
                raise PapersumError(f"{path}: rating {number} is malformed ({error})") from None
            ratings[rating.key] = rating
        return cls(reader, ratings, path)

    def __len__(self) -> int:
        return len(self._ratings)

    def __iter__(self) -> Iterator[Rating]:
        return iter(self._ratings.values())

    def get(self, paper_id: str) -> Rating | None:
        return self._ratings.get(rating_key(paper_id))

    @property
    def liked(self) -> list[Rating]:
        return [r for r in self._ratings.values() if r.up]

    @property
    def disliked(self) -> list[Rating]:
        return [r for r in self._ratings.values() if not r.up]

    def rate(self, paper_id: str, up: bool, title: str = "", abstract: str = "") -> Rating:
        """Record (or replace) a rating; the text is kept from an earlier rating when not given."""
        earlier = self.get(paper_id)
        if earlier is not None and not (title or abstract):
            title, abstract = earlier.title, earlier.abstract
        rating = Rating(paper_id, up, title, abstract, datetime.now(UTC).isoformat(timespec="seconds"))
        self._ratings[rating.key] = rating
        return rating

    def save(self) -> Path:
        from papersum.datadir import atomic_write_text

        path = self.path or reader_dir(self.reader) / "ratings.json"
        body = {"version": STORE_VERSION, "reader": self.reader, "ratings": [asdict(r) for r in self]}
        atomic_write_text(path, json.dumps(body, indent=1, ensure_ascii=False) + "\n")
        self.path = path
        return path


class ShownPapers:
    """Papers recently ranked for a reader (id, title, abstract), newest last, bounded."""

    def __init__(self, path: Path, papers: dict[str, dict[str, str]]) -> None:
        self.path = path
        self.papers = papers

    @classmethod
    def load(cls, reader: str, directory: Path | None = None) -> ShownPapers:
        path = reader_dir(reader, directory) / "shown.json"
        if not path.exists():
            return cls(path, {})
        papers = _read_json(path, "shown-papers file").get("papers")
        if not isinstance(papers, dict):
            raise PapersumError(f"{path}: 'papers' is not an object; fix or delete it")
        return cls(path, papers)

    def find(self, paper_id: str) -> dict[str, str] | None:
        return self.papers.get(rating_key(paper_id))

    def remember(self, annotations: Iterable[Annotation]) -> None:
        from papersum.datadir import atomic_write_text

        for item in annotations:
            key = rating_key(item.paper_id)
            self.papers.pop(key, None)  # re-insert: newest last
            self.papers[key] = {"paper_id": item.paper_id, "title": item.title, "abstract": item.abstract}
        while len(self.papers) > SHOWN_LIMIT:
            self.papers.pop(next(iter(self.papers)))
        atomic_write_text(self.path, json.dumps({"version": STORE_VERSION, "papers": self.papers}) + "\n")
