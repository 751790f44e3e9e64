"""The Markdown digest through a real CommonMark parser (markdown-it-py): hostile paper text comes back
exactly as text, with no link, image, HTML, heading or emphasis of its own, and ordinary punctuation
is left alone in the raw Markdown people paste into newsletters."""

from __future__ import annotations

import random
from datetime import date
from urllib.parse import unquote

import pytest
from markdown_it import MarkdownIt

from digest_samples import FIXED_DAY, HOSTILE_ABSTRACT, HOSTILE_TITLE, HOSTILE_TLDR
from papersum.models import Annotation, Contribution, Digest, DigestGroup, TagCount, Tags
from papersum.render.html import FOOTER_NOTE, byline, digest_counts, long_date
from papersum.render.markdown import anchor, render_markdown
from papersum.render.safe import clean_text, escape_markdown, markdown_code

# Pieces of Markdown, HTML and entity syntax, and characters whose class (space, punctuation,
# symbol, letter) decides whether a `*` or `_` can open or close emphasis.
NASTY_PIECES = [
    *"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
    *"aZ09 ",
    "é",
    "·",
    "—",
    "€",
    "∗",
    "\u00a0",
    "\u202e",
    "\t",
    "**",
    "__",
    "_a_",
    "*a*",
    "`",
    "``",
    "```",
    "~~~",
    "[x](https://evil.example)",
    "[x][y]",
    "[x]: https://evil.example",
    "![i](https://evil.example/i.png)",
    "<https://evil.example>",
    "<a@b.co>",
    "<0a@b.co>",
    "<img src=x onerror=alert(1)>",
    "</p>",
    "<!-- c -->",
    "<?php ?>",
    "<![CDATA[x]]>",
    "&amp;",
    "&copy;",
    "&#42;",
    "&#x2a;",
    "&nosuch;",
    "\\*",
    "\\",
    "# ",
    "## ",
    "- ",
    "+ ",
    "* ",
    "> ",
    "1. ",
    "2) ",
    "---",
    "***",
    "___",
    "===",
    "| a | b |",
    "snake_case",
    "x_i",
    "a*b",
    "2 * 3",
    "A*",
    "p<0.05",
    "C#",
    " #",
    "v2.0",
]

CURATED = [
    HOSTILE_TITLE,
    HOSTILE_ABSTRACT,
    HOSTILE_TLDR,
    "[click me](javascript:alert(1))",
    "![pixel](https://evil.example/track.png)",
    "[x]",
    "[x]: https://evil.example/definition",
    "<https://evil.example>",
    "<script>alert(1)</script>",
    "# Not a heading",
    "Heading closer #",
    "###",
    "> not a quote",
    "- not a list",
    "1986. Not a list",
    "---",
    "___",
    "*emphasis* and _emphasis_ and **strong** and __strong__",
    "`code` and ``code``",
    "a\\",
    "ends with a backslash \\",
    "&copy; &amp; &#42; &#x2a; &nosuch; AT&T R&D;",
    "snake_case __init__ x_i a*b 2 * 3 A* search",
    "Attention (Is) All You Need! 2.5x faster, +3% F1 - a C++/F# study; 50% | {a, b} ~3x ^2 $5 @home",
]


def nasty_text(rng: random.Random, max_pieces: int = 10) -> str:
    return "".join(rng.choice(NASTY_PIECES) for _ in range(rng.randint(1, max_pieces)))


def nasty_phrase(rng: random.Random) -> str:
    """A tag phrase (at most 80 characters once whitespace is collapsed) that is not blank."""
    while True:
        phrase = " ".join(nasty_text(rng, 5).split())[:80]
        if clean_text(phrase):
            return phrase


def nasty_url(rng: random.Random) -> str:
    tail = "".join(
        rng.choice(["a", "_", "*", "(", ")", "[", "]", "<", ">", "`", "\\", "%28", "~"]) for _ in range(6)
    )
    return f"https://example.org/{tail}"


