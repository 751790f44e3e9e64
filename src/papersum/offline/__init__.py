"""The offline engine: deterministic TL;DR and tags from an abstract, no model download.

    from papersum.offline import summarize_offline, OFFLINE_ENGINE_VERSION
    summary = summarize_offline(title, abstract, known_categories=paper.categories or None)

Each part is a pure function in its own module (tldr, keywords, categories, entities,
contribution); the learned parts read small data files from papersum/data/offline/.
"""

from __future__ import annotations

from papersum.models import MAX_CATEGORIES, Summary, Tags
from papersum.offline.categories import clean_known_categories, predict_categories
from papersum.offline.contribution import classify_contribution
from papersum.offline.entities import extract_entities
from papersum.offline.keywords import extract_keywords
from papersum.offline.overlap import abstract_support, is_ungrounded
from papersum.offline.tldr import extract_tldr

# Bump whenever any output can change: it is part of the cache key.
OFFLINE_ENGINE_VERSION = "offline-4"

__all__ = [
    "OFFLINE_ENGINE_VERSION",
    "abstract_support",
    "classify_contribution",
    "extract_entities",
    "extract_keywords",
    "extract_tldr",
    "is_ungrounded",
    "predict_categories",
    "summarize_offline",
]


def summarize_offline(title: str, abstract: str, known_categories: list[str] | None = None) -> Summary:
    """TL;DR and tags for one paper; `known_categories` (primary first) are kept instead of predicted."""
    title = title or ""
    abstract = abstract or ""
    known = clean_known_categories(known_categories or [], MAX_CATEGORIES)
    categories = known or predict_categories(title, abstract)
    tasks, methods, datasets = extract_entities(title, abstract)
    return Summary(
        tldr=extract_tldr(title, abstract),
        tags=Tags(
            categories=categories,
            keywords=extract_keywords(title, abstract),
            tasks=tasks,
            methods=methods,
            datasets=datasets,
            contribution=classify_contribution(title, abstract),
        ),
    )
