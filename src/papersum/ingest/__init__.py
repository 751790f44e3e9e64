"""Read papers from files in many formats: auto-detected, normalised, validated and deduplicated.

`iter_papers` streams (memory stays flat: only dedupe keys are kept); `read_papers` collects.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from papersum.errors import BadInputError, InputError, UsageError
from papersum.ingest.detect import FORMATS, HEAD_BYTES, SUFFIXES, InputFormat, detect_format, require_format
from papersum.ingest.normalize import dedupe_key
from papersum.ingest.records import RawRecord, paper_or_error
from papersum.models import Paper

__all__ = [
    "FORMATS",
    "Duplicate",
    "EmptyInput",
    "IngestResult",
    "InputFormat",
    "detect_format",
    "iter_papers",
    "read_papers",
    "resolve_inputs",
]


@dataclass(frozen=True)
class Duplicate:
    """A record dropped because an earlier record is the same paper."""

    kept_id: str
    dropped_id: str
    source: str | None
    key: str


@dataclass(frozen=True)
class EmptyInput:
    """A file that holds no papers: said, then skipped (a blank file, an empty feed or export)."""

    path: str
    format: str | None  # the format it was read as; None for a blank file

    def __str__(self) -> str:
        what = f"no papers in this {self.format} file" if self.format else "the file is empty"
        return f"{self.path}: {what}"


@dataclass
class IngestResult:
    papers: list[Paper] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    empty: list[EmptyInput] = field(default_factory=list)


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
                if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith(".")
            )
            if not found:
                raise UsageError(f"{item}: directory holds no paper files ({', '.join(sorted(SUFFIXES))})")
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


def _read_head(path: str) -> bytes:
    """The first bytes, and at least the whole first line (up to 8 MiB): a snapshot record of a
    paper with thousands of authors runs far past HEAD_BYTES, and is recognised by its first line."""
    try:
        with Path(path).open("rb") as handle:
            head = handle.read(HEAD_BYTES)
            while b"\n" not in head and len(head) < 128 * HEAD_BYTES and (more := handle.read(HEAD_BYTES)):
                head += more
            return head
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror})") from None


def _items(fmt: InputFormat, path: str, name: str, data: bytes | None) -> Iterator[RawRecord | InputError]:
    if fmt.line_reader is not None and data is None:
        with Path(path).open("rb") as handle:
            yield from fmt.line_reader(name, handle)
    else:
        yield from fmt.reader(name, _read_bytes(path) if data is None else data)


def _records(path: str, name: str, input_format: str | None) -> Iterator[RawRecord | InputError | EmptyInput]:
    """A file's records. Line formats (JSON Lines, the arXiv snapshot) are read line by line, so
    memory does not grow with the file; whole-document formats (JSON, CSV, XML, BibTeX...) at once."""
    if _is_source(path):  # arxiv:cs.CL, hf:2026-08-21, ...: fetched, or today's cached answer
        from papersum.sources import source_records

        yield from source_records(path)  # an empty answer was already said when it was fetched
        return
    data = _read_bytes(path) if path == "-" else None
    head = data[:HEAD_BYTES] if data is not None else _read_head(path)
    if not head.strip():
        yield EmptyInput(name, None)
        return
    fmt = FORMATS[input_format] if input_format else require_format(name, head)
    empty = True
    for item in _items(fmt, path, name, data):
        empty = False
        yield item
    if empty:
        yield EmptyInput(name, fmt.label)


def iter_papers(
    inputs: Iterable[str], *, input_format: str | None = None
) -> Iterator[Paper | InputError | Duplicate | EmptyInput]:
    """Stream every record of every input, in input order: a Paper, an InputError (a bad record), a
    Duplicate (dropped), or an EmptyInput (a recognised file without papers).

    Raises UnrecognisedInputError for a file no format recognises."""
    seen: dict[str, str] = {}
    for path in resolve_inputs(inputs):
        name = "<stdin>" if path == "-" else path
        for item in _records(path, name, input_format):
            paper = item if isinstance(item, InputError | EmptyInput) else paper_or_error(item)
            if not isinstance(paper, Paper):
                yield paper
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
        elif isinstance(item, EmptyInput):
            result.empty.append(item)
        else:
            result.duplicates.append(item)
    if result.errors and not skip_bad:
        raise BadInputError(result.errors, len(result.papers))
    return result
