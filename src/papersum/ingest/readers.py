"""One reader per input format. Each takes the file's bytes and yields raw records or errors.

Readers never raise for bad data: a bad record becomes an `InputError` naming file, line and field,
and reading goes on, so one bad paper never sinks a batch.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from papersum.errors import InputError
from papersum.ingest.bibliography import BibParser, BibRecord, parse_bibtex, parse_ris, parse_zotero_csv
from papersum.ingest.records import RawRecord, decode_utf8

ReaderOutput = Iterator[RawRecord | InputError]
Reader = Callable[[str, bytes], ReaderOutput]

_ATOM = "{http://www.w3.org/2005/Atom}"
_ARXIV = "{http://arxiv.org/schemas/atom}"
# Lines of a saved Hugging Face Papers page that are chrome, not papers.
_SEED_HEADER_MAX_CHARS = 60
_SEED_TITLE_MAX_CHARS = 400


def json_lines(path: str, data: bytes | Iterable[bytes]) -> Iterator[tuple[int, dict[str, Any]] | InputError]:
    """(line number, object) for each non-blank line; `data` may be an open binary file."""
    lines = data.splitlines() if isinstance(data, bytes) else data
    for number, raw in enumerate(lines, start=1):
        if not raw or raw.isspace():
            continue
        try:
            text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            yield InputError(path, number, None, f"invalid UTF-8 at column {exc.start + 1}")
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            yield InputError(path, number, None, f"not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(obj, dict):
            yield InputError(path, number, None, f"expected a JSON object, got {type(obj).__name__}")
            continue
        yield number, obj


def read_jsonl(path: str, data: bytes | Iterable[bytes]) -> ReaderOutput:
    """JSON Lines: one object per line with at least `abstract`; `data` may be an open binary file."""
    for item in json_lines(path, data):
        yield item if isinstance(item, InputError) else RawRecord(path, *item)


def read_csv(path: str, data: bytes) -> ReaderOutput:
    """CSV (or TSV) with a header row naming at least `abstract`."""
    text, error = decode_utf8(path, data)
    if error:
        yield error
    header = text.split("\n", 1)[0]
    tabbed = path.endswith(".tsv") or ("\t" in header and "," not in header)
    dialect: type[csv.Dialect] = csv.excel_tab if tabbed else csv.excel
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    if not reader.fieldnames or "abstract" not in [name.strip().lower() for name in reader.fieldnames]:
        yield InputError(path, 1, "abstract", f"header has no 'abstract' column: {reader.fieldnames}")
        return
    start = 2
    for row in reader:
        fields = {(k or "").strip().lower(): v for k, v in row.items() if k is not None}
        if None in row:
            yield InputError(path, start, None, "more values than header columns")
        else:
            yield RawRecord(path, start, fields)
        start = reader.line_num + 1


def _hf_record(item: dict[str, Any]) -> dict[str, Any]:
    paper = item.get("paper", item)
    if not isinstance(paper, dict):
        return {}
    authors = [a.get("name", "") if isinstance(a, dict) else str(a) for a in paper.get("authors") or []]
    paper_id = paper.get("id") or item.get("id")
    return {
        "id": paper_id,
        "title": paper.get("title") or item.get("title"),
        "abstract": paper.get("summary") or paper.get("abstract") or item.get("summary"),
        "authors": authors,
        "published": paper.get("publishedAt") or item.get("publishedAt") or paper.get("published"),
        "url": paper.get("url") or item.get("url"),
        "categories": paper.get("categories"),
        "upvotes": paper.get("upvotes", item.get("upvotes")),
        "ai_summary": paper.get("ai_summary"),
        "ai_keywords": paper.get("ai_keywords"),
        "github_repo": paper.get("githubRepo"),
    }


def read_json(path: str, data: bytes) -> ReaderOutput:
    """A JSON array: Hugging Face `api/daily_papers` items or plain paper records."""
    text, error = decode_utf8(path, data)
    if error:
        yield error
        return
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        yield InputError(path, exc.lineno, None, f"not valid JSON ({exc.msg} at column {exc.colno})")
        return
    if isinstance(items, dict):
        items = items.get("papers") or items.get("data") or [items]
    if not isinstance(items, list):
        yield InputError(path, 1, None, "expected a JSON array of papers")
        return
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            yield InputError(path, number, None, f"record {number}: expected an object")
            continue
        fields = _hf_record(item) if ("paper" in item or "summary" in item) else item
        yield RawRecord(path, number, fields)


def read_arxiv_atom(path: str, data: bytes) -> ReaderOutput:
    """arXiv API Atom XML (`export.arxiv.org/api/query` responses)."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        yield InputError(path, exc.position[0], None, f"not valid XML ({exc})")
        return
    for number, entry in enumerate(root.iter(f"{_ATOM}entry"), start=1):
        raw_id = (entry.findtext(f"{_ATOM}id") or "").strip()
        paper_id = raw_id.rsplit("/abs/", 1)[-1] if "/abs/" in raw_id else raw_id
        primary = entry.find(f"{_ARXIV}primary_category")
        categories = [c.get("term", "") for c in entry.findall(f"{_ATOM}category")]
        link = next(
            (ln.get("href") for ln in entry.findall(f"{_ATOM}link") if ln.get("rel") == "alternate"), None
        )
        yield RawRecord(
            path,
            number,
            {
                "id": paper_id,
                "title": entry.findtext(f"{_ATOM}title"),
                "abstract": entry.findtext(f"{_ATOM}summary"),
                "authors": [a.findtext(f"{_ATOM}name") or "" for a in entry.findall(f"{_ATOM}author")],
                "published": entry.findtext(f"{_ATOM}published"),
                "url": link,
                "categories": categories,
                "primary_category": primary.get("term") if primary is not None else None,
            },
        )


