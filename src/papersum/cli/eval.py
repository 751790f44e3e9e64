"""`papersum eval SUITE ...` and `papersum eval compare RUN_A RUN_B` (thin over papersum.evals)."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from papersum.cli.common import (
    BaseUrlOpt,
    ConcurrencyOpt,
    ModelOpt,
    NoCacheOpt,
    PromptOpt,
    ProviderOpt,
    QuietOpt,
    user_errors,
)
from papersum.evals.specs import SUITES

eval_app = typer.Typer(
    name="eval",
    help=(
        "Measure TL;DR and tag quality against human-labelled dev sets (SciTLDR, Inspec, arXiv, SciERC), "
        "and compare two runs.\n\n"
        "Example: papersum eval scitldr --provider offline --limit 100"
    ),
    no_args_is_help=True,
)

LimitOpt = Annotated[
    int | None, typer.Option("--limit", "-n", min=1, help="Only the first N papers of the suite.")
]
SkipOpt = Annotated[
    int,
    typer.Option(
        "--skip", min=0, help="Start after the first N papers (held-out slices: --skip 40 --limit 40)."
    ),
]
OutOpt = Annotated[
    Path | None,
    typer.Option(
        "--out",
        "-o",
        help="Run directory for report.md, report.json and plots. "
        "Default: evals/runs/<suite>-<provider>-<time>/.",
    ),
]
DataDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="Directory with the dev .jsonl files. Default: $PAPERSUM_EVAL_DATA, ./evals/data, the repo's.",
    ),
]
RepeatOpt = Annotated[
    bool,
    typer.Option(
        "--repeat",
        help="Run a second time without the cache and report run-to-run agreement (LLM providers).",
    ),
]
PlotsOpt = Annotated[bool, typer.Option("--plots/--no-plots", help="Write PNG plots next to the report.")]


def _require_eval_extras(plots: bool) -> None:
    """Scoring needs the `eval` extras; say how to get them instead of an ImportError traceback."""
    import importlib.util

    from papersum.errors import UsageError

    needed = ["rouge_score", "nltk"] + (["matplotlib"] if plots else [])
    missing = [name for name in needed if importlib.util.find_spec(name) is None]
    if missing:
        raise UsageError(
            f"papersum eval needs {', '.join(missing)}: pip install 'papersum[eval]' "
            "(or pip install -e '.[eval]' in a clone)"
        )


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
    base_url: str | None,
    limit: int | None,
    out: Path | None,
    data_dir: Path | None,
    concurrency: str | None,
    prompt: str | None = None,
    skip: int = 0,
    repeat: bool,
    plots: bool,
    no_cache: bool,
    quiet: bool,
) -> None:
    # Imported here so `papersum --help` does not pay for the pipeline, providers and rouge-score.
    from papersum.cache import ResultCache
    from papersum.cli.common import progress_bar, say
    from papersum.config import load_settings
    from papersum.evals.report import headline_table
    from papersum.evals.runner import run_eval
    from papersum.evals.suites import load_suite
    from papersum.providers.registry import build_provider, default_provider

    _require_eval_extras(plots)
    settings = load_settings(
        provider=provider,
        model=model,
        base_url=base_url,
        concurrency=concurrency,
        no_cache=no_cache or None,
        prompt=prompt,
    )
    name = settings.provider
    if name is None:
        name, why = default_provider(settings.base_url)
        if not quiet:
            say(f"Using provider '{name}': {why}.")
    command = _command_line(
        suite,
        {
            "--provider": name,
            "--model": settings.model,
            "--base-url": settings.base_url,
            "--prompt": settings.prompt if name != "offline" else None,
            "--skip": skip or None,
            "--limit": limit,
            "--out": out,
            "--data-dir": data_dir,
            "--repeat": repeat,
            "--no-plots": not plots,
            "--no-cache": settings.no_cache,
        },
    )
    total = len(load_suite(suite, data_dir=data_dir, limit=limit, skip=skip)) * (2 if repeat else 1)
    cache = None if settings.no_cache else ResultCache.open(settings.cache_dir)
    try:
        with (
            build_provider(
                name, model=settings.model, base_url=settings.base_url, settings=settings
            ) as backend,
            progress_bar(f"eval {suite}", total, not quiet) as tick,
        ):
            run = run_eval(
                suite,
                backend,
                cache,
                command=command,
                data_dir=data_dir,
                limit=limit,
                skip=skip,
                out_dir=out,
                concurrency=settings.concurrency,
                on_result=lambda _annotation: tick(),
                repeat=repeat,
                plots=plots,
            )
    finally:
        if cache is not None:
            cache.close()
    if quiet:
        return
    report = run.report
    say("")
    for line in headline_table(report):
        say(line)
    say(
        f"\n{report.meta.papers} papers ({report.meta.cached} from cache), "
        f"error rate {100 * report.metrics.get('error_rate', 0.0):.1f}%, {report.meta.duration_s or 0:.1f} s"
    )
    say(f"Wrote {run.md_path} and {run.json_path}")


def _suite_command(suite: str) -> Callable[..., None]:
    @user_errors
    def command(
        provider: ProviderOpt = None,
        model: ModelOpt = None,
        base_url: BaseUrlOpt = None,
        limit: LimitOpt = None,
        skip: SkipOpt = 0,
        out: OutOpt = None,
        data_dir: DataDirOpt = None,
        concurrency: ConcurrencyOpt = None,
        prompt: PromptOpt = None,
        repeat: RepeatOpt = False,
        plots: PlotsOpt = True,
        no_cache: NoCacheOpt = False,
        quiet: QuietOpt = False,
    ) -> None:
        run_suite_command(
            suite,
            provider=provider,
            model=model,
            base_url=base_url,
            limit=limit,
            out=out,
            data_dir=data_dir,
            concurrency=concurrency,
            prompt=prompt,
            skip=skip,
            repeat=repeat,
            plots=plots,
            no_cache=no_cache,
            quiet=quiet,
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
@user_errors
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
    from papersum.cli.common import say
    from papersum.evals.compare import compare_reports, render_comparison_markdown
    from papersum.evals.report import load_report

    comparison = compare_reports(
        load_report(run_a), load_report(run_b), top=top, resamples=resamples, seed=seed
    )
    markdown = render_comparison_markdown(comparison)
    typer.echo(markdown)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "compare.md").write_text(markdown, encoding="utf-8")
        (out / "compare.json").write_text(comparison.model_dump_json(indent=2) + "\n", encoding="utf-8")
        say(f"Wrote {out / 'compare.md'} and {out / 'compare.json'}")


@eval_app.command(
    "table",
    help=(
        "Print the results table (suite, provider, papers, metric, value, command) of one or more runs as "
        "Markdown, as kept in evals/RESULTS.md.\n\n"
        "Example: papersum eval table evals/runs/scitldr-offline-* evals/runs/inspec-offline-*"
    ),
)
@user_errors
def table(
    runs: Annotated[list[Path], typer.Argument(help="Run directories (earlier --out) or report.json files.")],
) -> None:
    """Results table of several runs."""
    from papersum.evals.report import load_report, results_table

    typer.echo(results_table([load_report(run) for run in runs]), nl=False)


RELEVANCE_DATA = "relevance_acmcr_dev"


def _relevance_data(data: Path | None) -> Path:
    """--data, else $PAPERSUM_EVAL_DATA/relevance_acmcr_dev, else ../shared/evaldata/relevance_acmcr_dev."""
    import os

    from papersum.errors import UsageError

    if data is not None:
        return data
    candidates = [
        Path(os.environ[name]) / RELEVANCE_DATA for name in ("PAPERSUM_EVAL_DATA",) if name in os.environ
    ]
    candidates.append(Path("..") / "shared" / "evaldata" / RELEVANCE_DATA)
    for candidate in candidates:
        if (candidate / "readers.jsonl").is_file():
            return candidate
    raise UsageError(f"no relevance data found: pass --data DIR (the {RELEVANCE_DATA} folder)")


@eval_app.command(
    "relevance",
    help=(
        "Rank a shared feed for every reader of a relevance dev set by library, library + interests and "
        "one feedback round; nDCG@10, R@20, R@50, MAP, MRR beside reference rankers. Writes report.md and "
        "report.json.\n\n"
        "Example: papersum eval relevance --data ../shared/evaldata/relevance_acmcr_dev"
    ),
)
@user_errors
def relevance(
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            "--data-dir",
            help="The data folder (feed.jsonl, readers.jsonl, libraries/). "
            "Default: $PAPERSUM_EVAL_DATA/relevance_acmcr_dev, ../shared/evaldata/relevance_acmcr_dev.",
        ),
    ] = None,
    out: OutOpt = None,
    variants: Annotated[
        bool, typer.Option("--variants/--no-variants", help="Also measure the ranker's variants.")
    ] = True,
    quiet: QuietOpt = False,
) -> None:
    """Relevance ranking quality on a reader dev set."""
    import json
    from datetime import UTC, datetime

    from papersum.cli.common import say
    from papersum.rank.eval_report import headline_lines, render_markdown, run_relevance_eval

    directory = _relevance_data(data)
    command = _command_line("relevance", {"--data": directory, "--no-variants": not variants})
    report = run_relevance_eval(directory, command, variants=variants)
    target = out or Path("evals") / "runs" / f"relevance-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}"
    target.mkdir(parents=True, exist_ok=True)
    (target / "report.md").write_text(render_markdown(report), encoding="utf-8")
    (target / "report.json").write_text(json.dumps(report.to_json(), indent=1) + "\n", encoding="utf-8")
    if not quiet:
        for line in headline_lines(report):
            say(line)
        say(f"Wrote {target / 'report.md'} and {target / 'report.json'}")
