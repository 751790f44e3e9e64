"""Submit, poll and collect request files against a Batch API client, resumably (see state.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from papersum.batch.files import existing_request_files
from papersum.batch.state import RESULTS_DIR, BatchState, FileState, save_state, track


class RemoteBatchInfo(Protocol):
    status: str
    output_file_id: str | None
    error_file_id: str | None
    request_counts: dict[str, int]


class BatchClient(Protocol):
    def upload(self, path: Path) -> str: ...
    def create(self, file_id: str, metadata: dict[str, str] | None = None) -> str: ...
    def retrieve(self, batch_id: str) -> RemoteBatchInfo: ...
    def download(self, file_id: str, target: Path) -> None: ...


Log = Callable[[str], None]


def submit(directory: Path, state: BatchState, client: BatchClient, log: Log) -> int:
    """Upload and create a batch for every request file that has none yet; returns how many were created."""
    created = 0
    for request_file in existing_request_files(directory):
        entry = track(state, request_file)
        if entry.batch_id is not None:
            continue
        if entry.file_id is None:
            entry.file_id = client.upload(request_file)
            save_state(directory, state)
            log(f"uploaded {request_file.name} as {entry.file_id}")
        entry.batch_id = client.create(entry.file_id, {"papersum_file": request_file.name})
        entry.status = "validating"
        save_state(directory, state)
        created += 1
        log(f"created batch {entry.batch_id} for {request_file.name}")
    return created


def refresh(directory: Path, state: BatchState, client: BatchClient) -> None:
    """Ask the API for the status of every unfinished batch."""
    for entry in state.files.values():
        if entry.batch_id is None or entry.finished:
            continue
        remote = client.retrieve(entry.batch_id)
        entry.status = remote.status
        entry.output_file_id = remote.output_file_id
        entry.error_file_id = remote.error_file_id
        entry.request_counts = dict(remote.request_counts)
        save_state(directory, state)


def collect(directory: Path, state: BatchState, client: BatchClient, log: Log) -> list[Path]:
    """Download output and error files of finished batches not downloaded yet; returns all result files."""
    refresh(directory, state, client)
    results = directory / RESULTS_DIR
    for name, entry in state.files.items():
        if not entry.finished or entry.collected:
            continue
        stem = name.removesuffix(".jsonl")
        if entry.output_file_id and entry.output_path is None:
            target = results / f"{stem}.output.jsonl"
            client.download(entry.output_file_id, target)
            entry.output_path = str(target.relative_to(directory))
            save_state(directory, state)
            log(f"downloaded {target}")
        if entry.error_file_id and entry.error_path is None:
            target = results / f"{stem}.errors.jsonl"
            client.download(entry.error_file_id, target)
            entry.error_path = str(target.relative_to(directory))
            save_state(directory, state)
            log(f"downloaded {target}")
    return [directory / path for entry in state.files.values() for path in _paths(entry)]


def _paths(entry: FileState) -> list[str]:
    return [path for path in (entry.output_path, entry.error_path) if path is not None]
