"""Fit the offline entity typer and write src/papersum/data/offline/entities.json.gz.

Candidates are the maximal noun-phrase-like chunks of an abstract (papersum.offline.entities.phrase_chunks).
From scierc_train.jsonl only, count for every chunk head word (last word) and every whole chunk how
often it was annotated as a Task, Method or Material entity, or not at all. At run time a chunk gets
the type its head word (or the whole phrase, when seen) most often had. Measure on scierc_dev.jsonl
with scripts/measure_offline.py.

    PYTHONPATH=src python scripts/train_entities.py [--data DIR]
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _evaldata import REPO, evaldata_dir, read_jsonl

from papersum.offline.entities import LABELS, phrase_chunks

OUT = REPO / "src" / "papersum" / "data" / "offline" / "entities.json.gz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None)
    parser.add_argument("--min-count", type=int, default=2)
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args()
    heads: defaultdict[str, Counter[str]] = defaultdict(Counter)
    phrases: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for row in read_jsonl(evaldata_dir(args.data) / "scierc_train.jsonl"):
        gold: dict[str, str] = {}
        for label in LABELS:
            for entity in row["entities"].get(label, []):
                gold.setdefault(" ".join(entity.lower().split()), label)
        for phrase in phrase_chunks(row["abstract"]):
            key = phrase.lower()
            label = gold.get(key, "none")
            heads[key.split()[-1]][label] += 1
            phrases[key][label] += 1
    head_table = {
        head: [counts[label] for label in ("none", *LABELS)]
        for head, counts in sorted(heads.items())
        if sum(counts.values()) >= args.min_count and sum(counts[label] for label in LABELS) > 0
    }
    phrase_table = {
        phrase: [counts[label] for label in ("none", *LABELS)]
        for phrase, counts in sorted(phrases.items())
        if sum(counts[label] for label in LABELS) > 0
    }
    payload = {
        "labels": ["none", *LABELS],
        "heads": head_table,
        "phrases": phrase_table,
        "trained_on": "scierc_train.jsonl",
    }
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9, mtime=0) as handle:
        handle.write(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode("utf-8"))
    Path(args.out).write_bytes(buffer.getvalue())
    print(f"{len(head_table)} heads, {len(phrase_table)} phrases; wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
