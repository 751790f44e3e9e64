from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from papersum.cache import ResultCache, cache_key
from papersum.errors import InputError
from papersum.ingest import read_papers
from papersum.models import Paper, Tags
from papersum.pipeline import RunStats, summarize_papers
from papersum.providers.base import Provider, ProviderResult
from papersum.providers.offline import OfflineProvider

REPO = Path(__file__).resolve().parent.parent


class CountingProvider(Provider):
    """Wraps the real offline provider to count calls (a real provider, not a mock)."""

    name = "counting"

    def __init__(self) -> None:
        self.inner = OfflineProvider()
        self.calls = 0

    @property
    def model(self) -> str:
        return self.inner.model

    def identity(self) -> dict[str, Any]:
        return {"provider": self.name, **self.inner.identity()}

    def execute(self, paper: Paper) -> ProviderResult:
        self.calls += 1
        if "explode" in paper.title:
            raise RuntimeError("boom")
        return self.inner.execute(paper)


def dev_papers(limit: int = 600) -> list[Paper]:
    lines = (REPO / "evals/data/scitldr_a_dev.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines][:limit]
    return [Paper(id=r["id"], title=r["title"], abstract=r["abstract"]) for r in rows]


def test_600_abstracts_then_fully_cached(tmp_path: Path) -> None:
    papers = dev_papers(600)
    provider = CountingProvider()
    with ResultCache(tmp_path / "c") as cache:
        stats = RunStats()
        first = list(summarize_papers(papers, provider, cache, stats=stats))
        assert [a.paper_id for a in first] == [p.id for p in papers]
        assert all(a.ok and a.tldr and "\n" not in a.tldr and a.tags is not None for a in first)
        assert all(isinstance(a.tags, Tags) and 3 <= len(a.tags.keywords) <= 8 for a in first if a.tags)
        unique = len({p.content_hash() for p in papers})  # the dev set repeats one abstract
        assert (stats.computed, stats.cached, provider.calls) == (unique, 600 - unique, unique)
        again = RunStats()
        second = list(summarize_papers(papers, provider, cache, stats=again, concurrency=4))
        assert (again.cached, provider.calls) == (600, unique)
        assert [a.tldr for a in second] == [a.tldr for a in first]
        assert all(a.provenance and a.provenance.cached for a in second)


def test_one_bad_paper_never_sinks_the_batch(tmp_path: Path) -> None:
    papers = [
        Paper(id="a", title="fine", abstract="We propose a thing. It works."),
        Paper(id="b", title="explode", abstract="This one fails inside the provider."),
        Paper(id="c", title="huge", abstract="word " * 300_000),
        InputError("in.jsonl", 7, "abstract", "missing or empty"),
        Paper(id="d", title="fine too", abstract="We study another thing."),
    ]
    provider = CountingProvider()
    with ResultCache(tmp_path / "c") as cache:
        out = list(summarize_papers(papers, provider, cache, concurrency=2))
    assert [a.paper_id for a in out] == ["a", "b", "c", "in.jsonl:7", "d"]
    assert [a.ok for a in out] == [True, False, False, False, True]
    assert out[1].error == "RuntimeError: boom"
    assert out[2].error is not None and "over the 20,000 limit" in out[2].error
    assert out[3].error is not None and "in.jsonl:7" in out[3].error
    # the failed paper was not cached: a re-run retries it
    assert provider.calls == 3


def test_cache_key_changes_with_identity_and_content() -> None:
    paper = Paper(id="x", title="T", abstract="A.")
    base = cache_key({"provider": "offline", "engine": "1"}, paper)
    assert base.startswith("v1:")
    assert base != cache_key({"provider": "offline", "engine": "2"}, paper)
    assert base != cache_key(
        {"provider": "offline", "engine": "1"}, paper.model_copy(update={"abstract": "B."})
    )
    # the id alone does not change the answer
    assert base == cache_key({"provider": "offline", "engine": "1"}, paper.model_copy(update={"id": "y"}))


def test_seed_corpus_end_to_end(seeds_dir: Path, tmp_path: Path) -> None:
    papers = read_papers([str(seeds_dir)]).papers
    with ResultCache(tmp_path / "c") as cache:
        out = list(summarize_papers(papers, OfflineProvider(), cache))
    assert len(out) == 58 and all(a.ok for a in out)


class FallbackProvider(CountingProvider):
    """Answers like an LLM provider whose call failed and fell back to the offline engine."""

    name = "fallback-demo"

    def execute(self, paper: Paper) -> ProviderResult:
        result = super().execute(paper)
        result.provenance = result.provenance.model_copy(update={"mode": "fallback"})
        return result


def test_fallback_results_are_not_cached(tmp_path: Path) -> None:
    papers = [Paper(id="a", title="t", abstract="We propose a thing. It works well.")]
    provider = FallbackProvider()
    with ResultCache(tmp_path / "c") as cache:
        first = list(summarize_papers(papers, provider, cache))
        second = list(summarize_papers(papers, provider, cache))
    assert first[0].ok and second[0].provenance is not None and not second[0].provenance.cached
    assert provider.calls == 2
