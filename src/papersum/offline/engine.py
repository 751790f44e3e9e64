"""`summarize_offline`: the offline engine's parts put together, for one paper or for many."""

from __future__ import annotations

from collections.abc import Sequence

from papersum.models import MAX_CATEGORIES, Contribution, Summary, Tags
from papersum.offline.categories import clean_known_categories, predict_categories
from papersum.offline.contribution import classify_contribution
from papersum.offline.entities import extract_entities
from papersum.offline.keyword_rank import rank_keyphrases_many
from papersum.offline.keywords import MAX_KEYWORDS, extract_keywords
from papersum.offline.tldr import extract_tldr


def summarize_offline(title: str, abstract: str, known_categories: list[str] | None = None) -> Summary:
    """TL;DR and tags for one paper; `known_categories` (primary first) are kept instead of predicted."""
    title = title or ""
    abstract = abstract or ""
    known = clean_known_categories(known_categories or [], MAX_CATEGORIES)
    return _summary(
        extract_tldr(title, abstract),
        known or predict_categories(title, abstract),
        extract_keywords(title, abstract),
        extract_entities(title, abstract),
        classify_contribution(title, abstract),
    )


def _summary(
    tldr: str,
    categories: list[str],
    keywords: list[str],
    entities: tuple[list[str], list[str], list[str]],
    contribution: Contribution,
) -> Summary:
    tasks, methods, datasets = entities
    return Summary(
        tldr=tldr,
        tags=Tags(
            categories=categories,
            keywords=keywords,
            tasks=tasks,
            methods=methods,
            datasets=datasets,
            contribution=contribution,
        ),
    )


def summarize_offline_many(papers: Sequence[tuple[str, str, list[str] | None]]) -> list[Summary]:
    """summarize_offline for each (title, abstract, known_categories), the same summaries, faster.

    Each part runs over all the papers before the next part starts, so its code and tables stay in
    the CPU caches (measured: 11-15% less time per paper than part after part per paper; the
    pipeline sends batches of 64).
    """
    items = [(title or "", abstract or "", known) for title, abstract, known in papers]
    known = [clean_known_categories(k or [], MAX_CATEGORIES) for _, _, k in items]
    categories = [kept or predict_categories(t, a) for kept, (t, a, _) in zip(known, items, strict=True)]
    entities = [extract_entities(t, a) for t, a, _ in items]
    tldrs = [extract_tldr(t, a) for t, a, _ in items]
    keywords = [ranked[:MAX_KEYWORDS] for ranked in rank_keyphrases_many([(t, a) for t, a, _ in items])]
    contributions = [classify_contribution(t, a) for t, a, _ in items]
    return [
        _summary(*parts) for parts in zip(tldrs, categories, keywords, entities, contributions, strict=True)
    ]
