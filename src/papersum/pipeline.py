"""The one place that wires the stages: papers -> cache -> provider -> annotations.

Results are cached as soon as each paper is done, so an interrupted run resumes from the cache
without paying twice. Output keeps input order, also with concurrent requests.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

from papersum.cache import ResultCache, cache_key
from papersum.errors import InputError
from papersum.ingest.records import MAX_ABSTRACT_CHARS
from papersum.models import Annotation, Paper, Provenance
from papersum.providers.base import Provider, ProviderError

FALLBACK_MODE = "fallback"


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


def _error_annotation(paper: Paper, message: str, provider: Provider) -> Annotation:
    provenance = Provenance(provider=provider.name, model=provider.model, created_at=datetime.now(UTC))
    return Annotation.from_paper(paper, error=message, provenance=provenance)


def bad_input_annotation(error: InputError) -> Annotation:
    """An input record that could not be read still appears in the output, with its error."""
    where = error.path if error.line is None else f"{error.path}:{error.line}"
    return Annotation(paper_id=where, source=where, error=f"bad input: {error}")


def annotate_paper(paper: Paper, provider: Provider, cache: ResultCache | None) -> Annotation:
    """Annotate one paper: from the cache when possible, else by the provider (then cached)."""
    if len(paper.abstract) > MAX_ABSTRACT_CHARS:
        return _error_annotation(
            paper,
            f"abstract is {len(paper.abstract):,} characters, over the {MAX_ABSTRACT_CHARS:,} limit "
            "(is this a full text?); not summarised",
            provider,
        )
    key = cache_key(provider.identity(), paper) if cache is not None else None
    if cache is not None and key is not None:
        hit = cache.get(key)
        if hit is not None:
            provenance = hit.provenance.model_copy(update={"cached": True})
            summary, provenance = provider.finalize(paper, hit.summary, provenance)
            return Annotation.from_paper(
                paper,
                tldr=summary.tldr,
                tags=summary.tags,
                why_it_matters=summary.why_it_matters,
                provenance=provenance,
            )
    try:
        result = provider.execute(paper)
    except ProviderError:
        raise  # nothing can work (bad configuration, server gone): stop the run, keep what is cached
    except Exception as exc:  # one paper's unexpected failure must not sink the batch
        return _error_annotation(paper, f"{type(exc).__name__}: {exc}", provider)
    if result.summary is None:
        return Annotation.from_paper(
            paper, error=result.error or "provider returned no summary", provenance=result.provenance
        )
    # A fallback (offline) result stands in for a failed LLM call: not cached, so a re-run retries the LLM.
    if cache is not None and key is not None and result.provenance.mode != FALLBACK_MODE:
        cache.put(key, result.summary, result.provenance)
    summary, provenance = provider.finalize(paper, result.summary, result.provenance)
    return Annotation.from_paper(
        paper,
        tldr=summary.tldr,
        tags=summary.tags,
        why_it_matters=summary.why_it_matters,
        provenance=provenance,
        error=result.error,
    )


def summarize_papers(
    papers: Iterable[Paper | InputError],
    provider: Provider,
    cache: ResultCache | None,
    *,
    concurrency: int = 1,
    on_result: Callable[[Annotation], None] | None = None,
    stats: RunStats | None = None,
) -> Iterator[Annotation]:
    """Annotate every paper in input order. Bad input records come out as error annotations.

    With `concurrency` > 1, provider calls run on a thread pool with a bounded window, so memory
    stays flat on long streams.
    """

    def finish(annotation: Annotation) -> Annotation:
        if stats is not None:
            stats.add(annotation)
            if annotation.source and annotation.error and annotation.error.startswith("bad input"):
                stats.bad_input += 1
        if on_result is not None:
            on_result(annotation)
        return annotation

    def submit(item: Paper | InputError) -> Annotation:
        if isinstance(item, InputError):
            return bad_input_annotation(item)
        return annotate_paper(item, provider, cache)

    if concurrency <= 1:
        for item in papers:
            yield finish(submit(item))
        return
    window: deque[Future[Annotation]] = deque()
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="papersum") as pool:
        try:
            for item in papers:
                window.append(pool.submit(submit, item))
                if len(window) >= concurrency * 4:
                    yield finish(window.popleft().result())
            while window:
                yield finish(window.popleft().result())
        finally:
            for pending in window:
                pending.cancel()
