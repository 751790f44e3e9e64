"""Fit the TL;DR scorer and write src/papersum/data/offline/tldr.json (reads scitldr_a_train.jsonl only).

Two small models, both fitted on the SciTLDR-A training split:
1. word model: for every word type of an abstract, the probability that it appears in a gold TL;DR
   (logistic regression over papersum.offline.tldr.WORD_FEATURE_NAMES, including a smoothed
   per-word lexicon computed leave-one-document-out while fitting);
2. candidate scorer: every compressed sentence and clause prefix gets the expected ROUGE-1 F1 under
   the word model plus position/cue/title features; a ridge regression (targets centred per
   abstract) predicts its real ROUGE-1 F1 against the best gold (SciTLDR protocol: lowercased, no
   stemming). At run time the top-scoring candidate is the TL;DR.
Measure on scitldr_a_dev.jsonl with scripts/measure_offline.py.

    PYTHONPATH=src python scripts/train_tldr.py [--data DIR]
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from rouge_score import rouge_scorer

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _evaldata import REPO, evaldata_dir, read_jsonl

from papersum.offline import tldr
from papersum.offline.text import split_sentences

OUT = REPO / "src" / "papersum" / "data" / "offline" / "tldr.json"
TOKEN = re.compile(r"[a-z0-9]+")
SMOOTHING = 3.0
MIN_SEEN = 3


def logistic_newton(x: np.ndarray, y: np.ndarray, ridge: float = 1e-2, steps: int = 25) -> np.ndarray:
    w = np.zeros(x.shape[1])
    penalty = ridge * np.eye(x.shape[1])
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        grad = x.T @ (p - y) + penalty @ w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + penalty
        w -= np.linalg.solve(hessian, grad)
    return w


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None)
    parser.add_argument("--ridge", type=float, default=1.0)
    parser.add_argument("--gold-length", type=float, default=20.0)
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args()
    rows = list(read_jsonl(evaldata_dir(args.data) / "scitldr_a_train.jsonl"))
    docs = []
    seen: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    for row in rows:
        abstract = row["abstract"] if isinstance(row["abstract"], str) else " ".join(row["abstract"])
        sentences = split_sentences(abstract)
        if not sentences:
            continue
        golds = [g.lower() for g in row["tldrs"]]
        gold_sets = [set(TOKEN.findall(g)) for g in golds]
        tokens = set(TOKEN.findall(abstract.lower()))
        label = {t: sum(t in g for g in gold_sets) / len(gold_sets) for t in tokens}
        seen.update(tokens)
        for t, v in label.items():
            hits[t] += v  # type: ignore[assignment]
        docs.append((row["title"], sentences, golds, label))
    base = sum(hits.values()) / sum(seen.values())
    default = math.log(base / (1 - base))

    def lexicon_value(t: str, own: float, own_seen: int) -> float:
        p = (hits[t] - own + SMOOTHING * base) / (seen[t] - own_seen + SMOOTHING)
        p = min(max(p, 1e-3), 1 - 1e-3)
        return math.log(p / (1 - p))

    # 1. word model, with each document's own labels removed from the lexicon.
    # Same rule as the shipped lexicon (words seen in >= MIN_SEEN abstracts), counted without the document.
    loo_lexicons = [
        {t: lexicon_value(t, v, 1) for t, v in label.items() if seen[t] - 1 >= MIN_SEEN}
        for _, _, _, label in docs
    ]
    xs, ys = [], []
    for (title, sentences, _, label), lexicon in zip(docs, loo_lexicons, strict=True):
        for token, row in tldr.word_features(title, sentences, lexicon, default).items():
            xs.append(row)
            ys.append(label[token])
    word_w = logistic_newton(np.array(xs), np.array(ys))
    word_weights = {n: round(float(v), 4) for n, v in zip(tldr.WORD_FEATURE_NAMES, word_w, strict=True)}
    print("word model:", word_weights, file=sys.stderr)

    # 2. candidate scorer.
    scorer = rouge_scorer.RougeScorer(["rouge1"], use_stemmer=False)
    partial = tldr.model_from_dict(
        {
            "weights": {},
            "word_weights": word_weights,
            "lexicon": {},
            "default_lexicon": default,
            "gold_length": args.gold_length,
        }
    )
    features, targets, groups = [], [], []
    for doc_index, ((title, sentences, golds, _), lexicon) in enumerate(zip(docs, loo_lexicons, strict=True)):
        probabilities = tldr.word_probabilities(
            tldr.word_features(title, sentences, lexicon, default), partial.word_weights
        )
        for text, row in tldr.scored_candidates(title, sentences, partial, probabilities):
            features.append(row)
            targets.append(max(scorer.score(g, text.lower())["rouge1"].fmeasure for g in golds))
            groups.append(doc_index)
    x, y, g = np.array(features), np.array(targets), np.array(groups)
    means = np.bincount(g, weights=y) / np.maximum(np.bincount(g), 1)
    penalty = args.ridge * np.eye(x.shape[1])
    penalty[0, 0] = 0.0
    w = np.linalg.solve(x.T @ x + penalty, x.T @ (y - means[g]))
    picks, oracle = [], []
    for doc in np.unique(g):
        idx = np.nonzero(g == doc)[0]
        picks.append(y[idx[np.argmax(x[idx] @ w)]])
        oracle.append(y[idx].max())
    print(
        f"{len(docs)} docs, {len(y)} candidates; train R1 of pick {100 * np.mean(picks):.1f},"
        f" oracle {100 * np.mean(oracle):.1f}",
        file=sys.stderr,
    )
    weights = {name: round(float(v), 5) for name, v in zip(tldr.FEATURE_NAMES, w, strict=True)}
    for name, value in weights.items():
        print(f"  {name:16s} {value:+.4f}", file=sys.stderr)
    lexicon = {t: round(lexicon_value(t, 0.0, 0), 3) for t, n in seen.items() if n >= MIN_SEEN}
    payload = {
        "weights": weights,
        "word_weights": word_weights,
        "lexicon": lexicon,
        "default_lexicon": round(default, 4),
        "gold_length": args.gold_length,
        "trained_on": "scitldr_a_train.jsonl",
        "ridge": args.ridge,
    }
    Path(args.out).write_text(
        json.dumps(payload, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    print(f"wrote {args.out} ({Path(args.out).stat().st_size / 1e3:.0f} kB)", file=sys.stderr)


if __name__ == "__main__":
    main()
