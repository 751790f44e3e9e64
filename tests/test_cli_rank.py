"""`papersum rank` and `papersum rate` end to end (real files, real data directory)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from papersum.cli import app
from relevance_samples import feed, library_of, paper, write_bibtex, write_jsonl

runner = CliRunner()


def invoke(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def test_rank_papers_with_a_bibtex_library_and_interests(tmp_path: Path) -> None:
    papers = write_jsonl(tmp_path / "feed.jsonl", feed())  # type: ignore[arg-type]
    library = write_bibtex(tmp_path / "lib.bib", library_of("proteins"))
    code, out, err = invoke("rank", str(papers), "--library", str(library), "--interests", "enzyme design")
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 24 and rows[0]["id"].startswith("proteins")
    assert set(rows[0]) >= {"id", "title", "abstract", "relevance"} and "paper_id" not in rows[0]
    # The record as it came in, plus relevance: no ingest bookkeeping or empty fields added.
    by_id = {row["id"]: row for row in feed()}
    assert all({k: v for k, v in row.items() if k != "relevance"} == by_id[row["id"]] for row in rows)
    assert rows[0]["relevance"]["reasons"] and rows[0]["relevance"]["score"] > rows[-1]["relevance"]["score"]
    assert "Ranked 24 papers (3 library entries, 1 interest): kept 24" in err


def test_rank_annotations_keeps_them_annotations_with_top_and_filters(tmp_path: Path) -> None:
    papers = write_jsonl(tmp_path / "feed.jsonl", feed())  # type: ignore[arg-type]
    code, annotated, err = invoke("summarize", str(papers), "--provider", "offline", "--quiet")
    assert code == 0, err
    (tmp_path / "ann.jsonl").write_text(annotated, encoding="utf-8")
    out = tmp_path / "ranked.jsonl"
    code, _, err = invoke(
        "rank",
        str(tmp_path / "ann.jsonl"),
        "--interests",
        "speech recognition",
        "--exclude",
        "noisy",
        "--top",
        "3",
        "--out",
        str(out),
    )
    assert code == 0, err
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 3 and all(r["paper_id"].startswith("speech") and r["tldr"] for r in rows)
    assert all("noisy" not in r["abstract"].lower() for r in rows)
    assert "matched --exclude" in err and "beyond the top 3" in err


def test_rank_reads_standard_input_and_applies_min_score(tmp_path: Path) -> None:
    text = "".join(json.dumps(row) + "\n" for row in feed())
    code, out, err = invoke("rank", "-", "--interests", "graph attention", "--min-score", "1.5", input=text)
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert 0 < len(rows) < 24 and all(r["relevance"]["score"] >= 1.5 for r in rows)


def test_rank_without_anything_to_rank_by_is_a_usage_error(tmp_path: Path) -> None:
    papers = write_jsonl(tmp_path / "feed.jsonl", feed())  # type: ignore[arg-type]
    code, _, err = invoke("rank", str(papers))
    assert code == 2 and "nothing to rank by" in err
    code, _, err = invoke("rank", str(papers), "--reader", "nobody")
    assert code == 2 and "reader 'nobody' has no ratings yet" in err


def test_bad_library_records_are_reported_and_the_rest_used(tmp_path: Path) -> None:
    papers = write_jsonl(tmp_path / "feed.jsonl", feed())  # type: ignore[arg-type]
    library = tmp_path / "lib.jsonl"
    library.write_text(json.dumps(paper("robots", 100)) + "\n{oops\n", encoding="utf-8")
    code, out, err = invoke("rank", str(papers), "--library", str(library), "--top", "1")
    assert code == 0, err
    assert f"skipped library record: {library}:2" in err
    assert json.loads(out)["id"].startswith("robots")


def test_rate_then_rank_by_ratings_alone(tmp_path: Path) -> None:
    papers = write_jsonl(tmp_path / "feed.jsonl", feed())  # type: ignore[arg-type]
    code, _, err = invoke(
        "rank", str(papers), "--interests", "robot", "--reader", "alice", "--out", str(tmp_path / "r")
    )
    assert code == 0, err
    code, _, err = invoke("rate", "--reader", "alice", "robots-01", "robots-02", "--up")
    assert code == 0, err
    assert "2 up, 0 down" in err and "warning" not in err  # texts found among the papers shown to alice
    code, _, err = invoke("rate", "--reader", "alice", "graphs-00", "--down", "--from", str(papers))
    assert code == 0 and "2 up, 1 down" in err
    stored = json.loads(
        (tmp_path / "data" / "readers" / "alice" / "ratings.json").read_text(encoding="utf-8")
    )
    assert {r["paper_id"]: r["up"] for r in stored["ratings"]} == {
        "robots-01": True,
        "robots-02": True,
        "graphs-00": False,
    }
    code, out, err = invoke("rank", str(papers), "--reader", "alice")
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert {"graphs-00", "robots-01", "robots-02"}.isdisjoint(r["id"] for r in rows)
    assert "dropped 1 already rated down; 2 already rated up" in err
    assert [r["id"].split("-")[0] for r in rows[:4]] == ["robots"] * 4
    assert all("rated up" in " ".join(r["relevance"]["reasons"]) for r in rows[:4])
    code, _, err = invoke("rate", "--reader", "alice", "unknown-9", "--up")
    assert code == 0 and "no title or abstract known for unknown-9" in err
    assert "it is left out of your rankings but cannot find papers like it" in err


def test_rate_needs_exactly_one_direction() -> None:
    code, _, err = invoke("rate", "--reader", "alice", "x", "--up", "--down")
    assert code == 2 and "exactly one" in err
    code, _, err = invoke("rate", "--reader", "a/b", "x", "--up")
    assert code == 2 and "--reader 'a/b'" in err


def summarised(tmp_path: Path) -> Path:
    papers = write_jsonl(tmp_path / "feed.jsonl", feed())  # type: ignore[arg-type]
    code, out, err = invoke("summarize", str(papers), "--provider", "offline", "--quiet")
    assert code == 0, err
    path = tmp_path / "annotations.jsonl"
    path.write_text(out, encoding="utf-8")
    return path


def test_digest_ranks_for_a_reader_and_shows_why(tmp_path: Path) -> None:
    hostile = {**paper("robots", 100), "title": "<script>alert(1)</script> Grasping policies for robots"}
    library = write_jsonl(tmp_path / "lib.jsonl", [hostile])  # type: ignore[list-item]
    code, _, err = invoke(
        "digest", str(summarised(tmp_path)), "--library", str(library), "--group-by", "none",
        "--format", "md,html,jsonl", "--out", str(tmp_path / "d"), "--min-score", "0",
    )  # fmt: skip
    assert code == 0, err
    assert "Ranked 24 papers (1 library entry): kept" in err and "score below 0" in err
    rows = [json.loads(line) for line in (tmp_path / "d" / "digest.jsonl").read_text().splitlines()]
    assert rows[0]["paper_id"].startswith("robots") and all(r["relevance"]["score"] >= 0 for r in rows)
    assert [r["relevance"]["score"] for r in rows] == sorted(
        (r["relevance"]["score"] for r in rows), reverse=True
    )
    markdown = (tmp_path / "d" / "digest.md").read_text(encoding="utf-8")
    assert "*Picked because:* close to '\\<script" in markdown
    html = (tmp_path / "d" / "digest.html").read_text(encoding="utf-8")
    assert "<strong>Picked because:</strong> close to &#x27;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html


def test_run_orders_the_digest_for_a_reader(tmp_path: Path) -> None:
    papers = write_jsonl(tmp_path / "feed.jsonl", feed())  # type: ignore[arg-type]
    code, _, err = invoke(
        "run", str(papers), "--out-dir", str(tmp_path / "out"), "--format", "jsonl", "--group-by", "none",
        "--interests", "protein folding", "--exclude", "enzyme", "--min-score", "0.5", "--quiet",
    )  # fmt: skip
    assert code == 0, err
    rows = [json.loads(line) for line in (tmp_path / "out" / "digest.jsonl").read_text().splitlines()]
    assert rows and all(r["paper_id"].startswith("proteins") for r in rows)
    assert all("enzyme" not in r["abstract"].lower() for r in rows)
    assert "matches your interest 'protein folding'" in rows[0]["relevance"]["reasons"]
    assert all("your interest 'protein folding'" in " ".join(r["relevance"]["reasons"]) for r in rows)


def test_min_score_without_a_profile_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = invoke("digest", str(summarised(tmp_path)), "--min-score", "1")
    assert code == 2 and "--min-score need --library" in err


def test_run_checks_the_reader_flags_before_summarising_anything(tmp_path: Path) -> None:
    """A typo in --library or --reader, or --rerank without an LLM, is a usage error up front, not
    after every paper was summarised (which may take an LLM an hour)."""
    papers = write_jsonl(tmp_path / "feed.jsonl", feed())  # type: ignore[arg-type]
    out = tmp_path / "out"
    for flags in (
        ["--library", str(tmp_path / "missing.bib")],
        ["--reader", "nobody"],
        ["--min-score", "1"],
        ["--interests", "graphs", "--rerank", "llm", "--provider", "offline"],
    ):
        code, _, err = invoke("run", str(papers), "--out-dir", str(out), "--provider", "offline", *flags)
        assert code == 2, (flags, err)
        assert not out.exists()
        assert re.search(r"entries:\s+0\b", invoke("cache", "stats")[1]), flags  # nothing summarised
