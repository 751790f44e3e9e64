"""Markdown digest: title, date, tag summary, contents, then papers by group."""

from __future__ import annotations

import re

from papersum.models import Annotation, Digest, Tags

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~])")


def escape_md(text: str) -> str:
    """Paper text is data: escape everything Markdown or HTML could act on, keep one line."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def safe_url(url: str | None) -> str | None:
    """Only http(s) links; anything else (javascript:, data:) is dropped."""
    if not url or not re.match(r"^https?://[^\s<>()\"']+$", url):
        return None
    return url


def anchor(text: str) -> str:
    """GitHub's heading anchor: lowercase, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")


def _tag_line(tags: Tags) -> str:
    parts = []
    if tags.keywords:
        # Code spans show text literally, so no escaping inside, only no backticks.
        parts.append(" ".join(f"`{' '.join(k.split()).replace('`', chr(39))}`" for k in tags.keywords))
    for label, values in (("Tasks", tags.tasks), ("Methods", tags.methods), ("Datasets", tags.datasets)):
        if values:
            parts.append(f"{label}: {', '.join(escape_md(v) for v in values)}")
    parts.append(f"Contribution: {tags.contribution.value}")
    if tags.categories:
        parts.append(f"Categories: {', '.join(escape_md(c) for c in tags.categories)}")
    return " · ".join(parts)


def render_paper(annotation: Annotation) -> str:
    title = escape_md(annotation.title or annotation.paper_id)
    url = safe_url(annotation.url)
    lines = [f"### [{title}]({url})" if url else f"### {title}", ""]
    lines.append(f"**TL;DR:** {escape_md(annotation.tldr or '')}")
    if annotation.why_it_matters:
        lines += ["", f"*Why it matters:* {escape_md(annotation.why_it_matters)}"]
    if annotation.tags:
        lines += ["", _tag_line(annotation.tags)]
    return "\n".join(lines)


def render_markdown(digest: Digest) -> str:
    shown = sum(len(g.annotations) for g in digest.groups)
    out = [f"# {escape_md(digest.title)}", ""]
    out.append(f"_{digest.date.isoformat()} · {shown} papers in {len(digest.groups)} groups_")
    if digest.intro:
        out += ["", digest.intro.strip()]
    summary = []
    if digest.top_categories:
        summary.append(
            "**Top categories:** " + " · ".join(f"{t.label} {t.count}" for t in digest.top_categories)
        )
    if digest.top_keywords:
        summary.append(
            "**Top keywords:** " + " · ".join(f"{escape_md(t.tag)} {t.count}" for t in digest.top_keywords)
        )
    if digest.contributions:
        summary.append("**Contributions:** " + " · ".join(f"{t.tag} {t.count}" for t in digest.contributions))
    if summary:
        out += ["", *[line + "  " for line in summary[:-1]], summary[-1]]
    if len(digest.groups) > 1:
        out += ["", "## Contents", ""]
        out += [f"- [{escape_md(g.label)}](#{anchor(g.label)}) ({len(g.annotations)})" for g in digest.groups]
    for group in digest.groups:
        out += ["", f"## {escape_md(group.label)}"]
        for annotation in group.annotations:
            out += ["", render_paper(annotation)]
    if digest.failed:
        out += ["", "## Not summarised", ""]
        out += [
            f"- {escape_md(a.title or a.paper_id)}: {escape_md(a.error or 'unknown error')}"
            for a in digest.failed
        ]
    return "\n".join(out) + "\n"
