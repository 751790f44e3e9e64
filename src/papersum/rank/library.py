"""Read a reader's library: BibTeX, RIS, Zotero CSV, papers (JSONL/CSV/JSON) or an earlier digest.

An entry needs a title; an abstract and keywords help. A record that cannot be read is kept as an
`InputError` in `Library.skipped` (file, line, field) and the rest of the library still counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from papersum.errors import InputError, UsageError
from papersum.rank.profile import Library, LibraryEntry

LIBRARY_SUFFIXES = (".bib", ".bibtex", ".ris", ".csv", ".tsv", ".jsonl", ".ndjson", ".json", ".xml", ".txt")


def _files(paths: Iterable[str | Path]) -> Iterator[Path]:
    for item in paths:
        path = Path(item)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in LIBRARY_SUFFIXES)
            if not found:
                raise UsageError(f"--library {path}: directory holds no library files")
            yield from found
        elif path.is_file():
            yield path
        else:
            raise UsageError(f"--library {path}: no such file or directory")


def _text(value: Any) -> str:
    from papersum.ingest.normalize import clean_text

    return clean_text(str(value)) if isinstance(value, str | int | float) else ""


def _keywords(fields: dict[str, Any]) -> tuple[str, ...]:
    value = fields.get("keywords")
    tags = fields.get("tags")
    if value is None and isinstance(tags, dict):
        value = tags.get("keywords")  # an annotation (digest JSONL)
    if isinstance(value, str):
        value = value.replace(";", ",").split(",")
    if not isinstance(value, list):
        return ()
    return tuple(word for word in (_text(v) for v in value) if word)


def _added(value: Any) -> date | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).date()
    except ValueError:
        return None


def entry_from_fields(path: str, line: int, fields: dict[str, Any]) -> LibraryEntry | InputError:
    """A library entry from a paper or annotation record; only the title is required."""
    title = _text(fields.get("title"))
    abstract = _text(fields.get("abstract")) or None
    if not title and not abstract:
        return InputError(path, line, "title", "missing or empty (a library entry needs a title)")
    key = _text(fields.get("id") or fields.get("paper_id"))
    added = _added(fields.get("added") or fields.get("date_added"))
    return LibraryEntry(title, abstract, _keywords(fields), added, key, f"{path}:{line}")


def _paper_entries(name: str, data: bytes) -> Iterator[LibraryEntry | InputError]:
    from papersum.ingest.detect import HEAD_BYTES, require_format

    for record in require_format(name, data[:HEAD_BYTES]).reader(name, data):
        if isinstance(record, InputError):
            yield record
        else:
            yield entry_from_fields(record.path, record.line, record.fields)


def _bibliography_entries(name: str, data: bytes) -> Iterator[LibraryEntry | InputError] | None:
    from papersum.ingest.bibliography import detect_bibliography

    parser = detect_bibliography(name, data[:4096])
    if parser is None:
        return None
    return (
        item
        if isinstance(item, InputError)
        else LibraryEntry(
            title=item.title,
            abstract=item.abstract or None,
            keywords=tuple(item.keywords),
            added=item.added,
            key=item.arxiv_id or item.doi or item.key,
            source=f"{name}:{item.line}",
        )
        for item in parser(name, data)
    )


def load_library(paths: Sequence[str | Path]) -> Library:
    """Every entry of every file (directories are read recursively), in file order."""
    entries: list[LibraryEntry] = []
    skipped: list[InputError] = []
    for path in _files(paths):
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UsageError(f"--library {path}: cannot read ({exc.strerror})") from None
        name = str(path)
        records = _bibliography_entries(name, data)
        for item in records if records is not None else _paper_entries(name, data):
            if isinstance(item, InputError):
                skipped.append(item)
            else:
                entries.append(item)
    return Library(tuple(entries), tuple(skipped))
