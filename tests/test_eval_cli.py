"""`papersum eval` CLI: compare on hand-built runs."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from papersum.cli.eval import eval_app
from papersum.evals.report import RunMeta, build_report, write_report
from papersum.evals.scoring import score_suite
from papersum.evals.suites import load_suite
from papersum.models import Annotation, Provenance, Tags

REPO_DATA = Path(__file__).resolve().parents[1] / "evals" / "data"


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
    result = CliRunner().invoke(
        eval_app, ["compare", str(run_a), str(run_b), "--resamples", "200", "--out", str(tmp_path / "cmp")]
    )
    assert result.exit_code == 0, result.output
    assert "# papersum eval compare: inspec" in result.stdout
    assert "f1_at_10: B - A = +" in result.stdout
    saved = json.loads((tmp_path / "cmp" / "compare.json").read_text())
    assert saved["paired"] == 3
    assert saved["bootstrap"]["resamples"] == 200
    assert len(saved["changed"]) == 2  # the unchanged paper is not listed


def test_compare_cli_errors_are_one_line(tmp_path: Path) -> None:
    run_a = _write_run(tmp_path / "a", "inspec", [["x"]])
    result = CliRunner().invoke(eval_app, ["compare", str(run_a), str(tmp_path / "missing")])
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0
    assert "no eval report" in result.output
