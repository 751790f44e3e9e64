"""Suites load real dev files; scoring, reports, compare and plots work on hand-built annotations."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from papersum.evals.compare import CompareError, compare_reports, render_comparison_markdown
from papersum.evals.plots import write_plots
from papersum.evals.report import Report, ReportError, RunMeta, build_report, load_report, write_report
from papersum.evals.scoring import agreement, main_statistic, score_suite
from papersum.evals.suites import DATA_DIR_ENV, SUITES, EvalDataError, SuiteItem, load_suite
from papersum.models import Annotation, Provenance, Tags

REPO_DATA = Path(__file__).resolve().parents[1] / "evals" / "data"


def _annotation(
    item: SuiteItem, *, tldr: str = "x", tags: Tags | None = None, error: str | None = None
) -> Annotation:
    provenance = Provenance(provider="test", model="hand", created_at=datetime(2026, 1, 1, tzinfo=UTC))
    if error:
        return Annotation.from_paper(item.paper, error=error, provenance=provenance)
    return Annotation.from_paper(item.paper, tldr=tldr, tags=tags or Tags(), provenance=provenance)


def _meta(suite: str, papers: int, provider: str = "test") -> RunMeta:
    return RunMeta(
        suite=suite,
        provider=provider,
        model="hand",
        limit=papers,
        papers=papers,
        date="2026-01-01T00:00:00Z",
        command=f"papersum eval {suite} --limit {papers}",
        data_file=SUITES[suite].filename,
        papersum_version="test",
    )


# --- suites ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("suite", sorted(SUITES))
def test_every_suite_loads_papers_without_gold_categories(suite: str) -> None:
    items = load_suite(suite, data_dir=REPO_DATA, limit=3)
    assert len(items) == 3
    for item in items:
        assert item.paper.abstract
        assert item.paper.categories == []  # categories must be predicted, never given
        assert str(REPO_DATA) in (item.paper.source or "")


def test_suite_gold_labels() -> None:
    scitldr = load_suite("scitldr", data_dir=REPO_DATA, limit=1)[0]
    assert scitldr.gold.tldrs[0].startswith("We devise adaptive loss scaling")
    arxiv = load_suite("arxiv", data_dir=REPO_DATA, limit=1)[0]
    assert arxiv.gold.primary_category == "cs.LG"
    assert arxiv.gold.categories == ["cs.LG", "math.LO", "stat.ML"]
    scierc = load_suite("scierc", data_dir=REPO_DATA, limit=1)[0]
    assert scierc.paper.title == ""
    assert "image sequence" in scierc.gold.entities["datasets"]
    assert scierc.gold.entities["tasks"][0] == "computing optical flow, shape, motion, lighting, and albedo"


def test_data_dir_env_and_missing_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    with pytest.raises(EvalDataError, match=r"scitldr_a_dev\.jsonl.*--data-dir"):
        load_suite("scitldr")
    (tmp_path / "scitldr_a_dev.jsonl").write_text(
        json.dumps({"id": "p1", "title": "T", "abstract": "A b c.", "tldrs": ["g"]}) + "\n\n",
        encoding="utf-8",
    )
    assert [i.paper.id for i in load_suite("scitldr")] == ["p1"]


def test_bad_record_names_file_line_and_field(tmp_path: Path) -> None:
    good = json.dumps({"id": "p1", "abstract": "A.", "keyphrases": ["a"]})
    (tmp_path / "inspec_dev.jsonl").write_text(
        good + "\n" + json.dumps({"id": "p2", "abstract": "B."}) + "\n"
    )
    with pytest.raises(EvalDataError, match=r"inspec_dev\.jsonl:2: missing field 'keyphrases'"):
        load_suite("inspec", data_dir=tmp_path)
    (tmp_path / "inspec_dev.jsonl").write_text(json.dumps({"id": "p1", "abstract": "", "keyphrases": []}))
    with pytest.raises(EvalDataError, match=r":1: field 'abstract'"):
        load_suite("inspec", data_dir=tmp_path)
    (tmp_path / "inspec_dev.jsonl").write_text("{not json\n")
    with pytest.raises(EvalDataError, match=r":1: invalid JSON"):
        load_suite("inspec", data_dir=tmp_path)
    with pytest.raises(EvalDataError, match="unknown suite"):
        load_suite("nope", data_dir=tmp_path)


# --- scoring ---------------------------------------------------------------------------------------


def test_scitldr_scoring_counts_failures_as_zero() -> None:
    items = load_suite("scitldr", data_dir=REPO_DATA, limit=2)
    gold = items[0].gold.tldrs[0]
    annotations = [_annotation(items[0], tldr=gold), _annotation(items[1], error="model refused")]
    scores = score_suite("scitldr", items, annotations)
    assert scores.rows[0].metrics["rouge1"] == pytest.approx(1.0)
    assert scores.rows[1].main == 0.0
    assert scores.metrics["rouge1"] == pytest.approx(0.5)
    assert scores.metrics["error_rate"] == pytest.approx(0.5)
    assert scores.metrics["schema_valid_rate"] == pytest.approx(0.5)
    assert scores.metrics["one_line_rate"] == pytest.approx(0.5)  # the failure is not compliant
    assert scores.metrics["papers"] == 2


def test_inspec_arxiv_scierc_scoring() -> None:
    inspec = load_suite("inspec", data_dir=REPO_DATA, limit=1)
    scores = score_suite(
        "inspec", inspec, [_annotation(inspec[0], tags=Tags(keywords=["Ship controls", "boats"]))]
    )
    # gold has 9 keyphrases incl. "ship control": P 1/2, R 1/9
    assert scores.metrics["f1_at_10"] == pytest.approx(2 * 0.5 * (1 / 9) / (0.5 + 1 / 9))

    arxiv = load_suite("arxiv", data_dir=REPO_DATA, limit=2)
    annotations = [
        _annotation(arxiv[0], tags=Tags(categories=["stat.ML", "cs.LG"])),
        _annotation(arxiv[1], tags=Tags(categories=["hep-th"])),
    ]
    scores = score_suite("arxiv", arxiv, annotations)
    assert scores.metrics["top_in_categories"] == pytest.approx(0.5)
    assert scores.metrics["primary_accuracy"] == 0.0
    assert scores.per_label["hep-th"]["f1"] == 0.0

    scierc = load_suite("scierc", data_dir=REPO_DATA, limit=1)
    tags = Tags(
        tasks=["Dense reconstruction of both textured and texture-less surfaces"], datasets=["videos"]
    )
    scores = score_suite("scierc", scierc, [_annotation(scierc[0], tags=tags)])
    # gold: 2 tasks + 1 method + 6 materials = 9; predicted 2, 1 hit
    assert scores.rows[0].counts == {"tp": 1, "fp": 1, "fn": 8}
    assert scores.metrics["tasks_f1"] == pytest.approx(2 * 1 * 0.5 / 1.5)
    assert scores.metrics["tasks_precision"] == pytest.approx(1 / 1)  # 1 task predicted, it is gold
    assert scores.metrics["tasks_recall"] == pytest.approx(1 / 2)
    assert scores.metrics["datasets_precision"] == 0.0  # "videos" is not a gold Material string
    assert scores.metrics["methods_precision"] == 0.0 and scores.metrics["methods_recall"] == 0.0
    assert main_statistic("scierc")(scores.rows) == pytest.approx(scores.metrics["f1"])


def test_tldr_readability_is_scored_on_every_suite(tmp_path: Path) -> None:
    items = load_suite("arxiv", data_dir=REPO_DATA, limit=5)
    tldrs = [
        "We propose X for Y.",  # fine
        "We model relation patterns including",  # mid-phrase
        "We propose X (for Y.",  # unbalanced
        " ".join(["word"] * 46) + ".",  # over 45 words
    ]
    annotations = [_annotation(item, tldr=t) for item, t in zip(items, tldrs, strict=False)]
    annotations.append(_annotation(items[4], error="boom"))  # no TL;DR: not in the denominators
    scores = score_suite("arxiv", items, annotations)
    assert scores.metrics["tldr_mid_phrase_rate"] == pytest.approx(1 / 4)
    assert scores.metrics["tldr_unbalanced_rate"] == pytest.approx(1 / 4)
    assert scores.metrics["tldr_over_long_rate"] == pytest.approx(1 / 4)
    assert scores.metrics["tldr_flawed_rate"] == pytest.approx(3 / 4)
    assert scores.metrics["tldr_flawed_count"] == 3
    assert [(f.paper_id, f.flaws) for f in scores.flawed_tldrs] == [
        (items[1].paper.id, ["mid_phrase"]),
        (items[2].paper.id, ["unbalanced"]),
        (items[3].paper.id, ["over_long"]),
    ]
    report = build_report(scores, _meta("arxiv", 5))
    write_report(report, tmp_path)
    md = (tmp_path / "report.md").read_text()
    assert "## TL;DRs that do not read as one sentence (3; all in report.json)" in md
    assert "| mid_phrase | We model relation patterns including |" in md
    assert "| tldr_flawed_count | 3 |" in md

    scitldr = load_suite("scitldr", data_dir=REPO_DATA, limit=1)
    row = score_suite("scitldr", scitldr, [_annotation(scitldr[0], tldr="We study the.")]).rows[0]
    assert row.metrics["tldr_mid_phrase"] == 1.0 and row.metrics["tldr_flawed"] == 1.0


def test_score_suite_checks_pairing() -> None:
    items = load_suite("scitldr", data_dir=REPO_DATA, limit=2)
    with pytest.raises(ValueError, match="was expected"):
        score_suite("scitldr", items, [_annotation(items[1]), _annotation(items[0])])


def test_agreement() -> None:
    items = load_suite("arxiv", data_dir=REPO_DATA, limit=2)
    first = [
        _annotation(items[0], tldr="a b", tags=Tags(categories=["cs.LG"], keywords=["x"])),
        _annotation(items[1], tldr="c", tags=Tags(categories=["cs.CV"])),
    ]
    second = [
        _annotation(items[0], tldr="a b", tags=Tags(categories=["cs.LG"], keywords=["x", "y"])),
        _annotation(items[1], error="boom"),
    ]
    result = agreement(first, second)
    assert result["agree_tldr_exact"] == pytest.approx(0.5)
    assert result["agree_top_category"] == pytest.approx(0.5)
    assert result["agree_keywords_jaccard"] == pytest.approx(0.25)


# --- reports, compare, plots -----------------------------------------------------------------------


def _scitldr_report(tmp_path: Path, tldrs: list[str], provider: str) -> tuple[Report, Path]:
    items = load_suite("scitldr", data_dir=REPO_DATA, limit=len(tldrs))
    annotations = [_annotation(item, tldr=t) for item, t in zip(items, tldrs, strict=True)]
    report = build_report(score_suite("scitldr", items, annotations), _meta("scitldr", len(items), provider))
    out = tmp_path / provider
    out.mkdir(parents=True)
    report.plots = write_plots(report, out)
    write_report(report, out)
    return report, out


def test_report_worst_first_markdown_and_round_trip(tmp_path: Path) -> None:
    items = load_suite("scitldr", data_dir=REPO_DATA, limit=3)
    tldrs = [items[0].gold.tldrs[0], "unrelated words entirely", items[2].gold.tldrs[0][:40]]
    report, out = _scitldr_report(tmp_path, tldrs, "offline")
    assert report.rows[0].paper_id == items[1].paper.id  # worst first
    assert [r.main for r in report.rows] == sorted(r.main for r in report.rows)
    md = (out / "report.md").read_text()
    assert "| BART | 43.3 | 20.8 | 35.0 |" in md
    assert "**ours: offline (hand)**" in md
    assert "papersum eval scitldr --limit 3" in md
    assert "![rouge_distribution.png](rouge_distribution.png)" in md
    assert load_report(out) == report
    png = (out / "rouge_distribution.png").read_bytes()
    assert png.startswith(b"\x89PNG")
    assert len(png) > 5000


def test_load_report_errors(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="no eval report"):
        load_report(tmp_path)
    (tmp_path / "report.json").write_text("{}")
    with pytest.raises(ReportError, match="field 'meta'"):
        load_report(tmp_path)


def test_compare_two_runs(tmp_path: Path) -> None:
    items = load_suite("scitldr", data_dir=REPO_DATA, limit=4)
    weak = ["unrelated words entirely"] * 4
    strong = [
        items[0].gold.tldrs[0],
        items[1].gold.tldrs[0],
        "unrelated words entirely",
        items[3].gold.tldrs[0],
    ]
    run_a, _ = _scitldr_report(tmp_path, weak, "a")
    run_b, _ = _scitldr_report(tmp_path, strong, "b")
    comparison = compare_reports(run_a, run_b, top=5, resamples=200)
    assert comparison.paired == 4
    assert comparison.bootstrap.delta == pytest.approx(run_b.metrics["rouge1"] - run_a.metrics["rouge1"])
    assert comparison.bootstrap.delta > 0
    assert comparison.bootstrap.low <= comparison.bootstrap.delta <= comparison.bootstrap.high
    assert {c.paper_id for c in comparison.changed} == {items[i].paper.id for i in (0, 1, 3)}
    assert compare_reports(run_a, run_b, top=5, resamples=200) == comparison  # deterministic
    md = render_comparison_markdown(comparison)
    assert "paired bootstrap, 200 resamples" in md
    rouge_line = next(line for line in md.splitlines() if line.startswith("| rouge1 |"))
    assert rouge_line.endswith(f"+{100 * comparison.bootstrap.delta:.1f} |")


def test_compare_rejects_different_suites(tmp_path: Path) -> None:
    run_a, _ = _scitldr_report(tmp_path, ["x"], "a")
    other = run_a.model_copy(update={"meta": _meta("inspec", 1)})
    with pytest.raises(CompareError, match="different suites"):
        compare_reports(run_a, other)


def test_label_plot_for_categories(tmp_path: Path) -> None:
    items = load_suite("arxiv", data_dir=REPO_DATA, limit=12)
    annotations = [_annotation(item, tags=Tags(categories=["cs.LG"])) for item in items]
    report = build_report(score_suite("arxiv", items, annotations), _meta("arxiv", len(items)))
    assert write_plots(report, tmp_path) == ["label_f1.png"]
    assert (tmp_path / "label_f1.png").read_bytes().startswith(b"\x89PNG")


def test_schema_valid_rate_excludes_fallbacks_and_counts_retries() -> None:
    items = load_suite("inspec", data_dir=REPO_DATA, limit=4)
    created = datetime(2026, 1, 1, tzinfo=UTC)
    annotations = [
        _annotation(items[0]),
        Annotation.from_paper(
            items[1].paper,
            tldr="t",
            tags=Tags(),
            provenance=Provenance(provider="openai", model="m", attempts=2, mode="reask", created_at=created),
        ),
        Annotation.from_paper(
            items[2].paper,
            tldr="t",
            tags=Tags(),
            provenance=Provenance(
                provider="openai", model="m", attempts=3, mode="fallback", created_at=created
            ),
        ),
        _annotation(items[3], error="invalid JSON after 3 attempts"),
    ]
    scores = score_suite("inspec", items, annotations)
    assert scores.metrics["error_rate"] == pytest.approx(1 / 4)
    assert scores.metrics["schema_valid_rate"] == pytest.approx(2 / 4)
    assert scores.metrics["first_try_valid_rate"] == pytest.approx(1 / 4)
    assert scores.metrics["fallback_rate"] == pytest.approx(1 / 4)
