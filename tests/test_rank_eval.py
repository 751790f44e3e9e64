"""The relevance evaluation protocol on a small synthetic dev set (the real one is read via --data)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from papersum.cli import app
from papersum.errors import UsageError
from papersum.rank.eval_report import render_markdown, run_relevance_eval
from papersum.rank.evaluate import feedback_round, load_relevance_data, ours
from relevance_samples import relevance_data


def test_protocol_scores_every_reader_and_references(tmp_path: Path) -> None:
    report = run_relevance_eval(relevance_data(tmp_path / "dev"), "papersum eval relevance")
    assert report.readers == 4 and report.feed == 24
    ours_row = report.with_interests[0]
    assert ours_row.mean["ndcg@10"] > 90  # four well-separated topics
    assert set(ours_row.per_reader) == {"reader00", "reader01", "reader02", "reader03"}
    names = [r.name for r in report.references]
    assert "random" in names and "sklearn: LinearSVC (C=0.1, balanced), library vs feed" in names
    random_row = next(r for r in report.references if r.name == "random")
    assert random_row.mean["ndcg@10"] < ours_row.mean["ndcg@10"]
    assert set(report.loo) == {"library only", "library + interests"}
    markdown = render_markdown(report)
    assert "## One feedback round" in markdown and "| reader00 |" in markdown


def test_feedback_round_scores_only_unrated_papers(tmp_path: Path) -> None:
    data = load_relevance_data(relevance_data(tmp_path / "dev"))
    result = feedback_round(data, "ours", ours(), top=3)
    assert set(result.before) == set(result.after) == {r.name for r in data.readers}
    for reader in data.readers:  # 6 positives, 3 rated: the best possible recall@20 is still 1
        assert 0 <= result.after[reader.name]["recall@20"] <= 1
    everything = feedback_round(data, "ours", ours(), top=24)
    assert everything.skipped == [r.name for r in data.readers]  # nothing left to score


def test_missing_data_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"no feed\.jsonl"):
        load_relevance_data(tmp_path)
    with pytest.raises(UsageError, match=r"--data .*missing: no such directory"):
        load_relevance_data(tmp_path / "missing")


def test_eval_relevance_command_writes_the_report(tmp_path: Path) -> None:
    data = relevance_data(tmp_path / "dev")
    result = CliRunner().invoke(
        app, ["eval", "relevance", "--data", str(data), "--out", str(tmp_path / "run"), "--no-variants"]
    )
    assert result.exit_code == 0, result.stderr
    assert "library + interests    nDCG@10" in result.stderr
    report = json.loads((tmp_path / "run" / "report.json").read_text(encoding="utf-8"))
    assert report["command"].startswith("papersum eval relevance --data ")
    assert report["feedback"][0]["readers_scored"] + len(report["feedback"][0]["readers_skipped"]) == 4
