"""Batch request lines and the writer that splits them at the API's per-file limits."""

from __future__ import annotations

import json
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from papersum.batch.limits import MAX_FILE_BYTES, MAX_FILE_REQUESTS
from papersum.cache import CACHE_KEY_VERSION

__all__ = ["MAX_FILE_BYTES", "MAX_FILE_REQUESTS"]  # and the names defined below

BATCH_URL = "/v1/chat/completions"
REQUEST_FILE_GLOB = "requests-*.jsonl"


def custom_id_for(cache_key: str) -> str:
    """A stable custom_id: the cache key with ':' replaced, so ingest can map a result back."""
    return cache_key.replace(":", "-", 1)


def cache_key_for(custom_id: str) -> str:
    """Inverse of `custom_id_for` (raises ValueError for an id papersum did not write)."""
    version, _, digest = custom_id.partition("-")
    if version != CACHE_KEY_VERSION or len(digest) != 64:
        raise ValueError(f"custom_id {custom_id!r} was not written by this papersum version")
    return f"{version}:{digest}"


def request_line(custom_id: str, body: dict[str, Any]) -> bytes:
    """One line of an OpenAI Batch input file (also what vLLM's run_batch reads)."""
    record = {"custom_id": custom_id, "method": "POST", "url": BATCH_URL, "body": body}
    return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def existing_request_files(directory: Path) -> list[Path]:
    return sorted(directory.glob(REQUEST_FILE_GLOB))


class SplitWriter:
    """Writes request lines to requests-NNNN.jsonl files, starting a new file before a limit is hit.

    Numbering continues after the files already in the directory, so a later prepare never
    overwrites a file that may have been submitted. Files appear only when a line is written.
    """

    def __init__(
        self, directory: Path, *, max_requests: int = MAX_FILE_REQUESTS, max_bytes: int = MAX_FILE_BYTES
    ) -> None:
        if max_requests < 1 or max_bytes < 1:
            raise ValueError("file limits must be positive")
        self.directory = directory
        self.max_requests = max_requests
        self.max_bytes = max_bytes
        self.written: list[Path] = []
        self._next_number = len(existing_request_files(directory)) + 1
        self._handle: IO[bytes] | None = None
        self._requests = 0
        self._bytes = 0

    def write(self, line: bytes) -> Path:
        if len(line) > self.max_bytes:
            raise ValueError(
                f"one request is {len(line):,} bytes, over the {self.max_bytes:,}-byte file limit"
            )
        if (
            self._handle is None
            or self._requests + 1 > self.max_requests
            or self._bytes + len(line) > self.max_bytes
        ):
            self._open_next()
        assert self._handle is not None
        self._handle.write(line)
        self._requests += 1
        self._bytes += len(line)
        return self.written[-1]

    def _open_next(self) -> None:
        self.close()
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"requests-{self._next_number:04d}.jsonl"
        while path.exists():  # a gap in the numbering (a file deleted by hand): never overwrite
            self._next_number += 1
            path = self.directory / f"requests-{self._next_number:04d}.jsonl"
        self._next_number += 1
        self._handle = path.open("xb")
        self.written.append(path)
        self._requests = 0
        self._bytes = 0

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def __enter__(self) -> SplitWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
