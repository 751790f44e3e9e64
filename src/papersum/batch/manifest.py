"""The batch directory's bookkeeping: manifest.jsonl (custom_id -> paper) and failed.json."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, ValidationError

from papersum.errors import UsageError

MANIFEST_NAME = "manifest.jsonl"
FAILED_NAME = "failed.json"


class ManifestEntry(BaseModel):
    """One prepared request: which paper it is and under which cache key its result belongs."""

    custom_id: str
    paper_id: str
    content_hash: str
    cache_key: str
    file: str
    provider: str
    model: str
    prompt_id: str | None = None
    prompt_hash: str | None = None


class FailedEntry(BaseModel):
    custom_id: str
    paper_id: str | None = None
    reason: str


def append_manifest(directory: Path, entries: Iterable[ManifestEntry]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / MANIFEST_NAME).open("a", encoding="utf-8") as handle:
        for entry in entries:
            handle.write(entry.model_dump_json() + "\n")


def load_manifest(directory: Path) -> dict[str, ManifestEntry]:
    """custom_id -> entry; a later line for the same id (a retry) replaces the earlier one."""
    path = directory / MANIFEST_NAME
    entries: dict[str, ManifestEntry] = {}
    if not path.is_file():
        return entries
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                entry = ManifestEntry.model_validate_json(line)
            except ValidationError as exc:
                raise UsageError(f"{path}:{number}: not a manifest line ({exc.errors()[0]['msg']})") from None
            entries[entry.custom_id] = entry
    return entries


def find_batch_dir(results: list[Path]) -> Path | None:
    """The directory holding manifest.jsonl: a results file's folder or one of its two parents."""
    for path in results:
        for folder in (path.parent, path.parent.parent, path.parent.parent.parent):
            if (folder / MANIFEST_NAME).is_file():
                return folder
    return None


def load_failed(directory: Path) -> dict[str, FailedEntry]:
    path = directory / FAILED_NAME
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {item["custom_id"]: FailedEntry.model_validate(item) for item in data}


def save_failed(directory: Path, failed: dict[str, FailedEntry]) -> None:
    path = directory / FAILED_NAME
    partial = path.with_name(path.name + ".partial")
    partial.write_text(
        json.dumps([entry.model_dump() for entry in failed.values()], indent=1) + "\n", encoding="utf-8"
    )
    partial.replace(path)
