"""`papersum rank` (order papers for one reader, with reasons) and `papersum rate` (thumbs up/down)."""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from papersum.cli.common import (
    BaseUrlOpt,
    InputsArg,
    MaxCostOpt,
    ModelOpt,
    NoCacheOpt,
    PricesOpt,
    ProviderOpt,
    QuietOpt,
    SkipBadOpt,
    open_output,
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
    RerankBatchOpt,
    RerankOpt,
    RerankRequest,
    RerankTopOpt,
    build_profile,
    check_rerank,
    ranking_summary,
    rerank_with_llm,
)
from papersum.errors import BadInputError, InputError, UsageError

if TYPE_CHECKING:
    from papersum.models import Annotation, Paper


def _is_annotations(path: Path) -> bool:
    """Annotation JSONL (from summarize/digest) starts with an object that has `paper_id`."""
    try:
        with path.open("rb") as handle:
            for raw in handle:
                if raw.strip():
                    record = json.loads(raw)
                    return isinstance(record, dict) and "paper_id" in record
    except (OSError, ValueError):
        return False
    return False


@contextmanager
def _spooled(inputs: list[str]) -> Iterator[list[Path | str]]:
    """Standard input is read once into a file, so it can be sniffed like any other input."""
    if "-" not in inputs:
        yield list(inputs)
        return
    with tempfile.TemporaryDirectory(prefix="papersum-") as spool:
        path = Path(spool) / "stdin"
        with path.open("wb") as handle:
            shutil.copyfileobj(sys.stdin.buffer, handle)
        yield [path if item == "-" else item for item in inputs]


def read_feed(inputs: list[str], skip_bad: bool, quiet: bool) -> tuple[list[Annotation], dict[str, Paper]]:
    """Annotations as they are, papers as annotations (their Paper kept to write them back)."""
    from papersum.cli.digest import read_annotations
    from papersum.ingest import Duplicate, EmptyInput, iter_papers
    from papersum.models import Annotation, Paper

    annotations: list[Annotation] = []
    papers: dict[str, Paper] = {}
    errors: list[InputError] = []
    with _spooled(inputs) as paths:
        for path in paths:
            if Path(path).is_file() and _is_annotations(Path(path)):
                annotations.extend(read_annotations(Path(path)))
                continue
            for item in iter_papers([str(path)]):
                if isinstance(item, Paper):
                    papers[item.id] = item
                    annotations.append(Annotation.from_paper(item))
                elif isinstance(item, InputError):
                    errors.append(item)
                elif not quiet and isinstance(item, Duplicate):
                    say(f"duplicate dropped: {item.dropped_id} ({item.source}) same paper as {item.kept_id}")
                elif not quiet and isinstance(item, EmptyInput):
                    say(str(item))
    if errors and not skip_bad:
        raise BadInputError(errors, len(annotations))
    if not quiet:
        for error in errors:
            say(f"skipped bad record: {error}")
    return annotations, papers


def record_line(annotation: Annotation, papers: dict[str, Paper]) -> str:
    """The input record plus `relevance`: a paper stays a paper, an annotation an annotation."""
    from papersum.render.jsonl import annotation_line

    paper = papers.get(annotation.paper_id)
    if paper is None:
        return annotation_line(annotation)
    # As `papersum fetch` writes papers: no ingest bookkeeping (`source`), no empty fields.
    record = paper.model_dump(mode="json", exclude={"source"}, exclude_defaults=True)
    if annotation.relevance is not None:
        record["relevance"] = annotation.relevance.model_dump(mode="json")
    return json.dumps(record, ensure_ascii=False)