def nasty_paper(rng: random.Random, number: int, text: str | None = None) -> Annotation:
    def field() -> str:
        return text if text is not None else nasty_text(rng)

    return Annotation(
        paper_id=f"2401.{number:05d}",
        title=field(),
        url=nasty_url(rng) if rng.random() < 0.7 else None,
        authors=[field() for _ in range(rng.randint(0, 4))],
        published=date(2026, 11, 20) if rng.random() < 0.5 else None,
        tldr=field(),
        why_it_matters=field() if rng.random() < 0.5 else None,
        tags=Tags(
            categories=[nasty_phrase(rng) for _ in range(rng.randint(0, 2))],
            keywords=[nasty_phrase(rng) for _ in range(rng.randint(0, 4))],
            tasks=[nasty_phrase(rng) for _ in range(rng.randint(0, 2))],
            methods=[nasty_phrase(rng) for _ in range(rng.randint(0, 2))],
            datasets=[nasty_phrase(rng) for _ in range(rng.randint(0, 2))],
            contribution=rng.choice(list(Contribution)),
        ),
    )


def nasty_digest(seed: int, papers: int = 60, texts: list[str] | None = None) -> Digest:
    """A digest whose every piece of paper text is random Markdown/HTML debris (or `texts`)."""
    rng = random.Random(seed)
    annotations = [
        nasty_paper(rng, number, texts[number % len(texts)] if texts else None) for number in range(papers)
    ]
    half = len(annotations) // 2
    labels = [nasty_text(rng) for _ in range(3)]
    failed = texts or [nasty_text(rng) for _ in range(8)]
    return Digest(
        title=nasty_text(rng),
        date=FIXED_DAY,
        group_by="keyword",
        groups=[
            DigestGroup(key="a", label=labels[0], annotations=annotations[:half]),
            DigestGroup(key="b", label=labels[1], annotations=annotations[half:]),
        ],
        total=papers + len(failed) + 1,
        failed=[  # each title starts a list item: block markers matter here
            *(
                Annotation(paper_id=f"2401.9999{n}", title=title, error=nasty_text(rng))
                for n, title in enumerate(failed)
            ),
            Annotation(paper_id="2401.99999", title=labels[2], error="timeout"),
        ],
        top_categories=[TagCount(tag=f"c{n}", label=nasty_text(rng), count=n) for n in range(1, 4)],
        top_keywords=[TagCount(tag=nasty_phrase(rng), label="", count=n) for n in range(1, 3)],
        contributions=[TagCount(tag="method", label="method", count=papers)],
    )


Child = tuple[str, str]
Block = tuple[str, list[Child]]
# Block tokens the digest's own structure produces; anything else came from paper text.
OWN_BLOCK_TOKENS = {
    f"{name}_{side}"
    for name in ("paragraph", "heading", "bullet_list", "list_item")
    for side in ("open", "close")
}


def parsed_blocks(markdown: str) -> list[Block]:
    """Each inline run as (its block tag, its children, text merged, hrefs decoded); other blocks by type."""
    tokens = MarkdownIt("commonmark").parse(markdown)  # raw HTML on: the most permissive reader
    blocks: list[Block] = []
    for index, token in enumerate(tokens):
        if token.type != "inline":
            if token.type not in OWN_BLOCK_TOKENS:
                blocks.append((token.type, [("content", token.content)] if token.content else []))
            continue
        children: list[Child] = []
        for child in token.children or []:
            if child.type == "text" and children and children[-1][0] == "text":
                children[-1] = ("text", children[-1][1] + child.content)
            elif child.type == "link_open":
                children.append(("link_open", unquote(str(child.attrGet("href")))))
            elif child.type != "text" or child.content:
                children.append((child.type, child.content))
        blocks.append((tokens[index - 1].tag, children))
    return blocks


def _emphasis(kind: str, text: str) -> list[Child]:
    return [(f"{kind}_open", ""), ("text", text), (f"{kind}_close", "")]


def _link(href: str, text: str) -> list[Child]:
    return [("link_open", href), ("text", text), ("link_close", "")]


