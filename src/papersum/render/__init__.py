"""Digest renderers: pure `render(digest) -> str` functions, looked up by format name."""

from __future__ import annotations

from collections.abc import Callable

from papersum.errors import UsageError
from papersum.models import Digest
from papersum.render.csv import render_csv
from papersum.render.feed import render_rss
from papersum.render.html import render_html
from papersum.render.jsonl import render_jsonl
from papersum.render.markdown import render_markdown

Renderer = Callable[[Digest], str]

# Format name -> (renderer, file extension). `--format` takes a comma-separated list of these names.
RENDERERS: dict[str, tuple[Renderer, str]] = {
    "md": (render_markdown, "md"),
    "jsonl": (render_jsonl, "jsonl"),
    "html": (render_html, "html"),
    "csv": (render_csv, "csv"),
    "rss": (render_rss, "xml"),
}


def parse_formats(spec: str) -> list[str]:
    """`"md,jsonl"` -> ["md", "jsonl"], checked against the known formats."""
    formats = [part.strip().lower() for part in spec.split(",") if part.strip()]
    unknown = [f for f in formats if f not in RENDERERS]
    if unknown or not formats:
        raise UsageError(f"unknown format {', '.join(unknown) or spec!r}; choose from {', '.join(RENDERERS)}")
    return list(dict.fromkeys(formats))


def render(digest: Digest, fmt: str) -> str:
    return RENDERERS[fmt][0](digest)


def extension(fmt: str) -> str:
    return RENDERERS[fmt][1]
