"""Hand-built digests for renderer tests: fixed date, realistic papers, and one hostile paper."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from papersum.models import Annotation, Contribution, Digest, DigestGroup, TagCount, Tags

FIXED_DAY = date(2026, 11, 27)

HOSTILE_TITLE = '<script>window.__xss=1</script><img src=x onerror="window.__xss=1"> "quoted" & \u202eevil'
HOSTILE_ABSTRACT = "An abstract <img src=x onerror=alert(1)> with ](javascript:alert(1)) inside."
HOSTILE_TLDR = "[click me](javascript:alert(1)) <iframe src=javascript:alert(1)></iframe> *bold* # heading"
LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 6


def annotation(
    paper_id: str,
    title: str,
    tldr: str,
    *,
    categories: list[str],
    keywords: list[str],
    contribution: Contribution = Contribution.method,
    url: str | None = None,
    why: str | None = None,
    authors: list[str] | None = None,
    published: date | None = None,
    abstract: str = "An abstract.",
) -> Annotation:
    return Annotation(
        paper_id=paper_id,
        title=title,
        url=url,
        authors=authors or [],
        published=published,
        abstract=abstract,
        tldr=tldr,
        why_it_matters=why,
        tags=Tags(categories=categories, keywords=keywords, contribution=contribution),
    )


def sample_annotations() -> list[Annotation]:
    return [
        annotation(
            "2401.00001v2",
            "Sparse Mixture Routers Scale Without Load Balancing Losses",
            "A router trained with a entropy penalty matches auxiliary-loss balancing at 1/3 the cost.",
            categories=["cs.LG", "cs.CL"],
            keywords=["mixture of experts", "routing", "scaling"],
            url="https://arxiv.org/abs/2401.00001v2",
            why="Cheaper MoE training with no tuning of a balancing coefficient.",
            authors=["Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra"],
            published=date(2026, 11, 20),
        ),
        annotation(
            "2401.00002",
            "A Benchmark for Long-Context Retrieval in Scientific PDFs",
            "SciNeedle: 4,000 questions over 900 papers; frontier models drop 30 points past 64k tokens.",
            categories=["cs.CL"],
            keywords=["benchmark", "long context", "retrieval"],
            contribution=Contribution.benchmark,
            url="https://arxiv.org/abs/2401.00002",
            authors=["Barbara Liskov"],
            published=date(2026, 11, 24),
        ),
        annotation(
            "sha1-0123456789abcdef",
            HOSTILE_TITLE,
            HOSTILE_TLDR,
            categories=["cs.CR"],
            keywords=["=cmd|' /C calc'!A0", "<b>bold</b>", LONG_WORD[:80]],
            contribution=Contribution.analysis,
            url="javascript:alert(1)",
            why='"><script>window.__xss=1</script> ' + LONG_WORD,
            authors=["@attacker", "+1-555"],
            abstract=HOSTILE_ABSTRACT,
        ),
    ]


def sample_digest(
    *, intro: str | None = "This week: routing, retrieval, and one paper that tries to break us."
) -> Digest:
    first, second, hostile = sample_annotations()
    failed = Annotation(paper_id="2401.00009", title="A paper the provider choked on", error="timeout")
    return Digest(
        title="Papers of the week",
        date=FIXED_DAY,
        intro=intro,
        group_by="category",
        groups=[
            DigestGroup(key="cs.LG", label="Machine Learning", annotations=[first]),
            DigestGroup(key="cs.CL", label="Computation and Language", annotations=[second]),
            DigestGroup(key='cs.CR"><x>', label="Cryptography and Security", annotations=[hostile]),
        ],
        total=4,
        failed=[failed],
        top_categories=[
            TagCount(tag="cs.CL", label="Computation and Language", count=2),
            TagCount(tag="cs.LG", label="Machine Learning", count=1),
            TagCount(tag="cs.CR", label="<script>alert(1)</script>", count=1),
        ],
        top_keywords=[TagCount(tag="routing", label="routing", count=1)],
        contributions=[
            TagCount(tag="method", label="method", count=1),
            TagCount(tag="benchmark", label="benchmark", count=1),
            TagCount(tag="analysis", label="analysis", count=1),
        ],
    )


GOLDEN_DIR = Path(__file__).parent / "golden"
UPDATE_GOLDEN_ENV = "PAPERSUM_UPDATE_GOLDEN"


def assert_golden(name: str, text: str) -> None:
    """Compare `text` with tests/golden/<name>; PAPERSUM_UPDATE_GOLDEN=1 rewrites the file instead."""
    path = GOLDEN_DIR / name
    if os.environ.get(UPDATE_GOLDEN_ENV) == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
        return
    assert path.exists(), f"missing golden file {path}; run with {UPDATE_GOLDEN_ENV}=1 to create it"
    expected = path.read_bytes().decode("utf-8")
    assert text == expected, f"{name} differs from {path}; run with {UPDATE_GOLDEN_ENV}=1 if intended"
