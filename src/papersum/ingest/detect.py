"""Which reader a file needs: by extension, then by content, each format recognised positively.

Nothing is a fallback: a file no format recognises is an error naming the formats tried (before, a
Zotero BibTeX file fell through to the Hugging Face listing reader and became junk papers).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from papersum.errors import InputError, PapersumError
from papersum.ingest.arxiv_feed import looks_like_arxiv_feed, read_arxiv_feed
from papersum.ingest.bibliography import is_bibtex, is_ris, is_zotero_csv
from papersum.ingest.readers import (
    Reader,
    is_seed_listing,
    read_arxiv_atom,
    read_bibtex,
    read_csv,
    read_json,
    read_jsonl,
    read_ris,
    read_seed_listing,
    read_zotero_csv,
)
from papersum.ingest.records import RawRecord
from papersum.ingest.snapshot import is_snapshot_record, read_arxiv_snapshot

HEAD_BYTES = 64 * 1024  # enough for the first line of any snapshot record and a listing's first pairs
_BOM = b"\xef\xbb\xbf"


LineReader = Callable[[str, Iterable[bytes]], Iterator[RawRecord | InputError]]


@dataclass(frozen=True)
class InputFormat:
    name: str
    label: str
    reader: Reader
    line_reader: LineReader | None = None  # reads an open file line by line: memory stays flat


JSONL = InputFormat("jsonl", "JSON Lines", read_jsonl, read_jsonl)
SNAPSHOT = InputFormat(
    "arxiv-snapshot", "Kaggle arXiv metadata snapshot", read_arxiv_snapshot, read_arxiv_snapshot
)
JSON = InputFormat("json", "JSON (Hugging Face daily_papers)", read_json)
ATOM = InputFormat("atom", "arXiv API Atom", read_arxiv_atom)
ARXIV_FEED = InputFormat("arxiv-feed", "arXiv RSS feed (rss.arxiv.org)", read_arxiv_feed)
CSV = InputFormat("csv", "CSV/TSV", read_csv)
BIBTEX = InputFormat("bibtex", "BibTeX", read_bibtex)
RIS = InputFormat("ris", "RIS", read_ris)
ZOTERO_CSV = InputFormat("zotero-csv", "Zotero CSV", read_zotero_csv)
LISTING = InputFormat("listing", "saved Hugging Face Papers listing", read_seed_listing)

# XML by what the feed says it is, in order: rss.arxiv.org's feeds (RSS, or Atom naming rss.arxiv.org)
# before the arXiv API's Atom answers.
XML_FORMATS: list[tuple[Callable[[bytes], bool], InputFormat]] = [
    (looks_like_arxiv_feed, ARXIV_FEED),
    (lambda head: b"<feed" in head, ATOM),
]
FORMATS = {
    f.name: f for f in (JSONL, SNAPSHOT, JSON, ARXIV_FEED, ATOM, CSV, BIBTEX, RIS, ZOTERO_CSV, LISTING)
}
_BY_SUFFIX = {".bib": BIBTEX, ".bibtex": BIBTEX, ".ris": RIS, ".tsv": CSV}
# Suffixes a directory is searched for; the content still decides between formats sharing one.
SUFFIXES = frozenset({*_BY_SUFFIX, ".jsonl", ".ndjson", ".json", ".csv", ".xml", ".atom", ".rss", ".txt"})


class UnrecognisedInputError(PapersumError):
    """No reader recognises the file."""


def _first_line_object(start: bytes) -> object:
    """The first line as JSON, or None when it is not a complete JSON value (e.g. pretty-printed)."""
    try:
        return json.loads(start.split(b"\n", 1)[0])
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None


def _is_paper_csv(head: bytes) -> bool:
    header = head.removeprefix(_BOM).split(b"\n", 1)[0].decode("utf-8", "replace")
    columns = header.replace("\t", ",").split(",")
    return "abstract" in [column.strip().strip('"').lower() for column in columns]


def _json_family(start: bytes, suffix: str) -> InputFormat | None:
    if start.startswith(b"["):
        return JSON
    first = _first_line_object(start)
    if is_snapshot_record(first):
        return SNAPSHOT
    if suffix == ".json" or first is None:
        return JSON  # one JSON document (also `{"papers": [...]}`), possibly over many lines
    return JSONL if isinstance(first, dict) else None


def detect_format(path: str, head: bytes) -> InputFormat | None:
    """The input format of a file from its name and first bytes, or None when nothing recognises it."""
    suffix = "" if path == "-" else Path(path).suffix.lower()
    start = head.removeprefix(_BOM).lstrip()
    if suffix in _BY_SUFFIX:
        return _BY_SUFFIX[suffix]
    if suffix == ".csv":
        return ZOTERO_CSV if is_zotero_csv(head) else CSV
    if suffix in (".jsonl", ".ndjson"):
        return SNAPSHOT if is_snapshot_record(_first_line_object(start)) else JSONL
    if start[:1] in (b"[", b"{"):
        return _json_family(start, suffix)
    if start.startswith(b"<"):
        return next((fmt for recognise, fmt in XML_FORMATS if recognise(start[:4096])), None)
    recognisers: list[tuple[Callable[[bytes], bool], InputFormat]] = [
        (is_ris, RIS),
        (is_zotero_csv, ZOTERO_CSV),
        (_is_paper_csv, CSV),
        (is_bibtex, BIBTEX),
        (is_seed_listing, LISTING),
    ]
    return next((fmt for recognise, fmt in recognisers if recognise(head)), None)


def tried_formats() -> str:
    return ", ".join(fmt.label for fmt in FORMATS.values())


def require_format(path: str, head: bytes) -> InputFormat:
    found = detect_format(path, head)
    if found is None:
        raise UnrecognisedInputError(f"{path}: not a recognised paper file (tried: {tried_formats()})")
    return found
