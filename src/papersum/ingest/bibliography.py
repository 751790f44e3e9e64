"""Reference-manager exports (BibTeX, RIS, Zotero CSV) parsed into plain `BibRecord`s.

Pure parsers shared by ingest (where a paper needs an abstract) and reader libraries for relevance
(where a title alone counts). Each yields records or `InputError`s in file order and never raises
for bad data. Text is decoded once here: LaTeX accents and braces, BibTeX escapes, HTML entities.
"""

from __future__ import annotations

import csv
import html
import io
import logging
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import rispy
from bibtexparser import model
from bibtexparser.entrypoint import parse_string
from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names

from papersum.errors import InputError
from papersum.ingest.normalize import clean_text, collapse_whitespace, decode_latex_accents
from papersum.ingest.records import decode_utf8
from papersum.models import arxiv_id_base

# bibtexparser logs every syntax error itself (to stderr when the application configures no logging),
# "Parsing of `@article` block (line 0) aborted ...". Each one becomes an InputError naming the file,
# line and entry here, so its own records only reach handlers an application sets up.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())

__all__ = [
    "BibParser",
    "BibRecord",
    "detect_bibliography",
    "parse_bibtex",
    "parse_ris",
    "parse_zotero_csv",
]


@dataclass(frozen=True)
class BibRecord:
    """One reference as a reader's library holds it; `abstract` is None when the export has none."""

    key: str
    line: int
    title: str
    abstract: str | None
    authors: list[str]
    year: int | None
    doi: str | None
    url: str | None
    keywords: list[str]
    added: date | None  # when the reader added it (Zotero CSV "Date Added"), for recency weighting
    arxiv_id: str | None = None  # from the eprint, DOI, URL or an "arXiv:ID" note, without version


BibParser = Callable[[str, bytes], Iterator[BibRecord | InputError]]

_BIBTEX_ENTRY = re.compile(rb"^[ \t]*@[ \t]*[A-Za-z]+[ \t]*[{(]", re.M)
_BIBTEX_KEY = re.compile(r"\s*@\s*[A-Za-z]+\s*[{(]\s*([^,\s]+)\s*,")
_RIS_START = re.compile(r"^TY  - ", re.M)
_RIS_END = re.compile(r"^ER  -", re.M)
ZOTERO_CSV_COLUMNS = ("Key", "Item Type", "Publication Year", "Author", "Title")
_YEAR = re.compile(r"(1[5-9]\d\d|2\d\d\d)")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.I)
_ARXIV_IN_TEXT = re.compile(
    r"(?:arxiv\.org/(?:abs|pdf)/|arXiv:\s*|10\.48550/arXiv\.)([a-z\-]+(?:\.[A-Z]{2})?/\d{7}|\d{4}\.\d{4,5})",
    re.I,
)
_BIBTEX_KEYWORD_SPLIT = re.compile(r"\s*[;,]\s*")  # Zotero writes `keywords = {a, b}`, others `a; b`
_TAG_SPLIT = re.compile(r"\s*;\s*")  # Zotero CSV tags and RIS KW lines: a tag may hold a comma
# Exporters escape characters BibTeX would read as markup (Zotero: `80{\textbackslash}\%` is the
# text `80\%`); undone in one pass, so what is left is the text's own LaTeX.
_BIBTEX_ESCAPE = re.compile(r"\{\\textbackslash\}|\\textbackslash\{\}|\\([%&_#${}])")
_DASHES = re.compile(r"(?<![-!])-{2,3}(?!-)")


# --- detection --------------------------------------------------------------------------------


def _text_start(head: bytes) -> bytes:
    return head.removeprefix(b"\xef\xbb\xbf").lstrip()


def is_bibtex(head: bytes) -> bool:
    """An `@type{` (or `@type(`) at the start of a line."""
    return _BIBTEX_ENTRY.search(head) is not None


def is_ris(head: bytes) -> bool:
    """RIS records open with a `TY  - ` tag line."""
    return _text_start(head).startswith(b"TY  - ")


def _is_zotero_header(columns: list[str]) -> bool:
    return tuple(columns[: len(ZOTERO_CSV_COLUMNS)]) == ZOTERO_CSV_COLUMNS and "Abstract Note" in columns


def is_zotero_csv(head: bytes) -> bool:
    """Zotero's CSV export header: "Key","Item Type","Publication Year","Author","Title",..."""
    first = _text_start(head).split(b"\n", 1)[0].decode("utf-8", "replace")
    return _is_zotero_header(next(csv.reader([first]), []))


