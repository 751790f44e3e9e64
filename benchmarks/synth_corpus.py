"""Synthesize a large abstracts corpus (JSONL) by recombining sentences of the dev sets.

Each paper gets a distinct id and title; abstracts are 4-8 sentences drawn (seeded) from real
abstracts, so lengths and vocabulary look like the real thing. Write it to a temp dir; never commit.

    python benchmarks/synth_corpus.py 100000 /tmp/synth-100k.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOURCES = [
    "scitldr_a_dev.jsonl",
    "arxiv_abstracts_categories_dev.jsonl",
    "arxiv_ml_abstracts_categories_dev.jsonl",
    "inspec_dev.jsonl",
]
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def source_dirs() -> list[Path]:
    return [REPO / "evals" / "data", Path("/work/shared/evaldata")]


def load_pool() -> tuple[list[str], list[str]]:
    sentences: list[str] = []
    title_words: list[str] = []
    for name in SOURCES:
        path = next((d / name for d in source_dirs() if (d / name).is_file()), None)
        if path is None:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            abstract = row.get("abstract") or ""
            sentences.extend(s.strip() for s in _SENTENCE.split(abstract) if 20 < len(s.strip()) < 400)
            title_words.extend((row.get("title") or "").split())
    if not sentences:
        raise SystemExit("no dev sets found under evals/data or /work/shared/evaldata")
    return sentences, title_words


def write_corpus(count: int, target: Path, seed: int = 7) -> None:
    rng = random.Random(seed)
    sentences, words = load_pool()
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8") as handle:
        for number in range(count):
            abstract = " ".join(rng.sample(sentences, rng.randint(4, 8)))
            title = " ".join(rng.sample(words, rng.randint(5, 10))) + f" ({number})"
            paper = {"id": f"synth-{number:07d}", "title": title, "abstract": abstract}
            handle.write(json.dumps(paper, ensure_ascii=False) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("target", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    write_corpus(args.count, args.target, args.seed)


if __name__ == "__main__":
    main()
