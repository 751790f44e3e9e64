"""The one place that wires the stages: papers -> cache -> provider -> annotations.

Results are cached as soon as each paper is done, so an interrupted run resumes from the cache
without paying twice. Output keeps input order, also with concurrent requests or worker processes.
Cache lookups are batched (one query per chunk of papers): a re-run served from the cache is
dominated by them.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from typing import TypeVar

from papersum.cache import CachedResult, KeyRecipe, ResultCache
from papersum.errors import InputError
from papersum.ingest.records import MAX_ABSTRACT_CHARS
from papersum.models import Annotation, Paper, Provenance, Summary
from papersum.providers.base import Provider, ProviderError, ProviderResult

FALLBACK_MODE = "fallback"
# Papers per batched cache lookup, and per task sent to a worker process (small enough that the
# workers share out a few hundred papers evenly, large enough that each task amortises its IPC).
LOOKUP_CHUNK = 256
WORKER_CHUNK = 64
# `--concurrency auto` for providers that wait on a server (threads).
AUTO_REQUESTS = 4

T = TypeVar("T")


@dataclass
class RunStats:
    """Counts and money for one run; the CLI prints them as the run summary."""

    total: int = 0
    cached: int = 0
    computed: int = 0
    failed: int = 0
    bad_input: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    saved_usd: float = field(default=0.0, metadata={"doc": "what the cache hits cost when first computed"})
    started: float = field(default_factory=time.perf_counter)

    @property
    def elapsed_s(self) -> float:
        return time.perf_counter() - self.started

    def add(self, annotation: Annotation) -> None:
        self.total += 1
        prov = annotation.provenance
        if annotation.error is not None:
            self.failed += 1
        if prov is None:
            return
        if prov.cached:
            self.cached += 1
            self.saved_usd += prov.cost_usd or 0.0
            return
        self.computed += 1
        self.input_tokens += prov.input_tokens or 0
        self.output_tokens += prov.output_tokens or 0
        self.cost_usd += prov.cost_usd or 0.0


def usable_cpus() -> int:
    """CPU cores this process may run on (its affinity mask where the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def resolve_concurrency(value: int | str, provider: Provider) -> int:
    """`auto`: one worker process per core for CPU-bound providers, AUTO_REQUESTS requests otherwise."""
    if value == "auto":
        return usable_cpus() if provider.cpu_bound else AUTO_REQUESTS
    return max(1, int(value))


def _error_annotation(paper: Paper, message: str, provider: Provider) -> Annotation:
    provenance = Provenance(provider=provider.name, model=provider.model, created_at=datetime.now(UTC))
    return Annotation.from_paper(paper, error=message, provenance=provenance)


def bad_input_annotation(error: InputError) -> Annotation:
    """An input record that could not be read still appears in the output, with its error."""
    where = error.path if error.line is None else f"{error.path}:{error.line}"
    return Annotation(paper_id=where, source=where, error=f"bad input: {error}")


def _too_long(paper: Paper, provider: Provider) -> Annotation:
    return _error_annotation(
        paper,
        f"abstract is {len(paper.abstract):,} characters, over the {MAX_ABSTRACT_CHARS:,} limit "
        "(is this a full text?); not summarised",
        provider,
    )


def _summarised(
    paper: Paper, summary: Summary, provenance: Provenance, provider: Provider, error: str | None = None
) -> Annotation:
    """The annotation of a provider's answer (fresh or cached), after the provider's last step."""
    summary, provenance = provider.finalize(paper, summary, provenance)
    return Annotation.from_paper(
        paper,
        tldr=summary.tldr,
        tags=summary.tags,
        why_it_matters=summary.why_it_matters,
        provenance=provenance,
        error=error,
    )


def _from_cache(paper: Paper, hit: CachedResult, provider: Provider) -> Annotation:
    hit.provenance.cached = True  # `hit` was parsed for this paper alone: no copy needed
    return _summarised(paper, hit.summary, hit.provenance, provider)


def _execute(paper: Paper, provider: Provider) -> ProviderResult | str:
    """The provider's result, or the message of an unexpected per-paper failure."""
    try:
        return provider.execute(paper)
    except ProviderError:
        raise  # nothing can work (bad configuration, server gone): stop the run, keep what is cached
    except Exception as exc:  # one paper's unexpected failure must not sink the batch
        return f"{type(exc).__name__}: {exc}"


def _finish(
    paper: Paper,
    key: str | None,
    outcome: ProviderResult | str,
    provider: Provider,
    cache: ResultCache | None,
) -> Annotation:
    """Cache a computed result (never a failure or a fallback) and turn it into an annotation."""
    if isinstance(outcome, str):
        return _error_annotation(paper, outcome, provider)
    if outcome.summary is None:
        return Annotation.from_paper(
            paper, error=outcome.error or "provider returned no summary", provenance=outcome.provenance
        )
    # A fallback (offline) result stands in for a failed LLM call: not cached, so a re-run retries the LLM.
    if cache is not None and key is not None and outcome.provenance.mode != FALLBACK_MODE:
        cache.put(key, outcome.summary, outcome.provenance)
    return _summarised(paper, outcome.summary, outcome.provenance, provider, outcome.error)


def annotate_paper(paper: Paper, provider: Provider, cache: ResultCache | None) -> Annotation:
    """Annotate one paper: from the cache when possible, else by the provider (then cached)."""
    if len(paper.abstract) > MAX_ABSTRACT_CHARS:
        return _too_long(paper, provider)
    key = KeyRecipe(provider.identity()).key(paper) if cache is not None else None
    if cache is not None and key is not None:
        hit = cache.get(key)
        if hit is not None:
            return _from_cache(paper, hit, provider)
    return _finish(paper, key, _execute(paper, provider), provider, cache)


@dataclass(slots=True)
class _Job:
    """One input item on its way through the pipeline: `done` once it has its annotation."""

    paper: Paper | None
    key: str | None = None
    done: Annotation | None = None


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _looked_up(
    items: Iterable[Paper | InputError], provider: Provider, cache: ResultCache | None
) -> Iterator[_Job]:
    """Jobs in input order; bad records, over-long abstracts and cache hits come out done."""
    recipe = KeyRecipe(provider.identity()) if cache is not None else None
    for chunk in _chunks(items, LOOKUP_CHUNK):
        jobs: list[_Job] = []
        for item in chunk:
            if isinstance(item, InputError):
                jobs.append(_Job(None, done=bad_input_annotation(item)))
            elif len(item.abstract) > MAX_ABSTRACT_CHARS:
                jobs.append(_Job(item, done=_too_long(item, provider)))
            else:
                jobs.append(_Job(item, recipe.key(item) if recipe is not None else None))
        if cache is not None:
            hits = cache.get_many([job.key for job in jobs if job.key is not None])
            for job in jobs:
                if job.key in hits and job.paper is not None:
                    job.done = _from_cache(job.paper, hits[job.key], provider)
        yield from jobs


def summarize_papers(
    papers: Iterable[Paper | InputError],
    provider: Provider,
    cache: ResultCache | None,
    *,
    concurrency: int | str = 1,
    on_result: Callable[[Annotation], None] | None = None,
    stats: RunStats | None = None,
) -> Iterator[Annotation]:
    """Annotate every paper in input order. Bad input records come out as error annotations.

    A CPU-bound provider (the offline engine) computes papers in chunks, with `concurrency` > 1 (or
    "auto") in that many worker processes; others send that many requests at once from a thread
    pool. Either way through a bounded window, so memory stays flat on long streams.
    """
    concurrency = resolve_concurrency(concurrency, provider)
    jobs = _looked_up(papers, provider, cache)
    annotations: Iterator[Annotation]
    if provider.cpu_bound:
        from papersum.workers import run_in_chunks

        annotations = run_in_chunks(jobs, provider, cache, concurrency)
    elif concurrency <= 1:
        annotations = (job.done or _compute(job, provider, cache) for job in jobs)
    else:
        annotations = _run_in_threads(jobs, provider, cache, concurrency)
    for annotation in annotations:
        if stats is not None:
            stats.add(annotation)
            if annotation.source and annotation.error and annotation.error.startswith("bad input"):
                stats.bad_input += 1
        if on_result is not None:
            on_result(annotation)
        yield annotation


def _compute(job: _Job, provider: Provider, cache: ResultCache | None) -> Annotation:
    assert job.paper is not None  # only bad input records have no paper, and they are done
    return _finish(job.paper, job.key, _execute(job.paper, provider), provider, cache)


def _run_in_threads(
    jobs: Iterator[_Job], provider: Provider, cache: ResultCache | None, concurrency: int
) -> Iterator[Annotation]:
    window: deque[Annotation | Future[Annotation]] = deque()
    pool: Executor
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="papersum") as pool:
        try:
            for job in jobs:
                window.append(job.done or pool.submit(_compute, job, provider, cache))
                if len(window) >= concurrency * 4:
                    yield _resolved(window.popleft())
            while window:
                yield _resolved(window.popleft())
        finally:
            for pending in window:
                if isinstance(pending, Future):
                    pending.cancel()


def _resolved(entry: Annotation | Future[Annotation]) -> Annotation:
    return entry.result() if isinstance(entry, Future) else entry
