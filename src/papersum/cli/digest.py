"""`papersum digest`: curate annotations and render them into digest formats."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from papersum.cli.common import (
    BaseUrlOpt,
    FormatOpt,
    GroupByOpt,
    MaxCostOpt,
    ModelOpt,
    NoCacheOpt,
    PricesOpt,
    ProviderOpt,
    TitleOpt,
    TopOpt,
    open_output,
    say,
    user_errors,
)
from papersum.cli.relevance import (
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
from papersum.errors import InputError, UsageError

# Models, curation and renderers are imported inside the functions (start-up time of every command).
if TYPE_CHECKING:
    from papersum.models import Annotation, Digest


def read_annotations(path: Path) -> Iterator[Annotation]:
    """Annotations JSONL as written by `papersum summarize`; a bad line is an InputError."""
    from pydantic import ValidationError

    from papersum.models import Annotation

    try:
        handle = path.open("rb")
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror})") from None
    with handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                yield Annotation.model_validate_json(raw)
            except ValidationError as exc:
                first = exc.errors()[0]
                field = ".".join(str(p) for p in first["loc"]) or None
                raise InputError(str(path), number, field, first["msg"]) from None


def read_intro(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--intro {path}: cannot read ({exc})") from None


def parse_day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option} must be a date like 2026-11-27, not {value!r}") from None


def write_digest(built: Digest, formats: list[str], out: str) -> list[Path]:
    """Render each format to `out` (file, directory, or - for stdout); returns the files written."""
    from papersum.render import extension, render

    if out == "-":
        for name in formats:
            with open_output("-") as handle:
                handle.write(render(built, name))
        return []
    target = Path(out)
    many = len(formats) > 1 or target.is_dir() or out.endswith("/")
    written = []
    for name in formats:
        path = target / f"digest.{extension(name)}" if many else target
        with open_output(str(path)) as handle:
            handle.write(render(built, name))
        written.append(path)
    return written


@user_errors
def digest(
    annotations: Annotated[Path, typer.Argument(help="Annotations JSONL from `papersum summarize`.")],
    fmt: FormatOpt = "md",
    out: Annotated[
        str,
        typer.Option(
            "--out", "-o", help="Output file, directory (one digest.<ext> per format) or - for stdout."
        ),
    ] = "-",
    group_by: GroupByOpt = "category",
    top: TopOpt = None,
    title: TitleOpt = None,
    intro: Annotated[
        Path | None, typer.Option("--intro", help="Text file with an introduction shown under the title.")
    ] = None,
    include: Annotated[
        list[str] | None,
        typer.Option(
            "--include",
            help="Keep papers mentioning this keyword (title/abstract/tags, any case); ranks by matches. "
            "Repeatable.",
        ),
    ] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option("--exclude", help="Drop papers mentioning this keyword. Repeatable."),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help="Drop papers published before DATE (papers without a date stay)."),
    ] = None,
    new_only: Annotated[
        bool,
        typer.Option("--new-only", help="Skip papers that were in an earlier digest written to a file."),
    ] = False,
    day: Annotated[str | None, typer.Option("--date", help="Digest date (default: today).")] = None,
    library: LibraryOpt = None,
    interests: InterestsOpt = None,
    reader: ReaderOpt = None,
    min_score: MinScoreOpt = None,
    rerank: RerankOpt = None,
    rerank_top: RerankTopOpt = 30,
    rerank_batch: RerankBatchOpt = 10,
    provider: ProviderOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    max_cost: MaxCostOpt = None,
    prices: PricesOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Curate and render a digest from annotations.

    With --library, --interests or --reader the papers are ranked for that reader (as
    `papersum rank` does) and each shows why it was picked; otherwise they are ordered by the
    relevance they carry, else by --include keyword matches, else kept in input order. --top keeps
    the best N per group. Papers written to a digest file are remembered in the data dir, so
    --new-only can skip them next time.

    Example:

        papersum digest annotations.jsonl --format html,md,rss --include "graph" --top 5 --out out/
    """
    from papersum.curate import Curation, SeenStore, curate
    from papersum.digest import DEFAULT_TITLE, build_digest
    from papersum.render import parse_formats

    formats = parse_formats(fmt)
    intro_text = read_intro(intro)
    flags = RelevanceFlags(
        library, interests, reader, tuple(include or ()), min_score, rerank,
        RerankRequest(rerank_top, rerank_batch, provider, model, base_url, max_cost, prices, no_cache),
    )  # fmt: skip
    relevance = reader_ranking(flags, quiet=False)  # checked before anything is read or summarised
    store = SeenStore.open() if out != "-" or new_only else None
    curation = Curation(
        include=tuple(include or ()),
        exclude=tuple(exclude or ()),
        since=parse_day(since, "--since"),
        seen=store.keys() if store is not None and new_only else frozenset(),
    )
    result = curate(read_annotations(annotations), curation)
    dropped = "; ".join(f"{count} {reason}" for reason, count in sorted(result.dropped.items()))
    kept = order_by_relevance(result.kept, relevance, quiet=False)
    if kept is result.kept:
        say(f"Ranked {len(kept)} papers by {result.scoring}" + (f"; dropped {dropped}" if dropped else ""))
    elif dropped:
        say(f"Dropped before ranking: {dropped}")
    built = build_digest(
        kept,
        group_by=group_by,
        top=top,
        title=title or DEFAULT_TITLE,
        day=parse_day(day, "--date") or date.today(),
        intro=intro_text,
    )
    written = write_digest(built, formats, out)
    for path in written:
        say(f"Wrote {path}")
    if written and store is not None:
        shown = [item for group in built.groups for item in group.annotations]
        added = store.record(shown, built.date)
        say(f"Remembered {added} new papers as sent ({store.path})")