@user_errors
def rank(
    inputs: InputsArg,
    library: LibraryOpt = None,
    interests: InterestsOpt = None,
    reader: ReaderOpt = None,
    include: IncludeOpt = None,
    exclude: ExcludeOpt = None,
    top: Annotated[int | None, typer.Option("--top", min=1, help="Keep the best N papers.")] = None,
    min_score: MinScoreOpt = None,
    out: Annotated[str, typer.Option("--out", "-o", help="Ranked JSONL file, or - for stdout.")] = "-",
    rerank: RerankOpt = None,
    rerank_top: RerankTopOpt = 30,
    rerank_batch: RerankBatchOpt = 10,
    provider: ProviderOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    max_cost: MaxCostOpt = None,
    prices: PricesOpt = None,
    no_cache: NoCacheOpt = False,
    skip_bad: SkipBadOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Rank papers (or annotations) for one reader, best first, each with a relevance score and reasons.

    Output: the kept records in rank order, as JSONL, each with `relevance: {score, reasons, matched}`.
    The score is in standard deviations above the feed's average. The ranker is offline and
    deterministic; --rerank llm lets the configured LLM reorder the top --rerank-top papers
    (estimated first, bounded by --max-cost, cached).

    Example:

        papersum rank annotations.jsonl --library my.bib --interests "view synthesis, NeRF" --top 20
    """
    from papersum.rank import RankOptions
    from papersum.rank import rank as rank_papers
    from papersum.rank.ratings import ShownPapers
    from papersum.sources.fetched import plural

    use_llm = check_rerank(rerank)
    profile = build_profile(library, interests, reader, quiet)
    if profile is None:
        raise UsageError("nothing to rank by: give --library FILE, --interests TEXT or --reader NAME")
    annotations, papers = read_feed(inputs, skip_bad, quiet)
    shortlist = None if top is None else max(top, rerank_top) if use_llm else top
    options = RankOptions(include=include or (), exclude=exclude or (), top=shortlist, min_score=min_score)
    result = rank_papers(annotations, profile, options)
    if not quiet:
        say(ranking_summary(result, profile))
    kept = result.kept
    if use_llm and kept:
        flags = RerankRequest(rerank_top, rerank_batch, provider, model, base_url, max_cost, prices, no_cache)
        kept = rerank_with_llm(kept, profile, flags, quiet)[:top]
    with open_output(out) as handle:
        for annotation in kept:
            handle.write(record_line(annotation, papers) + "\n")
    if reader:
        ShownPapers.load(reader).remember(kept)
    if not quiet and out != "-":
        say(f"Wrote {plural(len(kept), 'paper')} to {out}")


@user_errors
def rate(
    paper_ids: Annotated[list[str], typer.Argument(help="Paper ids (arXiv ids match any version).")],
    reader: Annotated[str, typer.Option("--reader", help="Whose rating this is.")],
    up: Annotated[bool, typer.Option("--up", help="More papers like these.")] = False,
    down: Annotated[bool, typer.Option("--down", help="Fewer papers like these.")] = False,
    from_files: Annotated[
        list[Path] | None,
        typer.Option("--from", help="Papers/annotations file to find the papers' text in. Repeatable."),
    ] = None,
    quiet: QuietOpt = False,
) -> None:
    """Rate papers up or down for a reader; `papersum rank --reader NAME` then uses the ratings.

    A paper's title and abstract are looked up in --from files, else among the papers recently
    ranked for the reader, and stored with the rating in the data directory (not the cache).

    Example:

        papersum rate --reader alice 2408.01234 2408.04321 --up
    """
    from papersum.rank import Ratings
    from papersum.rank.ratings import ShownPapers, rating_key
    from papersum.sources.fetched import plural

    if up == down:
        raise UsageError("say --up or --down (exactly one)")
    known: dict[str, dict[str, str]] = {}
    if from_files:
        annotations, _ = read_feed([str(p) for p in from_files], skip_bad=True, quiet=True)
        known = {rating_key(a.paper_id): {"title": a.title, "abstract": a.abstract} for a in annotations}
    shown = ShownPapers.load(reader)
    ratings = Ratings.load(reader)
    for paper_id in paper_ids:
        text = known.get(rating_key(paper_id)) or shown.find(paper_id)
        if text is None and not quiet:
            say(
                f"warning: no title or abstract known for {paper_id} (pass --from FILE): "
                "it is left out of your rankings but cannot find papers like it"
            )
        ratings.rate(paper_id, up, (text or {}).get("title", ""), (text or {}).get("abstract", ""))
    path = ratings.save()
    if not quiet:
        say(
            f"Rated {plural(len(paper_ids), 'paper')} {'up' if up else 'down'} for {reader}: "
            f"{len(ratings.liked)} up, {len(ratings.disliked)} down in {path}"
        )
