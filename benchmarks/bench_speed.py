"""One run, same abstracts, whole processes: papersum offline / cached / workers vs yake and sumy LexRank.

    pip install -e ".[bench]"     # yake and sumy: benchmark tools only
    python benchmarks/bench_speed.py [--papers 6180] [--rounds 5] [--workers 2] [--baseline-src DIR]
    python benchmarks/bench_speed.py --rounds 3 --workers --no-yake --baseline-src DIR  # vs LexRank

The corpus is assembled at run time from the dev/train sets in evals/data or /work/shared/evaldata
(distinct abstracts and titles, in a fixed order; written to a temp dir, never committed). Every row
is one child process, JSONL in and JSONL out, timed from start to exit (interpreter start and
imports included), by wall clock and by the child's CPU time (user + sys, summed over its worker
processes). Rounds interleave the rows so machine load hits them alike; the tables give medians and
ratios within the run. `--baseline-src` (e.g. a `git archive` of main's src/) adds "before:" rows.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
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
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def run(self, out: Path | None) -> None:
        if self.prepare is not None:
            self.prepare()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(self.argv, env={**os.environ, **self.env}, check=True, stdout=subprocess.DEVNULL)
        self.wall.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if out is not None and self.papers:
            lines = sum(1 for _ in out.open(encoding="utf-8"))
            if lines != self.papers:
                raise SystemExit(f"{self.label}: {lines} output lines for {self.papers} papers")

    def rate(self, times: list[float]) -> float:
        return self.papers / statistics.median(times)


def papersum_rows(
    src: Path, prefix: str, summarize: list[str], papers: int, cache: Path, workers: list[int]
) -> tuple[list[Row], list[Row]]:
    env = {"PYTHONPATH": str(src.resolve()), "PAPERSUM_CACHE_DIR": str(cache)}

    def fresh_cache() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    one = ["-j", "1"]
    rows = [
        Row(f"{prefix}papersum offline, no cache", [*summarize, "--no-cache", *one], papers, env=env),
        Row(f"{prefix}papersum offline + cache writes", [*summarize, *one], papers, fresh_cache, env),
        Row(f"{prefix}papersum fully cached re-run", [*summarize, *one], papers, env=env),
    ]
    for n in workers:
        argv = [*summarize, "--no-cache", "-j", str(n)]
        rows.append(Row(f"{prefix}papersum offline, no cache, -j {n}", argv, papers, env=env))
    command = [sys.executable, "-m", "papersum"]
    startup = [
        Row(f"{prefix}papersum --version", [*command, "--version"], env=env),
        Row(f"{prefix}papersum --help", [*command, "--help"], env=env),
        Row(f"{prefix}papersum summarize --help", [*command, "summarize", "--help"], env=env),
    ]
    script = Path(sys.executable).parent / "papersum"  # the installed entry point, as users run it
    if script.is_file():
        startup.append(Row(f"{prefix}papersum --help (script)", [str(script), "--help"], env=env))
    return rows, startup


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=6180)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workers", type=int, nargs="*", default=[2], help="extra rows with -j N")
    parser.add_argument("--startup-runs", type=int, default=15)
    parser.add_argument("--no-peers", action="store_true", help="skip yake and sumy LexRank")
    parser.add_argument("--no-yake", action="store_true", help="skip yake (the slowest row)")
    parser.add_argument("--startup-only", action="store_true", help="time only the start-up rows")
    parser.add_argument("--src", type=Path, default=SRC, help="papersum source tree (default: this one)")
    parser.add_argument("--baseline-src", type=Path, default=None, help="also time this tree ('before:')")
    parser.add_argument(
        "--bytecode",
        action="store_true",
        help="compile the trees' .pyc first, as `pip install` does (PYTHONDONTWRITEBYTECODE=1 here "
        "otherwise makes every run compile papersum's ~75 modules, ~0.08 s of CPU)",
    )
    args = parser.parse_args()
    if args.bytecode:
        for tree in (args.src, args.baseline_src):
            if tree is not None:
                subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree)], check=True)
    with tempfile.TemporaryDirectory(prefix="papersum-speed-") as tmp_name:
        tmp = Path(tmp_name)
        corpus = tmp / "abstracts.jsonl"
        count = write_abstracts(args.papers, corpus)
        out = tmp / "out.jsonl"
        summarize = [sys.executable, "-m", "papersum", "summarize", str(corpus), "-p", "offline", "-q"]
        summarize += ["--out", str(out)]
        rows, startup = papersum_rows(args.src, "", summarize, count, tmp / "cache", args.workers)
        if args.baseline_src is not None:
            before, before_startup = papersum_rows(
                args.baseline_src, "before: ", summarize, count, tmp / "cache-before", []
            )
            rows, startup = [*before, *rows], [*before_startup, *startup]
        startup.insert(0, Row("python -c pass", [sys.executable, "-c", "pass"]))
        if args.startup_only:
            rows = []
        elif not args.no_peers:
            peers = [sys.executable, str(HERE / "peers.py")]
            if not args.no_yake:
                rows.append(Row("yake (keywords only)", [*peers, "yake", str(corpus), str(out)], count))
            rows.append(
                Row("sumy LexRank (one sentence only)", [*peers, "lexrank", str(corpus), str(out)], count)
            )
        for number in range(args.rounds if rows else 0):
            for row in rows:
                row.run(out)
            print(f"round {number + 1}: " + ", ".join(f"{r.wall[-1]:.2f}" for r in rows), file=sys.stderr)
        for _ in range(args.startup_runs):
            for row in startup:
                row.run(None)
    report(rows, startup, count, args)


def report(rows: list[Row], startup: list[Row], count: int, args: argparse.Namespace) -> None:
    if rows:
        report_rows(rows, count, args)
    report_startup(startup, args)


def report_rows(rows: list[Row], count: int, args: argparse.Namespace) -> None:
    by_label = {row.label: row for row in rows}
    offline = by_label["papersum offline, no cache"]
    lexrank = by_label.get("sumy LexRank (one sentence only)")
    print(
        f"{count:,} abstracts, median of {args.rounds} rounds; "
        f"load average {os.getloadavg()[0]:.1f} at the end\n"
    )
    print(
        "| run | papers/s (wall) | x offline | x LexRank | papers/s (CPU) | x offline CPU | wall runs (s) |"
    )
    print("|---|---:|---:|---:|---:|---:|---|")
    for row in rows:
        wall, cpu = row.rate(row.wall), row.rate(row.cpu)
        vs_lexrank = f"{wall / lexrank.rate(lexrank.wall):.2f}" if lexrank else "-"
        runs = " ".join(f"{t:.2f}" for t in row.wall)
        print(
            f"| {row.label} | {wall:,.0f} | {wall / offline.rate(offline.wall):.2f} | {vs_lexrank} "
            f"| {cpu:,.0f} | {cpu / offline.rate(offline.cpu):.2f} | {runs} |"
        )


def report_startup(startup: list[Row], args: argparse.Namespace) -> None:
    bare_wall, bare_cpu = statistics.median(startup[0].wall), statistics.median(startup[0].cpu)
    print(f"\nstart-up, median of {args.startup_runs} runs\n")
    print("| command | wall (ms) | x python -c pass | CPU (ms) | x python CPU |\n|---|---:|---:|---:|---:|")
    for row in startup:
        wall, cpu = statistics.median(row.wall), statistics.median(row.cpu)
        print(
            f"| `{row.label}` | {wall * 1000:.0f} | {wall / bare_wall:.1f} "
            f"| {cpu * 1000:.0f} | {cpu / bare_cpu:.1f} |"
        )


if __name__ == "__main__":
    main()
