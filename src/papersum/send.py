"""Sending a rendered HTML digest as a multipart/alternative email over SMTP.

The plain-text part is derived from the HTML itself, so what `papersum send` mails is exactly the
file the user looked at. A password is only ever taken from the caller (the CLI reads it from
PAPERSUM_SMTP_PASSWORD) and is never sent over an unencrypted connection to a remote host.
"""

from __future__ import annotations

import ipaddress
import re
import smtplib
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid, parseaddr
from html.parser import HTMLParser

from papersum.errors import PapersumError

PASSWORD_ENV = "PAPERSUM_SMTP_PASSWORD"
DEFAULT_SUBJECT = "Paper digest"

_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "li", "tr", "table", "ul", "ol", "br", "section"}
_SKIP_TAGS = {"head", "style", "script", "title", "svg"}


class SendError(PapersumError):
    """The message could not be built or delivered; the text says why, without secrets."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to connect. `port` None picks 465 for SSL, 587 for STARTTLS, else 25."""

    host: str = "localhost"
    port: int | None = None
    starttls: bool = False
    ssl: bool = False
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    cafile: str | None = None
    timeout: float = 30.0

    @property
    def resolved_port(self) -> int:
        if self.port is not None:
            return self.port
        return 465 if self.ssl else 587 if self.starttls else 25


class _TextExtractor(HTMLParser):
    """HTML -> readable plain text: blocks become lines, list items get dashes, links keep URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self._skip: list[str] = []
        self._href: list[str | None] = []
        self._chips = 0
        self._in_tags = False
        self._heading = False
        self._count = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if self._skip:
            if tag == self._skip[-1]:
                self._skip.append(tag)
            return
        style = (values.get("style") or "").replace(" ", "").lower()
        classes = (values.get("class") or "").split()
        chart = "ps-chart" in classes or tag == "svg"
        if tag in _SKIP_TAGS or "display:none" in style or chart:
            if chart and values.get("aria-label"):
                self.out.append(f"\n[chart] {values['aria-label']}\n")
            self._skip.append(tag)
            return
        if tag in _BLOCK_TAGS:
            self.out.append("\n")
            self._chips = 0
        if tag in {"h1", "h2"}:
            self.out.append("\n")
            self._heading = True
        if tag == "span" and self._heading and "ps-muted" in classes:
            self.out.append("(")  # "Machine Learning (3 papers)", not "Machine Learning 3 papers"
            self._count = True
        if tag == "li":
            self.out.append("- ")
        if tag == "a":
            self._href.append(values.get("href"))
        if tag == "div":
            self._in_tags = "ps-tags" in classes
        if tag == "span" and self._in_tags:
            # Tag chips sit side by side in HTML; in text they need words between them.
            if self._chips and self.out and self.out[-1].isspace():
                self.out.pop()  # the space between two chips; the separator replaces it
            self.out.append("Tags: " if self._chips == 0 else " · ")
            self._chips += 1

    def handle_endtag(self, tag: str) -> None:
        if self._skip:
            if tag == self._skip[-1]:
                self._skip.pop()
            return
        if tag == "a" and self._href:
            href = self._href.pop()
            if href and href.startswith(("http://", "https://")):
                self.out.append(f" <{href}>")
        if tag == "div":
            self._in_tags = False
        if tag in {"h1", "h2"}:
            self._heading = False
        if tag == "span" and self._count:
            self.out.append(")")
            self._count = False
        if tag in _BLOCK_TAGS and tag != "li":
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.out.append(re.sub(r"\s+", " ", data))


@dataclass(frozen=True)
class Attachment:
    """A text file sent along with the message, e.g. the digest as Markdown (subtype "markdown")."""

    filename: str
    text: str
    subtype: str = "plain"


def html_to_text(markup: str) -> str:
    """A plain-text rendering of an HTML email, for the text/plain alternative."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    lines = [line.strip() for line in "".join(parser.out).splitlines()]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


class _TitleFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title: str | None = None
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._inside = tag == "title" and self.title is None

    def handle_endtag(self, tag: str) -> None:
        self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.title = (self.title or "") + data


def html_title(markup: str) -> str | None:
    """The document's <title>, whitespace-collapsed, or None."""
    finder = _TitleFinder()
    finder.feed(markup)
    finder.close()
    title = " ".join((finder.title or "").split())
    return title or None


def check_address(value: str, role: str) -> str:
    """`value` if it is one plausible address (display name allowed, no line breaks), else SendError."""
    _name, address = parseaddr(value)
    if "\n" in value or "\r" in value or "@" not in address or address.count("@") != 1:
        raise SendError(f"invalid {role} address: {value!r}")
    return value.strip()


def build_message(
    markup: str,
    *,
    sender: str,
    recipients: list[str],
    subject: str | None = None,
    text: str | None = None,
    attachments: Sequence[Attachment] = (),
) -> EmailMessage:
    """A multipart/alternative message: text/plain (derived from `markup` unless given), text/html.

    With attachments the message becomes multipart/mixed: the alternative part first, then the files.
    """
    if not recipients:
        raise SendError("no recipient given")
    to = [check_address(item, "recipient") for item in recipients]
    subject_line = " ".join((subject or html_title(markup) or DEFAULT_SUBJECT).split())
    message = EmailMessage()
    message["Subject"] = subject_line
    message["From"] = check_address(sender, "sender")
    message["To"] = ", ".join(to)
    message["Date"] = formatdate(localtime=False)
    domain = parseaddr(sender)[1].rpartition("@")[2] or None
    message["Message-ID"] = make_msgid(domain=domain)
    message.set_content(text if text is not None else html_to_text(markup))
    message.add_alternative(markup, subtype="html")
    for item in attachments:
        message.add_attachment(item.text, subtype=item.subtype, filename=item.filename)
    return message


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def message_bytes(message: EmailMessage) -> bytes:
    """The message exactly as it goes over the wire (CRLF line ends), e.g. for an .eml file."""
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))


