"""Choosing and ordering the papers of a digest: filters, a stated ranking score, grouping helpers.

Everything here is pure except `SeenStore`, the small JSON file that remembers which papers went
out in earlier digests (for `--new-only`).
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Self

from papersum.models import Annotation, arxiv_id_base

GROUP_BY_CHOICES = ("category", "contribution", "keyword", "none")
CACHE_DIR_ENV = "PAPERSUM_CACHE_DIR"
SEEN_FILE = "seen-papers.json"

# Weights of a keyword hit by field: a title hit says more about the paper than an abstract hit.
TITLE_WEIGHT, TAG_WEIGHT, TEXT_WEIGHT = 3.0, 2.0, 1.0


@dataclass(frozen=True)
class Curation:
    """What the reader asked for. Empty fields filter nothing."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    since: date | None = None
    seen: frozenset[str] = frozenset()


@dataclass
class CurationResult:
    """The kept annotations, best first, plus why the others were dropped and how we ranked."""

    kept: list[Annotation]
    scoring: str
    scores: dict[str, float] = field(default_factory=dict)
    dropped: Counter[str] = field(default_factory=Counter)


def id_key(paper_id: str) -> str:
    """The identity of a paper across versions and sources: the arXiv id without version, else the id."""
    return arxiv_id_base(paper_id) or paper_id


def paper_key(annotation: Annotation) -> str:
    """The identity `--new-only` remembers: the arXiv id without version, else the paper id."""
    return id_key(annotation.paper_id)


def _pattern(keyword: str) -> re.Pattern[str]:
    # Whole-word, case-insensitive: "GAN" should not match "organ".
    return re.compile(rf"(?<!\w){re.escape(keyword.strip())}(?!\w)", re.IGNORECASE)


def _tag_text(annotation: Annotation) -> str:
    tags = annotation.tags
    if tags is None:
        return ""
    phrases = [*tags.categories, *tags.keywords, *tags.tasks, *tags.methods, *tags.datasets]
    return "\n".join([*phrases, tags.contribution.value])


def keyword_score(annotation: Annotation, keywords: Sequence[str]) -> float:
    """Weighted count of keyword hits in the title, the tags, and the TL;DR/abstract."""
    total = 0.0
    text = f"{annotation.tldr or ''}\n{annotation.abstract}"
    tag_text = _tag_text(annotation)
    for keyword in keywords:
        if not keyword.strip():
            continue
        pattern = _pattern(keyword)
        total += TITLE_WEIGHT * bool(pattern.search(annotation.title))
        total += TAG_WEIGHT * bool(pattern.search(tag_text))
        total += TEXT_WEIGHT * bool(pattern.search(text))
    return total


def matches_any(annotation: Annotation, keywords: Sequence[str]) -> bool:
    """True when any keyword occurs in the title, abstract, TL;DR or tags."""
    return keyword_score(annotation, keywords) > 0


def keyword_drop_reason(annotation: Annotation, include: Sequence[str], exclude: Sequence[str]) -> str | None:
    """Why --include/--exclude drop this paper, or None when it stays."""
    if exclude and matches_any(annotation, exclude):
        return "matched --exclude"
    if include and not matches_any(annotation, include):
        return "no --include keyword"
    return None


def keywords_found(annotation: Annotation, keywords: Sequence[str]) -> list[str]:
    """The keywords the paper mentions (title, abstract, TL;DR or tags), in the given order."""
    return [keyword for keyword in keywords if keyword.strip() and matches_any(annotation, [keyword])]


