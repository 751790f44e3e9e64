"""Chunks and worker processes for CPU-bound providers (the offline engine): `--concurrency N` uses
N cores.

Papers that need computing are computed in chunks of WORKER_CHUNK (the engine's batch path is
faster than paper by paper) and, with N > 1, go out to worker processes; results come back to the parent,
which writes the cache and yields annotations in input order. The pool starts only once a full
chunk needs computing (a small or fully cached run never pays for it), workers are spawned
fresh (no fork of a process that may run threads) and ignore Ctrl-C, which the parent handles.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

from papersum.cache import ResultCache
from papersum.models import Annotation, Paper
from papersum.pipeline import WORKER_CHUNK, _execute, _finish, _Job
from papersum.providers.base import Provider, ProviderError, ProviderResult

Outcome = ProviderResult | str
START_AFTER = 1024  # papers computed in the parent before worker processes start

_worker_provider: Provider | None = None


def _start_worker(provider: Provider) -> None:
    global _worker_provider
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_provider = provider


def execute_chunk(papers: list[Paper], provider: Provider) -> list[Outcome]:
    """The provider's batch path; if the batch fails, paper by paper, so one bad paper fails alone."""
    try:
        return list(provider.execute_many(papers))
    except ProviderError:
        raise
    except Exception:
        return [_execute(paper, provider) for paper in papers]


def _worker_chunk(papers: list[Paper]) -> list[Outcome]:
    assert _worker_provider is not None, "worker started without its provider"
    return execute_chunk(papers, _worker_provider)


@dataclass
class _Chunk:
    """Papers computed together: by a worker once submitted, else in the parent."""

    papers: list[Paper] = field(default_factory=list)
    future: Future[list[Outcome]] | None = None
    outcomes: list[Outcome] | None = None

    def ready(self) -> bool:
        """True when `outcome` will not wait on a worker."""
        return self.outcomes is not None or self.future is None or self.future.done()

    def outcome(self, index: int, provider: Provider) -> Outcome:
        if self.outcomes is None:
            if self.future is None:  # computed here: one worker, or too few papers to start workers for
                self.outcomes = execute_chunk(self.papers, provider)
            else:
                try:
                    self.outcomes = self.future.result()
                except BrokenProcessPool as exc:
                    raise ProviderError(f"a worker process died ({exc}); finished papers are cached") from exc
        return self.outcomes[index]


def run_in_chunks(
    jobs: Iterator[_Job], provider: Provider, cache: ResultCache | None, workers: int
) -> Iterator[Annotation]:
    """Annotations in job order, computed in chunks: here with one worker (or before START_AFTER
    papers), else by `workers` processes with at most 2 chunks each in flight."""
    window: deque[tuple[_Job, _Chunk | None, int]] = deque()
    filling = _Chunk()
    in_flight: deque[_Chunk] = deque()
    pool: ProcessPoolExecutor | None = None
    max_window = WORKER_CHUNK * workers * 4
    chunked = 0  # papers put in chunks so far

    def submit(chunk: _Chunk) -> None:
        """Hand the chunk to a worker; before START_AFTER papers it stays here (computed when popped)."""
        nonlocal pool
        if pool is None:
            if workers <= 1 or chunked <= START_AFTER:
                return
            context = multiprocessing.get_context("spawn")
            pool = ProcessPoolExecutor(workers, context, initializer=_start_worker, initargs=(provider,))
        chunk.future = pool.submit(_worker_chunk, chunk.papers)
        in_flight.append(chunk)

    def pop() -> Annotation:
        job, chunk, index = window.popleft()
        if chunk is None:
            assert job.done is not None
            return job.done
        assert job.paper is not None
        return _finish(job.paper, job.key, chunk.outcome(index, provider), provider, cache)

    def busy() -> int:
        while in_flight and in_flight[0].ready():
            in_flight.popleft()
        return len(in_flight)

    try:
        for job in jobs:
            if job.done is not None or job.paper is None:
                window.append((job, None, 0))
            else:
                window.append((job, filling, len(filling.papers)))
                filling.papers.append(job.paper)
                chunked += 1
                if len(filling.papers) == WORKER_CHUNK:
                    submit(filling)
                    filling = _Chunk()
            while window:
                chunk = window[0][1]
                if chunk is filling:
                    if len(window) <= max_window:
                        break  # wait for more papers to fill the chunk
                    if pool is not None:  # the window is full of cache hits behind a partial chunk
                        submit(filling)
                    filling = _Chunk()  # (computed here when popped, if not submitted)
                elif (
                    chunk is not None
                    and not chunk.ready()
                    and busy() < workers * 2
                    and len(window) <= max_window
                ):
                    break  # still computing, and there is room for more work: read on
                yield pop()  # ready, or the window is full: wait for it
        if filling.papers and pool is not None:
            submit(filling)
        while window:
            yield pop()
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
