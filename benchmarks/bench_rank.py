"""Relevance ranking speed: a 1,000-paper feed for a 200-entry library (target: under a second).

Feed and library are real arXiv abstracts (the arXiv all-categories dev set, disjoint halves), found
in --data-dir, $PAPERSUM_EVAL_DATA, ./evals/data or ../shared/evaldata. Reports the library call
(`rank_annotations`, best and median of --repeat runs, wall and CPU) and the whole command
(`papersum rank FEED --library LIB --interests ... --top 20`, a fresh process, imports included).

    PYTHONPATH=src python benchmarks/bench_rank.py --papers 1000 --library 200
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATA_FILE = "arxiv_abstracts_categories_dev.jsonl"


def find_data(explicit: Path | None) -> Path:
    candidates = [explicit] if explicit else []
    if "PAPERSUM_EVAL_DATA" in os.environ:
        candidates.append(Path(os.environ["PAPERSUM_EVAL_DATA"]))
    candidates += [Path("evals/data"), Path("../shared/evaldata"), Path("/work/shared/evaldata")]
    for directory in candidates:
        if directory and (directory / DATA_FILE).is_file():
            return directory / DATA_FILE
    sys.exit(f"no {DATA_FILE} found; pass --data-dir")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=1000)
    parser.add_argument("--library", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--data-dir", type=Path)
    args = parser.parse_args()

    from papersum.models import Annotation
    from papersum.rank import LibraryEntry, ReaderProfile, rank_annotations

    rows = [json.loads(line) for line in find_data(args.data_dir).read_text(encoding="utf-8").splitlines()]
    if len(rows) < args.papers + args.library:
        sys.exit(f"need {args.papers + args.library} abstracts, have {len(rows)}")
    feed_rows, library_rows = rows[: args.papers], rows[args.papers : args.papers + args.library]
    feed = [Annotation(paper_id=r["id"], title=r["title"], abstract=r["abstract"]) for r in feed_rows]
    library = [LibraryEntry(r["title"], r["abstract"]) for r in library_rows]
    profile = ReaderProfile(library=library, interests=["neural networks", "dark matter", "graph theory"])

    walls, cpus = [], []
    for _ in range(args.repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        ranked = rank_annotations(feed, profile)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    assert len(ranked) == args.papers
    print(
        f"rank_annotations, {args.papers} papers x {args.library} library entries + 3 interests, "
        f"every paper explained:"
    )
    print(
        f"  wall best {min(walls):.3f} s, median {statistics.median(walls):.3f} s; "
        f"CPU best {min(cpus):.3f} s, median {statistics.median(cpus):.3f} s"
    )

    with tempfile.TemporaryDirectory() as tmp:
        feed_path, library_path = Path(tmp) / "feed.jsonl", Path(tmp) / "library.jsonl"
        feed_path.write_text("".join(json.dumps(r) + "\n" for r in feed_rows), encoding="utf-8")
        library_path.write_text("".join(json.dumps(r) + "\n" for r in library_rows), encoding="utf-8")
        command = [
            sys.executable,
            "-m",
            "papersum",
            "rank",
            str(feed_path),
            "--library",
            str(library_path),
            "--interests",
            "neural networks, dark matter",
            "--top",
            "20",
            "--out",
            str(Path(tmp) / "o"),
        ]
        env = {**os.environ, "PAPERSUM_DATA_DIR": tmp, "PAPERSUM_CACHE_DIR": tmp}
        times, cpu_times = [], []
        for _ in range(max(args.repeat // 2, 1)):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            subprocess.run(command, check=True, env=env, stderr=subprocess.DEVNULL)
            times.append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu_times.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    print(
        "  papersum rank ... --top 20 (fresh process, imports and file reading included): "
        f"wall best {min(times):.2f} s, median {statistics.median(times):.2f} s; "
        f"CPU best {min(cpu_times):.2f} s"
    )


if __name__ == "__main__":
    main()
