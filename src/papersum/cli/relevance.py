"""Relevance options shared by `rank`, `run` and `digest`, and the LLM rerank step they share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer

from papersum.cli.common import say
from papersum.errors import UsageError

if TYPE_CHECKING:
    from papersum.config import Settings
    from papersum.models import Annotation
    from papersum.rank import RankResult, ReaderProfile
    from papersum.rank.rerank import ChatClient

LibraryOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--library",
        "-l",
        help="The reader's library: BibTeX, RIS, Zotero CSV, papers JSONL/CSV or an earlier digest JSONL "
        "(a directory is read whole). Repeatable.",
    ),
]
InterestsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--interests", help="Interest phrases, comma-separated (e.g. 'view synthesis, NeRF'). Repeatable."
    ),
]
ReaderOpt = Annotated[
    str | None,
    typer.Option("--reader", help="Reader name: uses (and remembers for `papersum rate`) their ratings."),
]
IncludeOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--include", help="Keep only papers mentioning this term (whole word, any case). Repeatable."
    ),
]
ExcludeOpt = Annotated[
    list[str] | None, typer.Option("--exclude", help="Drop papers mentioning this term. Repeatable.")
]
MinScoreOpt = Annotated[
    float | None,
    typer.Option(
        "--min-score", help="Keep papers scoring at least X (standard deviations above the feed's average)."
    ),
]
RerankOpt = Annotated[
    str | None,
    typer.Option("--rerank", help="'llm': the configured LLM reorders the offline top --rerank-top papers."),
]
RerankTopOpt = Annotated[int, typer.Option("--rerank-top", min=1, help="How many top papers the LLM judges.")]
RerankBatchOpt = Annotated[
    int, typer.Option("--rerank-batch", min=1, help="Papers per LLM request (small local models: 2-3).")
]


@dataclass(frozen=True)
class RerankRequest:
    """What `--rerank llm` needs besides the ranking: the provider flags and the shortlist size."""

    top: int = 30
    batch_size: int = 10
    provider: str | None = None
    model: str | None = None
    base_url: str | None = None
    max_cost: float | None = None
    prices: Path | None = None
    no_cache: bool = False


def check_rerank(value: str | None) -> bool:
    if value is None or value == "none":
        return False
    if value != "llm":
        raise UsageError(f"--rerank must be 'llm' (got {value!r})")
    return True


def build_profile(
    library: Sequence[Path] | None, interests: Sequence[str] | None, reader: str | None, quiet: bool
) -> ReaderProfile | None:
    """The reader's profile from the flags, or None when no relevance flag was given."""
    from papersum.rank import Ratings, ReaderProfile, load_library, split_interests

    if not library and not interests and not reader:
        return None
    entries = load_library(library) if library else None
    if entries is not None and not quiet:
        for error in entries.skipped:
            say(f"skipped library record: {error}")
        if not entries.entries:
            say("warning: the library has no usable entries")
    profile = ReaderProfile(
        name=reader,
        library=entries.entries if entries is not None else (),
        interests=split_interests(interests or []),
        ratings=Ratings.load(reader) if reader else None,
    )
    if profile.empty:
        what = f"reader {reader!r} has no ratings yet; " if reader else ""
        raise UsageError(f"{what}nothing to rank by: give --library FILE, --interests TEXT or --reader NAME")
    return profile


def profile_summary(profile: ReaderProfile) -> str:
    from papersum.sources.fetched import plural

    parts = []
    if profile.library:
        count = len(profile.library)
        parts.append(f"{count} library {'entry' if count == 1 else 'entries'}")
    if profile.interests:
        parts.append(plural(len(profile.interests), "interest"))
    if profile.ratings is not None and len(profile.ratings):
        parts.append(f"{len(profile.ratings.liked)} rated up, {len(profile.ratings.disliked)} down")
    who = f" for {profile.name}" if profile.name else ""
    return f"{who} ({', '.join(parts)})"


def ranking_summary(result: RankResult, profile: ReaderProfile) -> str:
    dropped = "; ".join(f"{count} {why}" for why, count in sorted(result.dropped.items()))
    return f"Ranked {result.considered} papers{profile_summary(profile)}: kept {len(result.kept)}" + (
        f"; dropped {dropped}" if dropped else ""
    )


def rerank_provider(request: RerankRequest) -> tuple[Settings, str]:
    """The settings and the LLM provider --rerank llm would use; UsageError when there is none."""
    from papersum.config import load_settings
    from papersum.providers.registry import default_provider

    settings = load_settings(
        provider=request.provider,
        model=request.model,
        base_url=request.base_url,
        max_cost=request.max_cost,
        prices_file=request.prices,
        no_cache=request.no_cache or None,
    )
    name = settings.provider
    if name is None:
        name, why = default_provider(settings.base_url)
        if name == "offline":
            raise UsageError(f"--rerank llm needs an LLM: {why}")
    if name == "offline":
        raise UsageError("--rerank llm needs an LLM provider (--provider openai or local)")
    return settings, name


