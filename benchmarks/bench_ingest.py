"""Papers read per second from a Kaggle arXiv metadata snapshot file, and peak memory.

The snapshot is built from the real lines in tests/fixtures/formats/arxiv-metadata-oai-snapshot.json,
repeated with a different arXiv id on every line (so none is dropped as a duplicate). Each size is
read by `papersum.ingest.iter_papers` (detection, parsing, LaTeX clean-up, validation, dedupe) in a
fresh process; peak RSS is that process's ru_maxrss. CPU papers/s (process time) is the fairer
figure on a shared machine.

    PYTHONPATH=src python benchmarks/bench_ingest.py --lines 10000 100000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURE = HERE.parent / "tests" / "fixtures" / "formats" / "arxiv-metadata-oai-snapshot.json"
SRC = HERE.parent / "src"

CHILD = """
import json, resource, sys, time
from papersum.ingest import iter_papers
from papersum.models import Paper
started, cpu = time.perf_counter(), time.process_time()
papers = sum(1 for item in iter_papers([sys.argv[1]]) if isinstance(item, Paper))
seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"papers": papers, "seconds": seconds, "cpu": cpu, "peak_mib": peak}))
"""


def write_snapshot(path: Path, lines: int) -> None:
    """`lines` real snapshot records, ids 9001.00000, 9001.00001, ... (valid arXiv ids, all distinct)."""
    records = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]
    with path.open("w", encoding="utf-8") as handle:
        for number in range(lines):
            record = dict(records[number % len(records)])
            record["id"] = f"{9001 + number // 100_000}.{number % 100_000:05d}"
            handle.write(json.dumps(record, separators=(",", ":")) + "\n")


def measure(path: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)], env=env, check=True, capture_output=True, text=True
    ).stdout
    result: dict[str, float] = json.loads(out)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; the best is shown")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="papersum-bench-") as tmp:
        print("| snapshot lines | MiB | papers | wall s | papers/s (wall) | papers/s (CPU) | peak RSS MiB |")
        print("|---:|---:|---:|---:|---:|---:|---:|")
        for lines in args.lines:
            path = Path(tmp) / f"arxiv-metadata-oai-snapshot-{lines}.json"
            write_snapshot(path, lines)
            runs = [measure(path) for _ in range(args.repeat)]
            best = min(runs, key=lambda run: run["seconds"])
            size = path.stat().st_size / 2**20
            cpu = min(run["cpu"] for run in runs)
            print(
                f"| {lines:,} | {size:,.0f} | {int(best['papers']):,} | {best['seconds']:.1f} "
                f"| {best['papers'] / best['seconds']:,.0f} | {best['papers'] / cpu:,.0f} "
                f"| {max(r['peak_mib'] for r in runs):.0f} |"
            )


if __name__ == "__main__":
    main()
