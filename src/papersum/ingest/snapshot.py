"""The Kaggle arXiv metadata snapshot (`arxiv-metadata-oai-snapshot.json`): JSON Lines, one paper a line.

The file holds every arXiv paper (~2.5M lines, ~4 GB), so it is read line by line from the open file
and each line is turned into a paper on its own: memory does not grow with the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from papersum.errors import InputError
from papersum.ingest.normalize import clean_text
from papersum.ingest.readers import json_lines
from papersum.ingest.records import RawRecord

# Keys that only the snapshot's records carry together; a line holding them is positively one.
SNAPSHOT_KEYS = frozenset({"id", "authors_parsed", "versions"})
_AUTHOR_SPLIT = re.compile(r",\s*|\s+and\s+")
_MONTHS = {m: n for n, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), start=1)}


def is_snapshot_record(obj: object) -> bool:
    return isinstance(obj, dict) and obj.keys() >= SNAPSHOT_KEYS


def _author(parts: object) -> str:
    """`["Bal\\'azs", "C.", ""]` (last, first, suffix) -> "C. Balázs"."""
    if not isinstance(parts, list):
        return clean_text(str(parts))
    last, first, suffix = ([str(p or "") for p in parts] + ["", "", ""])[:3]
    return clean_text(f"{first} {last} {suffix}")


def _authors(obj: dict[str, Any]) -> list[str]:
    parsed = obj.get("authors_parsed")
    if isinstance(parsed, list) and parsed:
        names = [_author(parts) for parts in parsed]
    else:
        names = [clean_text(name) for name in _AUTHOR_SPLIT.split(str(obj.get("authors") or ""))]
    return [name for name in names if name]


def _latest_version(versions: object) -> tuple[int | None, str | None]:
    """The highest version number and the first version's submission date (RFC 2822)."""
    if not isinstance(versions, list) or not versions:
        return None, None
    numbers = [
        int(v["version"].lstrip("v"))
        for v in versions
        if isinstance(v, dict) and str(v.get("version", "")).lstrip("v").isdigit()
    ]
    first = versions[0].get("created") if isinstance(versions[0], dict) else None
    return (max(numbers) if numbers else None), first


def _first_submitted(created: str | None, update_date: object) -> date | str | None:
    """The first version's date ("Mon, 2 Apr 2007 19:18:42 GMT"), else the record's update date."""
    parts = created.split() if created else []
    if len(parts) >= 4 and parts[2] in _MONTHS and parts[1].isdigit() and parts[3].isdigit():
        try:  # the snapshot's one date layout, parsed directly: email.utils is 10x slower
            return date(int(parts[3]), _MONTHS[parts[2]], int(parts[1]))
        except ValueError:
            pass
    return str(update_date) if update_date else None


def snapshot_fields(obj: dict[str, Any]) -> dict[str, Any]:
    """One snapshot record as loose paper fields (validated later by `record_to_paper`)."""
    paper_id = str(obj.get("id") or "").strip()
    version, created = _latest_version(obj.get("versions"))
    return {
        "id": paper_id,
        "title": obj.get("title"),
        "abstract": obj.get("abstract"),
        "authors": _authors(obj),
        "categories": str(obj.get("categories") or "").split(),
        "published": _first_submitted(created, obj.get("update_date")),
        "url": f"https://arxiv.org/abs/{paper_id}" if paper_id else None,
        "version": version,
    }


def read_arxiv_snapshot(path: str, data: bytes | Iterable[bytes]) -> Iterator[RawRecord | InputError]:
    """Snapshot lines as paper records; `data` may be an open binary file (read line by line)."""
    for item in json_lines(path, data):
        if isinstance(item, InputError):
            yield item
        elif not item[1].get("id"):
            yield InputError(path, item[0], "id", "missing arXiv id")
        else:
            yield RawRecord(path, item[0], snapshot_fields(item[1]))
