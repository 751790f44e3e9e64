"""`papersum run` (summarise, then write the digest) and `papersum summarize` (annotations JSONL)."""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from papersum.cli.common import (
    BaseUrlOpt,
    ConcurrencyOpt,
    FallbackOpt,
    FormatOpt,
    GroupByOpt,
    InputsArg,
    MaxCostOpt,
    ModelOpt,
    NoCacheOpt,
    PricesOpt,
    PromptOpt,
    ProviderOpt,
    QuietOpt,
    SkipBadOpt,
    TitleOpt,
    TopOpt,
    announce_sources,
    open_output,
    progress_bar,
    say,
    user_errors,
)
from papersum.cli.relevance import (
    ExcludeOpt,
    IncludeOpt,
    InterestsOpt,
    LibraryOpt,
    MinScoreOpt,
    ReaderOpt,
    RelevanceFlags,
    RerankBatchOpt,
    RerankOpt,
    RerankRequest,
    RerankTopOpt,
    order_by_relevance,
    reader_ranking,
)
from papersum.errors import BadInputError, InputError, PapersumError

# The pipeline, cache, providers and renderers are imported inside the commands, so that
# `papersum --help` and every other command do not pay for them at start-up.
if TYPE_CHECKING:
    from papersum.config import Settings
    from papersum.models import Annotation, Paper
    from papersum.pipeline import RunStats
    from papersum.providers.base import Provider


@contextmanager
def _provider(settings: Settings, quiet: bool) -> Iterator[Provider]:
    from papersum.providers.registry import build_provider, default_provider

    name = settings.provider
    if name is None:
        name, why = default_provider(settings.base_url)
        if not quiet:
            say(f"Using provider '{name}': {why}.")
    options = {"model": settings.model, "base_url": settings.base_url, "settings": settings}
    with build_provider(name, **options) as provider:
        yield provider


# The first pass keeps up to this many items (~25 MB of papers), so the second pass over a corpus of
# that size replays them instead of reading and normalising every file again; past it, memory stays
# flat: the items are dropped and the files are read again.
REPLAY_LIMIT = 10_000
FLUSH_EVERY_S = 0.5


def _check_inputs(
    inputs: list[str], skip_bad: bool, quiet: bool, *, keep: int = 0
) -> tuple[int, list[Paper | InputError] | None]:
    """A first streaming pass: report bad input before any money is spent.

    Returns how many items (papers and bad records) the second pass will yield, and the items
    themselves when there are at most `keep` of them (else None: read the inputs again).
    """
    from papersum.ingest import Duplicate, EmptyInput, iter_papers

    errors: list[InputError] = []
    kept: list[Paper | InputError] | None = [] if keep else None
    count = 0
    for item in iter_papers(inputs):
        if isinstance(item, Duplicate):
            if not quiet:
                say(f"duplicate dropped: {item.dropped_id} ({item.source}) same paper as {item.kept_id}")
            continue
        if isinstance(item, EmptyInput):
            if not quiet:
                say(str(item))
            continue
        count += 1
        if isinstance(item, InputError):
            errors.append(item)
        if kept is not None:
            kept.append(item)
            if count > keep:
                kept = None
    if errors and not skip_bad:
        raise BadInputError(errors, count - len(errors))
    if not quiet:
        for error in errors:
            say(f"skipped bad record: {error}")
    return count, kept


def _spool_stdin(inputs: list[str], spool_dir: Path) -> list[str]:
    """Standard input can be read once; the two passes read a spooled copy."""
    if "-" not in inputs:
        return inputs
    spooled = spool_dir / "stdin"
    with spooled.open("wb") as handle:
        shutil.copyfileobj(sys.stdin.buffer, handle)
    return [str(spooled) if item == "-" else item for item in inputs]


def check_not_all_failed(stats: RunStats) -> None:
    """Partial failures are recorded per paper (exit 0); a run where nothing worked is a failure."""
    if stats.total and stats.failed == stats.total:
        raise PapersumError(f"all {stats.total} papers failed; each annotation's `error` says why")


def summary_line(stats: RunStats) -> str:
    done = stats.total - stats.failed
    return (
        f"{stats.total} papers: {done} summarised ({stats.cached} from cache), {stats.failed} failed; "
        f"{stats.input_tokens + stats.output_tokens:,} tokens, ${stats.cost_usd:.4f} spent, "
        f"${stats.saved_usd:.4f} saved by the cache; {stats.elapsed_s:.1f} s"
    )


def annotate_inputs(
    inputs: list[str],
    settings: Settings,
    *,
    skip_bad: bool,
    quiet: bool,
    stats: RunStats,
) -> Iterator[Annotation]:
    from papersum.ingest import iter_papers
    from papersum.models import Paper

    with tempfile.TemporaryDirectory(prefix="papersum-") as spool:
        inputs = _spool_stdin(inputs, Path(spool))
        total, kept = _check_inputs(inputs, skip_bad, quiet, keep=REPLAY_LIMIT)
        papers: Iterable[Paper | InputError] = (
            kept
            if kept is not None
            else (item for item in iter_papers(inputs) if isinstance(item, Paper | InputError))
        )
        yield from summarise_stream(papers, settings, quiet=quiet, stats=stats, total=total)


