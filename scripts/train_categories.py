"""Fit the offline arXiv category classifier and write src/papersum/data/offline/categories.json.gz.

Softmax regression over sparse unigram+bigram features (papersum.offline.features), trained with
minibatch SGD in numpy on arxiv_train.jsonl.gz only (the dev files are never fitted). The weights
are made small for shipping: each feature's weight vector is centred on its median (softmax is
invariant to that shift), small weights are dropped and the rest quantised to integers.

    PYTHONPATH=src python scripts/train_categories.py [--data DIR] [--epochs 6]
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _evaldata import REPO, evaldata_dir, read_jsonl  # noqa: E402

from papersum.offline.features import category_features  # noqa: E402

OUT = REPO / "src" / "papersum" / "data" / "offline" / "categories.json.gz"


def build_matrix(
    docs: list[dict[str, float]], vocab: dict[str, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    indptr = [0]
    indices: list[int] = []
    data: list[float] = []
    for features in docs:
        for key, value in features.items():
            col = vocab.get(key)
            if col is not None:
                indices.append(col)
                data.append(value)
        indptr.append(len(indices))
    return np.array(indptr, np.int64), np.array(indices, np.int64), np.array(data, np.float32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None)
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--min-df", type=int, default=3)
    parser.add_argument("--lr", type=float, default=0.5)
    parser.add_argument("--l2", type=float, default=1e-6)
    parser.add_argument("--primary-share", type=float, default=0.6, help="target mass on the primary")
    parser.add_argument("--keep", type=float, default=0.05, help="drop |weight| below this after centring")
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args()
    started = time.time()

    rows = list(read_jsonl(evaldata_dir(args.data) / "arxiv_train.jsonl.gz"))
    docs = [category_features(r.get("title") or "", r.get("abstract") or "") for r in rows]
    df: Counter[str] = Counter()
    for features in docs:
        df.update(features.keys())
    vocab_list = sorted(k for k, n in df.items() if n >= args.min_df)
    vocab = {k: i for i, k in enumerate(vocab_list)}
    classes = sorted({c for r in rows for c in r["categories"]} | {r["primary_category"] for r in rows})
    class_index = {c: i for i, c in enumerate(classes)}
    indptr, indices, data = build_matrix(docs, vocab)
    n_docs, n_feats, n_classes = len(rows), len(vocab_list), len(classes)
    print(f"{n_docs} docs, {n_feats} features, {n_classes} classes", file=sys.stderr)

    targets = np.zeros((n_docs, n_classes), np.float32)
    for i, r in enumerate(rows):
        others = [c for c in r["categories"] if c != r["primary_category"]]
        share = args.primary_share if others else 1.0
        targets[i, class_index[r["primary_category"]]] = share
        for c in others:
            targets[i, class_index[c]] += (1.0 - share) / len(others)
    primary_counts = np.bincount([class_index[r["primary_category"]] for r in rows], minlength=n_classes)

    weights = np.zeros((n_feats, n_classes), np.float32)
    bias = np.zeros(n_classes, np.float32)
    accum = np.zeros_like(weights)
    accum_bias = np.zeros_like(bias)
    rng = np.random.default_rng(0)
    batch = 256
    step = 0
    for epoch in range(args.epochs):
        order = rng.permutation(n_docs)
        loss_total = 0.0
        for start in range(0, n_docs, batch):
            ids = order[start : start + batch]
            starts, ends = indptr[ids], indptr[ids + 1]
            lengths = ends - starts
            flat = np.concatenate([np.arange(s, e) for s, e in zip(starts, ends, strict=True)])
            cols, vals = indices[flat], data[flat]
            row_of = np.repeat(np.arange(len(ids)), lengths)
            scores = np.zeros((len(ids), n_classes), np.float32)
            np.add.at(scores, row_of, weights[cols] * vals[:, None])
            scores += bias
            scores -= scores.max(axis=1, keepdims=True)
            probs = np.exp(scores)
            probs /= probs.sum(axis=1, keepdims=True)
            y = targets[ids]
            loss_total += float(-(y * np.log(probs + 1e-9)).sum())
            grad = (probs - y) / len(ids)
            contrib = grad[row_of] * vals[:, None]
            uniq, inverse = np.unique(cols, return_inverse=True)
            summed = np.zeros((len(uniq), n_classes), np.float32)
            np.add.at(summed, inverse, contrib)
            # AdaGrad: rare features (most of a sparse text vocabulary) keep large steps.
            g = summed + args.l2 * weights[uniq]
            accum[uniq] += g * g
            weights[uniq] -= args.lr * g / (np.sqrt(accum[uniq]) + 1e-8)
            gb = grad.sum(axis=0)
            accum_bias += gb * gb
            bias -= args.lr * gb / (np.sqrt(accum_bias) + 1e-8)
            step += 1
        print(f"epoch {epoch + 1}: loss {loss_total / n_docs:.4f} ({time.time() - started:.0f}s)", file=sys.stderr)

    floor = int(np.median(primary_counts))
    # Centre each feature's vector on its median (argmax-invariant), then prune and quantise.
    weights -= np.median(weights, axis=1, keepdims=True)
    scale = float(np.abs(weights).max()) / 127.0
    table: dict[str, list[int]] = {}
    kept = 0
    for f, key in enumerate(vocab_list):
        row = weights[f]
        nz = np.nonzero(np.abs(row) >= args.keep)[0]
        if len(nz) == 0:
            continue
        q = np.round(row[nz] / scale).astype(int)
        pairs: list[int] = []
        for c, w in zip(nz.tolist(), q.tolist(), strict=True):
            if w:
                pairs += [c, w]
        if pairs:
            table[key] = pairs
            kept += len(pairs) // 2
    model = {
        "classes": classes,
        "scale": scale,
        "bias": [round(float(b), 4) for b in bias],
        # Floor at the typical per-class count: classes seen only as cross-lists are not "rarer".
        "log_prior": [round(math.log(max(int(n), floor) / n_docs), 4) for n in primary_counts],
        "weights": table,
        "trained_on": "arxiv_train.jsonl.gz",
        "params": vars(args) | {"out": None, "data": None},
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(args.out, "wt", encoding="utf-8", compresslevel=9) as handle:
        json.dump(model, handle, separators=(",", ":"), sort_keys=True)
    size = Path(args.out).stat().st_size
    print(f"kept {len(table)} features, {kept} weights; wrote {args.out} ({size / 1e6:.2f} MB)", file=sys.stderr)


if __name__ == "__main__":
    main()
