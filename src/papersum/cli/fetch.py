"""`papersum fetch arxiv|hf`: today's papers from arXiv or Hugging Face, as papers JSONL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from papersum.cli.common import QuietOpt, say, user_errors
from papersum.errors import PapersumError, UsageError

# Models, settings and the HTTP client are imported inside the commands (start-up time).
if TYPE_CHECKING:
    from papersum.models import Paper
    from papersum.sources import FetchResult
    from papersum.sources.specs import SourceSpec

fetch_app = typer.Typer(
    help="Fetch today's papers from arXiv or Hugging Face into papers JSONL.\n\n"
    "Example: papersum fetch arxiv cs.CL cs.LG --out today.jsonl",
    no_args_is_help=True,
)

OutOpt = Annotated[
    str | None,
    typer.Option("--out", "-o", help="Papers JSONL file, or - for stdout (default: <source>-<date>.jsonl)."),
]
RefreshOpt = Annotated[bool, typer.Option("--refresh", help="Fetch again even if today's answer is cached.")]


def paper_line(paper: Paper) -> str:
    """One papers-JSONL line, readable again by every papersum command."""
    return paper.model_dump_json(exclude={"source"}, exclude_defaults=True)


def _write(result: FetchResult, out: str | None, default_name: str, quiet: bool) -> None:
    """All papers at once, after the fetch succeeded: a failed fetch leaves no file behind."""
    from papersum.datadir import atomic_write_text
    from papersum.sources import replacements_hint
    from papersum.sources.fetched import plural

    text = "".join(paper_line(paper) + "\n" for paper in result.papers)
    if not quiet:
        say(replacements_hint(result, "--include-replacements keeps them"))
        for error in result.errors:
            say(f"skipped bad record: {error}")
    if out == "-":
        typer.echo(text, nl=False)
        return
    target = Path(out or default_name)
    try:
        atomic_write_text(target, text, private=False)
    except OSError as exc:
        raise PapersumError(f"{target}: cannot write ({exc.strerror or exc})") from None
    if not quiet:
        say(f"Wrote {plural(len(result.papers), 'paper')} to {target}")


def _fetch(
    spec: SourceSpec, refresh: bool, *, include_replacements: bool = False, cross_lists: bool = True
) -> FetchResult:
    from papersum.config import load_settings
    from papersum.sources import fetch_source, make_client

    settings = load_settings()
    client = make_client(settings, refresh=refresh)
    return fetch_source(
        spec,
        settings=settings,
        client=client,
        include_replacements=include_replacements,
        cross_lists=cross_lists,
    )


@fetch_app.command("arxiv")
@user_errors
def arxiv(
    categories: Annotated[
        list[str] | None, typer.Argument(help="arXiv categories, e.g. cs.CL cs.LG (one request for all).")
    ] = None,
    query: Annotated[
        str | None, typer.Option("--query", help="Search the arXiv API, e.g. 'cat:cs.CL AND abs:RAG'.")
    ] = None,
    since: Annotated[
        datetime | None,
        typer.Option("--since", formats=["%Y-%m-%d"], help="With --query: submitted on or after this date."),
    ] = None,
    max_results: Annotated[
        int | None, typer.Option("--max", min=1, help="With --query: at most N papers (default 100).")
    ] = None,
    include_replacements: Annotated[
        bool, typer.Option("--include-replacements", help="Keep replaced papers (labelled).")
    ] = False,
    no_cross_lists: Annotated[
        bool, typer.Option("--no-cross-lists", help="Only papers whose primary category was asked for.")
    ] = False,
    out: OutOpt = None,
    refresh: RefreshOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Today's arXiv announcements (RSS), or an arXiv API search with --query.

    New papers and cross-lists by default; replacements are skipped and counted. A day with no
    announcements (weekend, holiday) writes an empty file and exits 0. Examples:

        papersum fetch arxiv cs.CL cs.LG --out today.jsonl

        papersum fetch arxiv --query 'cat:cs.CL AND abs:retrieval' --since 2026-08-01 --max 200
    """
    from papersum.sources.specs import DEFAULT_QUERY_MAX, ArxivFeedSpec, ArxivQuerySpec, check_categories

    today = date.today().isoformat()
    if query is not None:
        if not query.strip():
            raise UsageError("--query: give a search, e.g. 'cat:cs.CL AND abs:retrieval'")
        if categories:
            raise UsageError("give categories or --query, not both")
        spec: SourceSpec = ArxivQuerySpec(
            query, since.date() if since else None, max_results or DEFAULT_QUERY_MAX
        )
        result = _fetch(spec, refresh)
        _write(result, out, f"arxiv-query-{today}.jsonl", quiet)
        return
    if not categories:
        raise UsageError("give at least one category (e.g. cs.CL) or --query")
    if since is not None or max_results is not None:
        raise UsageError("--since and --max go with --query")
    feed = ArxivFeedSpec(check_categories(categories))
    result = _fetch(feed, refresh, include_replacements=include_replacements, cross_lists=not no_cross_lists)
    _write(result, out, f"arxiv-{'+'.join(feed.categories)}-{today}.jsonl", quiet)


@fetch_app.command("hf")
@user_errors
def hf(
    day: Annotated[
        datetime | None,
        typer.Option("--date", formats=["%Y-%m-%d"], help="The day's list (default: today, UTC)."),
    ] = None,
    out: OutOpt = None,
    refresh: RefreshOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Hugging Face daily papers, with upvotes, AI summary and keywords, and code repository.

    Example:

        papersum fetch hf --date 2026-08-21 --out hf.jsonl
    """
    from papersum.sources.specs import HfSpec

    spec = HfSpec(day.date() if day else None)
    result = _fetch(spec, refresh)
    _write(result, out, f"hf-{(spec.day or datetime.now(UTC).date()).isoformat()}.jsonl", quiet)
