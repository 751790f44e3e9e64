"""`papersum.send` against a real aiosmtpd server on loopback (plain, STARTTLS+AUTH, implicit TLS)."""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword

from digest_samples import HOSTILE_TITLE, sample_digest
from papersum.models import DigestGroup
from papersum.render.html import render_html
from papersum.send import SendError, SmtpSettings, build_message, html_to_text, send_message
from smtp_support import Inbox, smtp_server
from tls_support import make_certificate, server_context

USER, PASSWORD = "digest-bot", "s3cret-Pa55"


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == USER.encode()
        and (auth_data.password == PASSWORD.encode())
    )
    return AuthResult(success=ok, handled=False)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def plain_server() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as running:
        yield running


@pytest.fixture
def html_digest() -> str:
    return render_html(sample_digest())


def test_html_to_text_is_readable(html_digest: str) -> None:
    text = html_to_text(html_digest)
    assert text.startswith("3 papers") is False  # the hidden preheader is not in the text part
    assert "Papers of the week" in text
    assert "- Machine Learning (1)\n- Computation and Language (1)\n" in text
    assert "Tags: method · mixture of experts · routing · scaling · cs.LG · cs.CL\n" in text
    assert (
        "Sparse Mixture Routers Scale Without Load Balancing Losses <https://arxiv.org/abs/2401.00001v2>"
        in text
    )
    assert "Why it matters: Cheaper MoE training" in text
    assert HOSTILE_TITLE.replace("\u202e", "") in text  # shown literally, it is plain text
    assert "[chart] Computation and Language 2" in text
    assert "<td" not in text
    # A group heading and its count do not run together ("Machine Learning 1 paper").
    assert "\nMachine Learning (1 paper)\n" in text


def test_a_one_group_newsletter_reads_without_group_counts() -> None:
    """A reader's newsletter is one ranked list: "15 papers · 1 group" and "All papers 15 papers"
    say nothing a reader needs."""
    digest = sample_digest()
    first = digest.groups[0].annotations + digest.groups[1].annotations
    one = digest.model_copy(update={"groups": [DigestGroup(key="", label="All papers", annotations=first)]})
    text = html_to_text(render_html(one))
    assert "2 papers picked from 4 · 1 not summarised" in text and "group" not in text
    assert "\nAll papers (2 papers)\n" in text
    assert "color-scheme" not in text


def test_send_plain_multipart(plain_server: tuple[Inbox, int], html_digest: str) -> None:
    inbox, port = plain_server
    message = build_message(
        html_digest, sender="Digest <digest@example.org>", recipients=["a@example.org", "Bee <b@example.org>"]
    )
    send_message(message, SmtpSettings(host="127.0.0.1", port=port, timeout=10))
    assert len(inbox.messages) == 1
    mail_from, rcpt_tos, _ = inbox.messages[0]
    assert mail_from == "digest@example.org"
    assert rcpt_tos == ["a@example.org", "b@example.org"]
    received = inbox.parsed()
    assert received["Subject"] == "Papers of the week"  # from the HTML <title>
    assert received.get_content_type() == "multipart/alternative"
    parts = {part.get_content_type(): part for part in received.iter_parts()}
    assert set(parts) == {"text/plain", "text/html"}
    assert isinstance(parts["text/html"], EmailMessage)
    assert isinstance(parts["text/plain"], EmailMessage)
    assert parts["text/html"].get_content().replace("\r\n", "\n") == html_digest
    assert "A Benchmark for Long-Context Retrieval in Scientific PDFs" in parts["text/plain"].get_content()


def test_send_refuses_password_in_clear_to_remote_host(html_digest: str) -> None:
    message = build_message(html_digest, sender="d@example.org", recipients=["a@example.org"])
    with pytest.raises(SendError, match="unencrypted"):
        send_message(message, SmtpSettings(host="smtp.example.org", user=USER, password=PASSWORD))


def test_header_injection_is_rejected(html_digest: str) -> None:
    with pytest.raises(SendError, match="invalid recipient"):
        build_message(html_digest, sender="d@example.org", recipients=["a@example.org\nBcc: x@evil.org"])
    message = build_message(
        html_digest, sender="d@example.org", recipients=["a@example.org"], subject="Hi\r\nBcc: x@evil.org"
    )
    assert message["Subject"] == "Hi Bcc: x@evil.org"
    assert message["Bcc"] is None
    assert b"\nBcc:" not in message.as_bytes()


def test_starttls_with_login(certificate: tuple[Path, Path], html_digest: str) -> None:
    server = smtp_server(
        tls_context=server_context(certificate),
        require_starttls=True,
        auth_required=True,
        authenticator=_authenticator,
    )
    with server as (inbox, port):
        message = build_message(
            html_digest, sender="d@example.org", recipients=["a@example.org"], subject="Weekly"
        )
        settings = SmtpSettings(
            host="127.0.0.1",
            port=port,
            starttls=True,
            user=USER,
            password=PASSWORD,
            cafile=str(certificate[0]),
            timeout=10,
        )
        send_message(message, settings)
        assert inbox.parsed()["Subject"] == "Weekly"
        wrong = SmtpSettings(
            host="127.0.0.1",
            port=port,
            starttls=True,
            user=USER,
            password="nope-" + PASSWORD,
            cafile=str(certificate[0]),
            timeout=10,
        )
        with pytest.raises(SendError, match="login failed") as failure:
            send_message(message, wrong)
        assert PASSWORD not in str(failure.value)
        # Without trusting our self-signed certificate the client must refuse the server.
        untrusted = SmtpSettings(
            host="127.0.0.1", port=port, starttls=True, user=USER, password=PASSWORD, timeout=10
        )
        with pytest.raises(SendError, match="CERTIFICATE_VERIFY_FAILED"):
            send_message(message, untrusted)
        assert len(inbox.messages) == 1


def test_implicit_tls(certificate: tuple[Path, Path], html_digest: str) -> None:
    with smtp_server(ssl_context=server_context(certificate)) as (inbox, port):
        message = build_message(html_digest, sender="d@example.org", recipients=["a@example.org"])
        send_message(
            message,
            SmtpSettings(host="127.0.0.1", port=port, ssl=True, cafile=str(certificate[0]), timeout=10),
        )
        assert inbox.parsed().get_content_type() == "multipart/alternative"
