"""Read papers from files in many formats: auto-detected, normalised, validated and deduplicated.

`iter_papers` streams (memory stays flat: only dedupe keys are kept); `read_papers` collects.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from papersum.errors import BadInputError, InputError, UsageError
from papersum.ingest.arxiv_feed import looks_like_arxiv_feed, read_arxiv_feed
from papersum.ingest.normalize import dedupe_key
from papersum.ingest.readers import (
    Reader,
    read_arxiv_atom,
    read_csv,
    read_json,
    read_jsonl,
    read_seed_listing,
)
from papersum.ingest.records import RawRecord, record_to_paper
from papersum.models import Paper

__all__ = ["Duplicate", "IngestResult", "detect_reader", "iter_papers", "read_papers", "resolve_inputs"]

_BY_SUFFIX: dict[str, Reader] = {
    ".jsonl": read_jsonl,
    ".ndjson": read_jsonl,
    ".csv": read_csv,
    ".tsv": read_csv,
    ".json": read_json,
    ".xml": read_arxiv_atom,
    ".atom": read_arxiv_atom,
    ".rss": read_arxiv_feed,
    ".txt": read_seed_listing,
}
FORMATS = {
    "jsonl": read_jsonl,
    "csv": read_csv,
    "json": read_json,
    "atom": read_arxiv_atom,
    "arxiv-feed": read_arxiv_feed,
    "listing": read_seed_listing,
}


@dataclass(frozen=True)
class Duplicate:
    """A record dropped because an earlier record is the same paper."""

    kept_id: str
    dropped_id: str
    source: str | None
    key: str


@dataclass
class IngestResult:
    papers: list[Paper] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)


def detect_reader(path: str, head: bytes) -> Reader:
    """Pick the reader by extension, else by the first non-blank bytes."""
    if looks_like_arxiv_feed(head):  # rss.arxiv.org output, whatever the file is called
        return read_arxiv_feed
    reader = _BY_SUFFIX.get(Path(path).suffix.lower())
    if reader is not None:
        return reader
    start = head.lstrip()[:1]
    if start == b"<":
        return read_arxiv_atom
    if start == b"[":
        return read_json
    if start == b"{":
        return read_jsonl
    return read_seed_listing


def resolve_inputs(inputs: Iterable[str]) -> list[str]:
    """Expand directories into their readable files (sorted); `-` means standard input."""
    paths: list[str] = []
    for item in inputs:
        if item == "-" or _is_source(item):
            paths.append(item)
            continue
        path = Path(item)
        if path.is_dir():
            found = sorted(
                str(p)
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in _BY_SUFFIX and not p.name.startswith(".")
            )
            if not found:
                raise UsageError(f"{item}: directory holds no paper files ({', '.join(sorted(_BY_SUFFIX))})")
            paths.extend(found)
        elif path.is_file():
            paths.append(str(path))
        else:
            raise UsageError(f"{item}: no such file or directory")
    return paths


def _is_source(item: str) -> bool:
    from papersum.sources.specs import is_source_spec  # sources build on ingest: imported when used

    return is_source_spec(item)


def _read_bytes(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror})") from None


def _validation_error(record: RawRecord, exc: ValidationError) -> InputError:
    first = exc.errors()[0]
    field_name = ".".join(str(part) for part in first["loc"]) or None
    return InputError(record.path, record.line, field_name, first["msg"])


def _read_head(path: str) -> bytes:
    try:
        with Path(path).open("rb") as handle:
            return handle.read(512)
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror})") from None


def _records(path: str, name: str, input_format: str | None) -> Iterator[RawRecord | InputError]:
    """A file's records. JSON Lines files are read line by line, so memory does not grow with
    the file (whole-document formats such as JSON, CSV and Atom are read at once)."""
    if _is_source(path):  # arxiv:cs.CL, hf:2026-08-21, ...: fetched, or today's cached answer
        from papersum.sources import source_records

        yield from source_records(path)
        return
    if path != "-":
        reader = FORMATS[input_format] if input_format else detect_reader(path, _read_head(path))
        if reader is read_jsonl:
            with Path(path).open("rb") as handle:
                yield from read_jsonl(name, handle)
            return
    data = _read_bytes(path)
    reader = FORMATS[input_format] if input_format else detect_reader(path, data[:512])
    yield from reader(name, data)


def iter_papers(
    inputs: Iterable[str], *, input_format: str | None = None
) -> Iterator[Paper | InputError | Duplicate]:
    """Stream every record of every input as a Paper, an InputError or a Duplicate, in input order."""
    seen: dict[str, str] = {}
    for path in resolve_inputs(inputs):
        name = "<stdin>" if path == "-" else path
        for item in _records(path, name, input_format):
            if isinstance(item, InputError):
                yield item
                continue
            try:
                paper = record_to_paper(item)
            except InputError as error:
                yield error
                continue
            except ValidationError as exc:
                yield _validation_error(item, exc)
                continue
            key = dedupe_key(paper.id, paper.title)
            if key in seen:
                yield Duplicate(seen[key], paper.id, paper.source, key)
                continue
            seen[key] = paper.id
            yield paper


def read_papers(
    inputs: Iterable[str], *, skip_bad: bool = False, input_format: str | None = None
) -> IngestResult:
    """Read all inputs. Without `skip_bad`, any bad record raises BadInputError listing all of them."""
    result = IngestResult()
    for item in iter_papers(inputs, input_format=input_format):
        if isinstance(item, Paper):
            result.papers.append(item)
        elif isinstance(item, InputError):
            result.errors.append(item)
        else:
            result.duplicates.append(item)
    if result.errors and not skip_bad:
        raise BadInputError(result.errors, len(result.papers))
    return result
