"""A/B comparison of two eval runs of the same suite: metric deltas, paired bootstrap, changed papers."""

from __future__ import annotations

from pydantic import BaseModel

from papersum.errors import PapersumError
from papersum.evals import metrics
from papersum.evals.bootstrap import DEFAULT_RESAMPLES, DEFAULT_SEED, paired_bootstrap
from papersum.evals.report import Report, RunMeta, format_metric, table_cell
from papersum.evals.scoring import main_statistic


class CompareError(PapersumError):
    """The two runs cannot be compared (different suites, no papers in common)."""


class MetricDelta(BaseModel):
    name: str
    a: float | None
    b: float | None
    delta: float | None


class BootstrapSummary(BaseModel):
    metric: str
    delta: float
    low: float
    high: float
    confidence: float
    resamples: int
    seed: int
    share_b_better: float
    significant: bool


class ChangedPaper(BaseModel):
    paper_id: str
    title: str
    main_a: float
    main_b: float
    output_similarity: float
    output_a: str
    output_b: str


class Comparison(BaseModel):
    suite: str
    main_metric: str
    run_a: RunMeta
    run_b: RunMeta
    paired: int
    only_in_a: int
    only_in_b: int
    metrics: list[MetricDelta]
    bootstrap: BootstrapSummary
    changed: list[ChangedPaper]


def _output(row_output: str, error: str | None) -> str:
    return f"ERROR: {error}" if error else row_output


def compare_reports(
    a: Report, b: Report, *, top: int = 10, resamples: int = DEFAULT_RESAMPLES, seed: int = DEFAULT_SEED
) -> Comparison:
    """Compare run B against run A (deltas are B - A) over the papers both runs scored."""
    if a.meta.suite != b.meta.suite:
        raise CompareError(f"runs are from different suites: {a.meta.suite} vs {b.meta.suite}")
    rows_b = {row.paper_id: row for row in b.rows}
    ids_a = {row.paper_id for row in a.rows}
    # Pair in run A's input-independent id order so the bootstrap does not depend on row sorting.
    paired_ids = sorted(ids_a & rows_b.keys())
    if not paired_ids:
        raise CompareError("the two runs have no papers in common")
    rows_a = {row.paper_id: row for row in a.rows}
    paired_a = [rows_a[i] for i in paired_ids]
    paired_b = [rows_b[i] for i in paired_ids]

    names = list(dict.fromkeys([*a.metrics, *b.metrics]))
    deltas = [
        MetricDelta(
            name=name,
            a=a.metrics.get(name),
            b=b.metrics.get(name),
            delta=(b.metrics[name] - a.metrics[name]) if name in a.metrics and name in b.metrics else None,
        )
        for name in names
    ]
    boot = paired_bootstrap(paired_a, paired_b, main_statistic(a.meta.suite), resamples=resamples, seed=seed)

    changed = [
        ChangedPaper(
            paper_id=ra.paper_id,
            title=ra.title,
            main_a=ra.main,
            main_b=rb.main,
            output_similarity=metrics.token_jaccard(
                _output(ra.output, ra.error), _output(rb.output, rb.error)
            ),
            output_a=_output(ra.output, ra.error),
            output_b=_output(rb.output, rb.error),
        )
        for ra, rb in zip(paired_a, paired_b, strict=True)
        if _output(ra.output, ra.error) != _output(rb.output, rb.error)
    ]
    # Most changed: least output overlap first, then the biggest swing in the main metric.
    changed.sort(key=lambda c: (c.output_similarity, -abs(c.main_b - c.main_a), c.paper_id))
    return Comparison(
        suite=a.meta.suite,
        main_metric=a.main_metric,
        run_a=a.meta,
        run_b=b.meta,
        paired=len(paired_ids),
        only_in_a=len(ids_a - rows_b.keys()),
        only_in_b=len(rows_b.keys() - ids_a),
        metrics=deltas,
        bootstrap=BootstrapSummary(
            metric=a.main_metric,
            delta=boot.delta,
            low=boot.low,
            high=boot.high,
            confidence=boot.confidence,
            resamples=boot.resamples,
            seed=boot.seed,
            share_b_better=boot.share_b_better,
            significant=boot.significant,
        ),
        changed=changed[:top],
    )


def _signed(name: str, value: float | None) -> str:
    if value is None:
        return "–"
    text = format_metric(name, abs(value))
    return ("+" if value > 0 else "-" if value < 0 else "±") + text


def render_comparison_markdown(comparison: Comparison) -> str:
    a, b, boot = comparison.run_a, comparison.run_b, comparison.bootstrap
    verdict = (
        ("B is better" if boot.delta > 0 else "B is worse")
        if boot.significant
        else "no significant difference"
    )
    out = [
        f"# papersum eval compare: {comparison.suite}",
        "",
        f"- A: {a.provider} ({a.model}), {a.papers} papers, {a.date}",
        f"- B: {b.provider} ({b.model}), {b.papers} papers, {b.date}",
        f"- paired papers: {comparison.paired} "
        f"(only in A: {comparison.only_in_a}, only in B: {comparison.only_in_b})",
        "",
        f"**{boot.metric}: B - A = {_signed(boot.metric, boot.delta)}, {100 * boot.confidence:.0f}% CI "
        f"[{_signed(boot.metric, boot.low)}, {_signed(boot.metric, boot.high)}]** "
        f"(paired bootstrap, {boot.resamples} resamples, seed {boot.seed}; {verdict}). "
        "Metric deltas below are over each run's own papers.",
        "",
        "| metric | A | B | B - A |",
        "|---|---:|---:|---:|",
        *(
            f"| {m.name} | {format_metric(m.name, m.a)} | {format_metric(m.name, m.b)} | "
            f"{_signed(m.name, m.delta)} |"
            for m in comparison.metrics
        ),
        "",
        f"## Papers whose outputs changed most ({len(comparison.changed)} shown)",
        "",
        f"| paper | {comparison.main_metric} A | B | output A | output B |",
        "|---|---:|---:|---|---|",
        *(
            f"| {table_cell(c.paper_id, 40)} | {format_metric(comparison.main_metric, c.main_a)} | "
            f"{format_metric(comparison.main_metric, c.main_b)} | "
            f"{table_cell(c.output_a, 120)} | {table_cell(c.output_b, 120)} |"
            for c in comparison.changed
        ),
        "",
    ]
    return "\n".join(out)