def _tag_line(tags: Tags) -> list[Child]:
    line: list[Child] = []
    for keyword in filter(None, map(clean_text, tags.keywords)):
        line += [("text", " "), ("code_inline", keyword)] if line else [("code_inline", keyword)]
    fields = (("Tasks", tags.tasks), ("Methods", tags.methods), ("Datasets", tags.datasets))
    rest = [f"{label}: {', '.join(map(clean_text, values))}" for label, values in fields if values]
    rest.append(f"Contribution: {tags.contribution.value}")
    if tags.categories:
        rest.append(f"Categories: {', '.join(map(clean_text, tags.categories))}")
    return [*line, ("text", (" · " if line else "") + " · ".join(rest))]


def _paper_blocks(paper: Annotation) -> list[Block]:
    title = clean_text(paper.title) or paper.paper_id
    blocks: list[Block] = [("h3", _link("URL", title) if paper.url else [("text", title)])]
    if credit := byline(paper):
        blocks.append(("p", _emphasis("em", credit)))
    blocks.append(("p", [*_emphasis("strong", "TL;DR:"), ("text", " " + clean_text(paper.tldr))]))
    if paper.why_it_matters:
        blocks.append(
            ("p", [*_emphasis("em", "Why it matters:"), ("text", " " + clean_text(paper.why_it_matters))])
        )
    assert paper.tags is not None
    return [*blocks, ("p", _tag_line(paper.tags))]


def _summary(digest: Digest) -> list[Child]:
    summary: list[Child] = []
    rows = (
        ("Top categories:", [(item.label, item.count) for item in digest.top_categories]),
        ("Top keywords:", [(item.tag, item.count) for item in digest.top_keywords]),
        ("Contributions:", [(item.tag, item.count) for item in digest.contributions]),
    )
    for heading, items in rows:
        if summary:
            summary.append(("hardbreak", ""))
        summary += _emphasis("strong", heading)
        summary.append(("text", " " + " · ".join(f"{clean_text(label)} {count}" for label, count in items)))
    return summary


def expected_blocks(digest: Digest) -> list[Block]:
    """What a reader must see: every piece of paper text exactly as text, only our own markup."""
    blocks: list[Block] = [("h1", [("text", clean_text(digest.title) or "Paper digest")])]
    blocks.append(("p", _emphasis("em", f"{long_date(digest.date)} · {digest_counts(digest)}")))
    blocks += [("p", _summary(digest)), ("h2", [("text", "Contents")])]
    for group in digest.groups:
        label = clean_text(group.label)
        blocks.append(("p", [*_link(f"#{anchor(label)}", label), ("text", f" ({len(group.annotations)})")]))
    for group in digest.groups:
        blocks.append(("h2", [("text", clean_text(group.label))]))
        for paper in group.annotations:
            blocks += _paper_blocks(paper)
    blocks.append(("h2", [("text", "Not summarised")]))
    for failed in digest.failed:
        blocks.append(
            ("p", [("text", f"{clean_text(failed.title) or failed.paper_id}: {clean_text(failed.error)}")])
        )
    blocks.append(("hr", []))
    blocks.append(
        ("p", _emphasis("em", f"Generated by papersum on {digest.date.isoformat()}. {FOOTER_NOTE}"))
    )
    # A paragraph's trailing space is not text, and an empty text is no token.
    return [(tag, _trimmed(children)) for tag, children in blocks]


def _trimmed(children: list[Child]) -> list[Child]:
    if children and children[-1][0] == "text":
        children = [*children[:-1], ("text", children[-1][1].rstrip())]
    return [(kind, value) for kind, value in children if kind != "text" or value]


def assert_round_trip(digest: Digest) -> None:
    markdown = render_markdown(digest)
    got = parsed_blocks(markdown)
    urls = [unquote(str(paper.url)) for group in digest.groups for paper in group.annotations if paper.url]
    # Paper links point at the paper's URL (percent-encoding aside: parentheses are encoded).
    hrefs = [
        value for _, children in got for kind, value in children if kind == "link_open" and value[:1] != "#"
    ]
    assert hrefs == urls, markdown
    got = [
        (
            tag,
            [
                ("link_open", "URL") if kind == "link_open" and value[:1] != "#" else (kind, value)
                for kind, value in children
            ],
        )
        for tag, children in got
    ]
    for index, (want, have) in enumerate(zip(expected_blocks(digest), got, strict=False)):
        assert have == want, f"block {index} differs; Markdown:\n{markdown}"
    assert len(got) == len(expected_blocks(digest)), markdown


