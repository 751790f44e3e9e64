"""The digest as one self-contained HTML email.

Email clients drop or rewrite `<style>` blocks, so every element carries its own inline style and
the page must look right with those alone. The small `<style>` block only adds dark mode and phone
padding where a client supports it. The layout is table-based with `table-layout:fixed`, and the
card sets `overflow-wrap:anywhere` once (every row inherits it), so a very long word wraps instead
of widening the email. No SVG (Gmail and Outlook drop it) and no script. All paper text goes through
`escape_html`, links through `safe_url` (http/https only).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from papersum.digest import DEFAULT_TITLE
from papersum.models import Annotation, Digest, DigestGroup, TagCount
from papersum.render.safe import clean_text, escape_html, safe_url, slug
from papersum.taxonomy import UNCATEGORISED

MAX_AUTHORS = 3
MAX_KEYWORD_CHIPS = 4
MAX_CHART_BARS = 8

_FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif"
_WRAP = "overflow-wrap:anywhere;word-break:break-word;"
_TEXT = "#1f2933"
_MUTED = "#5f6b7a"
_ACCENT = "#3346c4"
_RULE = "#e4e7ec"

_STYLE_BLOCK = """<style>
:root { color-scheme: light dark; supported-color-schemes: light dark; }
@media (prefers-color-scheme: dark) {
  .ps-body, .ps-outer { background:#0f1216 !important; }
  .ps-card { background:#181c22 !important; color:#e3e6ea !important; }
  .ps-card h1, .ps-card h2, .ps-card h3, .ps-card p, .ps-card td, .ps-card li { color:#e3e6ea !important; }
  .ps-muted { color:#9aa5b1 !important; }
  .ps-link { color:#8ea2ff !important; }
  .ps-tags span { background:#262c36 !important; color:#c7d0ff !important; }
  .ps-tags .ps-muted { background:none !important; color:#9aa5b1 !important; }
  .ps-why { background:#2a2413 !important; color:#f3e2b3 !important; }
  .ps-rule { border-color:#2a2f38 !important; }
  .ps-bar { background:#7f93ff !important; }
}
@media (max-width:520px) {
  .ps-pad { padding-left:14px !important; padding-right:14px !important; }
  .ps-h1 { font-size:24px !important; }
}
</style>"""


def render_html(digest: Digest) -> str:
    """The digest as a complete HTML document (UTF-8), ready to send as an email body."""
    title = escape_html(digest.title) or DEFAULT_TITLE
    body = "\n".join(
        [
            _preheader(digest),
            _header(digest),
            _chart_section(digest),
            _contents(digest.groups),
            *(_group_section(index, group) for index, group in enumerate(digest.groups, start=1)),
            _failed_section(digest.failed),
            _footer(digest),
        ]
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="supported-color-schemes" content="light dark">
<title>{title}</title>
{_STYLE_BLOCK}
</head>
<body class="ps-body" style="margin:0;padding:0;background:#f2f4f7;">
<table role="presentation" class="ps-outer" width="100%" cellpadding="0" cellspacing="0" \
style="width:100%;background:#f2f4f7;border-collapse:collapse;">
<tr><td align="center" style="padding:16px 8px;">
<table role="presentation" class="ps-card" width="100%" cellpadding="0" cellspacing="0" \
style="width:100%;max-width:640px;table-layout:fixed;border-collapse:collapse;background:#ffffff;{_WRAP}\
color:{_TEXT};font-family:{_FONT};border-radius:10px;">
{body}
</table>
</td></tr>
</table>
</body>
</html>
"""


def group_anchor(index: int, group: DigestGroup) -> str:
    """The id of a group's section: unique by position, readable by key, safe for any key text."""
    return f"g{index}-{slug(group.key)}"


def _row(content: str, *, padding: str = "20px 28px", extra: str = "") -> str:
    classes = "ps-pad ps-rule" if f"solid {_RULE}" in extra else "ps-pad"
    return f'<tr><td class="{classes}" style="padding:{padding};{extra}">\n{content}\n</td></tr>'


def _preheader(digest: Digest) -> str:
    # The inbox preview line; hidden in the opened email.
    groups = ", ".join(clean_text(group.label) for group in digest.groups[:3])
    text = escape_html(f"{digest.total} papers: {groups}")
    return (
        '<tr><td style="display:none;max-height:0;overflow:hidden;mso-hide:all;font-size:1px;'
        f'line-height:1px;color:#ffffff;opacity:0;">{text}</td></tr>'
    )


def long_date(day: date) -> str:
    """`Friday 27 November 2026` (no locale, no platform-specific strftime flags)."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def digest_counts(digest: Digest) -> str:
    """`12 papers picked from 58 · 4 groups · 1 not summarised`: the header line of every format
    (groups only when there are several)."""
    shown = sum(len(group.annotations) for group in digest.groups)
    counts = [f"{shown} paper{'s' if shown != 1 else ''}"]
    if digest.total > shown + len(digest.failed):
        counts[0] += f" picked from {digest.total}"
    if len(digest.groups) > 1:  # one group (a reader's ranked list) is just the papers
        counts.append(f"{len(digest.groups)} groups")
    if digest.failed:
        counts.append(f"{len(digest.failed)} not summarised")
    return " · ".join(counts)


def byline(annotation: Annotation) -> str:
    """`A, B, C et al. · 2026-11-20` (cleaned, not escaped), or "" when nothing is known."""
    parts: list[str] = []
    authors = [clean_text(name) for name in annotation.authors if clean_text(name)]
    if authors:
        shown = ", ".join(authors[:MAX_AUTHORS])
        parts.append(shown + (" et al." if len(authors) > MAX_AUTHORS else ""))
    if annotation.published:
        parts.append(annotation.published.isoformat())
    return " · ".join(parts)


FOOTER_NOTE = "TL;DRs and tags are machine-written; check the paper before you cite it."


def _header(digest: Digest) -> str:
    date_text = long_date(digest.date)
    counts = [digest_counts(digest)]
    intro = ""
    if digest.intro:
        paragraphs = [part for part in digest.intro.split("\n\n") if clean_text(part)]
        intro = "\n".join(
            f'<p dir="auto" style="margin:14px 0 0;font-size:16px;line-height:1.55;color:{_TEXT};">'
            f"{escape_html(part)}</p>"
            for part in paragraphs
        )
    content = (
        f'<p class="ps-muted" style="margin:0;font-size:13px;letter-spacing:.06em;text-transform:uppercase;'
        f'color:{_MUTED};">{escape_html(date_text)}</p>\n'
        f'<h1 class="ps-h1" dir="auto" style="margin:6px 0 0;font-size:28px;line-height:1.2;'
        f'font-weight:700;color:{_TEXT};">{escape_html(digest.title) or DEFAULT_TITLE}</h1>\n'
        f'<p class="ps-muted" style="margin:8px 0 0;font-size:14px;color:{_MUTED};">'
        f"{escape_html(' · '.join(counts))}</p>\n{intro}"
    )
    return _row(
        content, padding="28px 28px 8px", extra=f"border-top:6px solid {_ACCENT};border-radius:10px 10px 0 0;"
    )


def _chart_data(digest: Digest) -> tuple[str, list[TagCount]]:
    # The first distribution with at least two bars: one bar ("Uncategorised 58") says nothing.
    categories = [item for item in digest.top_categories if item.tag != UNCATEGORISED]
    candidates = (
        ("Top categories", categories),
        ("Top keywords", digest.top_keywords),
        ("Contributions", digest.contributions),
    )
    for heading, counts in candidates:
        if len(counts) >= 2:
            return heading, counts[:MAX_CHART_BARS]
    for heading, counts in candidates:
        if counts:
            return heading, counts[:MAX_CHART_BARS]
    return "", []


def tag_chart(counts: list[TagCount]) -> str:
    """Horizontal bars as a table: labels wrap instead of being cut, and it needs no SVG (Gmail and
    Outlook do not show SVG). Bars are table cells with a percentage width and a background."""
    peak = max((item.count for item in counts), default=1) or 1
    names = ", ".join(f"{clean_text(item.label or item.tag)} {item.count}" for item in counts)
    rows = []
    for item in counts:
        # At most 80% of the bar column, so the count beside the longest bar keeps its room.
        share = max(1, round(80 * item.count / peak))
        rows.append(
            '<tr><td dir="auto" width="42%" style="padding:3px 10px 3px 0;text-align:right;'
            f'vertical-align:middle">{escape_html(item.label or item.tag)}</td>'
            '<td style="padding:3px 0;vertical-align:middle"><table role="presentation" width="100%" '
            'cellpadding="0" cellspacing="0" style="border-collapse:collapse"><tr>'
            f'<td class="ps-bar" width="{share}%" style="height:14px;background:{_ACCENT};border-radius:3px;'
            'font-size:0;line-height:0">&nbsp;</td>'
            f'<td class="ps-muted" style="padding-left:6px;font-size:12px;color:{_MUTED}">{item.count}</td>'
            "</tr></table></td></tr>"
        )
    return (
        f'<table class="ps-chart" role="img" aria-label="{escape_html(names)}" width="100%" cellpadding="0" '
        f'cellspacing="0" style="width:100%;table-layout:fixed;border-collapse:collapse;font-size:13px;'
        f'line-height:1.3;color:{_TEXT}">{"".join(rows)}</table>'
    )


def _chart_section(digest: Digest) -> str:
    heading, counts = _chart_data(digest)
    if not counts:
        return ""
    content = (
        f'<p class="ps-muted" style="margin:0 0 8px;font-size:13px;font-weight:600;color:{_MUTED};">'
        f"{heading}</p>\n{tag_chart(counts)}"
    )
    return _row(content, padding="12px 28px 4px")


def _contents(groups: list[DigestGroup]) -> str:
    if len(groups) < 2:
        return ""
    items = "\n".join(
        f'<li style="margin:3px 0;font-size:15px;color:{_TEXT};"><a class="ps-link" '
        f'href="#{group_anchor(index, group)}" style="color:{_ACCENT};text-decoration:none;" dir="auto">'
        f"{escape_html(group.label) or escape_html(group.key)}</a> "
        f'<span class="ps-muted" style="color:{_MUTED};font-size:13px;">'
        f"({len(group.annotations)})</span></li>"
        for index, group in enumerate(groups, start=1)
    )
    content = (
        f'<p id="contents" style="margin:0 0 6px;font-size:13px;font-weight:600;color:{_MUTED};" '
        f'class="ps-muted">In this issue</p>\n<ol style="margin:0;padding-left:22px;">\n{items}\n</ol>'
    )
    return _row(content, padding="16px 28px 8px")


def _chips(annotation: Annotation) -> str:
    tags = annotation.tags
    if tags is None:
        return ""
    # Each chip is an inline-block: it moves to the next line whole, and a keyword too long for the
    # line wraps inside one unbroken pill (overflow-wrap is inherited from the card). Styles are kept
    # short: chips repeat ~6 times per paper and Gmail clips emails over 102 KB.
    pill = "display:inline-block;margin:2px 0;padding:1px 7px;border-radius:9px;"
    chip_style = f"{pill}background:#eef1ff;color:{_ACCENT}"
    contribution_style = f"{pill}background:#e3f4ea;color:#1f7a4d"
    chips = [f'<span style="{contribution_style}">{escape_html(tags.contribution.value)}</span>']
    labels: Iterable[str] = tags.keywords[:MAX_KEYWORD_CHIPS]
    chips += [f'<span style="{chip_style}">{escape_html(label)}</span>' for label in labels]
    if tags.categories:
        # Categories as one muted run, not chips (bytes); one box too, so it never splits at a "·".
        categories = escape_html(" · ".join(tags.categories))
        chips.append(
            f'<span class="ps-muted" style="display:inline-block;color:{_MUTED}">{categories}</span>'
        )
    # Font size and line height are set once on the container, not per chip; so is the class that
    # the dark-mode style and the plain-text part find chips by (`.ps-tags span`).
    return (
        f'<div class="ps-tags" style="margin-top:8px;font-size:12px;line-height:1.6;">{" ".join(chips)}</div>'
    )


def _byline(annotation: Annotation) -> str:
    text = byline(annotation)
    if not text:
        return ""
    return (
        f'<p class="ps-muted" dir="auto" style="margin:4px 0 0;font-size:13px;color:{_MUTED};">'
        f"{escape_html(text)}</p>"
    )


def paper_block(annotation: Annotation) -> str:
    """One paper: linked title, byline, TL;DR, why it matters, tag chips."""
    title = escape_html(annotation.title) or f"Untitled paper ({escape_html(annotation.paper_id)})"
    url = safe_url(annotation.url)
    if url:
        title = (
            f'<a class="ps-link" href="{escape_html(url)}" style="color:{_ACCENT};text-decoration:none;">'
            f"{title}</a>"
        )
    parts = [
        f'<h3 dir="auto" style="margin:0;font-size:17px;line-height:1.35;font-weight:650;color:{_TEXT};">'
        f"{title}</h3>",
        _byline(annotation),
    ]
    if annotation.tldr:
        parts.append(
            f'<p dir="auto" style="margin:8px 0 0;font-size:15px;line-height:1.55;color:{_TEXT};">'
            f"{escape_html(annotation.tldr)}</p>"
        )
    if annotation.why_it_matters:
        parts.append(
            '<p class="ps-why" dir="auto" style="margin:10px 0 0;padding:8px 12px;border-radius:6px;'
            f'background:#fff7e0;color:#5c4400;font-size:14px;line-height:1.5;">'
            f"<strong>Why it matters:</strong> {escape_html(annotation.why_it_matters)}</p>"
        )
    if annotation.relevance is not None and annotation.relevance.reasons:
        parts.append(
            f'<p class="ps-muted ps-picked" dir="auto" style="margin:8px 0 0;font-size:13px;color:{_MUTED};">'
            f"<strong>Picked because:</strong> {escape_html('; '.join(annotation.relevance.reasons))}</p>"
        )
    parts.append(_chips(annotation))
    return _row(
        "\n".join(part for part in parts if part), padding="16px 28px", extra=f"border-top:1px solid {_RULE};"
    )


def _group_section(index: int, group: DigestGroup) -> str:
    count = len(group.annotations)
    heading = _row(
        f'<h2 id="{group_anchor(index, group)}" dir="auto" style="margin:0;font-size:20px;line-height:1.3;'
        f'color:{_TEXT};">{escape_html(group.label) or escape_html(group.key)} '
        f'<span class="ps-muted" style="font-size:14px;font-weight:400;color:{_MUTED};white-space:nowrap;">'
        f"{count} paper{'s' if count != 1 else ''}</span></h2>",
        padding="28px 28px 10px",
    )
    return "\n".join([heading, *(paper_block(annotation) for annotation in group.annotations)])


def _failed_section(failed: list[Annotation]) -> str:
    if not failed:
        return ""
    items = "\n".join(
        f'<li dir="auto" style="margin:2px 0;">{escape_html(item.title) or escape_html(item.paper_id)}</li>'
        for item in failed
    )
    content = (
        f'<p style="margin:0 0 6px;font-size:14px;font-weight:600;color:{_TEXT};">'
        f"Not summarised ({len(failed)})</p>\n"
        f'<ul class="ps-muted" style="margin:0;padding-left:20px;font-size:13px;color:{_MUTED};">\n'
        f"{items}\n</ul>"
    )
    return _row(content, padding="24px 28px 8px", extra=f"border-top:1px solid {_RULE};")


def _footer(digest: Digest) -> str:
    content = (
        f'<p class="ps-muted" style="margin:0;font-size:12px;line-height:1.5;color:{_MUTED};">'
        f"Generated by papersum on {digest.date.isoformat()}. {FOOTER_NOTE}</p>"
    )
    return _row(content, padding="24px 28px 28px", extra=f"border-top:1px solid {_RULE};")
