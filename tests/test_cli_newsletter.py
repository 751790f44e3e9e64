"""`papersum digest` (formats, curation, --new-only store) and `papersum send`, end to end."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword
from typer.testing import CliRunner

from papersum.cli import app
from smtp_support import smtp_server
from tls_support import make_certificate, server_context

runner = CliRunner()
PASSWORD = "hunter2-Secret"


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def annotations_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 58 seed papers summarised by the real offline pipeline, once per module."""
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    path = tmp_path_factory.mktemp("annotations") / "seeds.jsonl"
    code, _, err = invoke("summarize", str(seeds), "--provider", "offline", "--no-cache", "--out", str(path))
    assert code == 0, err
    return path


def test_all_formats_in_one_run(annotations_file: Path, tmp_path: Path) -> None:
    intro = tmp_path / "intro.txt"
    intro.write_text("Hello <b>readers</b>.\n\nSecond paragraph.", encoding="utf-8")
    out = tmp_path / "out"
    code, _, err = invoke(
        "digest",
        str(annotations_file),
        "--format",
        "html,md,csv,rss,jsonl",
        "--out",
        str(out),
        "--title",
        "Seeds weekly",
        "--intro",
        str(intro),
        "--date",
        "2026-11-27",
    )
    assert code == 0, err
    assert sorted(path.name for path in out.iterdir()) == [
        "digest.csv",
        "digest.html",
        "digest.jsonl",
        "digest.md",
        "digest.xml",
    ]
    html = (out / "digest.html").read_text(encoding="utf-8")
    assert "<title>Seeds weekly</title>" in html and "Hello &lt;b&gt;readers&lt;/b&gt;." in html
    assert "Friday 27 November 2026" in html and html.count("<h3 ") == 58
    # Gmail clips messages whose HTML exceeds 102 KB; the 58-paper seed digest must fit.
    assert len(html.encode("utf-8")) < 102_000
    items = ET.parse(out / "digest.xml").getroot().findall("./channel/item")
    assert len(items) == 58
    assert len({item.findtext("guid") for item in items}) == 58
    rows = list(csv.DictReader(io.StringIO((out / "digest.csv").read_text(encoding="utf-8"))))
    assert len(rows) == 58 and all(row["tldr"] for row in rows)
    assert len((out / "digest.jsonl").read_text(encoding="utf-8").splitlines()) == 58
    assert "Ranked 58 papers by input order" in err


def test_include_exclude_top_and_keyword_grouping(annotations_file: Path) -> None:
    code, out, err = invoke(
        "digest",
        str(annotations_file),
        "--format",
        "jsonl",
        "--include",
        "neural",
        "--include",
        "graph",
        "--exclude",
        "hypernetwork",
        "--group-by",
        "keyword",
        "--top",
        "2",
    )
    assert code == 0, err
    assert "by keyword match" in err and "matched --exclude" in err and "no --include keyword" in err
    rows = [json.loads(line) for line in out.splitlines()]
    assert 0 < len(rows) <= 2 * 20
    for row in rows:
        text = " ".join([row["title"], row["abstract"], *row["tags"]["keywords"]]).lower()
        # --include/--exclude match whole words ("hypernetworks" is another word)
        assert not re.search(r"\bhypernetwork\b", text)
        assert re.search(r"\b(neural|graph)\b", text)


def test_new_only_skips_papers_from_written_digests(annotations_file: Path, tmp_path: Path) -> None:
    # A preview on stdout does not count as sent.
    code, out, _ = invoke(
        "digest", str(annotations_file), "--format", "jsonl", "--top", "5", "--group-by", "none"
    )
    assert code == 0 and len(out.splitlines()) == 5
    code, out, _ = invoke(
        "digest", str(annotations_file), "--format", "jsonl", "--new-only", "--group-by", "none"
    )
    assert code == 0 and len(out.splitlines()) == 58
    first = tmp_path / "first.jsonl"
    code, _, err = invoke(
        "digest",
        str(annotations_file),
        "--format",
        "jsonl",
        "--top",
        "5",
        "--group-by",
        "none",
        "--out",
        str(first),
    )
    assert code == 0 and "Remembered 5 new papers" in err
    code, out, err = invoke(
        "digest", str(annotations_file), "--format", "jsonl", "--new-only", "--group-by", "none"
    )
    assert code == 0 and "dropped 5 seen in an earlier digest" in err
    sent = {json.loads(line)["paper_id"] for line in first.read_text(encoding="utf-8").splitlines()}
    remaining = {json.loads(line)["paper_id"] for line in out.splitlines()}
    assert len(remaining) == 53 and not sent & remaining