@pytest.mark.parametrize("seed", range(8))
def test_random_markup_debris_comes_back_as_the_exact_text(seed: int) -> None:
    assert_round_trip(nasty_digest(seed))


def test_curated_hostile_texts_come_back_exactly() -> None:
    assert_round_trip(nasty_digest(100, papers=len(CURATED), texts=CURATED))


@pytest.mark.parametrize(
    "text",
    [
        "Attention (Is) All You Need! v2.0",
        "Diffusion Models Beat GANs on Image Synthesis (Again).",
        "Scaling Laws for Neural Language Models: A 10x Cheaper Recipe",
        "C++ and F# bindings; 50% fewer parameters, +3.2 F1 - no tuning!",
        'What\'s in a Name? "Quoted" Titles, /slashes/, {braces}, 100% | pipes, ~3x, 2^10, $5, @handles',
        "1/3 the cost: x_i, snake_case, p<0.05, a < b, 2 * 3, AT&T, R&D",
        "Self-Supervised Learning [Extended Version]: Cats vs. Dogs",
        "A Survey (2024) - Part 1. Introduction + Background!",
    ],
)
def test_ordinary_punctuation_is_not_backslashed(text: str) -> None:
    assert escape_markdown(text) == text
    assert escape_markdown(text, heading_end=True) == text
    paper = Annotation(paper_id="2401.00001", title=text, tldr=text, tags=Tags(keywords=["k"]))
    digest = Digest(
        title=text,
        date=FIXED_DAY,
        group_by="none",
        total=1,
        groups=[DigestGroup(key="all", label=text, annotations=[paper])],
    )
    markdown = render_markdown(digest)
    assert "\\" not in markdown
    assert f"# {text}\n" in markdown and f"### {text}\n" in markdown and f"**TL;DR:** {text}\n" in markdown
    assert_round_trip(nasty_digest(7, papers=2, texts=[text]))


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("[x](javascript:alert(1))", r"\[x\](javascript:alert(1))"),
        ("![i](https://e.org/i.png)", r"!\[i\](https://e.org/i.png)"),
        ("[a][b] [12]", "[a][b] [12]"),
        ("<img src=x> <https://e.org> <a@b.co> p<0.05", r"\<img src=x> \<https://e.org> \<a@b.co> p<0.05"),
        ("*bold* snake_case __init__ 2 * 3", r"\*bold\* snake_case \_\_init\_\_ 2 * 3"),
        ("&copy; AT&T &#42;", r"\&copy; AT&T \&#42;"),
        ("`code` a\\b a\\*", r"\`code\` a\b a\\\*"),
        ("unbalanced ] and [", r"unbalanced \] and \["),
    ],
)
def test_only_markup_that_could_act_is_escaped(text: str, escaped: str) -> None:
    assert escape_markdown(text) == escaped


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("# Title", r"\# Title"),
        ("#hashtag", "#hashtag"),
        ("> quote", r"\> quote"),
        ("- item", r"\- item"),
        ("-1 is negative", "-1 is negative"),
        ("+ item", r"\+ item"),
        ("1986. A year", r"1986\. A year"),
        ("2) Second", r"2\) Second"),
        ("3.5 points", "3.5 points"),
        ("---", r"\---"),
        ("[x]", r"\[x\]"),
        ("[x]: https://e.org", r"\[x\]: https://e.org"),
        ("[Re] Reproduced", "[Re] Reproduced"),
    ],
)
def test_block_markers_are_escaped_only_at_a_line_start(text: str, escaped: str) -> None:
    assert escape_markdown(text, line_start=True) == escaped


def test_heading_closing_hashes_are_kept() -> None:
    assert escape_markdown("Learning in C #", heading_end=True) == r"Learning in C \#"
    assert escape_markdown("C#", heading_end=True) == "C#"
    assert escape_markdown("###", heading_end=True) == r"\###"


def test_code_spans_show_backticks_exactly() -> None:
    assert markdown_code("plain") == "`plain`"
    assert markdown_code("a`b") == "``a`b``"
    assert markdown_code("`x`") == "`` `x` ``"
    assert markdown_code("\u202e") == ""
