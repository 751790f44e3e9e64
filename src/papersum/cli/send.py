"""`papersum send`: mail a rendered HTML digest (HTML + plain-text alternative) over SMTP."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from papersum.cli.common import open_output, say, user_errors
from papersum.errors import UsageError

# papersum.send (smtplib, email, ssl) is imported by the command only. The variable is named
# here for --help; tests check it is papersum.send.PASSWORD_ENV.
PASSWORD_VARIABLE = "PAPERSUM_SMTP_PASSWORD"


@user_errors
def send(
    digest_file: Annotated[
        Path, typer.Argument(help="HTML digest written by `papersum digest --format html`.")
    ],
    to: Annotated[list[str], typer.Option("--to", help="Recipient address. Repeatable.")],
    sender: Annotated[
        str, typer.Option("--from", envvar="PAPERSUM_SMTP_FROM", help="Sender address.")
    ] = "papersum@localhost",
    subject: Annotated[
        str | None, typer.Option("--subject", help="Subject line (default: the digest's title).")
    ] = None,
    smtp_host: Annotated[
        str, typer.Option("--smtp-host", envvar="PAPERSUM_SMTP_HOST", help="SMTP server.")
    ] = ("localhost"),
    smtp_port: Annotated[
        int | None,
        typer.Option(
            "--smtp-port", envvar="PAPERSUM_SMTP_PORT", help="Port (default 465 --ssl, 587 --starttls, 25)."
        ),
    ] = None,
    starttls: Annotated[
        bool, typer.Option("--starttls", help="Upgrade the connection with STARTTLS.")
    ] = False,
    use_ssl: Annotated[bool, typer.Option("--ssl", help="Connect with implicit TLS (SMTPS).")] = False,
    user: Annotated[
        str | None,
        typer.Option(
            "--user",
            envvar="PAPERSUM_SMTP_USER",
            help=f"Login name; the password comes from {PASSWORD_VARIABLE}.",
        ),
    ] = None,
    cafile: Annotated[
        Path | None, typer.Option("--cafile", help="Trust this CA bundle (PEM) for the server certificate.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the message (RFC 5322) to stdout instead of sending it.")
    ] = False,
) -> None:
    """Send an HTML digest as a multipart email (HTML plus a plain-text part derived from it).

    The password is read only from the PAPERSUM_SMTP_PASSWORD environment variable.

    Example:

        PAPERSUM_SMTP_PASSWORD=... papersum send out/digest.html --to team@example.org \\
            --smtp-host smtp.example.org --starttls --user digest-bot
    """
    from papersum.send import PASSWORD_ENV, SmtpSettings, build_message, send_message

    try:
        markup = digest_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{digest_file}: cannot read ({exc})") from None
    message = build_message(markup, sender=sender, recipients=to, subject=subject)
    if dry_run:
        with open_output("-") as handle:
            handle.write(message.as_string())
        return
    settings = SmtpSettings(
        host=smtp_host,
        port=smtp_port,
        starttls=starttls,
        ssl=use_ssl,
        user=user,
        password=os.environ.get(PASSWORD_ENV),
        cafile=str(cafile) if cafile else None,
    )
    send_message(message, settings)
    say(f"Sent {message['Subject']!r} to {', '.join(to)} via {smtp_host}:{settings.resolved_port}")
