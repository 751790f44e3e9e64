"""Neutralising paper text for every output format (HTML, Markdown, CSV, XML).

Paper text is untrusted: titles and abstracts come from scraped pages and model output. These
helpers are the only place that decides what survives, so each renderer stays a thin template.
"""

from __future__ import annotations

import html
import html.entities
import re
import unicodedata
from urllib.parse import urlsplit

# Bidirectional overrides/embeddings/isolates and marks: they can visually reorder the text around
# them ("Trojan Source"), so they are dropped; the renderers isolate each text run with dir="auto".
_BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# C0/C1 controls except tab/newline, plus characters XML 1.0 forbids (they make a feed unparsable).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff" + _BIDI_CONTROLS + "]")
_WHITESPACE = re.compile(r"\s+")
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


def escape_markdown(text: str | None, *, line_start: bool = False, heading_end: bool = False) -> str:
    """Cleaned text that CommonMark renders back exactly, with a backslash only where one is needed.

    A character is escaped only when, in that position, it could start or end markup: emphasis
    delimiters that can open or close, code spans, brackets that could form a link or image or
    break the link around the text, `<` that could open HTML or an autolink, entity references,
    and a backslash before punctuation. `line_start`: the text begins a line (or a list item), so
    block markers (`#`, `>`, `-`, `+`, `*`, `1.`, `1)`, rules, fences, definitions) are escaped too.
    `heading_end`: the text ends an ATX heading, so a closing run of `#` is escaped.
    Link reference definitions can only come from the editor's intro, never from paper text.
    """
    chars = clean_text(text)
    if not (line_start or heading_end or _MAYBE_MARKUP.search(chars)):
        return chars  # the common case: nothing here could be markup
    marks: set[int] = set()  # indexes of the characters to backslash
    _mark_inline(chars, marks)
    _mark_brackets(chars, marks, line_start=line_start)
    if line_start:
        _mark_block_start(chars, marks)
    if heading_end and (closing := re.search(r"(?:^| )(#+)$", chars)):
        marks.add(closing.start(1))
    pieces, start = [], 0
    for index in sorted(marks):
        pieces += [chars[start:index], "\\"]
        start = index
    return "".join(pieces) + chars[start:]


_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_INLINE_SPECIAL = re.compile(r"[\\`<&]")
_MAYBE_MARKUP = re.compile(r"[\\`<&*_\[\]]")
_DELIMITER_RUN = re.compile(r"\*+|_+")
_BRACKET = re.compile(r"[\[\]]")
# `<` that could open raw HTML (tag, comment, declaration, processing instruction) or an autolink.
_HTML_OR_AUTOLINK = re.compile(r"<(?:[A-Za-z/!?]|[^\s<>]+>)")
_CHARACTER_REFERENCE = re.compile(r"&(?:#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|([A-Za-z][A-Za-z0-9]{0,31};))")


def _neighbour_kinds(char: str | None) -> set[str]:
    """How CommonMark's flanking rules may see a neighbour; outside the text anything can follow."""
    if char is None:
        return {"space", "punctuation"}
    if char.isspace():
        return {"space"}
    category = unicodedata.category(char)
    if char in _ASCII_PUNCTUATION or category.startswith("P"):
        return {"punctuation"}
    # Symbols count as punctuation since CommonMark 0.31, not before: assume either.
    return {"punctuation", "other"} if category.startswith("S") else {"other"}


def _can_delimit(delimiter: str, before: str | None, after: str | None) -> bool:
    """Whether a `*`/`_` run between these neighbours could open or close emphasis (spec 6.2)."""
    for prev in _neighbour_kinds(before):
        for nxt in _neighbour_kinds(after):
            left = nxt != "space" and (nxt != "punctuation" or prev != "other")
            right = prev != "space" and (prev != "punctuation" or nxt != "other")
            if delimiter == "*" and (left or right):
                return True
            opens = left and (not right or prev == "punctuation")
            closes = right and (not left or nxt == "punctuation")
            if delimiter == "_" and (opens or closes):
                return True
    return False


def _mark_inline(chars: str, marks: set[int]) -> None:
    end = len(chars)
    for special in _INLINE_SPECIAL.finditer(chars):
        index, char = special.start(), special.group()
        if char == "\\":
            # Only before punctuation (or at the end, where markup follows) is a backslash an escape.
            escape = index + 1 == end or chars[index + 1] in _ASCII_PUNCTUATION
        elif char == "<":
            escape = bool(_HTML_OR_AUTOLINK.match(chars, index))
        elif char == "&":
            reference = _CHARACTER_REFERENCE.match(chars, index)
            # Numeric references always decode; named ones only when the name exists.
            named = reference.group(1) if reference else None
            escape = reference is not None and (named is None or named in html.entities.html5)
        else:  # a backtick: code spans need only a matching backtick run later on the line
            escape = True
        if escape:
            marks.add(index)
    for run in _DELIMITER_RUN.finditer(chars):
        before = chars[run.start() - 1] if run.start() else None
        after = chars[run.end()] if run.end() < end else None
        if _can_delimit(run.group()[0], before, after):
            marks.update(range(run.start(), run.end()))


def _mark_brackets(chars: str, marks: set[int], *, line_start: bool) -> None:
    """Brackets stay bare only as a matched pair that cannot be a link (no `(` right after it).

    Unmatched brackets could pair with the link around the text; `[a](b)` and `![a](b)` would be
    a link or an image; at a line start `[a]:` (or `[a]` then the renderer's `: `) would be a link
    reference definition. `[a]` and `[a][b]` are links only to a definition, and the only
    definitions a digest can hold are the editor's own (in the intro).
    """
    openers: list[int] = []
    for bracket in _BRACKET.finditer(chars):
        index, char = bracket.start(), bracket.group()
        if char == "[":
            openers.append(index)
        elif char == "]":
            if not openers:
                marks.add(index)
                continue
            opener = openers.pop()
            after = chars[index + 1 : index + 2]
            definition = line_start and opener == 0 and after in {":", ""}
            if after == "(" or definition:
                marks.update((opener, index))
    marks.update(openers)


# Block starts: ATX heading, block quote, bullet, thematic break, fence, ordered-list number.
_BLOCK_START = re.compile(r"#{1,6}(?: |$)|>|[-+*](?: |$)|([-*_])(?: *\1){2,} *$|~{3,}")
_ORDERED_ITEM = re.compile(r"[0-9]{1,9}([.)])(?: |$)")


def _mark_block_start(chars: str, marks: set[int]) -> None:
    if _BLOCK_START.match(chars):
        marks.add(0)
    elif item := _ORDERED_ITEM.match(chars):
        marks.add(item.start(1))


def markdown_code(text: str | None) -> str:
    """Cleaned text as a CommonMark code span that shows it exactly, backticks included."""
    value = clean_text(text)
    if not value:
        return ""
    fence = "`" * (max((len(run) for run in re.findall(r"`+", value)), default=0) + 1)
    # A code span strips one space from each end, so a value with backticks at its ends is padded.
    pad = " " if value[0] == "`" or value[-1] == "`" else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def markdown_url(url: str | None) -> str | None:
    """A safe http(s) URL written so it cannot close a Markdown link: `(`, `)`, `<`, `>` encoded."""
    checked = safe_url(url)
    if checked is None:
        return None
    # `\\` and `` ` `` too: a backslash escape or a code span must not change the destination.
    for char, code in (("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E"), ("\\", "%5C"), ("`", "%60")):
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
