from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from papersum.digest import build_digest
from papersum.errors import UsageError
from papersum.models import Annotation, Contribution, Provenance, Tags
from papersum.render import parse_formats, render
from papersum.render.safe import escape_markdown, markdown_url

GOLDEN = Path(__file__).parent / "golden"
WHEN = datetime(2026, 1, 2, tzinfo=UTC)


def annotation(
    pid: str, title: str, cats: list[str], contribution: str = "method", **extra: object
) -> Annotation:
    extra.setdefault("url", f"https://arxiv.org/abs/{pid}")
    return Annotation(
        paper_id=pid,
        title=title,
        tldr=f"TL;DR of {title}.",
        tags=Tags(
            categories=cats,
            keywords=["graph neural networks", "benchmarks", "sparsity"],
            tasks=["node classification"],
            methods=["GNN"],
            datasets=["Cora"],
            contribution=Contribution(contribution),
        ),
        provenance=Provenance(provider="offline", model="offline-test", created_at=WHEN),
        **extra,  # type: ignore[arg-type]
    )


def sample() -> list[Annotation]:
    return [
        annotation("2401.00001", "Sparse GNNs", ["cs.LG", "stat.ML"]),
        annotation(
            "2401.00002", "A Benchmark for Parsing", ["cs.CL"], "benchmark", why_it_matters="Parsers need it."
        ),
        annotation("2401.00003", "Dense GNNs", ["cs.LG"]),
        annotation(
            "2401.00004",
            "<script>alert(1)</script> [x](javascript:alert(1))",
            ["cs.CL"],
            url="javascript:alert(1)",
        ),
        Annotation(paper_id="2401.00005", title="Broken", error="provider timed out"),
    ]


def test_grouping_top_and_counts() -> None:
    digest = build_digest(sample(), group_by="category", top=1, title="Weekly", day=date(2026, 1, 2))
    assert [g.key for g in digest.groups] == ["cs.CL", "cs.LG"]
    assert [len(g.annotations) for g in digest.groups] == [1, 1]
    assert digest.groups[1].label == "Machine Learning (cs.LG)"
    assert digest.total == 5 and [a.paper_id for a in digest.failed] == ["2401.00005"]
    assert digest.top_categories[0].count == 2
    by_contribution = build_digest(sample(), group_by="contribution", day=date(2026, 1, 2))
    assert [g.key for g in by_contribution.groups] == ["method", "benchmark"]
    with pytest.raises(UsageError):
        build_digest(sample(), group_by="colour")


def test_markdown_matches_golden() -> None:
    digest = build_digest(sample(), title="Weekly *digest*", day=date(2026, 1, 2))
    text = render(digest, "md")
    golden = GOLDEN / "digest.md"
    if os.environ.get("PAPERSUM_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_markdown_neutralises_hostile_text() -> None:
    text = render(build_digest(sample(), day=date(2026, 1, 2)), "md")
    page = MarkdownIt("commonmark").render(text)  # raw HTML passes through, as in many readers
    assert "<script>" not in page
    assert {
        href for href in re.findall(r'href="(?!#)([^"]*)"', page) if not href.startswith("https://arxiv.org/")
    } == set()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(1))" in page
    assert escape_markdown("[a](b)") == "\\[a\\](b)"
    assert (
        markdown_url("javascript:alert(1)") is None and markdown_url("https://x.org/a") == "https://x.org/a"
    )


def test_jsonl_round_trips_annotations() -> None:
    digest = build_digest(sample(), day=date(2026, 1, 2))
    lines = render(digest, "jsonl").splitlines()
    assert len(lines) == 5
    assert {Annotation.model_validate_json(line).paper_id for line in lines} == {a.paper_id for a in sample()}


def test_parse_formats() -> None:
    assert parse_formats("md, jsonl,md") == ["md", "jsonl"]
    with pytest.raises(UsageError, match="unknown format"):
        parse_formats("pdf")
