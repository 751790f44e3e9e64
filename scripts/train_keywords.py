"""Fit the offline keyphrase scorer and write src/papersum/data/offline/keywords.json.gz.

- idf: word document frequencies over the arXiv training abstracts (arxiv_train.jsonl.gz).
- word_kp / phrase_kp: how often a word / candidate phrase is part of a human keyphrase in
  inspec_train.jsonl (smoothed; leave-one-document-out while fitting, so no document sees its own labels).
- weights: logistic regression over candidate features (papersum.offline.keywords.FEATURE_NAMES),
  labels = candidate equals a gold keyphrase after Porter stemming (the Inspec evaluation protocol).
Only train files are read; measure on inspec_dev.jsonl with scripts/measure_offline.py.

    PYTHONPATH=src python scripts/train_keywords.py [--data DIR]
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import math
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from nltk.stem import PorterStemmer

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _evaldata import REPO, evaldata_dir, read_jsonl

from papersum.offline import keywords as kw
from papersum.offline.text import words

OUT = REPO / "src" / "papersum" / "data" / "offline" / "keywords.json.gz"
KP_SMOOTHING = 5.0  # pseudo-documents at the global keyphrase rate
PHRASE_SMOOTHING = 2.0


def write_gzip_json(path: Path, payload: object) -> None:
    """gzip with mtime 0 so retraining on the same data gives the same bytes."""
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9, mtime=0) as handle:
        handle.write(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode("utf-8"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None)
    parser.add_argument("--min-df", type=int, default=3)
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args()
    data = evaldata_dir(args.data)
    stemmer = PorterStemmer()
    stem_cache: dict[str, str] = {}

    def stem_phrase(phrase: str) -> str:
        out = []
        for w in re.findall(r"[a-z0-9]+", phrase.lower()):
            if w not in stem_cache:
                stem_cache[w] = stemmer.stem(w)
            out.append(stem_cache[w])
        return " ".join(out)

    # Document frequencies over a large general scientific corpus.
    df: Counter[str] = Counter()
    n_docs = 0
    for row in read_jsonl(data / "arxiv_train.jsonl.gz"):
        df.update(set(words(f"{row.get('title') or ''} {row.get('abstract') or ''}")))
        n_docs += 1
    idf = {w: round(math.log(n_docs / n), 2) for w, n in df.items() if n >= args.min_df}
    default_idf = round(math.log(n_docs / 1.0), 2)

    docs = list(read_jsonl(data / "inspec_train.jsonl"))
    # Per-document statistics, so each document can be scored with its own labels removed.
    per_doc: list[
        tuple[dict[str, kw.Candidate], set[str], dict[str, int], int, set[str], set[str], set[str]]
    ] = []
    word_in_doc: Counter[str] = Counter()
    word_in_kp: Counter[str] = Counter()
    phrase_seen: Counter[str] = Counter()
    phrase_gold: Counter[str] = Counter()
    for row in docs:
        found, title_keys, word_counts, total = kw.candidates(row["title"], row["abstract"])
        gold_lower = {" ".join(words(p)) for p in row["keyphrases"]}
        gold_stems = {stem_phrase(p) for p in row["keyphrases"]}
        kp_words = {w for p in gold_lower for w in p.split()}
        doc_words = set(word_counts)
        word_in_doc.update(doc_words)
        word_in_kp.update(doc_words & kp_words)
        positive = {key for key in found if stem_phrase(key) in gold_stems}
        phrase_seen.update(found.keys())
        phrase_gold.update(positive)
        per_doc.append((found, title_keys, word_counts, total, doc_words & kp_words, doc_words, positive))
    base_rate = sum(word_in_kp.values()) / max(sum(word_in_doc.values()), 1)

    def word_kp(w: str, own: bool, own_kp: bool) -> float:
        seen = word_in_doc[w] - own
        hit = word_in_kp[w] - own_kp
        return (hit + KP_SMOOTHING * base_rate) / (seen + KP_SMOOTHING)

    def phrase_kp(p: str, own_pos: bool) -> float:
        hit = phrase_gold[p] - own_pos
        seen = phrase_seen[p] - 1
        return hit / (seen + PHRASE_SMOOTHING) if hit > 0 else 0.0

    features: list[list[float]] = []
    labels: list[float] = []
    for found, title_keys, word_counts, total, kp_words, doc_words, positive in per_doc:
        model = kw.KeywordModel(
            weights=tuple(0.0 for _ in kw.FEATURE_NAMES),
            idf=idf,
            default_idf=default_idf,
            word_kp={w: word_kp(w, True, w in kp_words) for w in doc_words},
            default_kp=base_rate,
            phrase_kp={p: phrase_kp(p, p in positive) for p in found},
        )
        for key, candidate in found.items():
            features.append(kw.candidate_features(candidate, key in title_keys, word_counts, total, model))
            labels.append(1.0 if key in positive else 0.0)
    x = np.array(features)
    y = np.array(labels)
    print(f"{len(docs)} docs, {len(y)} candidates, {int(y.sum())} positive", file=sys.stderr)

    # Logistic regression by Newton's method (20 features: exact and fast).
    w = np.zeros(x.shape[1])
    ridge = 1e-3 * np.eye(x.shape[1])
    for _ in range(25):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        grad = x.T @ (p - y) + ridge @ w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + ridge
        w -= np.linalg.solve(hessian, grad)
    for name, value in zip(kw.FEATURE_NAMES, w, strict=True):
        print(f"  {name:12s} {value:+.3f}", file=sys.stderr)

    full_word_kp = {wd: round(word_kp(wd, False, False), 3) for wd, n in word_in_doc.items() if n >= 2}
    full_phrase_kp = {p: round(phrase_gold[p] / (phrase_seen[p] + PHRASE_SMOOTHING), 3) for p in phrase_gold}
    payload = {
        "weights": {name: round(float(v), 4) for name, v in zip(kw.FEATURE_NAMES, w, strict=True)},
        "idf": idf,
        "default_idf": default_idf,
        "word_kp": full_word_kp,
        "default_kp": round(base_rate, 4),
        "phrase_kp": full_phrase_kp,
        "trained_on": ["arxiv_train.jsonl.gz (idf)", "inspec_train.jsonl (labels)"],
    }
    write_gzip_json(Path(args.out), payload)
    print(f"wrote {args.out} ({Path(args.out).stat().st_size / 1e6:.2f} MB)", file=sys.stderr)


if __name__ == "__main__":
    main()
