"""HTML, CSV and RSS renderers: golden files, and hostile paper text staying inert in each format."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from digest_samples import HOSTILE_TITLE, LONG_WORD, assert_golden, sample_annotations, sample_digest
from papersum.errors import UsageError
from papersum.render import extension, parse_formats
from papersum.render.csv import COLUMNS, render_csv
from papersum.render.feed import paper_guid, render_rss
from papersum.render.html import render_html
from papersum.render.markdown import render_markdown
from papersum.render.safe import csv_cell, escape_markdown, markdown_url, safe_url

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


class _Elements(HTMLParser):
    """Every start tag with its attributes, plus the page's text, as a browser tokeniser sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(markup: str) -> _Elements:
    parser = _Elements()
    parser.feed(markup)
    parser.close()
    return parser


def test_html_golden() -> None:
    assert_golden("digest.html", render_html(sample_digest()))


def test_csv_golden() -> None:
    assert_golden("digest.csv", render_csv(sample_digest()))


def test_rss_golden() -> None:
    assert_golden("digest.rss.xml", render_rss(sample_digest()))


def test_html_keeps_hostile_text_inert() -> None:
    page = render_html(sample_digest())
    parsed = _parse(page)
    tag_names = {tag for tag, _ in parsed.tags}
    assert not tag_names & {"script", "img", "iframe", "object", "embed"}
    for tag, attrs in parsed.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        href = attrs.get("href")
        if href is not None:
            assert href.startswith(("https://", "http://", "#")), href
    text = "".join(parsed.text)
    # The hostile title is shown to the reader as literal text (minus its bidi override).
    assert HOSTILE_TITLE.replace("\u202e", "") in text
    assert "javascript:" not in "".join(str(attrs) for _, attrs in parsed.tags)
    assert not set(page) & set(BIDI)


def test_html_layout_guards() -> None:
    page = render_html(sample_digest())
    # The content table is fixed-layout and may break text anywhere (every row inherits it): long
    # words wrap. (The browser test checks that they really do.)
    card = next(
        attrs["style"] or "" for tag, attrs in _parse(page).tags if "ps-card" in (attrs.get("class") or "")
    )
    assert "table-layout:fixed" in card and "overflow-wrap:anywhere" in card
    assert LONG_WORD in page  # shown whole, wrapped by CSS rather than cut
    assert 'name="viewport"' in page


def test_html_has_header_chart_contents_and_papers() -> None:
    digest = sample_digest()
    parsed = _parse(render_html(digest))
    text = " ".join(parsed.text)
    assert "Friday 27 November 2026" in text
    assert "3 papers · 3 groups · 1 not summarised" in text
    # The chart is a table (Gmail and Outlook show no SVG) with its data as an accessible name.
    assert not any(tag == "svg" for tag, _ in parsed.tags)
    charts = [
        attrs for tag, attrs in parsed.tags if tag == "table" and "ps-chart" in (attrs.get("class") or "")
    ]
    assert [chart.get("aria-label") for chart in charts] == [
        "Computation and Language 2, Machine Learning 1, <script>alert(1)</script> 1"
    ]
    anchors = [
        attrs["href"]
        for tag, attrs in parsed.tags
        if tag == "a" and (attrs.get("href") or "").startswith("#")
    ]
    ids = {attrs["id"] for _, attrs in parsed.tags if attrs.get("id")}
    assert len(anchors) == len(digest.groups)
    assert all(anchor[1:] in ids for anchor in anchors)
    assert "Why it matters:" in text
    links = [
        attrs["href"]
        for tag, attrs in parsed.tags
        if tag == "a" and (attrs.get("href") or "").startswith("http")
    ]
    assert links == ["https://arxiv.org/abs/2401.00001v2", "https://arxiv.org/abs/2401.00002"]


def test_csv_one_row_per_paper_and_no_formulas() -> None:
    digest = sample_digest()
    rows = list(csv.DictReader(io.StringIO(render_csv(digest))))
    assert len(rows) == 3 + len(digest.failed)
    assert list(rows[0]) == list(COLUMNS)
    assert rows[0]["keywords"] == "mixture of experts; routing; scaling"
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")), value
    assert rows[2]["keywords"].startswith("'=cmd")
    assert rows[2]["url"] == ""  # javascript: URL dropped


