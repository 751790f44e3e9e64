"""`papersum fetch` and source inputs (`arxiv:`, `hf:`) end to end, against the replay server."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from papersum.cli import app
from replay_server import FIXTURES, ReplayServer, Reply, fixture

runner = CliRunner()
RSS = "arxiv_rss_4cats.xml"


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ReplayServer]:
    with ReplayServer() as replay:
        monkeypatch.setenv("PAPERSUM_ARXIV_RSS_URL", replay.url("/rss/"))
        monkeypatch.setenv("PAPERSUM_ARXIV_API_URL", replay.url("/api/query"))
        monkeypatch.setenv("PAPERSUM_HF_API_URL", replay.url("/api/daily_papers"))
        monkeypatch.setenv("PAPERSUM_ARXIV_INTERVAL", "0.05")
        monkeypatch.setenv("PAPERSUM_HTTP_RETRIES", "0")
        yield replay


def lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines()]


def test_fetch_arxiv_writes_papers_jsonl(server: ReplayServer, tmp_path: Path) -> None:
    server.add("/rss/cs.LG+cs.AI", Reply(fixture(RSS)))
    out = tmp_path / "today.jsonl"
    code, stdout, err = invoke("fetch", "arxiv", "cs.LG", "cs.AI", "--out", str(out))
    assert code == 0, err
    assert stdout == "" and "arXiv cs.LG, cs.AI: 3 papers (2 new, 1 cross)" in err
    papers = lines(out.read_text("utf-8"))
    assert [(p["id"], p["announce_type"], p["version"]) for p in papers] == [
        ("2609.26811", "new", 1),
        ("2609.26820", "new", 1),
        ("2205.06398", "cross", 2),
    ]
    assert papers[1]["authors"] == ["Naser Mansour", "Sidahmed Benabderrahmane", "Ameer Rahwan"]
    assert len(server.log) == 1
    umask = os.umask(0o022)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask  # like any file the user creates, not 0600


def test_replacements_and_cross_lists_flags(server: ReplayServer) -> None:
    server.add("/rss/cs.LG", Reply(fixture(RSS)))
    code, stdout, _ = invoke("fetch", "arxiv", "cs.LG", "--include-replacements", "--out", "-")
    assert code == 0 and [p["announce_type"] for p in lines(stdout)] == ["new", "new", "cross", "replace"]
    code, stdout, err = invoke("fetch", "arxiv", "cs.LG", "--no-cross-lists", "--out", "-")
    assert code == 0 and [p["announce_type"] for p in lines(stdout)] == ["new", "new"]
    assert "skipped 1 cross-list, 1 replacement (--include-replacements keeps them)" in err
    assert len(server.log) == 1  # the second command was served from today's cache


def test_an_empty_feed_exits_0_with_an_empty_file(server: ReplayServer, tmp_path: Path) -> None:
    server.add("/rss/cs.CV", Reply(fixture("arxiv_rss_empty.xml")))
    out = tmp_path / "cv.jsonl"
    code, _, err = invoke("fetch", "arxiv", "cs.CV", "--out", str(out))
    assert code == 0 and out.read_text("utf-8") == ""
    assert "arXiv announced no new papers for cs.CV (weekend or holiday?)" in err


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (Reply(b"down", status=503, headers={"Retry-After": "0"}), "HTTP 503"),
        (Reply(b"<html><body>maintenance</body></html>"), "malformed feed"),
        (Reply(fixture(RSS), truncate=True), "cut short"),
    ],
)
def test_a_failed_fetch_exits_1_with_one_line_and_no_output(
    server: ReplayServer, tmp_path: Path, reply: Reply, reason: str
) -> None:
    server.add("/rss/cs.LG", reply)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    code, stdout, err = invoke("fetch", "arxiv", "cs.LG", "--out", str(out_dir / "cs.LG.jsonl"))
    assert (code, stdout) == (1, ""), err
    assert reason in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert list(out_dir.iterdir()) == []  # no half-written file, no leftover temporary


def test_an_unwritable_output_is_one_line(server: ReplayServer, tmp_path: Path) -> None:
    server.add("/rss/cs.LG", Reply(fixture(RSS)))
    code, _, err = invoke("fetch", "arxiv", "cs.LG", "--out", str(tmp_path))  # a directory
    assert code == 1 and "cannot write" in err and "Traceback" not in err


def test_fetch_arxiv_query_pages_through_the_api(server: ReplayServer) -> None:
    server.add("/api/query", Reply(fixture("arxiv_api_transformer_p1.xml")), query={"start": "0"})
    server.add("/api/query", Reply(fixture("arxiv_api_cs.CL_p2.xml")), query={"start": "5"})
    code, stdout, err = invoke(
        "fetch", "arxiv", "--query", "all:transformer AND cat:cs.LG", "--max", "8", "--out", "-"
    )
    assert code == 0, err
    assert [s.query["start"] for s in server.log] == ["0", "5"]
    assert len(lines(stdout)) == 8 and "8 papers of 28,946 matching" in err


def test_fetch_hf_keeps_upvotes_and_ai_fields(server: ReplayServer) -> None:
    server.add("/api/daily_papers", Reply(fixture("hf_daily_papers_2026-06-12.json")))
    code, stdout, err = invoke("fetch", "hf", "--date", "2026-06-12", "--out", "-")
    assert code == 0, err
    assert server.log[0].query == {"date": "2026-06-12"}
    top = max(lines(stdout), key=lambda p: int(str(p["upvotes"])))
    assert top["id"] == "2606.13681" and top["upvotes"] == 118 and top["ai_keywords"] and top["github_repo"]


def test_usage_errors_exit_2(server: ReplayServer) -> None:
    assert invoke("fetch", "arxiv")[0] == 2
    code, _, err = invoke("fetch", "arxiv", "cs.XY")
    assert code == 2 and "unknown arXiv category 'cs.XY'" in err
    assert invoke("fetch", "arxiv", "cs.CL", "--max", "5")[0] == 2
    assert invoke("fetch", "arxiv", "cs.CL", "--query", "x")[0] == 2
    code, _, err = invoke("fetch", "arxiv", "--query", " ")
    assert code == 2 and "--query: give a search" in err
    assert server.log == []


def test_sources_work_wherever_a_path_does(server: ReplayServer, tmp_path: Path) -> None:
    server.add("/rss/cs.LG+cs.AI", Reply(fixture(RSS)))
    server.add("/api/daily_papers", Reply(fixture("hf_daily_papers_2026-06-12.json")))
    mine = tmp_path / "mine.jsonl"
    mine.write_text(json.dumps({"id": "x1", "title": "Mine", "abstract": "We test a thing. It works."}))
    out_dir = tmp_path / "out"
    code, _, err = invoke(
        "run", "arxiv:cs.LG+cs.AI", "hf:2026-06-12", str(mine), "--out-dir", str(out_dir),
        "--provider", "offline", "--format", "jsonl",
    )  # fmt: skip
    assert code == 0, err
    assert "arXiv cs.LG, cs.AI: 3 papers" in err and "Hugging Face daily papers 2026-06-12: 6 papers" in err
    annotations = lines((out_dir / "digest.jsonl").read_text("utf-8"))
    sources = {str(a["source"]).rsplit(":", 1)[0] for a in annotations}
    assert sources == {"arxiv:cs.LG+cs.AI", "hf:2026-06-12", str(mine)} and len(annotations) == 10
    assert len(server.log) == 2  # one request per source, though run reads its inputs twice


def test_a_failing_source_stops_run_before_anything_is_written(server: ReplayServer, tmp_path: Path) -> None:
    server.add("/rss/cs.LG", Reply(b"down", status=502))
    code, _, err = invoke("run", "arxiv:cs.LG", "--out-dir", str(tmp_path / "out"), "--provider", "offline")
    assert code == 1 and "HTTP 502" in err and not (tmp_path / "out").exists()


def test_a_saved_arxiv_rss_file_is_read_by_content(tmp_path: Path) -> None:
    for name in (RSS, "arxiv_atom_cs.LG.xml"):
        saved = tmp_path / f"{name}.download"  # no telling extension: detected by content
        shutil.copy(FIXTURES / name, saved)
        code, stdout, err = invoke("summarize", str(saved), "--provider", "offline", "--out", "-")
        assert code == 0, err
        kinds = [a["announce_type"] for a in lines(stdout)]
        assert kinds in (["new", "new", "cross"], ["new", "cross"]), kinds
        assert all("Announce Type" not in str(a["abstract"]) for a in lines(stdout))
