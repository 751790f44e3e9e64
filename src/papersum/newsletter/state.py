"""What the newsletter remembers per reader, in the data directory, crash-safe.

Layout in the data directory, beside the reader's ratings (`readers/<name>/`):

    readers/<name>/newsletter.json     papers sent (arXiv id without version -> first sent), outbox, history
    readers/<name>/outbox/<id>.eml     a prepared message, exactly the bytes that go to the server
    readers/<name>/uncertain/<id>.eml  a message whose delivery could not be confirmed (kept for the operator)
    newsletter.lock                    held (flock) by the run in progress

A message moves through the reader's outbox: `prepared` (its .eml written first, then the entry),
`committing` (written just before the final "." of SMTP DATA), then gone, its papers added to
`seen`, once the server answered 250. Each step is one atomic rewrite of `<reader>.json`, so a run
killed at any instant leaves one of these states behind, and `reconcile` on the next run resolves
it: `prepared` is sent again (the same bytes and Message-ID: it never reached the server),
`committing` is taken as delivered (the server had the whole message; see README "Guarantees").
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from papersum.curate import SeenStore
from papersum.datadir import atomic_write_bytes
from papersum.errors import PapersumError
from papersum.rank.ratings import reader_dir

HISTORY_LIMIT = 200
Phase = Literal["prepared", "committing"]


class OutboxEntry(BaseModel):
    """A message waiting to be sent (or being sent) to one reader."""

    message_id: str
    eml: str
    subject: str
    sender: str
    recipients: list[str]
    papers: list[str]
    passed: list[str] = Field(
        default_factory=list, description="offered to the reader's ranking but not picked (top, filters)"
    )
    day: date
    phase: Phase = "prepared"
    created: datetime


class SentRecord(BaseModel):
    """One message the reader got (newest last), for `papersum newsletter` users to audit."""

    message_id: str
    subject: str
    day: date
    papers: int
    sent_at: datetime
    status: Literal["delivered", "assumed delivered"] = "delivered"


class ReaderState(SeenStore):
    """One reader's state file: the seen-papers store plus the outbox and a short history."""

    def __init__(self, path: Path, seen: dict[str, str] | None = None) -> None:
        super().__init__(path, seen)
        # Papers a delivered digest passed over (below the reader's top or min_score): not news again.
        self.passed: dict[str, str] = {}
        self.outbox: list[OutboxEntry] = []
        self.history: list[SentRecord] = []

    @property
    def reader(self) -> str:
        return self.path.parent.name

    @property
    def outbox_dir(self) -> Path:
        return self.path.parent / "outbox"

    @property
    def uncertain_dir(self) -> Path:
        return self.path.parent / "uncertain"

    def _load(self, data: dict[str, Any]) -> None:
        try:
            self.passed = {str(key): str(value) for key, value in dict(data.get("passed", {})).items()}
            self.outbox = [OutboxEntry.model_validate(item) for item in data.get("outbox", [])]
            self.history = [SentRecord.model_validate(item) for item in data.get("history", [])]
        except ValidationError as error:
            raise ValueError(str(error).splitlines()[0]) from None

    def payload(self) -> dict[str, Any]:
        return {
            **super().payload(),
            "passed": self.passed,
            "outbox": [entry.model_dump(mode="json") for entry in self.outbox],
            "history": [record.model_dump(mode="json") for record in self.history[-HISTORY_LIMIT:]],
        }

    def pending_keys(self) -> frozenset[str]:
        """Papers already in a message on its way: they must not go into a second one."""
        return frozenset(key for entry in self.outbox for key in entry.papers)

    def claimed_keys(self) -> frozenset[str]:
        """Papers that are not news for this reader: sent, passed over, or in a message on its way."""
        waiting = {key for entry in self.outbox for key in (*entry.papers, *entry.passed)}
        return self.keys() | frozenset(self.passed) | frozenset(waiting)

    def eml_path(self, entry: OutboxEntry) -> Path:
        return self.outbox_dir / entry.eml

    def prepare(self, data: bytes, entry: OutboxEntry) -> None:
        """Put a message in the outbox: the .eml first, then the entry that points at it."""
        atomic_write_bytes(self.eml_path(entry), data)
        self.outbox.append(entry)
        self.save()

    def set_phase(self, entry: OutboxEntry, phase: Phase) -> None:
        entry.phase = phase
        self.save()

    def delivered(self, entry: OutboxEntry, *, assumed: bool = False) -> Path | None:
        """The server accepted `entry` (or, `assumed`, probably did): record its papers as sent.

        Returns where an assumed message's .eml was kept for the operator, else None.
        """
        self.add(entry.papers, entry.day)
        for key in entry.passed:
            if key not in self.seen:
                self.passed.setdefault(key, entry.day.isoformat())
        self.history.append(
            SentRecord(
                message_id=entry.message_id,
                subject=entry.subject,
                day=entry.day,
                papers=len(entry.papers),
                sent_at=datetime.now(UTC),
                status="assumed delivered" if assumed else "delivered",
            )
        )
        self.outbox = [item for item in self.outbox if item.message_id != entry.message_id]
        source = self.eml_path(entry)
        kept: Path | None = None
        if assumed:  # copied (not moved) first, so a kill here leaves both and the retry finds it
            kept = self.uncertain_dir / entry.eml
            if source.exists():
                atomic_write_bytes(kept, source.read_bytes())
            elif not kept.exists():
                kept = None
        self.save()
        source.unlink(missing_ok=True)
        return kept

    def reconcile(self) -> list[tuple[OutboxEntry, Path | None]]:
        """Settle what an interrupted run left: returns the `committing` entries now taken as delivered.

        A `prepared` entry whose .eml is missing cannot be sent and is dropped (its papers become
        eligible again).
        """
        assumed = []
        for entry in list(self.outbox):
            if entry.phase == "committing":
                assumed.append((entry, self.delivered(entry, assumed=True)))
            elif not self.eml_path(entry).exists():
                self.outbox.remove(entry)
                self.save()
        referenced = {entry.eml for entry in self.outbox}
        if self.outbox_dir.is_dir():
            for leftover in self.outbox_dir.glob("*.eml"):
                if leftover.name not in referenced:  # written, then killed before the entry was saved
                    leftover.unlink(missing_ok=True)
        return assumed


class StateDir:
    """The newsletter's state in the data directory."""

    def __init__(self, data_dir: Path) -> None:
        self.root = data_dir

    def reader(self, name: str) -> ReaderState:
        try:
            return ReaderState.read(reader_dir(name, self.root) / "newsletter.json")
        except ValueError as error:
            raise PapersumError(str(error)) from None

    def readers(self, names: Iterable[str]) -> dict[str, ReaderState]:
        return {name: self.reader(name) for name in names}

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """One run at a time per data directory (two overlapping cron runs would both send).

        flock is released by the kernel when the process dies, so a killed run never leaves a
        stale lock behind.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / "newsletter.lock", "a+") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise PapersumError(
                    f"another newsletter run is using {self.root} (its lock is held); try again later"
                ) from None
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def new_entry_name(reader: str, message_id: str, now: datetime) -> str:
    """The outbox file name: reader, time, and a piece of the Message-ID (unique, sortable)."""
    token = "".join(ch for ch in message_id.split("@")[0] if ch.isalnum())[-12:]
    return f"{reader}-{now:%Y%m%dT%H%M%S}-{token}.eml"
