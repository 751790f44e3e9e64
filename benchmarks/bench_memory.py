"""Peak RSS of `papersum summarize` / `papersum run` (offline provider) on synthesized corpora.

Each measurement is a fresh subprocess with its own empty cache; peak RSS comes from
os.wait4 (the child's ru_maxrss).

    python benchmarks/bench_memory.py --sizes 10000 100000 --commands summarize run
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from synth_corpus import write_corpus  # noqa: E402

SRC = HERE.parent / "src"


def peak_rss_mib(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(peak RSS MiB, wall seconds) of one child process."""
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        os.execvpe(argv[0], argv, env)
    _, status, usage = os.wait4(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv)} failed with {status}")
    return usage.ru_maxrss / 1024, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--commands", nargs="+", default=["summarize", "run"])
    parser.add_argument("--workdir", type=Path, default=None, help="default: a temp dir, deleted after")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="papersum-bench-") as tmp:
        work = args.workdir or Path(tmp)
        print("| command | papers | peak RSS (MiB) | wall (s) | papers/s |")
        print("|---|---:|---:|---:|---:|")
        for size in args.sizes:
            corpus = work / f"synth-{size}.jsonl"
            if not corpus.is_file():
                write_corpus(size, corpus)
            for command in args.commands:
                cache = work / f"cache-{command}-{size}"
                env = {**os.environ, "PYTHONPATH": str(SRC), "PAPERSUM_CACHE_DIR": str(cache)}
                out = (
                    ["--out", str(work / "out.jsonl")] if command == "summarize" else ["--out-dir", str(work)]
                )
                argv = [
                    sys.executable,
                    "-m",
                    "papersum",
                    command,
                    str(corpus),
                    "--provider",
                    "offline",
                    "-q",
                    *out,
                ]
                rss, wall = peak_rss_mib(argv, env)
                print(f"| {command} | {size:,} | {rss:.0f} | {wall:.1f} | {size / wall:,.0f} |", flush=True)


if __name__ == "__main__":
    main()