def rerank_with_llm(
    ranked: list[Annotation], profile: ReaderProfile, request: RerankRequest, quiet: bool
) -> list[Annotation]:
    """Estimate, then send the offline top papers to the configured LLM (bounded by --max-cost)."""
    from papersum.cache import ResultCache
    from papersum.pricing import load_price_table
    from papersum.providers.registry import build_provider
    from papersum.rank.rerank import RerankSettings, estimate_requests, rerank

    settings, name = rerank_provider(request)
    rerank_settings = RerankSettings(top=request.top, batch_size=request.batch_size)
    cache = None if settings.no_cache else ResultCache.open(settings.cache_dir)
    try:
        with build_provider(
            name, model=settings.model, base_url=settings.base_url, settings=settings
        ) as backend:
            if not callable(getattr(backend, "chat", None)):
                raise UsageError(f"--rerank llm: provider {name!r} cannot answer chat requests")
            client = cast("ChatClient", backend)
            shortlist = ranked[: rerank_settings.top]
            requests = estimate_requests(client, profile, shortlist, rerank_settings)
            prompt = sum(p for p, _ in requests)
            output = sum(o for _, o in requests)
            prices = load_price_table(settings.prices_file)
            worst = prices.cost(client.model, prompt, output)
            if not quiet:
                money = f"at most ${worst:.4f}" if worst is not None else "no price known for this model"
                say(
                    f"Rerank: {len(shortlist)} papers in {len(requests)} request(s) to {client.model}: "
                    f"{prompt:,} prompt tokens, <= {output:,} output tokens, {money} before the cache"
                )
                if settings.max_cost is not None and worst is not None and worst > settings.max_cost:
                    say(f"  over --max-cost ${settings.max_cost:g}: papers past the budget keep their place")
            result = rerank(ranked, profile, client, cache, rerank_settings)
    finally:
        if cache is not None:
            cache.close()
    if not quiet:
        kept = f"; {len(result.failed)} kept their offline place" if result.failed else ""
        say(
            f"Reranked {result.judged} papers ({result.cached} from cache){kept}; "
            f"{result.requests} request(s), {result.input_tokens + result.output_tokens:,} tokens"
        )
        for reason in sorted(set(result.failed.values()))[:3]:
            say(f"  not reranked: {reason}")
    return result.ranked


@dataclass(frozen=True)
class RelevanceFlags:
    """The relevance flags `run` and `digest` share with `rank`."""

    library: Sequence[Path] | None = None
    interests: Sequence[str] | None = None
    reader: str | None = None
    include: Sequence[str] = ()
    min_score: float | None = None
    rerank: str | None = None
    rerank_request: RerankRequest = RerankRequest()


@dataclass(frozen=True)
class ReaderRanking:
    """The relevance flags checked and the reader's profile built, before any paper is read."""

    flags: RelevanceFlags
    profile: ReaderProfile | None
    use_llm: bool


def reader_ranking(flags: RelevanceFlags, quiet: bool) -> ReaderRanking:
    """Check the flags up front: a typo in --library or --reader is a usage error before `run`
    summarises anything (an hour of LLM calls), not after."""
    use_llm = check_rerank(flags.rerank)
    profile = build_profile(flags.library, flags.interests, flags.reader, quiet)
    if profile is None and (use_llm or flags.min_score is not None):
        raise UsageError("--rerank and --min-score need --library, --interests or --reader")
    if use_llm:
        rerank_provider(flags.rerank_request)
    return ReaderRanking(flags, profile, use_llm)


def order_by_relevance(
    annotations: list[Annotation], ranking: ReaderRanking, quiet: bool
) -> list[Annotation]:
    """Rank the digest's papers for the reader when a profile flag was given, else leave them."""
    from papersum.rank import RankOptions, rank
    from papersum.rank.ratings import ShownPapers

    flags, profile = ranking.flags, ranking.profile
    if profile is None:
        return annotations
    # include/exclude were applied already; include is passed again so reasons say what matched.
    result = rank(annotations, profile, RankOptions(include=flags.include, min_score=flags.min_score))
    if not quiet:
        say(ranking_summary(result, profile))
    kept = result.kept
    if ranking.use_llm and kept:
        kept = rerank_with_llm(kept, profile, flags.rerank_request, quiet)
    if flags.reader:
        ShownPapers.load(flags.reader).remember(kept)
    return kept
