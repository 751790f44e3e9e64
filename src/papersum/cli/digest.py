"""`papersum digest`: render annotations JSONL into digest formats."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from papersum.cli.common import FormatOpt, GroupByOpt, TitleOpt, TopOpt, open_output, say, user_errors
from papersum.digest import DEFAULT_TITLE, build_digest
from papersum.errors import InputError, UsageError
from papersum.models import Annotation
from papersum.render import extension, parse_formats, render


def read_annotations(path: Path) -> Iterator[Annotation]:
    """Annotations JSONL as written by `papersum summarize`; a bad line is an InputError."""
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
) -> None:
    """Render a digest from annotations.

    Example:

        papersum digest annotations.jsonl --format md --group-by contribution --top 5 --out digest.md
    """
    formats = parse_formats(fmt)
    built = build_digest(
        read_annotations(annotations),
        group_by=group_by,
        top=top,
        title=title or DEFAULT_TITLE,
        day=date.today(),
    )
    if out == "-":
        for name in formats:
            with open_output("-") as handle:
                handle.write(render(built, name))
        return
    target = Path(out)
    many = len(formats) > 1 or target.is_dir() or out.endswith("/")
    for name in formats:
        path = target / f"digest.{extension(name)}" if many else target
        with open_output(str(path)) as handle:
            handle.write(render(built, name))
        say(f"Wrote {path}")
