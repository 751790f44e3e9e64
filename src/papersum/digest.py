"""Build a `Digest` from annotations: grouping, per-group limits and tag statistics (pure)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from papersum.curate import OTHER_KEYWORD, keyword_frequency, primary_keyword
from papersum.errors import UsageError
from papersum.models import Annotation, Digest, DigestGroup, TagCount
from papersum.taxonomy import UNCATEGORISED, category_label

GROUPINGS = ("category", "contribution", "keyword", "none")
DEFAULT_TITLE = "Paper digest"


def group_key(annotation: Annotation, group_by: str) -> str:
    tags = annotation.tags
    if group_by == "category":
        return tags.categories[0] if tags and tags.categories else UNCATEGORISED
    if group_by == "contribution":
        return tags.contribution.value if tags else "unknown"
    return "all"


def group_label(key: str, group_by: str) -> str:
    if group_by == "category":
        return category_label(key)
    if group_by == "keyword" and len(key) <= 3:
        return key.upper()  # short keywords are acronyms: llm, gan, rl
    if group_by in {"contribution", "keyword"}:
        return key[:1].upper() + key[1:]
    return "All papers"


def _counts(counter: Counter[str], labeller: dict[str, str] | None, limit: int) -> list[TagCount]:
    ranked = sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [TagCount(tag=tag, label=(labeller or {}).get(tag, tag), count=count) for tag, count in ranked]


def build_digest(
    annotations: Iterable[Annotation],
    *,
    group_by: str = "category",
    top: int | None = None,
    title: str = DEFAULT_TITLE,
    day: date | None = None,
    intro: str | None = None,
) -> Digest:
    """Group successful annotations (largest group first, input order within a group)."""
    if group_by not in GROUPINGS:
        raise UsageError(f"--group-by must be one of {', '.join(GROUPINGS)}, not {group_by!r}")
    if top is not None and top < 1:
        raise UsageError("--top must be at least 1")
    groups: dict[str, list[Annotation]] = {}
    failed: list[Annotation] = []
    categories: Counter[str] = Counter()
    keywords: Counter[str] = Counter()
    contributions: Counter[str] = Counter()
    total = 0
    annotations = list(annotations)
    # Keyword groups put each paper under its keyword most shared across this digest.
    frequency = keyword_frequency(annotations) if group_by == "keyword" else Counter()
    for annotation in annotations:
        total += 1
        if not annotation.ok or annotation.tags is None:
            failed.append(annotation)
            continue
        if group_by == "keyword":
            key = (primary_keyword(annotation, frequency) or OTHER_KEYWORD).lower()
        else:
            key = group_key(annotation, group_by)
        groups.setdefault(key, []).append(annotation)
        categories.update(annotation.tags.categories[:1] or [UNCATEGORISED])
        keywords.update({k.lower() for k in annotation.tags.keywords})
        contributions[annotation.tags.contribution.value] += 1
    last = OTHER_KEYWORD if group_by == "keyword" else UNCATEGORISED
    ordered = sorted(groups.items(), key=lambda item: (item[0] == last, -len(item[1]), item[0]))
    return Digest(
        title=title,
        date=day or date.today(),
        intro=intro,
        group_by=group_by,
        groups=[
            DigestGroup(key=key, label=group_label(key, group_by), annotations=items[:top] if top else items)
            for key, items in ordered
        ],
        total=total,
        failed=failed,
        top_categories=_counts(categories, {c: category_label(c) for c in categories}, 8),
        top_keywords=_counts(keywords, None, 12),
        contributions=_counts(contributions, None, 8),
    )
