"""`papersum eval`: every suite on a 5-paper slice with the offline provider, compare, errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from papersum.cli import app
from papersum.evals.report import RunMeta, build_report, write_report
from papersum.evals.scoring import score_suite
from papersum.evals.suites import SUITES, load_suite
from papersum.models import Annotation, Provenance, Tags

REPO_DATA = Path(__file__).resolve().parents[1] / "evals" / "data"
runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("suite", sorted(SUITES))
def test_each_suite_runs_offline_and_writes_a_report(suite: str, tmp_path: Path) -> None:
    out = tmp_path / suite
    code, stdout, stderr = invoke("eval", suite, "--provider", "offline", "--limit", "5", "--out", str(out))
    assert code == 0, stderr
    assert stdout == ""  # data goes to files, the summary to stderr
    assert "| **ours: offline" in stderr
    report = json.loads((out / "report.json").read_text())
    assert report["meta"]["suite"] == suite
    assert report["meta"]["papers"] == 5
    assert report["meta"]["provider"] == "offline"
    assert report["meta"]["command"] == f"papersum eval {suite} --provider offline --limit 5 --out {out}"
    assert report["metrics"]["error_rate"] == 0.0
    assert report["main_metric"] == SUITES[suite].main_metric
    mains = [row["main"] for row in report["rows"]]
    assert mains == sorted(mains)  # worst first
    assert (out / "report.md").read_text().startswith(f"# papersum eval: {suite}")
    for plot in report["plots"]:
        assert (out / plot).read_bytes().startswith(b"\x89PNG")


def test_second_run_comes_from_cache_and_repeat_reports_agreement(tmp_path: Path) -> None:
    first = tmp_path / "first"
    assert invoke("eval", "scitldr", "-p", "offline", "-n", "5", "-o", str(first), "--no-plots")[0] == 0
    second = tmp_path / "second"
    code, _, stderr = invoke("eval", "scitldr", "-p", "offline", "-n", "5", "-o", str(second), "--repeat")
    assert code == 0, stderr
    report = json.loads((second / "report.json").read_text())
    assert report["meta"]["cached"] == 5
    assert report["meta"]["repeat"] is True
    # the offline engine is deterministic: the uncached second pass agrees fully
    assert report["metrics"]["agree_tldr_exact"] == 1.0
    assert report["metrics"]["agree_keywords_jaccard"] == 1.0
    assert json.loads((first / "report.json").read_text())["metrics"]["rouge1"] == report["metrics"]["rouge1"]


def test_compare_two_offline_runs(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for out, limit in ((a, "5"), (b, "6")):
        assert invoke("eval", "inspec", "-p", "offline", "-n", limit, "-o", str(out), "--no-plots")[0] == 0
    code, stdout, stderr = invoke("eval", "compare", str(a), str(b), "--resamples", "200")
    assert code == 0, stderr
    assert "# papersum eval compare: inspec" in stdout
    assert "paired papers: 5 (only in A: 0, only in B: 1)" in stdout
    assert "f1_at_10: B - A = ±0.0" in stdout  # same engine, same papers: no change


def _write_run(out: Path, suite: str, keywords: list[list[str]]) -> Path:
    items = load_suite(suite, data_dir=REPO_DATA, limit=len(keywords))
    provenance = Provenance(provider="test", model="hand", created_at=datetime(2026, 1, 1, tzinfo=UTC))
    annotations = [
        Annotation.from_paper(item.paper, tldr="t", tags=Tags(keywords=kw), provenance=provenance)
        for item, kw in zip(items, keywords, strict=True)
    ]
    meta = RunMeta(
        suite=suite,
        provider="test",
        model="hand",
        papers=len(items),
        date="2026-01-01T00:00:00Z",
        command="hand-built",
        data_file="inspec_dev.jsonl",
        papersum_version="test",
    )
    write_report(build_report(score_suite(suite, items, annotations), meta), out)
    return out


def test_compare_cli_prints_markdown_and_writes_files(tmp_path: Path) -> None:
    run_a = _write_run(tmp_path / "a", "inspec", [["nothing"], ["nothing"], ["nothing"]])
    run_b = _write_run(tmp_path / "b", "inspec", [["ship control"], ["nothing"], ["fault detection"]])
    code, stdout, stderr = invoke(
        "eval", "compare", str(run_a), str(run_b), "--resamples", "200", "--out", str(tmp_path / "cmp")
    )
    assert code == 0, stderr
    assert "f1_at_10: B - A = +" in stdout
    saved = json.loads((tmp_path / "cmp" / "compare.json").read_text())
    assert saved["paired"] == 3
    assert saved["bootstrap"]["resamples"] == 200
    assert [c["paper_id"] for c in saved["changed"]] == ["inspec-15", "inspec-17"]


def test_errors_are_one_line_with_exit_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, stderr = invoke("eval", "compare", str(tmp_path), str(tmp_path / "missing"))
    assert code == 1
    assert stderr.strip().count("\n") == 0
    assert "no eval report" in stderr

    code, _, stderr = invoke("eval", "scierc", "-p", "offline", "--data-dir", str(tmp_path))
    assert code == 1
    assert "scierc_dev.jsonl" in stderr
    assert "--data-dir" in stderr

    code, _, stderr = invoke("eval", "scierc", "-p", "no-such-provider", "-n", "1", "-o", str(tmp_path / "x"))
    assert code == 2
    assert "unknown provider" in stderr

    monkeypatch.setenv("PAPERSUM_EVAL_DATA", str(tmp_path / "nowhere"))
    code, _, stderr = invoke("eval", "inspec", "-p", "offline")
    assert code == 1
    assert "nowhere" in stderr


def test_table_lists_headline_metrics_with_commands(tmp_path: Path) -> None:
    out = tmp_path / "scierc"
    assert invoke("eval", "scierc", "-p", "offline", "-n", "5", "-o", str(out), "--no-plots")[0] == 0
    code, stdout, stderr = invoke("eval", "table", str(out), str(out / "report.json"))
    assert code == 0, stderr
    rows = [line for line in stdout.splitlines() if line.startswith("| scierc |")]
    # precision, recall, f1, per-type precision/recall/F1 (9), TL;DR flawed rate, error rate; twice
    assert len(rows) == 2 * 14
    assert f"`papersum eval scierc --provider offline --limit 5 --out {out} --no-plots`" in rows[0]


def test_default_out_dir_is_under_evals_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, stderr = invoke("eval", "arxiv", "-p", "offline", "-n", "2", "--data-dir", str(REPO_DATA))
    assert code == 0, stderr
    [run] = (tmp_path / "evals" / "runs").iterdir()
    assert run.name.startswith("arxiv-offline-")
    assert (run / "report.json").is_file()
    assert str(run.relative_to(tmp_path) / "report.md") in stderr