def _looks_like_abstract(line: str) -> bool:
    return len(line) > _SEED_TITLE_MAX_CHARS or (len(line) > 120 and line.count(". ") >= 1)


def _seed_body_start(lines: list[str]) -> tuple[int, bool]:
    """Where the title / abstract pairs start after the header, and whether a pair is really there."""
    start = 0
    while start + 1 < len(lines):
        if len(lines[start]) <= _SEED_TITLE_MAX_CHARS and _looks_like_abstract(lines[start + 1]):
            return start, True
        if len(lines[start]) > _SEED_HEADER_MAX_CHARS:
            break
        start += 1
    return start, False


def is_seed_listing(head: bytes) -> bool:
    """Short header lines, then a title line followed by an abstract paragraph (checked on the first
    pairs in `head`; other formats are recognised before this one)."""
    lines = [line.strip() for line in head.decode("utf-8", "replace").splitlines() if line.strip()]
    start, found = _seed_body_start(lines[:-1])  # the last line of a head may be cut short
    pairs = lines[start : start + 4]
    return found and all(
        not _looks_like_abstract(title) and _looks_like_abstract(abstract)
        for title, abstract in zip(pairs[0::2], pairs[1::2], strict=False)
    )


def read_seed_listing(path: str, data: bytes) -> ReaderOutput:
    """A saved Hugging Face Papers page: header lines, then title / abstract line pairs.

    The header is whatever short lines come before the first title line that is followed by an
    abstract-like line; the rest must alternate title, abstract.
    """
    text, error = decode_utf8(path, data)
    if error:
        yield error
    lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    start, _ = _seed_body_start([line for _, line in lines])
    body = lines[start:]
    for i in range(0, len(body), 2):
        title_line, title = body[i]
        if i + 1 >= len(body):
            yield InputError(
                path, title_line, "abstract", f"title {title[:60]!r} has no abstract line after it"
            )
            return
        _abstract_line, abstract = body[i + 1]
        if len(title) > _SEED_TITLE_MAX_CHARS:
            yield InputError(path, title_line, "title", "expected a title line, found a long paragraph")
            continue
        yield RawRecord(path, title_line, {"title": title, "abstract": abstract})


def _from_bibliography(parse: BibParser) -> Reader:
    """A paper reader over a reference-export parser: an entry without an abstract is a bad record."""

    def read(path: str, data: bytes) -> ReaderOutput:
        for item in parse(path, data):
            if isinstance(item, BibRecord) and not item.abstract:
                title = f" ({item.title[:60]!r})" if item.title else ""
                yield InputError(path, item.line, "abstract", f"entry '{item.key}'{title} has no abstract")
            elif isinstance(item, BibRecord):
                doi_url = f"https://doi.org/{item.doi}" if item.doi else None
                paper_id = item.arxiv_id or item.doi
                yield RawRecord(
                    path,
                    item.line,
                    {
                        "id": paper_id,
                        "title": item.title,
                        "abstract": item.abstract,
                        "authors": item.authors,
                        "url": item.url or (None if item.arxiv_id else doi_url),
                    },
                )
            else:
                yield item

    read.__name__ = read.__qualname__ = f"read_{parse.__name__.removeprefix('parse_')}"
    return read


read_bibtex = _from_bibliography(parse_bibtex)
read_ris = _from_bibliography(parse_ris)
read_zotero_csv = _from_bibliography(parse_zotero_csv)