def curate(annotations: Iterable[Annotation], curation: Curation) -> CurationResult:
    """Filter, then order by the best available score (stable: ties keep input order).

    The score is the provider's relevance when any annotation carries one, else the keyword
    match against `include`, else input order.
    """
    kept: list[Annotation] = []
    dropped: Counter[str] = Counter()
    for annotation in annotations:
        if curation.seen and paper_key(annotation) in curation.seen:
            dropped["seen in an earlier digest"] += 1
        elif curation.since and annotation.published and annotation.published < curation.since:
            dropped[f"published before {curation.since.isoformat()}"] += 1
        elif reason := keyword_drop_reason(annotation, curation.include, curation.exclude):
            dropped[reason] += 1
        else:
            kept.append(annotation)

    scores: dict[str, float] = {}
    if any(annotation.relevance is not None for annotation in kept):
        scoring = "relevance"
        scores = {
            item.paper_id: item.relevance.score if item.relevance is not None else -1.0 for item in kept
        }
    elif curation.include:
        scoring = "keyword match"
        scores = {item.paper_id: keyword_score(item, curation.include) for item in kept}
    else:
        return CurationResult(kept=kept, scoring="input order", dropped=dropped)
    ranked = sorted(kept, key=lambda item: -scores[item.paper_id])
    return CurationResult(kept=ranked, scoring=scoring, scores=scores, dropped=dropped)


OTHER_KEYWORD = "other"


def keyword_frequency(annotations: Iterable[Annotation]) -> Counter[str]:
    """How many papers carry each (lowercased) keyword."""
    return Counter(
        word.lower() for item in annotations if item.tags for word in {k.lower() for k in item.tags.keywords}
    )


def primary_keyword(annotation: Annotation, frequency: Counter[str]) -> str | None:
    """The paper's keyword that is most common across the digest (ties: the paper's own order)."""
    if annotation.tags is None or not annotation.tags.keywords:
        return None
    return max(annotation.tags.keywords, key=lambda word: frequency[word.lower()])


def default_cache_dir() -> Path:
    """PAPERSUM_CACHE_DIR, else the platform's user cache directory for papersum."""
    configured = os.environ.get(CACHE_DIR_ENV)
    if configured:
        return Path(configured)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("papersum"))


class SeenStore:
    """Paper keys already sent in a digest, with the date each was first sent (a small JSON file).

    Subclasses (the newsletter's per-reader state) keep more in the same file by extending
    `_load` and `payload`; the write is always one atomic replace of the whole file.
    """

    def __init__(self, path: Path, seen: dict[str, str] | None = None) -> None:
        self.path = path
        self.seen: dict[str, str] = dict(seen or {})

    @classmethod
    def open(cls, directory: Path | None = None) -> SeenStore:
        if directory is None:
            from papersum.datadir import data_dir

            directory = data_dir()
            legacy = default_cache_dir() / SEEN_FILE
            if not (directory / SEEN_FILE).exists() and legacy.exists():
                # Written by papersum <= 0.8 into the cache directory: carry it over.
                store = cls.read(legacy)
                store.path = directory / SEEN_FILE
                return store
        return cls.read(directory / SEEN_FILE)

    @classmethod
    def read(cls, path: Path) -> Self:
        """The store at `path` (empty when the file does not exist yet); ValueError names a bad file."""
        store = cls(path)
        if not path.exists():
            return store
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            seen = data["seen"]
            if not isinstance(seen, dict):
                raise TypeError("'seen' is not an object")
            store.seen = {str(key): str(value) for key, value in seen.items()}
            store._load(data)
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise ValueError(f"{path}: unreadable sent-papers store ({error}); fix or delete it") from None
        return store

    def _load(self, data: dict[str, Any]) -> None:
        """Read what a subclass keeps beside `seen` (nothing here)."""

    def payload(self) -> dict[str, Any]:
        return {"version": 1, "seen": self.seen}

    def save(self) -> None:
        from papersum.datadir import atomic_write_text

        atomic_write_text(self.path, json.dumps(self.payload(), indent=1, sort_keys=True) + "\n")

    def keys(self) -> frozenset[str]:
        return frozenset(self.seen)

    def add(self, keys: Iterable[str], day: date) -> int:
        """Remember these keys as sent on `day` (in memory); returns how many were new."""
        added = 0
        for key in keys:
            if key not in self.seen:
                self.seen[key] = day.isoformat()
                added += 1
        return added

    def record(self, annotations: Iterable[Annotation], day: date) -> int:
        """Remember these papers as sent on `day`, write the file; returns how many were new."""
        added = self.add((paper_key(annotation) for annotation in annotations), day)
        self.save()
        return added