def test_rss_parses_with_one_item_per_paper_and_stable_guids() -> None:
    digest = sample_digest()
    root = ET.fromstring(render_rss(digest).encode("utf-8"))
    assert root.tag == "rss"
    assert root.get("version") == "2.0"
    items = root.findall("./channel/item")
    assert len(items) == sum(len(group.annotations) for group in digest.groups)
    guids = [item.find("guid") for item in items]
    assert [guid.text for guid in guids if guid is not None] == [
        "papersum:paper:2401.00001",
        "papersum:paper:2401.00002",
        "papersum:paper:sha1-0123456789abcdef",
    ]
    assert all(guid is not None and guid.get("isPermaLink") == "false" for guid in guids)
    assert paper_guid("2401.00001v3") == paper_guid("arXiv:2401.00001")
    # The description is HTML: once XML-decoded, the hostile TL;DR must still be escaped text.
    hostile = items[2]
    description = hostile.findtext("description") or ""
    tags = {tag for tag, _ in _parse(description).tags}
    assert tags <= {"p", "em", "strong"}, tags
    assert "<" not in (hostile.findtext("title") or "")
    assert hostile.find("link") is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://arxiv.org/abs/1", "https://arxiv.org/abs/1"),
        ("http://example.org/a?b=c", "http://example.org/a?b=c"),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        ("data:text/html,<script>", None),
        ("//evil.example/x", None),
        ("https://ex ample.org", None),
        ("https:///nohost", None),
        (None, None),
    ],
)
def test_safe_url(url: str | None, expected: str | None) -> None:
    assert safe_url(url) == expected


def test_markdown_escaping_neutralises_links_html_and_bidi() -> None:
    escaped = escape_markdown("[x](javascript:alert(1)) <img src=x onerror=y> \u202e# *b*")
    assert escaped == r"\[x\](javascript:alert(1)) \<img src=x onerror=y> # \*b\*"
    assert markdown_url("https://a.org/x_(y)") == "https://a.org/x_%28y%29"
    assert markdown_url("javascript:alert(1)") is None


@pytest.mark.parametrize("value", ["=1+1", "+1", "-2", "@SUM(A1)", "\t=x"])
def test_csv_cell_blocks_formulas(value: str) -> None:
    assert csv_cell(value).startswith("'")


def test_registry_parses_format_lists() -> None:
    assert parse_formats("html, rss,csv,html") == ["html", "rss", "csv"]
    assert [extension(name) for name in ("html", "csv", "rss")] == ["html", "csv", "xml"]
    with pytest.raises(UsageError, match="unknown format 'pdf'"):
        parse_formats("html,pdf")


def test_untitled_and_url_less_papers_render() -> None:
    annotation = sample_annotations()[0].model_copy(update={"title": "", "url": None})
    digest = sample_digest().model_copy(
        update={"groups": [sample_digest().groups[0].model_copy(update={"annotations": [annotation]})]}
    )
    assert "Untitled paper (2401.00001v2)" in render_html(digest)


def test_markdown_golden() -> None:
    assert_golden("newsletter.md", render_markdown(sample_digest()))


def test_markdown_renders_hostile_text_as_text() -> None:
    # CommonMark with raw HTML enabled: the most permissive way a reader could render the file.
    markdown_it = pytest.importorskip("markdown_it", reason="markdown-it-py comes with rich")
    page = markdown_it.MarkdownIt("commonmark").render(render_markdown(sample_digest()))
    parsed = _parse(page)
    assert {tag for tag, _ in parsed.tags} & {"script", "img", "iframe"} == set()
    hrefs = [attrs.get("href") or "" for tag, attrs in parsed.tags if tag == "a"]
    assert all(href.startswith(("https://", "#")) for href in hrefs), hrefs
    text = "".join(parsed.text)
    assert "[click me](javascript:alert(1))" in text
    assert HOSTILE_TITLE.replace("\u202e", "") in text
    assert not set(page) & set(BIDI)


@pytest.mark.parametrize(
    "url",
    [
        'https://evil.example/"><script>window.__xss=1</script>',
        "https://evil.example/' onmouseover='window.__xss=1",
        "https://evil.example/a)](javascript:alert(1))",
    ],
)
def test_urls_cannot_break_out_of_attributes_or_links(url: str) -> None:
    paper = sample_annotations()[0].model_copy(update={"url": url})
    group = sample_digest().groups[0].model_copy(update={"annotations": [paper]})
    digest = sample_digest().model_copy(update={"groups": [group], "failed": []})
    parsed = _parse(render_html(digest))
    assert "script" not in {tag for tag, _ in parsed.tags}
    assert all(not name.startswith("on") for _, attrs in parsed.tags for name in attrs)
    hrefs = [attrs["href"] for tag, attrs in parsed.tags if tag == "a" and attrs.get("href", "#")[0] != "#"]
    assert hrefs in ([], [url])  # kept whole inside the attribute, or dropped
    markdown_it = pytest.importorskip("markdown_it", reason="markdown-it-py comes with rich")
    page = markdown_it.MarkdownIt("commonmark").render(render_markdown(digest))
    md_tags = _parse(page).tags
    assert "script" not in {tag for tag, _ in md_tags}
    assert all(not (attrs.get("href") or "").startswith("javascript") for _, attrs in md_tags)
    root = ET.fromstring(render_rss(digest).encode("utf-8"))
    assert [item.findtext("link") for item in root.iter("item")] in ([None], [url])
