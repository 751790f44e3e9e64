"""Sending outbox messages over SMTP and moving them through the reader's state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from papersum.newsletter.state import OutboxEntry, ReaderState
from papersum.send import (
    ConnectError,
    Envelope,
    SendError,
    SmtpSettings,
    UncertainDeliveryError,
    deliver,
)

Result = Literal["sent", "failed", "uncertain"]


@dataclass(frozen=True)
class Delivery:
    """What happened to one message."""

    reader: str
    subject: str
    papers: int
    result: Result
    detail: str | None = None

    def line(self) -> str:
        if self.result == "sent":
            extra = f" ({self.detail})" if self.detail else ""
            return f"sent {self.reader!r} {self.subject!r}{extra}"
        if self.result == "uncertain":
            return f"{self.reader}: {self.detail}"
        return f"could not send to {self.reader}: {self.detail}"


class Courier:
    """Sends messages one connection each; after a failed connection it stops trying for this run."""

    def __init__(self, smtp: SmtpSettings) -> None:
        self.smtp = smtp
        self.down: str | None = None

    def send(self, state: ReaderState, entry: OutboxEntry) -> Delivery:
        def outcome(result: Result, detail: str | None = None) -> Delivery:
            return Delivery(state.reader, entry.subject, len(entry.papers), result, detail)

        if self.down is not None:
            return outcome("failed", self.down)
        data = state.eml_path(entry).read_bytes()
        envelope = Envelope(sender=entry.sender, recipients=entry.recipients)
        try:
            refused = deliver(
                data, envelope, self.smtp, before_commit=lambda: state.set_phase(entry, "committing")
            )
        except ConnectError as error:
            self.down = str(error)
            return outcome("failed", self.down)
        except UncertainDeliveryError as error:
            kept = state.delivered(entry, assumed=True)
            return outcome("uncertain", uncertain_note(entry, str(error), kept))
        except SendError as error:
            if entry.phase == "committing":  # the server answered with a refusal: not delivered
                state.set_phase(entry, "prepared")
            return outcome("failed", str(error))
        state.delivered(entry)
        refusals = f"refused: {', '.join(sorted(refused))}" if refused else None
        return outcome("sent", refusals)

    def flush(self, state: ReaderState) -> list[Delivery]:
        """Send what an earlier run left in the reader's outbox, oldest first."""
        return [self.send(state, entry) for entry in list(state.outbox)]


def uncertain_note(entry: OutboxEntry, why: str, kept: object) -> str:
    where = f"; its copy is {kept}" if kept else ""
    return (
        f"message {entry.message_id} ({entry.subject!r}) may not have been delivered ({why}); "
        f"it is recorded as sent so it cannot go out twice{where}"
    )
