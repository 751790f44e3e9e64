"""Resumable submit/status/collect: one state.json in the batch directory, saved after every step.

Each request file moves through: uploaded (file_id) -> submitted (batch_id) -> a terminal status
-> collected (output/error files downloaded). Re-running a command skips finished steps, so an
interrupted submit never uploads or creates a batch twice for the same file content.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pydantic import BaseModel, Field

STATE_NAME = "state.json"
TERMINAL = frozenset({"completed", "failed", "expired", "cancelled"})
RESULTS_DIR = "results"


class FileState(BaseModel):
    sha256: str
    file_id: str | None = None
    batch_id: str | None = None
    status: str | None = None
    output_file_id: str | None = None
    error_file_id: str | None = None
    request_counts: dict[str, int] = Field(default_factory=dict)
    output_path: str | None = None
    error_path: str | None = None

    @property
    def finished(self) -> bool:
        return self.status in TERMINAL

    @property
    def collected(self) -> bool:
        wanted = [(self.output_file_id, self.output_path), (self.error_file_id, self.error_path)]
        return self.finished and all(path is not None for file_id, path in wanted if file_id)


class BatchState(BaseModel):
    endpoint: str
    files: dict[str, FileState] = Field(default_factory=dict)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_state(directory: Path, endpoint: str) -> BatchState:
    path = directory / STATE_NAME
    if path.is_file():
        return BatchState.model_validate_json(path.read_text(encoding="utf-8"))
    return BatchState(endpoint=endpoint)


def save_state(directory: Path, state: BatchState) -> None:
    path = directory / STATE_NAME
    partial = path.with_name(path.name + ".partial")
    partial.write_text(state.model_dump_json(indent=1) + "\n", encoding="utf-8")
    partial.replace(path)


def track(state: BatchState, request_file: Path) -> FileState:
    """The state of a request file; a file whose content changed since upload starts over."""
    digest = file_sha256(request_file)
    current = state.files.get(request_file.name)
    if current is None or current.sha256 != digest:
        current = FileState(sha256=digest)
        state.files[request_file.name] = current
    return current
