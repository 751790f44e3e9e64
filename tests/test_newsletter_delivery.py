"""Per-reader outbox and state against a real aiosmtpd server, including every crash point.

A kill -9 leaves exactly what was on disk at that instant (every state write is an fsynced
atomic replace), so "kill the run here" is tested by copying the data directory from inside the
SMTP server's hook, at that point of the transaction, and starting a fresh run from the copy.
The end-to-end kill -9 of a real `papersum newsletter` process is in test_newsletter_run.py.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from digest_samples import sample_annotations
from papersum.errors import PapersumError
from papersum.newsletter.compose import compose, outbox_entry, write_eml
from papersum.newsletter.config import ReaderConfig
from papersum.newsletter.deliver import Courier
from papersum.newsletter.state import ReaderState, StateDir
from papersum.send import SmtpSettings, message_bytes
from smtp_support import Inbox, free_port, smtp_server

DAY = date(2026, 11, 27)


def prepare(data_dir: Path, name: str, *, formats: tuple[str, ...] = ()) -> ReaderState:
    """Compose `name`'s digest of the sample papers and put it in the reader's outbox."""
    reader = ReaderConfig(
        name=name, email=[f"{name}@example.org"], interests=["routing"], formats=list(formats)
    )
    ranked = sample_annotations()[:2]
    message = compose(
        reader, ranked, title="Morning papers", day=DAY, sender="Papers <papers@example.org>", new_papers=5
    )
    state = StateDir(data_dir).reader(name)
    offered = sample_annotations()
    state.prepare(message_bytes(message), outbox_entry(name, message, ranked, DAY, offered=offered))
    return state


def smtp(port: int) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=port, timeout=10)


def on_disk(data_dir: Path, name: str) -> dict[str, object]:
    loaded = json.loads((data_dir / "readers" / name / "newsletter.json").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_prepared_message_is_sent_once_and_recorded(tmp_path: Path) -> None:
    state = prepare(tmp_path, "alice", formats=("md",))
    entry = state.outbox[0]
    assert state.eml_path(entry).is_file() and state.pending_keys() == {"2401.00001", "2401.00002"}
    assert state.claimed_keys() == {"2401.00001", "2401.00002", "sha1-0123456789abcdef"}
    with smtp_server() as (inbox, port):
        deliveries = Courier(smtp(port)).flush(state)
    assert [item.result for item in deliveries] == ["sent"]
    assert len(inbox.messages) == 1
    received = inbox.parsed()
    assert received["Message-ID"] == entry.message_id
    assert received["Subject"] == "Morning papers · 2026-11-27 · 2 papers"
    assert [part.get_content_type() for part in received.walk()][:4] == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
    ]
    attachment = next(received.iter_attachments())
    assert attachment.get_filename() == "digest.md"
    assert "Sparse Mixture Routers" in attachment.get_content()
    assert "2 of 5 new papers, picked for alice." in received.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    stored = on_disk(tmp_path, "alice")
    assert stored["seen"] == {"2401.00001": "2026-11-27", "2401.00002": "2026-11-27"}
    assert stored["passed"] == {"sha1-0123456789abcdef": "2026-11-27"}  # offered, not picked
    assert stored["outbox"] == []
    assert [record["status"] for record in stored["history"]] == ["delivered"]  # type: ignore[union-attr]
    assert not state.eml_path(entry).exists()
    assert Courier(smtp(port)).flush(StateDir(tmp_path).reader("alice")) == []  # nothing left to send


def test_killed_before_the_end_of_data_resends_the_same_message(tmp_path: Path) -> None:
    """Crash point: the server has MAIL and RCPT but not the final '.': nothing was delivered."""
    data_dir = tmp_path / "data"
    state = prepare(data_dir, "alice")
    snapshot = tmp_path / "at-rcpt"

    def kill_at_rcpt(address: str) -> str:
        shutil.copytree(data_dir, snapshot)  # what kill -9 at this instant leaves on disk
        return "421 shutting down"  # and the dead client never finishes the transaction

    with smtp_server(Inbox(on_rcpt=kill_at_rcpt)) as (inbox, port):
        Courier(smtp(port)).flush(state)
        assert on_disk(snapshot, "alice")["outbox"][0]["phase"] == "prepared"  # type: ignore[index]
        restarted = StateDir(snapshot).reader("alice")
        assert restarted.reconcile() == []
        inbox.on_rcpt = None
        deliveries = Courier(smtp(port)).flush(restarted)
    assert [item.result for item in deliveries] == ["sent"]
    assert [message["Message-ID"] for message in inbox.all_parsed()] == [state.outbox[0].message_id]
    assert set(on_disk(snapshot, "alice")["seen"]) == {"2401.00001", "2401.00002"}  # type: ignore[arg-type]


def test_killed_after_the_end_of_data_never_sends_twice(tmp_path: Path) -> None:
    """Crash point: the server has the whole message and is about to answer 250."""
    data_dir = tmp_path / "data"
    state = prepare(data_dir, "alice")
    message_id = state.outbox[0].message_id
    snapshot = tmp_path / "at-dot"

    def kill_after_dot(raw: bytes) -> None:
        shutil.copytree(data_dir, snapshot)
        return None  # the server accepts it; the killed client never hears so

    with smtp_server(Inbox(on_data=kill_after_dot)) as (inbox, port):
        Courier(smtp(port)).flush(state)
        assert on_disk(snapshot, "alice")["outbox"][0]["phase"] == "committing"  # type: ignore[index]
        restarted = StateDir(snapshot).reader("alice")
        assumed = restarted.reconcile()
        assert [(entry.message_id, kept is not None and kept.exists()) for entry, kept in assumed] == [
            (message_id, True)
        ]
        assert Courier(smtp(port)).flush(restarted) == []
    assert len(inbox.messages) == 1  # the original delivery only
    stored = on_disk(snapshot, "alice")
    assert set(stored["seen"]) == {"2401.00001", "2401.00002"}  # type: ignore[arg-type]
    assert stored["history"][0]["status"] == "assumed delivered"  # type: ignore[index]
    assert not list((snapshot / "readers" / "alice" / "outbox").glob("*.eml"))


def test_no_answer_after_the_end_of_data_is_recorded_as_sent_once(tmp_path: Path) -> None:
    """The server took the message and the connection died before its answer: at most once."""
    state = prepare(tmp_path, "alice")
    with smtp_server(Inbox(hang_up=True)) as (inbox, port):
        [uncertain] = Courier(smtp(port)).flush(state)
        assert uncertain.result == "uncertain" and "may not have been delivered" in (uncertain.detail or "")
        inbox.hang_up = False
        assert Courier(smtp(port)).flush(StateDir(tmp_path).reader("alice")) == []
    assert len(inbox.messages) == 1
    stored = on_disk(tmp_path, "alice")
    assert stored["outbox"] == [] and stored["history"][0]["status"] == "assumed delivered"  # type: ignore[index]
    assert len(list((tmp_path / "readers" / "alice" / "uncertain").glob("*.eml"))) == 1


def test_refusal_after_the_end_of_data_keeps_the_message_for_the_next_run(tmp_path: Path) -> None:
    state = prepare(tmp_path, "alice")
    with smtp_server(Inbox(on_data=lambda raw: "554 5.6.0 rejected")) as (inbox, port):
        [failed] = Courier(smtp(port)).flush(state)
        assert failed.result == "failed" and "554" in (failed.detail or "")
        assert on_disk(tmp_path, "alice")["outbox"][0]["phase"] == "prepared"  # type: ignore[index]
        assert on_disk(tmp_path, "alice")["seen"] == {}
        inbox.on_data = None
        [sent] = Courier(smtp(port)).flush(StateDir(tmp_path).reader("alice"))
    assert sent.result == "sent" and len(inbox.messages) == 1


def test_server_down_tries_no_further_reader_and_loses_nothing(tmp_path: Path) -> None:
    states = [prepare(tmp_path, name) for name in ("alice", "bob")]
    courier = Courier(SmtpSettings(host="127.0.0.1", port=free_port(), timeout=5))
    deliveries = [delivery for state in states for delivery in courier.flush(state)]
    assert [item.result for item in deliveries] == ["failed", "failed"]
    assert (
        "Connection refused" in (deliveries[0].detail or "") and deliveries[1].detail == deliveries[0].detail
    )
    with smtp_server() as (inbox, port):
        later = Courier(smtp(port))
        assert [
            d.result for name in ("alice", "bob") for d in later.flush(StateDir(tmp_path).reader(name))
        ] == [
            "sent",
            "sent",
        ]
    assert sorted(to for _, tos, _ in inbox.messages for to in tos) == [
        "alice@example.org",
        "bob@example.org",
    ]


def test_killed_between_eml_and_entry_leaves_no_orphan(tmp_path: Path) -> None:
    state = prepare(tmp_path, "alice")
    orphan = state.outbox_dir / "alice-20261127T060000-deadbeef.eml"
    orphan.write_bytes(b"Subject: half-prepared\r\n\r\nbody\r\n")  # the .eml was written, the entry not
    assert StateDir(tmp_path).reader("alice").reconcile() == []
    assert not orphan.exists() and state.eml_path(state.outbox[0]).exists()


def test_a_missing_eml_drops_its_entry(tmp_path: Path) -> None:
    state = prepare(tmp_path, "alice")
    state.eml_path(state.outbox[0]).unlink()
    restarted = StateDir(tmp_path).reader("alice")
    restarted.reconcile()
    assert restarted.outbox == [] and restarted.pending_keys() == frozenset()


def test_one_run_at_a_time(tmp_path: Path) -> None:
    states = StateDir(tmp_path)
    with states.lock(), pytest.raises(PapersumError, match="another newsletter run"), states.lock():
        pass
    with states.lock():  # released again
        pass


def test_corrupt_state_names_the_file(tmp_path: Path) -> None:
    target = tmp_path / "readers" / "alice" / "newsletter.json"
    target.parent.mkdir(parents=True)
    target.write_text('{"version": 1, "seen": {}, "outbox": [{"message_id": 1}]}', encoding="utf-8")
    with pytest.raises(PapersumError, match=r"alice/newsletter\.json: unreadable"):
        StateDir(tmp_path).reader("alice")


def test_dry_run_eml_opens_as_the_same_message(tmp_path: Path) -> None:
    reader = ReaderConfig(name="bob", email=["bob@example.org"], interests=["retrieval"])
    message = compose(reader, sample_annotations(), title="T", day=DAY, sender="p@example.org", new_papers=3)
    path = write_eml(tmp_path / "out", "bob", message, DAY)
    assert path.name == "2026-11-27-bob.eml"
    assert path.read_bytes() == message_bytes(message)
    assert b"\r\n" in path.read_bytes()  # CRLF, as on the wire
