"""Curation: filters, the stated ranking score, keyword grouping and the --new-only store."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from digest_samples import annotation, sample_annotations
from papersum.curate import Curation, SeenStore, curate, keyword_score, paper_key
from papersum.digest import build_digest
from papersum.models import Annotation, Relevance


def _papers() -> list[Annotation]:
    return [
        annotation(
            "2401.00001v1",
            "Graph networks for molecules",
            "GNNs predict binding.",
            categories=["cs.LG"],
            keywords=["graph neural networks", "chemistry"],
            published=date(2026, 11, 1),
        ),
        annotation(
            "2401.00002",
            "Organ segmentation with U-Nets",
            "A U-Net for CT scans.",
            categories=["eess.IV"],
            keywords=["segmentation", "medical imaging"],
            published=date(2026, 11, 20),
        ),
        annotation(
            "2401.00003",
            "Language models as judges",
            "LLM judges of graph reasoning agree with humans.",
            categories=["cs.CL"],
            keywords=["llm", "evaluation"],
        ),
        annotation(
            "2401.00004",
            "Scaling GAN training",
            "A GAN for graph generation.",
            categories=["cs.LG"],
            keywords=["gan", "graph neural networks"],
            published=date(2026, 11, 25),
        ),
    ]


def test_input_order_without_signals() -> None:
    result = curate(_papers(), Curation())
    assert result.scoring == "input order"
    expected = ["2401.00001v1", "2401.00002", "2401.00003", "2401.00004"]
    assert [item.paper_id for item in result.kept] == expected


def test_include_filters_whole_words_and_ranks_by_keyword_match() -> None:
    result = curate(_papers(), Curation(include=("GAN", "graph")))
    assert result.scoring == "keyword match"
    # "GAN" must not match "Organ"; 2401.4 hits both keywords in title and tags, 2401.3 only in its TL;DR.
    assert [item.paper_id for item in result.kept] == ["2401.00004", "2401.00001v1", "2401.00003"]
    assert result.scores["2401.00004"] > result.scores["2401.00001v1"] > result.scores["2401.00003"]
    assert result.dropped["no --include keyword"] == 1


def test_exclude_is_case_insensitive_over_title_abstract_and_tags() -> None:
    kept = curate(_papers(), Curation(exclude=("MEDICAL IMAGING", "llm"))).kept
    assert [item.paper_id for item in kept] == ["2401.00001v1", "2401.00004"]
    abstract_hit = _papers()[0].model_copy(update={"abstract": "We use Transformers."})
    assert curate([abstract_hit], Curation(exclude=("transformers",))).kept == []


def test_since_keeps_papers_without_dates() -> None:
    result = curate(_papers(), Curation(since=date(2026, 11, 15)))
    assert [item.paper_id for item in result.kept] == ["2401.00002", "2401.00003", "2401.00004"]
    assert result.dropped["published before 2026-11-15"] == 1


def test_provider_relevance_wins_when_present() -> None:
    papers = _papers()
    papers[2] = papers[2].model_copy(update={"relevance": Relevance(score=0.9)})
    papers[0] = papers[0].model_copy(update={"relevance": Relevance(score=0.2)})
    result = curate(papers, Curation(include=("graph",)))
    assert result.scoring == "relevance"
    assert [item.paper_id for item in result.kept] == ["2401.00003", "2401.00001v1", "2401.00004"]


def test_keyword_score_weights() -> None:
    paper = _papers()[3]
    assert keyword_score(paper, ["gan"]) == 3 + 2 + 1
    assert keyword_score(paper, ["nothing"]) == 0


def test_group_by_keyword_uses_the_most_shared_keyword() -> None:
    untagged = annotation("2401.00005", "No keywords", "Nothing.", categories=[], keywords=[])
    digest = build_digest([*_papers(), untagged], group_by="keyword", day=date(2026, 11, 27))
    assert [(group.label, [item.paper_id for item in group.annotations]) for group in digest.groups] == [
        ("Graph neural networks", ["2401.00001v1", "2401.00004"]),
        ("LLM", ["2401.00003"]),
        ("Segmentation", ["2401.00002"]),
        ("Other", ["2401.00005"]),
    ]


def test_none_grouping_and_top_keep_the_ranked_order() -> None:
    ranked = curate(_papers(), Curation(include=("graph", "gan"))).kept
    digest = build_digest(ranked, group_by="none", top=2, day=date(2026, 11, 27))
    assert [group.label for group in digest.groups] == ["All papers"]
    assert [item.paper_id for item in digest.groups[0].annotations] == ["2401.00004", "2401.00001v1"]


def test_seen_store_round_trip_and_new_only(tmp_path: Path) -> None:
    store = SeenStore.open(tmp_path)
    assert store.keys() == frozenset()
    papers = _papers()
    assert store.record(papers[:2], date(2026, 11, 27)) == 2
    reopened = SeenStore.open(tmp_path)
    assert reopened.keys() == {"2401.00001", "2401.00002"}  # arXiv ids lose their version
    newer_version = papers[0].model_copy(update={"paper_id": "2401.00001v3"})
    result = curate([newer_version, *papers[1:]], Curation(seen=reopened.keys()))
    assert [item.paper_id for item in result.kept] == ["2401.00003", "2401.00004"]
    assert result.dropped["seen in an earlier digest"] == 2
    assert paper_key(sample_annotations()[2]) == "sha1-0123456789abcdef"


def test_seen_store_lives_in_the_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERSUM_DATA_DIR", str(tmp_path / "data"))
    SeenStore.open().record(_papers()[:1], date(2026, 11, 27))
    assert (tmp_path / "data" / "seen-papers.json").exists()
    assert not (tmp_path / "cache" / "seen-papers.json").exists()  # users clear the cache


def test_seen_store_carries_over_a_legacy_cache_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERSUM_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PAPERSUM_DATA_DIR", str(tmp_path / "data"))
    SeenStore.open(tmp_path / "cache").record(_papers()[:1], date(2026, 11, 27))
    store = SeenStore.open()
    assert store.keys() == {paper_key(_papers()[0])}
    store.record(_papers()[1:2], date(2026, 11, 28))
    assert (tmp_path / "data" / "seen-papers.json").exists()


def test_corrupt_seen_store_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "seen-papers.json").write_text("{not json")
    with pytest.raises(ValueError, match=r"seen-papers\.json"):
        SeenStore.open(tmp_path)
