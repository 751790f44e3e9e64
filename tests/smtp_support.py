"""A real aiosmtpd server on loopback for tests, with hooks to refuse or interrupt a transaction."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class Inbox:
    """What the SMTP server received: one (mail_from, rcpt_tos, raw bytes) per accepted message.

    `on_rcpt(address)` and `on_data(raw)` may return an SMTP reply (e.g. "554 ...") to refuse, or
    None to go on; they run in the server's thread, before the client gets an answer. With
    `hang_up`, the server keeps a message and drops the connection instead of answering 250.
    """

    messages: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    on_rcpt: Callable[[str], str | None] | None = None
    on_data: Callable[[bytes], str | None] | None = None
    hang_up: bool = False

    async def handle_RCPT(  # noqa: N802 - aiosmtpd hook
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        reply = self.on_rcpt(address) if self.on_rcpt else None
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd hook
        reply = self.on_data(envelope.original_content) if self.on_data else None
        if reply:
            return reply
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        if self.hang_up:
            server.transport.abort()  # the client never hears the 250
        return "250 Message accepted"

    def parsed(self, index: int = 0) -> EmailMessage:
        message = message_from_bytes(self.messages[index][2], policy=default_policy)
        assert isinstance(message, EmailMessage)
        return message

    def all_parsed(self) -> list[EmailMessage]:
        return [self.parsed(index) for index in range(len(self.messages))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def smtp_server(inbox: Inbox | None = None, **options: Any) -> Iterator[tuple[Inbox, int]]:
    """A started aiosmtpd Controller on 127.0.0.1 (options go to Controller: TLS, auth, ...)."""
    inbox = inbox if inbox is not None else Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()
