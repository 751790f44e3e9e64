"""Eval reports: the report.json model, its Markdown rendering (pure) and reading/writing a run dir."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from papersum.errors import PapersumError
from papersum.evals.references import REFERENCES, Reference
from papersum.evals.scoring import FlawedTldr, PaperRow, SuiteScores

REPORT_JSON = "report.json"
REPORT_MD = "report.md"
REPORT_VERSION = 1

# Headline columns per suite: the numbers that have published counterparts (and, for TL;DRs, the
# share that does not read as one whole sentence, next to ROUGE).
HEADLINE: dict[str, list[str]] = {
    "scitldr": ["rouge1", "rouge2", "rougeL", "tldr_flawed_rate"],
    "inspec": ["f1_at_5", "f1_at_10"],
    "arxiv": ["top_in_categories", "primary_accuracy", "micro_f1", "macro_f1"],
    "arxiv-all": ["top_in_categories", "primary_accuracy", "micro_f1", "macro_f1"],
    "scierc": [
        *("precision", "recall", "f1"),
        *(
            f"{field}_{m}"
            for field in ("tasks", "methods", "datasets")
            for m in ("precision", "recall", "f1")
        ),
    ],
}

# Metrics that are counts or lengths, shown as is; everything else is a fraction shown as percent.
RAW_METRICS = frozenset({"papers", "mean_words", "mean_keywords", "words", "support", "tldr_flawed_count"})

WORST_ROWS_IN_MARKDOWN = 15
LABELS_IN_MARKDOWN = 30


class ReportError(PapersumError):
    """A run directory has no readable report."""


class RunMeta(BaseModel):
    suite: str
    provider: str
    model: str
    limit: int | None = None
    skip: int = 0
    papers: int
    date: str = Field(description="UTC ISO timestamp of the run")
    command: str
    data_file: str
    papersum_version: str
    provider_identity: dict[str, Any] = Field(default_factory=dict)
    cached: int = 0
    duration_s: float | None = None
    repeat: bool = False


class Report(BaseModel):
    report_version: int = REPORT_VERSION
    meta: RunMeta
    main_metric: str
    metrics: dict[str, float]
    references: list[Reference] = Field(default_factory=list)
    per_label: dict[str, dict[str, float]] = Field(default_factory=dict)
    rows: list[PaperRow] = Field(description="per-paper rows, worst first")
    flawed_tldrs: list[FlawedTldr] = Field(
        default_factory=list, description="TL;DRs that do not read as one whole sentence, in input order"
    )
    plots: list[str] = Field(default_factory=list)


def worst_first(rows: list[PaperRow]) -> list[PaperRow]:
    """Failures first, then ascending main metric; ties keep input order (stable sort)."""
    return sorted(rows, key=lambda row: (row.error is None, row.main))


def build_report(scores: SuiteScores, meta: RunMeta) -> Report:
    return Report(
        meta=meta,
        main_metric=scores.main_metric,
        metrics=scores.metrics,
        references=REFERENCES.get(scores.suite, []),
        per_label=scores.per_label,
        rows=worst_first(scores.rows),
        flawed_tldrs=scores.flawed_tldrs,
    )


def format_metric(name: str, value: float | None) -> str:
    if value is None:
        return "–"
    if name in RAW_METRICS:
        return f"{value:g}" if value == int(value) else f"{value:.1f}"
    return f"{100 * value:.1f}"


def table_cell(text: str, width: int = 160) -> str:
    """Markdown table cell: one line, pipes escaped, long text cut."""
    flat = " ".join(text.split()).replace("|", "\\|")
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def headline_table(report: Report) -> list[str]:
    columns = HEADLINE.get(report.meta.suite, [report.main_metric])
    lines = [
        "| system | " + " | ".join(columns) + " | note |",
        "|---|" + "---:|" * len(columns) + "---|",
        f"| **ours: {report.meta.provider} ({table_cell(report.meta.model, 60)})** | "
        + " | ".join(f"**{format_metric(c, report.metrics.get(c))}**" for c in columns)
        + f" | dev set, {report.meta.papers} papers |",
    ]
    for ref in report.references:
        values = " | ".join(format_metric(c, ref.metrics.get(c)) for c in columns)
        lines.append(f"| {ref.system} | {values} | {ref.note} |")
    return lines


def render_markdown(report: Report) -> str:
    """The human report: headline beside published numbers, all metrics, labels, worst papers, metadata."""
    meta = report.meta
    out = [
        f"# papersum eval: {meta.suite}",
        "",
        f"Provider `{meta.provider}`, model `{meta.model}`, {meta.papers} papers"
        + (f" (--limit {meta.limit})" if meta.limit is not None else " (full dev set)")
        + (f" after the first {meta.skip}" if meta.skip else "")
        + f", run {meta.date}.",
        "",
        "Scores are percentages (F1, accuracy, rates) unless marked otherwise. Published numbers are on",
        "the sets named in the note column, so they are context, not a same-set comparison.",
        "",
        "## Headline",
        "",
        *headline_table(report),
        "",
        "## All metrics",
        "",
        "| metric | value |",
        "|---|---:|",
        *(f"| {name} | {format_metric(name, value)} |" for name, value in report.metrics.items()),
        "",
    ]
    if report.per_label:
        labels = sorted(report.per_label.items(), key=lambda kv: (-kv[1].get("support", 0), kv[0]))
        out += [
            f"## Per label (top {LABELS_IN_MARKDOWN} by gold support)",
            "",
            "| label | support | precision | recall | F1 |",
            "|---|---:|---:|---:|---:|",
        ]
        for label, score in labels[:LABELS_IN_MARKDOWN]:
            out.append(
                f"| {label} | {score.get('support', 0):g} | {format_metric('p', score['precision'])} | "
                f"{format_metric('r', score['recall'])} | {format_metric('f1', score['f1'])} |"
            )
        out.append("")
    if report.flawed_tldrs:
        out += [
            f"## TL;DRs that do not read as one sentence ({len(report.flawed_tldrs)}; all in report.json)",
            "",
            "| paper | flaws | TL;DR |",
            "|---|---|---|",
            *(
                f"| {table_cell(f.paper_id, 40)} | {', '.join(f.flaws)} | {table_cell(f.tldr, 400)} |"
                for f in report.flawed_tldrs[:WORST_ROWS_IN_MARKDOWN]
            ),
            "",
        ]
    if report.plots:
        out += ["## Plots", "", *(f"![{name}]({name})" for name in report.plots), ""]
    out += [
        f"## Worst papers (first {WORST_ROWS_IN_MARKDOWN} of {len(report.rows)}; all in report.json)",
        "",
        f"| paper | {report.main_metric} | ours | gold |",
        "|---|---:|---|---|",
    ]
    for row in report.rows[:WORST_ROWS_IN_MARKDOWN]:
        ours = f"ERROR: {row.error}" if row.error else row.output
        out.append(
            f"| {table_cell(row.paper_id, 40)} | {format_metric(report.main_metric, row.main)} | "
            f"{table_cell(ours)} | {table_cell(row.gold)} |"
        )
    out += [
        "",
        "## Run",
        "",
        f"- command: `{meta.command}`",
        f"- provider: {meta.provider}; model: {meta.model}; papersum {meta.papersum_version}",
        f"- data: {meta.data_file}; limit: {meta.limit if meta.limit is not None else 'none'}",
        f"- date (UTC): {meta.date}; from cache: {meta.cached} of {meta.papers}"
        + (f"; duration: {meta.duration_s:.1f} s" if meta.duration_s is not None else ""),
        "",
    ]
    return "\n".join(out)


def write_report(report: Report, out_dir: Path) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = out_dir / REPORT_JSON
    md_path = out_dir / REPORT_MD
    json_path.write_text(report.model_dump_json(indent=2) + "\n", encoding="utf-8")
    md_path.write_text(render_markdown(report), encoding="utf-8")
    return json_path, md_path


def load_report(run_dir: Path) -> Report:
    """Read RUN_DIR/report.json (or the file itself), with an error that says what is wrong."""
    path = run_dir if run_dir.is_file() else run_dir / REPORT_JSON
    if not path.is_file():
        raise ReportError(f"{path}: no eval report here (expected a `papersum eval` --out directory)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ReportError(f"{path}:{exc.lineno}: invalid JSON ({exc.msg})") from exc
    try:
        return Report.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise ReportError(f"{path}: field '{field}': {first['msg']}") from exc


def results_table(reports: list[Report]) -> str:
    """The evals/RESULTS.md table: one row per headline metric per run, with the reproducing command."""
    lines = [
        "| suite | provider (model) | papers | metric | value | command |",
        "|---|---|---:|---|---:|---|",
    ]
    for report in reports:
        meta = report.meta
        names = HEADLINE.get(meta.suite, [report.main_metric])
        extra: list[str] = [
            n
            for n in ("unsupported_share", "length_ok_rate", "tldr_flawed_rate", "error_rate")
            if n in report.metrics and n not in names
        ]
        extra += [n for n in report.metrics if n.startswith("agree_")]
        for name in [*names, *extra]:
            if name not in report.metrics:
                continue
            lines.append(
                f"| {meta.suite} | {meta.provider} ({table_cell(meta.model, 40)}) | {meta.papers} | {name} | "
                f"{format_metric(name, report.metrics[name])} | `{meta.command}` |"
            )
    return "\n".join(lines) + "\n"