class ConnectError(SendError):
    """No session could be opened (connection, TLS or login failed): nothing was sent."""


class UncertainDeliveryError(SendError):
    """The end of the message was sent but the server's answer never came: it may have been delivered."""


@dataclass(frozen=True)
class Envelope:
    """Who the SMTP transaction is from and to (the bare addresses of the From and To headers)."""

    sender: str
    recipients: list[str]

    @classmethod
    def of(cls, message: EmailMessage) -> Envelope:
        recipients = [address for _, address in getaddresses(message.get_all("To", []))]
        return cls(sender=parseaddr(str(message["From"]))[1], recipients=recipients)


def _check_settings(settings: SmtpSettings) -> None:
    if settings.starttls and settings.ssl:
        raise SendError("choose either --starttls or --ssl, not both")
    encrypted = settings.starttls or settings.ssl
    if settings.user and not encrypted and not _is_loopback(settings.host):
        raise SendError("refusing to send a password unencrypted; add --starttls or --ssl")
    if settings.user and settings.password is None:
        raise SendError(f"--user given but {PASSWORD_ENV} is not set")


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    context = ssl.create_default_context(cafile=settings.cafile)
    client: smtplib.SMTP | None = None
    try:
        if settings.ssl:
            client = smtplib.SMTP_SSL(
                settings.host, settings.resolved_port, timeout=settings.timeout, context=context
            )
        else:
            client = smtplib.SMTP(settings.host, settings.resolved_port, timeout=settings.timeout)
        client.ehlo()
        if settings.starttls:
            client.starttls(context=context)
            client.ehlo()
        if settings.user and settings.password is not None:
            client.login(settings.user, settings.password)
        return client
    except smtplib.SMTPAuthenticationError as error:
        _close(client)
        raise ConnectError(f"SMTP login failed for user {settings.user!r} (code {error.smtp_code})") from None
    except (smtplib.SMTPException, OSError) as error:
        _close(client)
        where = f"{settings.host}:{settings.resolved_port}"
        raise ConnectError(f"connecting to {where} failed: {type(error).__name__}: {error}") from None


def _close(client: smtplib.SMTP | None) -> None:
    if client is None:
        return
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()


def _data_with_commit_point(client: smtplib.SMTP, data: bytes, before_commit: Callable[[], None]) -> None:
    """SMTP DATA, split so `before_commit` runs after the body and before the terminating dot.

    The server accepts a message when it reads the final "." line, so a caller that records
    "committing" in `before_commit` knows that anything before that record was never delivered.
    """
    code, reply = client.docmd("DATA")
    if code != 354:
        raise smtplib.SMTPDataError(code, reply)
    body = re.sub(rb"(?m)^\.", b"..", data)  # dot-stuffing (RFC 5321 4.5.2)
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    client.send(body)
    before_commit()
    try:
        client.send(b".\r\n")
        code, reply = client.getreply()
    except (smtplib.SMTPException, OSError) as error:
        raise UncertainDeliveryError(
            f"no answer after the end of the message ({type(error).__name__}: {error})"
        ) from None
    if code != 250:
        raise smtplib.SMTPDataError(code, reply)


def deliver(
    data: bytes,
    envelope: Envelope,
    settings: SmtpSettings,
    *,
    before_commit: Callable[[], None] = lambda: None,
) -> dict[str, tuple[int, bytes]]:
    """Send a flattened message (CRLF line ends) on a fresh connection; returns refused recipients.

    Raises ConnectError when no session could be opened, UncertainDeliveryError when the server went
    silent after the final dot, SendError when it refused the message (nothing delivered).
    """
    _check_settings(settings)
    client = _connect(settings)
    where = f"{settings.host}:{settings.resolved_port}"
    try:
        # EmailMessage writes UTF-8 text as 8bit; say so when the server supports it (RFC 6152).
        eight_bit = not data.isascii() and client.has_extn("8bitmime")
        code, reply = client.mail(envelope.sender, ["BODY=8BITMIME"] if eight_bit else [])
        if code != 250:
            raise smtplib.SMTPSenderRefused(code, reply, envelope.sender)
        refused: dict[str, tuple[int, bytes]] = {}
        for address in envelope.recipients:
            code, reply = client.rcpt(address)
            if code not in (250, 251):
                refused[address] = (code, reply)
        if len(refused) == len(envelope.recipients):
            raise smtplib.SMTPRecipientsRefused(refused)
        _data_with_commit_point(client, data, before_commit)
        return refused
    except smtplib.SMTPRecipientsRefused as error:
        raise SendError(f"server refused recipients: {_refusals(error.recipients)}") from None
    except (smtplib.SMTPException, OSError) as error:
        raise SendError(f"sending via {where} failed: {type(error).__name__}: {error}") from None
    finally:
        _close(client)


def _refusals(refused: dict[str, tuple[int, bytes]]) -> str:
    return ", ".join(
        f"{address} ({code} {reply.decode('utf-8', 'replace')})"
        for address, (code, reply) in sorted(refused.items())
    )


def send_message(message: EmailMessage, settings: SmtpSettings) -> None:
    """Deliver `message` to the addresses in its To header; SendError on any failure."""
    refused = deliver(message_bytes(message), Envelope.of(message), settings)
    if refused:
        raise SendError(f"server refused recipients: {', '.join(sorted(refused))}")
