"""`--concurrency N` with the offline engine: N worker processes, same annotations, input order kept."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from papersum import workers
from papersum.cache import ResultCache
from papersum.errors import InputError
from papersum.models import Annotation, Paper
from papersum.pipeline import WORKER_CHUNK, RunStats, resolve_concurrency, summarize_papers
from papersum.providers.base import ProviderError, ProviderResult
from papersum.providers.offline import OfflineProvider

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def workers_from_the_first_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Start worker processes at once (a real run computes its first 1,024 papers in the parent)."""
    monkeypatch.setattr(workers, "START_AFTER", 0)


def dev_papers(limit: int) -> list[Paper]:
    lines = (REPO / "evals/data/scitldr_a_dev.jsonl").read_text(encoding="utf-8").splitlines()[:limit]
    rows = [json.loads(line) for line in lines]
    return [Paper(id=f"{n}-{r['id']}", title=r["title"], abstract=r["abstract"]) for n, r in enumerate(rows)]


def outputs(annotations: list[Annotation]) -> list[tuple[str, Any, Any, Any]]:
    return [(a.paper_id, a.tldr, a.tags.model_dump() if a.tags else None, a.error) for a in annotations]


def test_workers_give_the_serial_annotations_in_order(tmp_path: Path) -> None:
    papers = dev_papers(3 * WORKER_CHUNK + 10)  # three full chunks for the workers, a partial one
    serial = list(summarize_papers(papers, OfflineProvider(), None))
    with ResultCache(tmp_path / "c") as cache:
        # Some papers cached first, so hits and computed papers interleave.
        list(summarize_papers(papers[::7], OfflineProvider(), cache))
        stats = RunStats()
        parallel = list(summarize_papers(papers, OfflineProvider(), cache, concurrency=2, stats=stats))
        assert outputs(parallel) == outputs(serial)
        assert stats.cached == len(papers[::7]) and stats.computed == len(papers) - stats.cached
        again = RunStats()
        cached = list(summarize_papers(papers, OfflineProvider(), cache, concurrency=2, stats=again))
    assert outputs(cached) == outputs(serial) and again.cached == len(papers)


def test_bad_records_and_long_abstracts_keep_their_place() -> None:
    papers: list[Paper | InputError] = list(dev_papers(2 * WORKER_CHUNK))
    papers.insert(5, InputError("in.jsonl", 3, "abstract", "missing or empty"))
    papers.insert(WORKER_CHUNK + 1, Paper(id="huge", title="t", abstract="word " * 5000))
    out = list(summarize_papers(papers, OfflineProvider(), None, concurrency=2))
    expected = [p.id if isinstance(p, Paper) else "in.jsonl:3" for p in papers]
    assert [a.paper_id for a in out] == expected
    assert [a.ok for a in out].count(False) == 2


class BrokenServer(OfflineProvider):
    """A CPU-bound provider that cannot work at all (raised inside a worker process)."""

    def execute_many(self, papers: Sequence[Paper]) -> list[ProviderResult]:
        raise ProviderError("the engine is gone")


def test_a_provider_error_in_a_worker_stops_the_run() -> None:
    with pytest.raises(ProviderError, match="the engine is gone"):
        list(summarize_papers(dev_papers(WORKER_CHUNK), BrokenServer(), None, concurrency=2))


def test_auto_concurrency() -> None:
    assert resolve_concurrency("auto", OfflineProvider()) >= 1
    assert resolve_concurrency(3, OfflineProvider()) == 3


def test_a_small_run_starts_no_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing

    monkeypatch.setattr(workers, "START_AFTER", 1024)
    papers = dev_papers(2 * WORKER_CHUNK)
    stream = summarize_papers(papers, OfflineProvider(), None, concurrency=2)
    first = next(stream)
    assert first.ok and multiprocessing.active_children() == []
    assert len([first, *stream]) == len(papers)


class OneBadPaper(OfflineProvider):
    """The batch path fails when one paper of the chunk is bad: the chunk is retried paper by paper."""

    def execute_many(self, papers: Sequence[Paper]) -> list[ProviderResult]:
        if any(paper.id == "bad" for paper in papers):
            raise ValueError(f"cannot summarise {len(papers)} papers")
        return super().execute_many(papers)


def test_one_bad_paper_fails_alone_in_its_chunk() -> None:
    papers = dev_papers(WORKER_CHUNK)
    papers[3] = Paper(id="bad", title="t", abstract="x")
    out = list(summarize_papers(papers, OneBadPaper(), None, concurrency=1))
    assert [a.paper_id for a in out] == [p.id for p in papers]
    assert [a.ok for a in out].count(False) == 1 and out[3].error == "ValueError: cannot summarise 1 papers"


def test_the_batch_path_gives_the_per_paper_summaries() -> None:
    from papersum.offline.engine import summarize_offline, summarize_offline_many

    papers = dev_papers(WORKER_CHUNK)
    one = [summarize_offline(p.title, p.abstract, p.categories or None) for p in papers]
    assert summarize_offline_many([(p.title, p.abstract, p.categories or None) for p in papers]) == one
