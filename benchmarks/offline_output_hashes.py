"""Hash every offline summary of a corpus, in two source trees, and compare them.

    git archive main src | tar -x -C /tmp/main
    python benchmarks/offline_output_hashes.py --baseline-src /tmp/main/src     # this tree vs main
    python benchmarks/offline_output_hashes.py --cli --baseline-src /tmp/main/src   # also via the CLI
    python benchmarks/offline_output_hashes.py --corpus all --baseline-src /tmp/main/src

The corpus is the one bench_speed.py times (`--corpus bench`, default 6,180 distinct abstracts) or
`--corpus all`: every row of every dev/train set (evals/data, /work/shared/evaldata; add
`--arxiv-train` for its 37k rows) as written, each also with its known arXiv categories when it has
them, and every paper of seeds/ as papersum reads it. For each tree (a child process with
PYTHONPATH=<tree>), each paper is summarised paper by paper (`summarize_offline`) and in chunks of
64 as the provider sends them (`summarize_offline_many`); both must give the same `Summary` JSON,
whose SHA-256 is the paper's hash. `--cli` also runs `papersum summarize --no-cache -j 1` (and `-j 2`) and
hashes each output line without its run-time provenance fields (created_at, duration_s). Exit 1 when
the trees differ on any paper (the first differing ids are listed), or when a tree's paths disagree.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_speed import SOURCES, SRC, write_abstracts  # noqa: E402

CHUNK = 64  # papersum.pipeline.WORKER_CHUNK
VOLATILE = ("created_at", "duration_s")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def engine_hashes(corpus: Path) -> list[str]:
    """(Run inside the child.) Per-paper hashes; raises if the two engine paths disagree."""
    from papersum.offline.engine import summarize_offline, summarize_offline_many

    rows = [json.loads(line) for line in corpus.open(encoding="utf-8")]
    items = [(row["title"], row["abstract"], row.get("categories")) for row in rows]
    many: list[str] = []
    for start in range(0, len(items), CHUNK):
        many += [s.model_dump_json() for s in summarize_offline_many(items[start : start + CHUNK])]
    single = [summarize_offline(*item).model_dump_json() for item in items]
    for row, one, batch in zip(rows, single, many, strict=True):
        if one != batch:
            raise SystemExit(f"{row['id']}: summarize_offline and summarize_offline_many differ")
    return [f"{row['id']}\t{_digest(text)}" for row, text in zip(rows, many, strict=True)]


def write_all(target: Path, arxiv_train: bool) -> int:
    """Every dev/train row as written (and again with its categories), then the papers of seeds/."""
    from papersum.ingest import read_papers

    dirs = [HERE.parent / "evals" / "data", Path("/work/shared/evaldata")]
    names = SOURCES + (["arxiv_train.jsonl.gz"] if arxiv_train else [])
    written = 0
    with target.open("w", encoding="utf-8") as out:

        def put(paper_id: str, title: str, abstract: str, categories: list[str] | None = None) -> None:
            nonlocal written
            row = {"id": paper_id, "title": title, "abstract": abstract, "categories": categories}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            written += 1

        for name in names:
            path = next((d / name for d in dirs if (d / name).is_file()), None)
            if path is None:
                continue
            text = gzip.decompress(path.read_bytes()).decode() if name.endswith(".gz") else path.read_text()
            for number, line in enumerate(text.splitlines()):
                row = json.loads(line)
                abstract = row.get("abstract") or ""
                abstract = abstract if isinstance(abstract, str) else " ".join(abstract)
                title = str(row.get("title") or "")
                put(f"{name}-{number}", title, abstract)
                if row.get("categories"):
                    put(f"{name}-{number}+categories", title, abstract, list(row["categories"]))
        for paper in read_papers([str(HERE.parent / "seeds")], skip_bad=True).papers:
            put(f"seeds:{paper.source}", paper.title, paper.abstract, paper.categories or None)
    return written


def cli_hashes(src: Path, corpus: Path, out: Path, jobs: int) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(src.resolve())}
    argv = [sys.executable, "-m", "papersum", "summarize", str(corpus), "-p", "offline", "-q"]
    argv += ["--no-cache", "-j", str(jobs), "--out", str(out)]
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
    hashes = []
    for line in out.open(encoding="utf-8"):
        record = json.loads(line)
        for field in VOLATILE:
            record["provenance"].pop(field, None)
        hashes.append(f"{record['paper_id']}\t{_digest(json.dumps(record, sort_keys=True))}")
    return hashes


def tree_hashes(src: Path, corpus: Path, tmp: Path, cli: bool) -> dict[str, list[str]]:
    env = {**os.environ, "PYTHONPATH": str(src.resolve())}
    argv = [sys.executable, __file__, "--child", str(corpus)]
    engine = subprocess.run(argv, env=env, check=True, capture_output=True, text=True).stdout.splitlines()
    found = {"engine": engine}
    if cli:
        for jobs in (1, 2):
            found[f"cli -j {jobs}"] = cli_hashes(src, corpus, tmp / f"out-{jobs}.jsonl", jobs)
        if found["cli -j 1"] != found["cli -j 2"]:
            raise SystemExit(f"{src}: -j 1 and -j 2 outputs differ")
    return found


def compare(label: str, after: list[str], before: list[str]) -> bool:
    differing = [a.split("\t")[0] for a, b in zip(after, before, strict=True) if a != b]
    print(f"{label}: {len(after) - len(differing):,} of {len(after):,} papers identical")
    if differing:
        print(f"  differing: {', '.join(differing[:20])}{' ...' if len(differing) > 20 else ''}")
    return not differing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=6180, help="--corpus bench: this many abstracts")
    parser.add_argument("--corpus", choices=("bench", "all"), default="bench")
    parser.add_argument("--arxiv-train", action="store_true", help="--corpus all: with arxiv_train too")
    parser.add_argument("--src", type=Path, default=SRC, help="papersum source tree (default: this one)")
    parser.add_argument("--baseline-src", type=Path, default=None, help="compare with this tree")
    parser.add_argument("--cli", action="store_true", help="also hash `papersum summarize` outputs")
    parser.add_argument("--save", type=Path, default=None, help="write this tree's per-paper hashes")
    parser.add_argument("--child", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print("\n".join(engine_hashes(args.child)))
        return
    with tempfile.TemporaryDirectory(prefix="papersum-hashes-") as tmp_name:
        tmp = Path(tmp_name)
        corpus = tmp / "abstracts.jsonl"
        if args.corpus == "all":
            count = write_all(corpus, args.arxiv_train)
        else:
            count = write_abstracts(args.papers, corpus)
        after = tree_hashes(args.src, corpus, tmp, args.cli)
        whole = _digest("\n".join(after["engine"]))
        print(f"{count:,} abstracts; engine outputs of {args.src}: sha256 {whole}")
        if args.save is not None:
            args.save.write_text("\n".join(after["engine"]) + "\n", encoding="utf-8")
        if args.baseline_src is None:
            return
        before = tree_hashes(args.baseline_src, corpus, tmp, args.cli)
        print(f"engine outputs of {args.baseline_src}: sha256 {_digest(chr(10).join(before['engine']))}")
        same = [compare(label, after[label], before[label]) for label in after]
    if not all(same):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
