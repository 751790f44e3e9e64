"""Output formats by name: `--format html,md,csv,rss,jsonl` looks its renderers up here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from papersum.models import Digest
from papersum.render.csv import render_csv
from papersum.render.feed import render_rss
from papersum.render.html import render_html


@dataclass(frozen=True)
class OutputFormat:
    """A named renderer and the file extension its output is written with."""

    name: str
    extension: str
    render: Callable[[Digest], str]
    description: str


FORMATS: dict[str, OutputFormat] = {
    fmt.name: fmt
    for fmt in (
        OutputFormat("html", "html", render_html, "self-contained HTML email"),
        OutputFormat("csv", "csv", render_csv, "one row per paper, tags joined with '; '"),
        OutputFormat("rss", "xml", render_rss, "RSS 2.0 feed, one item per paper"),
    )
}


def format_names() -> list[str]:
    return list(FORMATS)


def parse_formats(value: str) -> list[OutputFormat]:
    """`"html,md"` -> the formats in order, duplicates dropped; ValueError names an unknown one."""
    chosen: list[OutputFormat] = []
    for raw in value.split(","):
        name = raw.strip().lower()
        if not name:
            continue
        if name not in FORMATS:
            raise ValueError(f"unknown format {name!r}; choose from {', '.join(FORMATS)}")
        if FORMATS[name] not in chosen:
            chosen.append(FORMATS[name])
    if not chosen:
        raise ValueError(f"no format given; choose from {', '.join(FORMATS)}")
    return chosen


def render(digest: Digest, name: str) -> str:
    """Render `digest` in the named format."""
    return parse_formats(name)[0].render(digest)
