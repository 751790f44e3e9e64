"""The digest as CSV: one row per paper (summarised ones in digest order, then failures).

Every cell goes through `csv_cell`, so a title such as `=HYPERLINK(...)` stays text in a
spreadsheet. Tag lists are joined with "; ".
"""

from __future__ import annotations

import csv
import io

from papersum.models import Annotation, Digest, arxiv_id_base
from papersum.render.safe import csv_cell, safe_url

COLUMNS = (
    "group",
    "rank",
    "paper_id",
    "arxiv_id",
    "title",
    "url",
    "published",
    "authors",
    "tldr",
    "why_it_matters",
    "contribution",
    "categories",
    "keywords",
    "tasks",
    "methods",
    "datasets",
    "error",
)
TAG_SEPARATOR = "; "


def _row(group: str, rank: int | None, annotation: Annotation) -> list[str]:
    tags = annotation.tags
    values: dict[str, str | None] = {
        "group": group,
        "rank": str(rank) if rank is not None else "",
        "paper_id": annotation.paper_id,
        "arxiv_id": arxiv_id_base(annotation.paper_id),
        "title": annotation.title,
        "url": safe_url(annotation.url),
        "published": annotation.published.isoformat() if annotation.published else None,
        "authors": TAG_SEPARATOR.join(annotation.authors),
        "tldr": annotation.tldr,
        "why_it_matters": annotation.why_it_matters,
        "contribution": tags.contribution.value if tags else None,
        "categories": TAG_SEPARATOR.join(tags.categories) if tags else None,
        "keywords": TAG_SEPARATOR.join(tags.keywords) if tags else None,
        "tasks": TAG_SEPARATOR.join(tags.tasks) if tags else None,
        "methods": TAG_SEPARATOR.join(tags.methods) if tags else None,
        "datasets": TAG_SEPARATOR.join(tags.datasets) if tags else None,
        "error": annotation.error,
    }
    return [csv_cell(values[column]) for column in COLUMNS]


def render_csv(digest: Digest) -> str:
    """CSV text with a header row; `\\n` line endings, all fields quoted when needed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for group in digest.groups:
        for rank, annotation in enumerate(group.annotations, start=1):
            writer.writerow(_row(group.label or group.key, rank, annotation))
    for annotation in digest.failed:
        writer.writerow(_row("", None, annotation))
    return buffer.getvalue()
