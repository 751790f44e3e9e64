"""Papers per second: offline engine, fully cached re-run, and the online path at fixed latency.

    PYTHONPATH=src python benchmarks/bench_throughput.py [--papers 2000] [--latency-ms 100]

Offline and cached runs use one thread (one core). The online runs go through the real
OpenAIProvider and pipeline (openai SDK, validation, cache writes) against latency_server.py, a
loopback benchmark harness that answers after a fixed delay; ideal = min(concurrency / latency,
rate limit).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from synth_corpus import write_corpus  # noqa: E402

from papersum.cache import ResultCache  # noqa: E402
from papersum.ingest import read_papers  # noqa: E402
from papersum.models import Paper  # noqa: E402
from papersum.pipeline import summarize_papers  # noqa: E402
from papersum.providers.base import Provider  # noqa: E402
from papersum.providers.offline import OfflineProvider  # noqa: E402
from papersum.providers.openai_provider import OpenAIProvider  # noqa: E402
from papersum.providers.ratelimit import RateLimiter  # noqa: E402


def timed(papers: list[Paper], provider: Provider, cache: ResultCache | None, concurrency: int = 1) -> float:
    started = time.perf_counter()
    done = sum(1 for a in summarize_papers(papers, provider, cache, concurrency=concurrency) if a.ok)
    elapsed = time.perf_counter() - started
    if done != len(papers):
        raise SystemExit(f"only {done} of {len(papers)} papers succeeded")
    return len(papers) / elapsed


@contextmanager
def latency_server(latency_ms: float) -> Iterator[str]:
    """latency_server.py in a child process, so its work does not compete for this process's GIL."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE.parent / "src"), str(HERE)])}
    child = subprocess.Popen(
        [sys.executable, str(HERE / "latency_server.py"), "--latency-ms", str(latency_ms)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert child.stdout is not None
        yield child.stdout.readline().strip()
    finally:
        child.terminate()
        child.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=2000, help="offline and cached runs")
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--online-seconds", type=float, default=4.0, help="ideal duration of each online run")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--rpm", type=float, default=6000.0, help="rate limit for the extra rate-limited run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="papersum-bench-") as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        write_corpus(args.papers, corpus)
        papers = read_papers([str(corpus)]).papers
        print("| path | papers | papers/s | ideal | client CPU ms/paper |\n|---|---:|---:|---:|---:|")
        offline = OfflineProvider()
        bare = timed(papers, offline, None)
        print(f"| offline engine, no cache, 1 thread | {len(papers):,} | {bare:,.0f} | - | - |")
        with ResultCache(Path(tmp) / "cache") as cache:
            cold = timed(papers, offline, cache)
            warm = timed(papers, offline, cache)
        print(f"| offline engine + cache writes, 1 thread | {len(papers):,} | {cold:,.0f} | - | - |")
        print(f"| fully cached re-run, 1 thread | {len(papers):,} | {warm:,.0f} | - | - |")
        latency = args.latency_ms / 1000
        with latency_server(args.latency_ms) as base_url:
            runs: list[tuple[int, float | None]] = [(c, None) for c in args.concurrency]
            runs.append((max(args.concurrency), args.rpm))
            for concurrency, rpm in runs:
                ideal = concurrency / latency if rpm is None else min(concurrency / latency, rpm / 60)
                count = max(int(ideal * args.online_seconds), concurrency)
                subset = papers[:count]
                limiter = RateLimiter(rpm=rpm) if rpm else RateLimiter()
                if rpm:
                    # The bucket starts with a minute's allowance (a burst); drain it to time the steady rate.
                    for _ in range(int(rpm)):
                        limiter.acquire(0)
                with (
                    OpenAIProvider("bench-model", base_url=base_url, limiter=limiter) as provider,
                    ResultCache(Path(tmp) / f"online-{concurrency}-{rpm}") as cache,
                ):
                    cpu_started = time.process_time()
                    rate = timed(subset, provider, cache, concurrency)
                    cpu_ms = (time.process_time() - cpu_started) / count * 1000
                label = f"online, {args.latency_ms:.0f} ms latency, concurrency {concurrency}"
                if rpm:
                    label += f", rate limit {rpm:.0f}/min"
                print(f"| {label} | {count:,} | {rate:,.1f} | {ideal:,.1f} | {cpu_ms:.1f} |", flush=True)


if __name__ == "__main__":
    main()