def test_usage_errors_exit_2(annotations_file: Path, tmp_path: Path) -> None:
    assert invoke("digest", str(annotations_file), "--since", "last week")[0] == 2
    assert invoke("digest", str(annotations_file), "--format", "pdf")[0] == 2
    assert invoke("digest", str(annotations_file), "--intro", str(tmp_path / "missing.txt"))[0] == 2
    assert invoke("digest", str(annotations_file), "--group-by", "colour")[0] == 2


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)


def test_send_command_delivers_and_never_echoes_the_password(annotations_file: Path, tmp_path: Path) -> None:
    digest_html = tmp_path / "digest.html"
    code, _, err = invoke(
        "digest",
        str(annotations_file),
        "--format",
        "html",
        "--out",
        str(digest_html),
        "--title",
        "Seeds weekly",
    )
    assert code == 0, err
    certificate = make_certificate(tmp_path)
    server = smtp_server(
        tls_context=server_context(certificate),
        require_starttls=True,
        authenticator=_authenticator,
        auth_required=True,
    )
    with server as (inbox, port):
        base = [
            "send",
            str(digest_html),
            "--to",
            "team@example.org",
            "--from",
            "bot@example.org",
            "--smtp-host",
            "127.0.0.1",
            "--smtp-port",
            str(port),
            "--user",
            "bot",
            "--starttls",
            "--cafile",
            str(certificate[0]),
        ]
        code, out, err = invoke(*base, env={"PAPERSUM_SMTP_PASSWORD": "wrong-" + PASSWORD})
        assert code == 1 and "login failed" in err
        assert PASSWORD not in out + err
        code, out, err = invoke(*base, "--subject", "This week", env={"PAPERSUM_SMTP_PASSWORD": PASSWORD})
        assert code == 0, err
        assert PASSWORD not in out + err and "Sent 'This week' to team@example.org" in err
    assert len(inbox.messages) == 1
    message = inbox.parsed()
    assert isinstance(message, EmailMessage)
    assert message["Subject"] == "This week" and message["To"] == "team@example.org"
    types = [part.get_content_type() for part in message.iter_parts()]
    assert types == ["text/plain", "text/html"]


def test_send_dry_run_and_missing_password(tmp_path: Path) -> None:
    page = tmp_path / "d.html"
    page.write_text("<html><head><title>T</title></head><body><p>Hi</p></body></html>", encoding="utf-8")
    code, out, _ = invoke("send", str(page), "--to", "a@example.org", "--dry-run")
    assert code == 0 and "Subject: T" in out and "multipart/alternative" in out
    code, _, err = invoke(
        "send",
        str(page),
        "--to",
        "a@example.org",
        "--user",
        "bot",
        "--starttls",
        "--smtp-host",
        "127.0.0.1",
        "--smtp-port",
        "9",
    )
    assert code == 1 and "PAPERSUM_SMTP_PASSWORD is not set" in err


def test_run_writes_the_html_digest_next_to_markdown_and_jsonl(tmp_path: Path) -> None:
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    code, _, err = invoke("run", str(seeds), "--out-dir", str(tmp_path / "out"), "--provider", "offline")
    assert code == 0, err
    assert {path.name for path in (tmp_path / "out").iterdir()} == {
        "digest.md",
        "digest.jsonl",
        "digest.html",
    }
    html = (tmp_path / "out" / "digest.html").read_text(encoding="utf-8")
    assert html.count("<h3 ") == 58
