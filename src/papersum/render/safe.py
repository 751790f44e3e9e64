"""Neutralising paper text for every output format (HTML, Markdown, CSV, XML).

Paper text is untrusted: titles and abstracts come from scraped pages and model output. These
helpers are the only place that decides what survives, so each renderer stays a thin template.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

# Bidirectional overrides/embeddings/isolates and marks: they can visually reorder the text around
# them ("Trojan Source"), so they are dropped; the renderers isolate each text run with dir="auto".
_BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# C0/C1 controls except tab/newline, plus characters XML 1.0 forbids (they make a feed unparsable).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff" + _BIDI_CONTROLS + "]")
_WHITESPACE = re.compile(r"\s+")
# Markdown punctuation that can start emphasis, links, headings, lists, tables, code or HTML.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")
# Spreadsheet apps run a cell as a formula when it starts with one of these (OWASP CSV injection).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def clean_text(text: str | None) -> str:
    """Text with control and bidi-override characters removed and whitespace collapsed to spaces."""
    if not text:
        return ""
    return _WHITESPACE.sub(" ", _CONTROL.sub("", text)).strip()


def escape_html(text: str | None) -> str:
    """Cleaned text, safe as HTML element content or a quoted attribute value."""
    return html.escape(clean_text(text), quote=True)


def safe_url(url: str | None) -> str | None:
    """The URL when it is an absolute http(s) URL with a host, else None (no javascript:, data:...)."""
    if not url:
        return None
    candidate = url.strip()
    if _CONTROL.search(candidate) or any(ch.isspace() for ch in candidate):
        return None
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return None
    return candidate


def escape_markdown(text: str | None) -> str:
    """Cleaned text that renders literally in CommonMark: HTML-escaped, punctuation backslashed."""
    # `<`/`>`/`&` become entities so a raw-HTML-passing Markdown renderer still shows them as text.
    escaped = html.escape(clean_text(text), quote=False)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", escaped)


def markdown_url(url: str | None) -> str | None:
    """A safe http(s) URL written so it cannot close a Markdown link: `(`, `)`, `<`, `>` encoded."""
    checked = safe_url(url)
    if checked is None:
        return None
    for char, code in (("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E"), (" ", "%20")):
        checked = checked.replace(char, code)
    return checked


def csv_cell(text: str | None) -> str:
    """Cleaned text that a spreadsheet shows as text, never evaluates as a formula."""
    cleaned = clean_text(text)
    if cleaned.startswith(_FORMULA_PREFIXES):
        return "'" + cleaned
    return cleaned


def slug(text: str, fallback: str = "group") -> str:
    """A lowercase [a-z0-9-] fragment for HTML ids and anchors."""
    value = re.sub(r"[^a-z0-9]+", "-", clean_text(text).lower()).strip("-")
    return value[:40] or fallback
