"""`papersum eval SUITE ...` and `papersum eval compare RUN_A RUN_B` (thin over papersum.evals)."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from papersum.evals.suites import SUITES

eval_app = typer.Typer(
    name="eval",
    help=(
        "Measure TL;DR and tag quality against human-labelled dev sets (SciTLDR, Inspec, arXiv, SciERC), "
        "and compare two runs.\n\n"
        "Example: papersum eval scitldr --provider offline --limit 100"
    ),
    no_args_is_help=True,
)

ProviderOpt = Annotated[
    str | None,
    typer.Option("--provider", "-p", help="Provider to evaluate (offline, local, openai). Default: offline."),
]
ModelOpt = Annotated[
    str | None, typer.Option("--model", "-m", help="Model name or GGUF path for the provider.")
]
LimitOpt = Annotated[
    int | None, typer.Option("--limit", "-n", min=1, help="Only the first N papers of the suite.")
]
OutOpt = Annotated[
    Path | None,
    typer.Option(
        "--out",
        "-o",
        help="Run directory for report.md/report.json/plots. Default: evals/runs/<suite>-<provider>-<time>/.",
    ),
]
DataDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="Directory with the dev .jsonl files. Default: $PAPERSUM_EVAL_DATA, ./evals/data, the repo's.",
    ),
]
ConcurrencyOpt = Annotated[int, typer.Option("--concurrency", min=1, help="Papers processed in parallel.")]
RepeatOpt = Annotated[
    bool,
    typer.Option(
        "--repeat",
        help="Run a second time without the cache and report run-to-run agreement (LLM providers).",
    ),
]
PlotsOpt = Annotated[bool, typer.Option("--plots/--no-plots", help="Write PNG plots next to the report.")]

DEFAULT_PROVIDER = "offline"


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _command_line(suite: str, options: dict[str, object]) -> str:
    """The canonical command that reproduces this run (recorded in the report)."""
    parts = ["papersum", "eval", suite]
    for flag, value in options.items():
        if value is None or value is False:
            continue
        parts += [flag] if value is True else [flag, str(value)]
    return shlex.join(parts)


def run_suite_command(
    suite: str,
    *,
    provider: str | None,
    model: str | None,
    limit: int | None,
    out: Path | None,
    data_dir: Path | None,
    concurrency: int,
    repeat: bool,
    plots: bool,
) -> None:
    # Imported here so `papersum --help` does not pay for the pipeline, providers and rouge-score.
    from papersum.cache import ResultCache
    from papersum.evals.report import headline_table
    from papersum.evals.runner import run_eval
    from papersum.evals.suites import EvalDataError
    from papersum.providers.base import ProviderError
    from papersum.providers.registry import build_provider

    name = provider or DEFAULT_PROVIDER
    options: dict[str, object] = {"--model": model} if model else {}
    command = _command_line(
        suite,
        {
            "--provider": name,
            "--model": model,
            "--limit": limit,
            "--out": out,
            "--data-dir": data_dir,
            "--concurrency": concurrency if concurrency != 1 else None,
            "--repeat": repeat,
            "--no-plots": not plots,
        },
    )
    try:
        backend = build_provider(name, **options)
    except (ValueError, KeyError) as exc:
        raise _fail(f"provider '{name}': {exc}", 2) from exc
    except ProviderError as exc:
        raise _fail(str(exc)) from exc
    typer.echo(f"papersum eval {suite}: provider {backend.name} ({backend.model})", err=True)
    try:
        with backend:
            run = run_eval(
                suite,
                backend,
                ResultCache.open(),
                command=command,
                data_dir=data_dir,
                limit=limit,
                out_dir=out,
                concurrency=concurrency,
                progress=True,
                repeat=repeat,
                plots=plots,
            )
    except EvalDataError as exc:
        raise _fail(str(exc)) from exc
    except ProviderError as exc:
        raise _fail(f"provider {name}: {exc}") from exc
    report = run.report
    typer.echo("", err=True)
    for line in headline_table(report)[: 3 if not report.references else None]:
        typer.echo(line, err=True)
    errors = report.metrics.get("error_rate", 0.0)
    typer.echo(
        f"\n{report.meta.papers} papers, {report.meta.cached} from cache, error rate {100 * errors:.1f}%"
        f"\nreport: {run.md_path}\n        {run.json_path}",
        err=True,
    )


def _suite_command(suite: str) -> Callable[..., None]:
    def command(
        provider: ProviderOpt = None,
        model: ModelOpt = None,
        limit: LimitOpt = None,
        out: OutOpt = None,
        data_dir: DataDirOpt = None,
        concurrency: ConcurrencyOpt = 1,
        repeat: RepeatOpt = False,
        plots: PlotsOpt = True,
    ) -> None:
        run_suite_command(
            suite,
            provider=provider,
            model=model,
            limit=limit,
            out=out,
            data_dir=data_dir,
            concurrency=concurrency,
            repeat=repeat,
            plots=plots,
        )

    command.__name__ = f"eval_{suite.replace('-', '_')}"
    return command


for _name, _spec in SUITES.items():
    eval_app.command(
        _name,
        help=f"{_spec.description}.\n\nExample: papersum eval {_name} --provider offline --limit 50",
    )(_suite_command(_name))


@eval_app.command(
    "compare",
    help=(
        "Side-by-side metrics of two runs of the same suite, a paired bootstrap 95% CI on the main metric, "
        "and the papers whose outputs changed most. Prints Markdown to stdout.\n\n"
        "Example: papersum eval compare evals/runs/scitldr-offline-A evals/runs/scitldr-local-B"
    ),
)
def compare(
    run_a: Annotated[Path, typer.Argument(help="Baseline run directory (an earlier --out).")],
    run_b: Annotated[Path, typer.Argument(help="Candidate run directory; deltas are B - A.")],
    top: Annotated[int, typer.Option("--top", min=0, help="How many most-changed papers to list.")] = 10,
    resamples: Annotated[int, typer.Option("--resamples", min=100, help="Bootstrap resamples.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Bootstrap seed (same seed, same interval).")] = 20201,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Also write compare.md and compare.json into this directory."),
    ] = None,
) -> None:
    """Compare two runs of the same suite (deltas are B - A)."""
    from papersum.evals.compare import CompareError, compare_reports, render_comparison_markdown
    from papersum.evals.report import ReportError, load_report

    try:
        comparison = compare_reports(
            load_report(run_a), load_report(run_b), top=top, resamples=resamples, seed=seed
        )
    except (ReportError, CompareError) as exc:
        raise _fail(str(exc)) from exc
    markdown = render_comparison_markdown(comparison)
    typer.echo(markdown)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "compare.md").write_text(markdown, encoding="utf-8")
        (out / "compare.json").write_text(comparison.model_dump_json(indent=2) + "\n", encoding="utf-8")
        typer.echo(f"wrote {out / 'compare.md'} and {out / 'compare.json'}", err=True)