def detect_bibliography(path: str, head: bytes) -> BibParser | None:
    """The parser for a reference-manager export, by extension then content; None if it is not one."""
    suffix = Path(path).suffix.lower()
    if suffix in (".bib", ".bibtex"):
        return parse_bibtex
    if suffix == ".ris":
        return parse_ris
    for recognise, parser in (
        (is_ris, parse_ris),
        (is_zotero_csv, parse_zotero_csv),
        (is_bibtex, parse_bibtex),
    ):
        if recognise(head):
            return parser
    return None


# --- shared field decoding ----------------------------------------------------------------------


def _bibtex_text(value: str) -> str:
    """A BibTeX field value as plain text: escapes, TeX dashes, HTML entities (ACM), LaTeX."""
    value = _BIBTEX_ESCAPE.sub(lambda m: m.group(1) or "\\", value)
    value = _DASHES.sub(lambda m: "–" if len(m.group(0)) == 2 else "—", value)
    return clean_text(html.unescape(value))


def _plain(value: str | None) -> str:
    return clean_text(html.unescape(value)) if value else ""


def _year(value: object) -> int | None:
    match = _YEAR.search(str(value or ""))
    return int(match.group(1)) if match else None


def _doi(value: str | None) -> str | None:
    doi = _DOI_PREFIX.sub("", collapse_whitespace(value or ""))
    return doi or None


def _arxiv_id(*texts: str | None) -> str | None:
    for text in texts:
        match = _ARXIV_IN_TEXT.search(text or "")
        if match and (base := arxiv_id_base(match.group(1))):
            return base
    return None


def _keywords(values: Iterable[str], separator: re.Pattern[str] = _TAG_SPLIT) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        for part in separator.split(value):
            word = clean_text(part)
            if word and word.lower() not in seen:
                seen[word.lower()] = word
    return list(seen.values())


def _person(name: str) -> str:
    """ "Last, First" (and "Last, Jr, First") as "First Last"; a name without a comma stays."""
    if "," not in name:
        return collapse_whitespace(name)
    last, _, rest = name.partition(",")
    jr, _, first = rest.partition(",") if rest.count(",") else ("", "", rest)
    return collapse_whitespace(" ".join(part for part in (first, last, jr) if part.strip()))


# --- BibTeX -------------------------------------------------------------------------------------


def _bibtex_authors(value: str) -> list[str]:
    # Accents first: bibtexparser splits names on `~`, which would cut `\~{n}` in two.
    names = []
    for raw in split_multiple_persons_names(decode_latex_accents(value)):
        if raw.strip().lower() == "others":
            continue
        parts = parse_single_name_into_parts(raw)
        name = " ".join([*parts.first, *parts.von, *parts.last, *parts.jr])
        if cleaned := _bibtex_text(name):
            names.append(cleaned)
    return names


def _bibtex_record(path: str, entry: model.Entry) -> BibRecord | InputError:
    fields = {name.lower(): str(field.value) for name, field in entry.fields_dict.items()}
    line = (entry.start_line or 0) + 1
    title = _bibtex_text(fields.get("title", ""))
    abstract = _bibtex_text(fields.get("abstract", "")) or None
    if not title and not abstract:
        return InputError(path, line, "title", f"entry '{entry.key}' has neither title nor abstract")
    doi = _doi(fields.get("doi"))
    url = collapse_whitespace(fields.get("url", "")) or None
    eprint = fields.get("eprint", "")
    if eprint and fields.get("archiveprefix", "arxiv").lower() == "arxiv":
        eprint = f"arXiv:{eprint}"
    added = _date(fields.get("date-added") or fields.get("timestamp"))
    return BibRecord(
        entry.key,
        line,
        title=title,
        abstract=abstract,
        authors=_bibtex_authors(fields.get("author", "")),
        year=_year(fields.get("year") or fields.get("date")),
        doi=doi,
        url=url,
        keywords=_keywords([fields.get("keywords", "")], _BIBTEX_KEYWORD_SPLIT),
        added=added,
        arxiv_id=_arxiv_id(eprint, doi, url, fields.get("note"), fields.get("journal"), fields.get("number")),
    )


