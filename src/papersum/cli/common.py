"""Shared CLI plumbing: user-facing errors, stderr console, progress, output files.

Light on purpose (typer and the standard library): every command module imports it, and
`papersum --help` should not pay for rich, pydantic or the providers.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

import typer

from papersum.errors import PapersumError, ProviderError

if TYPE_CHECKING:
    from rich.console import Console

P = ParamSpec("P")
R = TypeVar("R")


@functools.cache
def err_console() -> Console:
    """Logs and progress go to stderr; stdout carries data only when asked (`--out -`)."""
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True, no_color="NO_COLOR" in os.environ or None)


def say(message: str) -> None:
    err_console().print(message, markup=False)


def announce_sources(inputs: list[str], quiet: bool) -> None:
    """Fetch the source inputs (arxiv:..., hf:...) before any work: a source that cannot be read stops
    the command with one line before anything is written; each says what it gave (kept for the day,
    so reading the inputs afterwards makes no further request)."""
    from papersum.sources import fetch_source, is_source_spec

    for item in inputs:
        if is_source_spec(item):
            result = fetch_source(item)
            if not quiet:
                say(result.message)


def user_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn PapersumError into one line on stderr and its exit code, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except PapersumError as exc:
            err_console().print(f"papersum: error: {exc}", markup=False, highlight=False)
            raise typer.Exit(exc.exit_code) from None
        except ProviderError as exc:  # the backend cannot work at all (auth, server gone)
            err_console().print(f"papersum: error: {exc}", markup=False, highlight=False)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            err_console().print(
                "papersum: interrupted; finished results are cached, re-run to resume", markup=False
            )
            raise typer.Exit(130) from None

    return wrapper


@contextmanager
def progress_bar(description: str, total: int | None, enabled: bool = True) -> Iterator[Callable[[], None]]:
    """A progress bar on stderr when it is a terminal; silent otherwise (CI, pipes, --quiet)."""
    if not enabled or not sys.stderr.isatty() or total == 0:
        yield lambda: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()]
    with Progress(*columns, console=err_console(), transient=True) as progress:
        task = progress.add_task(description, total=total)
        yield lambda: progress.advance(task)


@contextmanager
def open_output(path: str) -> Iterator[Any]:
    """`-` is stdout; a file is written next to its final name and moved into place at the end."""
    if path == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    with partial.open("w", encoding="utf-8", newline="\n") as handle:
        yield handle
    partial.replace(target)


# Reusable option types (typer's Annotated style).
InputsArg = Annotated[
    list[str],
    typer.Argument(
        help="Paper files or directories (listing .txt, .jsonl, .csv, .json, arXiv .xml/.rss, BibTeX .bib, "
        ".ris, Zotero CSV, the Kaggle arXiv snapshot; detected by content), - for stdin, "
        "or sources: arxiv:cs.CL+cs.LG, hf:2026-08-21, hf: (today), arxiv-query:QUERY."
    ),
]
ProviderOpt = Annotated[
    str | None,
    typer.Option(
        "--provider", "-p", help="offline, openai or local (default: openai if configured, else offline)."
    ),
]
ModelOpt = Annotated[
    str | None, typer.Option("--model", "-m", help="Model name (or GGUF path for --provider local).")
]
BaseUrlOpt = Annotated[
    str | None, typer.Option("--base-url", help="OpenAI-compatible server URL (env OPENAI_BASE_URL).")
]
SkipBadOpt = Annotated[
    bool, typer.Option("--skip-bad", help="Process the good records and list the bad ones.")
]
ConcurrencyOpt = Annotated[
    str | None,
    typer.Option(
        "--concurrency",
        "-j",
        help="Parallel LLM requests, or worker processes for the offline engine: N or auto "
        "(4 requests, one worker per CPU core).",
    ),
]
MaxCostOpt = Annotated[
    float | None,
    typer.Option("--max-cost", min=0.0, help="Hard budget in USD; papers that could exceed it are not sent."),
]
FallbackOpt = Annotated[
    str | None,
    typer.Option(
        "--fallback",
        help="'offline': use the offline engine when the LLM fails; 'none': report the failure "
        "(by default a paper whose answers all fail validation keeps its offline draft).",
    ),
]
PricesOpt = Annotated[
    Path | None, typer.Option("--prices", help="JSON price file merged over the built-in price table.")
]
PromptOpt = Annotated[
    str | None,
    typer.Option(
        "--prompt",
        help="LLM prompt template: summarize (the latest: refine the offline draft) or summarize@1 "
        "(env PAPERSUM_PROMPT).",
    ),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary on stderr.")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the result cache.")]
FormatOpt = Annotated[
    str, typer.Option("--format", "-f", help="Comma-separated digest formats: md, jsonl, html, csv, rss.")
]
GroupByOpt = Annotated[str, typer.Option("--group-by", help="category, contribution, keyword or none.")]
TopOpt = Annotated[int | None, typer.Option("--top", min=1, help="At most N papers per group.")]
TitleOpt = Annotated[str | None, typer.Option("--title", help="Digest title.")]