def summarise_stream(
    papers: Iterable[Paper | InputError],
    settings: Settings,
    *,
    quiet: bool,
    stats: RunStats,
    total: int | None,
) -> Iterator[Annotation]:
    """Papers through the cached pipeline with the configured provider, a progress bar on a terminal."""
    from papersum.cache import ResultCache
    from papersum.pipeline import summarize_papers

    cache = None if settings.no_cache else ResultCache.open(settings.cache_dir)
    try:
        with (
            _provider(settings, quiet) as provider,
            progress_bar("Summarising", total, not quiet) as tick,
        ):
            for annotation in summarize_papers(
                papers, provider, cache, concurrency=settings.concurrency, stats=stats
            ):
                tick()
                yield annotation
    finally:
        if cache is not None:
            cache.close()


def provider_flags(arguments: dict[str, Any]) -> dict[str, Any]:
    """The provider flags both commands share, named as Settings fields (None falls through)."""
    return {
        "provider": arguments["provider"],
        "model": arguments["model"],
        "base_url": arguments["base_url"],
        "concurrency": arguments["concurrency"],
        "no_cache": arguments["no_cache"] or None,
        "max_cost": arguments["max_cost"],
        "fallback": arguments["fallback"],
        "prices_file": arguments["prices"],
        "prompt": arguments["prompt"],
    }


@user_errors
def summarize(
    inputs: InputsArg,
    out: Annotated[str, typer.Option("--out", "-o", help="Annotations JSONL file, or - for stdout.")] = "-",
    provider: ProviderOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    concurrency: ConcurrencyOpt = None,
    max_cost: MaxCostOpt = None,
    fallback: FallbackOpt = None,
    prices: PricesOpt = None,
    prompt: PromptOpt = None,
    skip_bad: SkipBadOpt = False,
    no_cache: NoCacheOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Summarise and tag papers; write one Annotation per line, in input order.

    Every input paper is present; failures carry `error`. Example:

        papersum summarize seeds/ --out annotations.jsonl --provider offline
    """
    from papersum.config import load_settings
    from papersum.pipeline import RunStats
    from papersum.render.jsonl import annotation_line

    settings = load_settings(**provider_flags(locals()))
    stats = RunStats()
    announce_sources(inputs, quiet)
    with open_output(out) as handle:
        flushed = time.monotonic()
        for annotation in annotate_inputs(inputs, settings, skip_bad=skip_bad, quiet=quiet, stats=stats):
            handle.write(annotation_line(annotation) + "\n")
            # A pipe gets each line at once; a file (its .partial shows progress) at most twice a
            # second, as a flush per line costs a cached run ~10% of its time.
            if out == "-" or time.monotonic() - flushed >= FLUSH_EVERY_S:
                handle.flush()
                flushed = time.monotonic()
    if not quiet:
        say(summary_line(stats))
        if out != "-":
            say(f"Wrote {stats.total} annotations to {out}")
    check_not_all_failed(stats)


@user_errors
def run(
    inputs: InputsArg,
    out_dir: Annotated[Path, typer.Option("--out-dir", "-o", help="Where the digest files go.")] = Path(
        "out"
    ),
    fmt: FormatOpt = "md,jsonl,html",
    group_by: GroupByOpt = "category",
    top: TopOpt = None,
    title: TitleOpt = None,
    provider: ProviderOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    concurrency: ConcurrencyOpt = None,
    max_cost: MaxCostOpt = None,
    fallback: FallbackOpt = None,
    prices: PricesOpt = None,
    prompt: PromptOpt = None,
    skip_bad: SkipBadOpt = False,
    no_cache: NoCacheOpt = False,
    quiet: QuietOpt = False,
    library: LibraryOpt = None,
    interests: InterestsOpt = None,
    reader: ReaderOpt = None,
    include: IncludeOpt = None,
    exclude: ExcludeOpt = None,
    min_score: MinScoreOpt = None,
    rerank: RerankOpt = None,
    rerank_top: RerankTopOpt = 30,
    rerank_batch: RerankBatchOpt = 10,
) -> None:
    """Summarise papers, then write the digest (out/digest.md, out/digest.jsonl, ...).

    With --library, --interests or --reader the digest is ordered for that reader (as
    `papersum rank` does) and each paper says why it was picked.

    Example:

        papersum run seeds/ --out-dir out --interests "retrieval, agents" --min-score 0.5
    """
    from datetime import date

    from papersum.config import load_settings
    from papersum.digest import DEFAULT_TITLE, build_digest
    from papersum.pipeline import RunStats
    from papersum.render import extension, parse_formats, render

    formats = parse_formats(fmt)
    settings = load_settings(**provider_flags(locals()))
    flags = RelevanceFlags(
        library, interests, reader, tuple(include or ()), min_score, rerank,
        RerankRequest(rerank_top, rerank_batch, provider, model, base_url, max_cost, prices, no_cache),
    )  # fmt: skip
    relevance = reader_ranking(flags, quiet)  # checked before anything is read or summarised
    stats = RunStats()
    announce_sources(inputs, quiet)
    annotations = list(annotate_inputs(inputs, settings, skip_bad=skip_bad, quiet=quiet, stats=stats))
    if include or exclude:
        from papersum.curate import Curation, curate

        annotations = curate(
            annotations, Curation(include=tuple(include or ()), exclude=tuple(exclude or ()))
        ).kept
    annotations = order_by_relevance(annotations, relevance, quiet)
    digest = build_digest(
        annotations, group_by=group_by, top=top, title=title or DEFAULT_TITLE, day=date.today()
    )
    written = []
    for name in formats:
        target = out_dir / f"digest.{extension(name)}"
        with open_output(str(target)) as handle:
            handle.write(render(digest, name))
        written.append(target)
    if not quiet:
        say(summary_line(stats))
        for target in written:
            say(f"Wrote {target}")
    check_not_all_failed(stats)
