"""`summarize_offline`: the offline engine's parts put together for one paper."""

from __future__ import annotations

from papersum.models import MAX_CATEGORIES, Summary, Tags
from papersum.offline.categories import clean_known_categories, predict_categories
from papersum.offline.contribution import classify_contribution
from papersum.offline.entities import extract_entities
from papersum.offline.keywords import extract_keywords
from papersum.offline.tldr import extract_tldr


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
