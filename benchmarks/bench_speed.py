"""One run, same abstracts, whole processes: papersum offline / cached / workers vs yake and sumy LexRank.

    pip install yake sumy     # benchmark tools only (or: pip install -e ".[bench]")
    python benchmarks/bench_speed.py [--papers 6180] [--rounds 5] [--workers 2]

The corpus is assembled at run time from the dev/train sets in evals/data or /work/shared/evaldata
(distinct abstracts, in a fixed order; written to a temp dir, never committed). Every row is one
child process, JSONL in and JSONL out, timed by wall clock from start to exit (interpreter start
and imports included). Rounds interleave the rows so machine load hits them alike; the table gives
medians and ratios within the run. Startup rows time `python -c pass`, `papersum --version` and
`papersum --help` (median of --startup-runs each).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
SOURCES = [
    "scitldr_a_dev.jsonl",
    "scitldr_a_train.jsonl",
    "inspec_dev.jsonl",
    "inspec_train.jsonl",
    "arxiv_abstracts_categories_dev.jsonl",
    "arxiv_ml_abstracts_categories_dev.jsonl",
    "scierc_dev.jsonl",
    "scierc_train.jsonl",
]


def write_abstracts(count: int, target: Path) -> int:
    """The first `count` distinct abstracts of the dev/train sets, as `{id, title, abstract}` lines."""
    dirs = [HERE.parent / "evals" / "data", Path("/work/shared/evaldata")]
    seen: set[str] = set()
    written = 0
    with target.open("w", encoding="utf-8") as out:
        for name in SOURCES:
            path = next((d / name for d in dirs if (d / name).is_file()), None)
            if path is None:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
                row = json.loads(line)
                abstract = " ".join(str(row.get("abstract") or "").split())
                # papersum drops a repeated title as a duplicate paper: keep titles distinct too.
                title_key = "title:" + re.sub(r"[^a-z0-9]+", " ", str(row.get("title") or "").lower()).strip()
                if not abstract or abstract.lower() in seen or (title_key != "title:" and title_key in seen):
                    continue
                seen.update((abstract.lower(), title_key))
                paper = {"id": f"{path.stem}-{number}", "title": row.get("title") or "", "abstract": abstract}
                out.write(json.dumps(paper, ensure_ascii=False) + "\n")
                written += 1
                if written == count:
                    return count
    return written


@dataclass
class Row:
    label: str
    argv: list[str]
    papers: int = 0
    prepare: Callable[[], None] | None = None
    env: dict[str, str] = field(default_factory=dict)
    times: list[float] = field(default_factory=list)

    def run(self, base_env: dict[str, str], out: Path | None) -> None:
        if self.prepare is not None:
            self.prepare()
        started = time.perf_counter()
        subprocess.run(self.argv, env={**base_env, **self.env}, check=True, stdout=subprocess.DEVNULL)
        self.times.append(time.perf_counter() - started)
        if out is not None and self.papers:
            lines = sum(1 for _ in out.open(encoding="utf-8"))
            if lines != self.papers:
                raise SystemExit(f"{self.label}: {lines} output lines for {self.papers} papers")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=6180)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workers", type=int, nargs="*", default=[2], help="extra offline rows, --concurrency N")
    parser.add_argument("--startup-runs", type=int, default=15)
    parser.add_argument("--no-peers", action="store_true", help="skip yake and sumy LexRank")
    args = parser.parse_args()
    python = sys.executable
    papersum = [python, "-m", "papersum"]
    with tempfile.TemporaryDirectory(prefix="papersum-speed-") as tmp_name:
        tmp = Path(tmp_name)
        corpus = tmp / "abstracts.jsonl"
        count = write_abstracts(args.papers, corpus)
        out = tmp / "out.jsonl"
        cache = tmp / "cache"
        base_env = {**os.environ, "PYTHONPATH": str(SRC), "PAPERSUM_CACHE_DIR": str(cache)}
        summarize = [*papersum, "summarize", str(corpus), "--provider", "offline", "-q", "--out", str(out)]

        def fresh_cache() -> None:
            shutil.rmtree(cache, ignore_errors=True)

        rows = [
            Row("papersum offline, no cache", [*summarize, "--no-cache", "-j", "1"], count),
            Row("papersum offline + cache writes", [*summarize, "-j", "1"], count, fresh_cache),
            Row("papersum fully cached re-run", [*summarize, "-j", "1"], count),
        ]
        rows += [
            Row(f"papersum offline, no cache, {n} workers", [*summarize, "--no-cache", "-j", str(n)], count)
            for n in args.workers
        ]
        if not args.no_peers:
            peers = [python, str(HERE / "peers.py")]
            rows += [
                Row("yake (keywords only)", [*peers, "yake", str(corpus), str(out)], count),
                Row("sumy LexRank (one sentence only)", [*peers, "lexrank", str(corpus), str(out)], count),
            ]
        startup = [
            Row("python -c pass", [python, "-c", "pass"]),
            Row("papersum --version", [*papersum, "--version"]),
            Row("papersum --help", [*papersum, "--help"]),
        ]
        for number in range(args.rounds):
            for row in rows:
                row.run(base_env, out)
            print(f"round {number + 1}: " + ", ".join(f"{r.times[-1]:.2f}" for r in rows), file=sys.stderr)
        for _ in range(args.startup_runs):
            for row in startup:
                row.run(base_env, None)

        def rate(row: Row) -> float:
            return row.papers / statistics.median(row.times)

        by_label = {row.label: row for row in rows}
        offline = rate(rows[0])
        lexrank = by_label.get("sumy LexRank (one sentence only)")
        print(f"{count:,} abstracts, {args.rounds} rounds (median; all runs in seconds)\n")
        print("| run | papers/s | x offline | x LexRank | runs (s) |\n|---|---:|---:|---:|---|")
        for row in rows:
            vs_lexrank = f"{rate(row) / rate(lexrank):.2f}" if lexrank else "-"
            runs = " ".join(f"{t:.2f}" for t in row.times)
            print(f"| {row.label} | {rate(row):,.0f} | {rate(row) / offline:.2f} | {vs_lexrank} | {runs} |")
        bare = statistics.median(startup[0].times)
        print(f"\nstartup, median of {args.startup_runs}\n\n| command | s | x python -c pass |\n|---|---:|---:|")
        for row in startup:
            median = statistics.median(row.times)
            print(f"| `{row.label}` | {median:.3f} | {median / bare:.1f} |")


if __name__ == "__main__":
    main()
