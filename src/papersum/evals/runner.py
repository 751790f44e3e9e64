"""Run a provider over a suite through the normal cached pipeline, score it, write the report."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from papersum import __version__
from papersum.cache import ResultCache
from papersum.evals.plots import write_plots
from papersum.evals.report import Report, RunMeta, build_report, write_report
from papersum.evals.scoring import agreement, score_suite
from papersum.evals.suites import SUITES, SuiteItem, find_data_file, load_suite
from papersum.models import Annotation
from papersum.pipeline import summarize_papers
from papersum.providers.base import Provider

DEFAULT_RUNS_DIR = Path("evals") / "runs"


@dataclass(frozen=True)
class EvalRun:
    report: Report
    out_dir: Path
    json_path: Path
    md_path: Path


def default_out_dir(suite: str, provider: str, now: datetime) -> Path:
    """evals/runs/<suite>-<provider>-<UTC timestamp>/ under the current directory."""
    return DEFAULT_RUNS_DIR / f"{suite}-{provider}-{now.strftime('%Y%m%dT%H%M%SZ')}"


def annotate(
    items: Sequence[SuiteItem],
    provider: Provider,
    cache: ResultCache | None,
    *,
    concurrency: int | str = 1,
    on_result: Callable[[Annotation], None] | None = None,
) -> list[Annotation]:
    """One annotation per suite item, in item order (a paper the pipeline skipped becomes an error)."""
    papers = [item.paper for item in items]
    stream = summarize_papers(papers, provider, cache, concurrency=concurrency, on_result=on_result)
    by_id = {a.paper_id: a for a in stream}
    return [
        by_id.get(paper.id) or Annotation.from_paper(paper, error="no annotation returned by the pipeline")
        for paper in papers
    ]


def run_eval(
    suite: str,
    provider: Provider,
    cache: ResultCache | None,
    *,
    command: str,
    data_dir: Path | None = None,
    limit: int | None = None,
    skip: int = 0,
    out_dir: Path | None = None,
    concurrency: int | str = 1,
    on_result: Callable[[Annotation], None] | None = None,
    repeat: bool = False,
    plots: bool = True,
) -> EvalRun:
    """Evaluate `provider` on `suite` and write report.json, report.md (and plots) to `out_dir`.

    With `repeat`, the same papers run a second time without any cache and the run-to-run
    agreement metrics are added (what an LLM provider needs; offline is deterministic).
    `on_result` is called once per finished paper (progress bars), on both passes.
    """
    started = datetime.now(UTC)
    items = load_suite(suite, data_dir=data_dir, limit=limit, skip=skip)
    data_file = find_data_file(SUITES[suite], data_dir)
    clock = time.perf_counter()
    annotations = annotate(items, provider, cache, concurrency=concurrency, on_result=on_result)
    duration = time.perf_counter() - clock
    scores = score_suite(suite, items, annotations)
    if repeat:
        second = annotate(items, provider, None, concurrency=concurrency, on_result=on_result)
        scores.metrics |= agreement(annotations, second)
    meta = RunMeta(
        suite=suite,
        provider=provider.name,
        model=provider.model,
        limit=limit,
        skip=skip,
        papers=len(items),
        date=started.strftime("%Y-%m-%dT%H:%M:%SZ"),
        command=command,
        data_file=str(data_file),
        papersum_version=__version__,
        provider_identity=provider.identity(),
        cached=sum(1 for a in annotations if a.provenance is not None and a.provenance.cached),
        duration_s=round(duration, 3),
        repeat=repeat,
    )
    report = build_report(scores, meta)
    target = out_dir or default_out_dir(suite, provider.name, started)
    target.mkdir(parents=True, exist_ok=True)
    if plots:
        report.plots = write_plots(report, target)
    json_path, md_path = write_report(report, target)
    return EvalRun(report=report, out_dir=target, json_path=json_path, md_path=md_path)