def parse_bibtex(path: str, data: bytes) -> Iterator[BibRecord | InputError]:
    """BibTeX as Zotero, Better BibTeX, ACM DL, Google Scholar, JabRef and others export it."""
    text, error = decode_utf8(path, data)
    if error:
        yield error
    for parsed in parse_string(text).blocks:
        block: model.Block | None = parsed
        if isinstance(parsed, model.DuplicateBlockKeyBlock | model.DuplicateFieldKeyBlock):
            block = parsed.ignore_error_block  # still a reference; ingest drops same-paper duplicates
        if isinstance(block, model.Entry):
            yield _bibtex_record(path, block)
        elif isinstance(block, model.ParsingFailedBlock):
            key = _BIBTEX_KEY.match(block.raw or "")
            reason = (str(block.error).strip().splitlines() or ["syntax error"])[-1].strip()
            what = f"entry '{key.group(1)}'" if key else "BibTeX entry"
            yield InputError(path, (block.start_line or 0) + 1, None, f"{what} could not be read: {reason}")


# --- RIS ----------------------------------------------------------------------------------------


def _ris_chunks(text: str) -> Iterator[tuple[int, str]]:
    """Each `TY` ... `ER` record and its first line; a record without its `ER` ends at the next `TY`."""
    starts = [m.start() for m in _RIS_START.finditer(text)]
    for index, start in enumerate(starts):
        stop = starts[index + 1] if index + 1 < len(starts) else len(text)
        end = _RIS_END.search(text, start, stop)
        chunk = text[start : end.end() if end else stop].rstrip()
        yield text.count("\n", 0, start) + 1, chunk if end else chunk + "\nER  - "


def _first(value: object) -> str:
    if isinstance(value, list):
        return str(value[0]) if value else ""
    return str(value or "")


def parse_ris(path: str, data: bytes) -> Iterator[BibRecord | InputError]:
    """RIS as Zotero, Mendeley, EndNote, Scopus and Web of Science export it."""
    text, error = decode_utf8(path, data)
    if error:
        yield error
    text = text.replace("\r\n", "\n")
    for number, (line, chunk) in enumerate(_ris_chunks(text), start=1):
        try:
            (entry,) = rispy.loads(chunk)
        except (ValueError, OSError) as exc:
            yield InputError(path, line, None, f"RIS record could not be read: {exc}")
            continue
        title = _plain(_first(entry.get("title") or entry.get("primary_title")))
        abstract = _plain(_first(entry.get("abstract") or entry.get("notes_abstract"))) or None
        doi = _doi(_first(entry.get("doi")))
        if not title and not abstract:
            yield InputError(path, line, "title", f"record {number} has neither title (TI) nor abstract (AB)")
            continue
        urls = [str(u) for u in entry.get("urls") or []]
        authors = [*(entry.get("authors") or []), *(entry.get("first_authors") or [])]
        yield BibRecord(
            _first(entry.get("id")) or doi or f"#{number}",
            line,
            title=title,
            abstract=abstract,
            authors=[name for name in (_plain(_person(a)) for a in authors) if name],
            year=_year(entry.get("year") or entry.get("publication_year") or entry.get("date")),
            doi=doi,
            url=urls[0] if urls else None,
            keywords=_keywords(entry.get("keywords") or []),
            added=None,
            arxiv_id=_arxiv_id(doi, *urls, _first(entry.get("notes"))),
        )


# --- Zotero CSV ---------------------------------------------------------------------------------


def _date(value: str | None) -> date | None:
    try:
        return datetime.fromisoformat(value.strip()[:19]).date() if value and value.strip() else None
    except ValueError:
        return None


def parse_zotero_csv(path: str, data: bytes) -> Iterator[BibRecord | InputError]:
    """Zotero's "Export Collection... > CSV" (one row per item, "Key","Item Type",... header)."""
    text, error = decode_utf8(path, data)
    if error:
        yield error
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not _is_zotero_header(list(reader.fieldnames or [])):
        yield InputError(path, 1, None, f"not a Zotero CSV header: {(reader.fieldnames or [])[:5]}")
        return
    line = 2
    for raw in reader:
        row = defaultdict(str, {name: value or "" for name, value in raw.items() if isinstance(name, str)})
        title, abstract = _plain(row["Title"]), _plain(row["Abstract Note"]) or None
        if not title and not abstract:
            yield InputError(path, line, "Title", f"item '{row['Key']}' has neither title nor abstract")
        else:
            doi = _doi(row["DOI"])
            yield BibRecord(
                row["Key"] or f"#{line}",
                line,
                title=title,
                abstract=abstract,
                authors=[_plain(_person(name)) for name in row["Author"].split(";") if name.strip()],
                year=_year(row["Publication Year"] or row["Date"]),
                doi=doi,
                url=row["Url"].strip() or None,
                keywords=_keywords([row["Manual Tags"], row["Automatic Tags"]]),
                added=_date(row["Date Added"]),
                arxiv_id=_arxiv_id(doi, row["Url"], row["Number"], row["Extra"], row["Publication Title"]),
            )
        line = reader.line_num + 1
