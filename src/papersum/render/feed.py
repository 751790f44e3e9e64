"""The digest as an RSS 2.0 feed: one item per summarised paper, in digest order.

Item titles are plain text (XML-escaped once), with `<`/`>` swapped for their fullwidth forms
because some readers render titles as HTML. Descriptions are HTML, as RSS readers expect, so the
paper text in them is HTML-escaped before the XML layer escapes it again: a reader that decodes the
XML gets `&lt;script&gt;`, never a tag. GUIDs are the arXiv id without version when there is one,
else the paper id, so re-publishing a digest never duplicates items in a reader.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from email.utils import format_datetime

from papersum.models import Annotation, Digest, arxiv_id_base
from papersum.render.safe import clean_text, escape_html, safe_url

DEFAULT_CHANNEL_LINK = "https://arxiv.org/"
GUID_PREFIX = "papersum:paper:"


def paper_guid(paper_id: str) -> str:
    """The stable feed GUID of a paper."""
    return GUID_PREFIX + (arxiv_id_base(paper_id) or clean_text(paper_id))


def _plain_title(text: str) -> str:
    return clean_text(text).replace("<", "\uff1c").replace(">", "\uff1e")


def _rfc822(day: date) -> str:
    return format_datetime(datetime(day.year, day.month, day.day, tzinfo=UTC))


def _description(annotation: Annotation) -> str:
    parts: list[str] = []
    authors = [clean_text(name) for name in annotation.authors if clean_text(name)]
    if authors:
        parts.append(f"<p><em>{escape_html(', '.join(authors))}</em></p>")
    if annotation.tldr:
        parts.append(f"<p>{escape_html(annotation.tldr)}</p>")
    if annotation.why_it_matters:
        parts.append(f"<p><strong>Why it matters:</strong> {escape_html(annotation.why_it_matters)}</p>")
    if annotation.tags:
        tags = [annotation.tags.contribution.value, *annotation.tags.categories, *annotation.tags.keywords]
        parts.append(f"<p>Tags: {escape_html(', '.join(tags))}</p>")
    return "".join(parts)


def _item(channel: ET.Element, group_label: str, annotation: Annotation, day: date) -> None:
    item = ET.SubElement(channel, "item")
    ET.SubElement(item, "title").text = (
        _plain_title(annotation.title) or f"Untitled paper ({annotation.paper_id})"
    )
    url = safe_url(annotation.url)
    if url:
        ET.SubElement(item, "link").text = url
    ET.SubElement(item, "description").text = _description(annotation)
    if group_label:
        ET.SubElement(item, "category").text = _plain_title(group_label)
    ET.SubElement(item, "guid", isPermaLink="false").text = paper_guid(annotation.paper_id)
    ET.SubElement(item, "pubDate").text = _rfc822(annotation.published or day)


def render_rss(digest: Digest, *, link: str = DEFAULT_CHANNEL_LINK) -> str:
    """RSS 2.0 XML (UTF-8 declared) with one <item> per paper in the digest's groups."""
    rss = ET.Element("rss", version="2.0")
    channel = ET.SubElement(rss, "channel")
    ET.SubElement(channel, "title").text = _plain_title(digest.title) or "Paper digest"
    ET.SubElement(channel, "link").text = safe_url(link) or DEFAULT_CHANNEL_LINK
    shown = sum(len(group.annotations) for group in digest.groups)
    summary = clean_text(digest.intro) or f"{shown} papers, {digest.date.isoformat()}"
    ET.SubElement(channel, "description").text = summary
    ET.SubElement(channel, "language").text = "en"
    ET.SubElement(channel, "pubDate").text = _rfc822(digest.date)
    ET.SubElement(channel, "lastBuildDate").text = _rfc822(digest.date)
    ET.SubElement(channel, "generator").text = "papersum"
    for group in digest.groups:
        for annotation in group.annotations:
            _item(channel, group.label or group.key, annotation, digest.date)
    ET.indent(rss)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(rss, encoding="unicode") + "\n"
