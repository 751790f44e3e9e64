"""One reader's email: the ranked papers as an HTML digest, its plain-text part, requested files."""

from __future__ import annotations

from datetime import UTC, date, datetime
from email.message import EmailMessage
from pathlib import Path

from papersum.curate import paper_key
from papersum.datadir import atomic_write_bytes
from papersum.digest import build_digest
from papersum.models import Annotation
from papersum.newsletter.config import ReaderConfig
from papersum.newsletter.state import OutboxEntry, new_entry_name
from papersum.render import extension, render
from papersum.render.html import render_html
from papersum.send import Attachment, Envelope, build_message, message_bytes

# MIME subtypes of the digest files a reader can ask for (all text/*).
ATTACHMENT_SUBTYPES = {"md": "markdown", "csv": "csv", "rss": "xml", "jsonl": "plain", "html": "html"}


def subject_line(title: str, day: date, count: int) -> str:
    papers = "1 paper" if count == 1 else f"{count} papers"
    return f"{title} · {day.isoformat()} · {papers}"


def compose(
    reader: ReaderConfig,
    ranked: list[Annotation],
    *,
    title: str,
    day: date,
    sender: str,
    new_papers: int,
) -> EmailMessage:
    """The reader's email: HTML digest in rank order, text part derived from it, files attached."""
    picked = f"{len(ranked)} of {new_papers} new paper{'s' if new_papers != 1 else ''}"
    digest = build_digest(
        ranked,
        group_by=reader.group_by,
        title=title,
        day=day,
        intro=f"{picked}, picked for {reader.name}.",
    )
    attachments = [
        Attachment(f"digest.{extension(fmt)}", render(digest, fmt), ATTACHMENT_SUBTYPES[fmt])
        for fmt in reader.formats
    ]
    return build_message(
        render_html(digest),
        sender=sender,
        recipients=reader.email,
        subject=subject_line(title, day, len(ranked)),
        attachments=attachments,
    )


def outbox_entry(
    reader: str, message: EmailMessage, ranked: list[Annotation], day: date, offered: list[Annotation]
) -> OutboxEntry:
    """The state record of a composed message: its papers and the offered ones it passed over."""
    now = datetime.now(UTC)
    message_id = str(message["Message-ID"])
    envelope = Envelope.of(message)
    papers = list(dict.fromkeys(paper_key(item) for item in ranked))
    return OutboxEntry(
        message_id=message_id,
        eml=new_entry_name(reader, message_id, now),
        subject=str(message["Subject"]),
        sender=envelope.sender,
        recipients=envelope.recipients,
        papers=papers,
        passed=[key for key in dict.fromkeys(paper_key(item) for item in offered) if key not in papers],
        day=day,
        created=now,
    )


def write_eml(directory: Path, reader: str, message: EmailMessage, day: date) -> Path:
    """--dry-run: the message as an .eml file (openable in any mail client)."""
    target = directory / f"{day.isoformat()}-{reader}.eml"
    atomic_write_bytes(target, message_bytes(message))
    return target
