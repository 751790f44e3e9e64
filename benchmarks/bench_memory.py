"""Peak RSS of `papersum summarize` / `papersum run` (offline provider) on synthesized corpora.

Each measurement is a fresh subprocess with its own empty cache; peak RSS comes from
os.wait4 (ru_maxrss: the largest single process, the command or one of its worker processes;
with -j N each of the N workers holds its own copy of the engine's tables).

    python benchmarks/bench_memory.py --sizes 10000 100000 --commands summarize run --jobs 1 2
    python benchmarks/bench_memory.py --sizes 100000 --commands summarize --jobs 1 2 --src src /tmp/compiled
(`--src`: source trees or unpacked wheels to time side by side, e.g. a `PAPERSUM_COMPILE=1` wheel.)
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
    parser.add_argument("--jobs", nargs="+", default=["1"], help="--concurrency values (worker processes)")
    parser.add_argument("--src", type=Path, nargs="+", default=[SRC], help="papersum trees (default: ./src)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="papersum-bench-") as tmp:
        work = args.workdir or Path(tmp)
        print("| papersum | command | -j | papers | peak RSS (MiB) | wall (s) | papers/s |")
        print("|---|---|---:|---:|---:|---:|---:|")
        for size in args.sizes:
            corpus = work / f"synth-{size}.jsonl"
            if not corpus.is_file():
                write_corpus(size, corpus)
            runs = [(c, j, t) for c in args.commands for j in args.jobs for t in range(len(args.src))]
            for command, jobs, tree in runs:
                cache = work / f"cache-{command}-{size}-{jobs}-{tree}"
                env = {**os.environ, "PYTHONPATH": str(args.src[tree]), "PAPERSUM_CACHE_DIR": str(cache)}
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
                    "-j",
                    jobs,
                    *out,
                ]
                rss, wall = peak_rss_mib(argv, env)
                row = f"| {args.src[tree]} | {command} | {jobs} | {size:,} | {rss:.0f} | {wall:.1f} |"
                row += f" {size / wall:,.0f} |"
                print(row, flush=True)


if __name__ == "__main__":
    main()
