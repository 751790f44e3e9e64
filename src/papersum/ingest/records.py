"""Raw records from readers, and their conversion into validated `Paper` objects."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError

from papersum.errors import InputError
from papersum.ingest.normalize import clean_text, collapse_whitespace
from papersum.models import Paper, arxiv_id_base, content_id

# Abstracts are ~1-3k characters; far beyond this the text is not an abstract, and an LLM call would
# be costly. Such a paper is kept and gets a recorded per-paper error instead (see pipeline).
MAX_ABSTRACT_CHARS = 20_000


@dataclass
class RawRecord:
    """One record as a reader found it: loose string fields plus where it came from."""

    path: str
    line: int
    fields: dict[str, Any] = field(default_factory=dict)


def decode_utf8(path: str, data: bytes) -> tuple[str, InputError | None]:
    """Decode UTF-8; on bad bytes report the line and go on with replacement characters."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        error = InputError(path, line, None, f"invalid UTF-8 at byte {exc.start}")
        return data.decode("utf-8-sig", errors="replace"), error


def _as_list(value: Any, splitter: str) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [collapse_whitespace(str(item)) for item in value if str(item).strip()]
    return [collapse_whitespace(part) for part in str(value).split(splitter) if part.strip()]


_YEAR_OR_MONTH = re.compile(r"\d{4}(?:-(?:0[1-9]|1[0-2]))?")


def _parse_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    text = str(value).strip()
    # Bibliographic exports often give only a year or a month: read them as the period's first day.
    if _YEAR_OR_MONTH.fullmatch(text):
        year, _, month = text.partition("-")
        return date(int(year), int(month or 1), 1)
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        return date.fromisoformat(text[:10])


# What a source knows beyond the text (arXiv feeds, Hugging Face daily papers); Paper validates types.
_SOURCE_FIELDS = ("announce_type", "version", "upvotes", "ai_summary", "github_repo")


def _source_fields(fields: dict[str, Any]) -> dict[str, Any]:
    extras = {name: fields[name] for name in _SOURCE_FIELDS if fields.get(name) not in (None, "")}
    if fields.get("ai_keywords"):
        extras["ai_keywords"] = _as_list(fields["ai_keywords"], ",")
    return extras


def record_to_paper(record: RawRecord) -> Paper:
    """Validate and normalise one raw record. Raises InputError naming the field at fault."""

    def fail(field_name: str, message: str) -> InputError:
        return InputError(record.path, record.line, field_name, message)

    fields = record.fields
    for name in ("id", "title", "abstract", "url"):
        value = fields.get(name)
        if value is not None and not isinstance(value, str | int | float):
            raise fail(name, f"expected text, got {type(value).__name__}")
    abstract = clean_text(str(fields.get("abstract") or ""))
    if not abstract:
        raise fail("abstract", "missing or empty")
    title = clean_text(str(fields.get("title") or ""))
    raw_id = collapse_whitespace(str(fields.get("id") or ""))
    paper_id = raw_id or content_id(title, abstract)
    url = collapse_whitespace(str(fields.get("url") or "")) or None
    if url is None and (base := arxiv_id_base(paper_id)):
        url = f"https://arxiv.org/abs/{base}"
    try:
        published = _parse_date(fields.get("published"))
    except ValueError:
        raise fail("published", f"not a date: {fields.get('published')!r}") from None
    categories = _as_list(fields.get("categories"), " ")
    primary = fields.get("primary_category")
    if isinstance(primary, str) and primary.strip():
        categories = [primary.strip(), *[c for c in categories if c != primary.strip()]]
    return Paper(
        **_source_fields(fields),
        id=paper_id,
        title=title,
        abstract=abstract,
        url=url,
        authors=_as_list(fields.get("authors"), ","),
        published=published,
        categories=categories,
        source=f"{record.path}:{record.line}",
    )


def paper_or_error(record: RawRecord) -> Paper | InputError:
    """`record_to_paper`, with a validation failure turned into an InputError naming the field."""
    try:
        return record_to_paper(record)
    except InputError as error:
        return error
    except ValidationError as exc:
        first = exc.errors()[0]
        field_name = ".".join(str(part) for part in first["loc"]) or None
        return InputError(record.path, record.line, field_name, first["msg"])
