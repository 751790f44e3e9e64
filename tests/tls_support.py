"""A throwaway self-signed certificate for 127.0.0.1, made with the openssl CLI at test time."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from pathlib import Path

import pytest

NO_OPENSSL_REASON = "openssl CLI not found: cannot make a test certificate (cryptography is not installed)"


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """(cert.pem, key.pem); skips the test when no openssl CLI exists (cryptography is not installed)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip(reason=NO_OPENSSL_REASON)
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(certificate[0]), str(certificate[1]))
    return context
