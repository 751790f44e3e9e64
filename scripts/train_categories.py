"""Fit an offline arXiv category classifier (gzip JSON) from arxiv_train.jsonl.gz.

Softmax regression over sparse unigram+bigram features (papersum.offline.features), minibatch
AdaGrad in numpy, trained on arxiv_train.jsonl.gz only (dev files are never fitted; --report only
prints dev accuracy). With --l1 the update is AdaGrad-RDA (regularised dual averaging): weights are
exactly zero unless they earn their keep, which is what makes the shipped model small. --balance
down-weights the 9 ML categories that have 10x the papers of the others. Weights are quantised to
integers. --loss ovr fits one-vs-rest sigmoids on membership (is c one of the paper's categories?),
which is what the top-in-categories metric rewards. The shipped model averages three runs: see
scripts/merge_category_models.py.

    PYTHONPATH=src python scripts/train_categories.py [--data DIR] --epochs 4 --l1 5e-6 --out FILE
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _evaldata import evaldata_dir, read_jsonl

from papersum.offline.features import category_features


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


DEV_FILES = ("arxiv_ml_abstracts_categories_dev.jsonl", "arxiv_abstracts_categories_dev.jsonl")


def predict_dense(
    weights: np.ndarray, bias: np.ndarray, indptr: np.ndarray, indices: np.ndarray, data: np.ndarray
) -> list[int]:
    """Top class per document (used only to report dev accuracy; nothing is fitted on dev)."""
    tops = []
    for i in range(len(indptr) - 1):
        lo, hi = indptr[i], indptr[i + 1]
        scores = bias + data[lo:hi] @ weights[indices[lo:hi]]
        tops.append(int(np.argmax(scores)))
    return tops


def rda_weights(grad_sum: np.ndarray, accum: np.ndarray, step: int, l1: float, lr: float) -> np.ndarray:
    """AdaGrad-RDA closed form (Duchi et al. 2011): soft-threshold the summed gradient at l1 * step."""
    shrunk = np.maximum(np.abs(grad_sum) - l1 * step, 0.0)
    return (-np.sign(grad_sum) * lr * shrunk / (np.sqrt(accum) + 1e-8)).astype(np.float32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None)
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--min-df", type=int, default=3)
    parser.add_argument("--lr", type=float, default=0.5)
    parser.add_argument("--l1", type=float, default=0.0, help="L1 strength (AdaGrad-RDA); 0 = plain AdaGrad")
    parser.add_argument("--balance", type=float, default=0.0, help="0 = natural, 1 = class-balanced")
    parser.add_argument("--l2", type=float, default=1e-6)
    parser.add_argument("--primary-share", type=float, default=0.6, help="target mass on the primary")
    parser.add_argument(
        "--loss",
        choices=("softmax", "ovr"),
        default="softmax",
        help="softmax over soft targets, or one-vs-rest sigmoids: P(category is one of the paper's)",
    )
    parser.add_argument(
        "--archive-weight", type=float, default=0.0, help="ovr: add archive classes, fold in with this weight"
    )
    parser.add_argument(
        "--prior-correction", type=float, default=0.3, help="stored in the file: share of log prior removed"
    )
    parser.add_argument("--keep", type=float, default=0.0001, help="drop |weight| below this after centring")
    parser.add_argument("--out", required=True, help="JSON model (ship it via merge_category_models.py)")
    parser.add_argument("--save-npz", default=None, help="keep the float weights (to try pruning choices)")
    parser.add_argument("--load-npz", default=None, help="skip training, prune saved float weights")
    parser.add_argument("--report", action="store_true", help="print dev accuracy for pruning/prior choices")
    parser.add_argument(
        "--report-keep", type=lambda v: [float(x) for x in v.split(",")], default=[0.1, 0.2, 0.3]
    )
    parser.add_argument(
        "--report-prior", type=lambda v: [float(x) for x in v.split(",")], default=[0.0, 0.2, 0.4]
    )
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
    n_real = len(classes)
    # Archive pseudo-classes (math, cs, cond-mat, ...): pooled over their categories they see many
    # more papers; after training each category gets archive_weight x its archive's weights.
    archive_of = {c: c.split(".")[0] for c in classes}
    archives = sorted(a for a, n in Counter(archive_of.values()).items() if n > 1)
    if args.archive_weight:
        classes = classes + [f"@{a}" for a in archives]
    class_index = {c: i for i, c in enumerate(classes)}
    indptr, indices, data = build_matrix(docs, vocab)
    n_docs, n_feats, n_classes = len(rows), len(vocab_list), len(classes)
    print(f"{n_docs} docs, {n_feats} features, {n_classes} classes", file=sys.stderr)

    targets = np.zeros((n_docs, n_classes), np.float32)
    for i, r in enumerate(rows):
        if args.loss == "ovr":
            # Membership targets: the metric rewards any of the paper's categories, not the primary.
            for c in {r["primary_category"], *r["categories"]}:
                targets[i, class_index[c]] = 1.0
                if args.archive_weight and f"@{archive_of[c]}" in class_index:
                    targets[i, class_index[f"@{archive_of[c]}"]] = 1.0
            continue
        others = [c for c in r["categories"] if c != r["primary_category"]]
        share = args.primary_share if others else 1.0
        targets[i, class_index[r["primary_category"]]] = share
        for c in others:
            targets[i, class_index[c]] += (1.0 - share) / len(others)
    primary_counts = np.bincount([class_index[r["primary_category"]] for r in rows], minlength=n_classes)

    # Class balancing: 9 ML primaries have 10x the papers of the rest; down-weight them by
    # (typical count / own count) ** balance so rare classes get gradients (and L1 survivors) too.
    typical = float(np.median(primary_counts[primary_counts > 0]))
    primary_ids = np.array([class_index[r["primary_category"]] for r in rows])
    sample_weight = ((typical / primary_counts[primary_ids]) ** args.balance).astype(np.float32)
    sample_weight /= sample_weight.mean()
    weights = np.zeros((n_feats, n_classes), np.float32)
    bias = np.zeros(n_classes, np.float32)
    accum = np.zeros_like(weights)
    accum_bias = np.zeros_like(bias)
    grad_sum = np.zeros_like(weights) if args.l1 else accum[:0]
    rng = np.random.default_rng(0)
    batch = 256
    step = 0
    epochs = args.epochs
    if args.load_npz:
        saved = np.load(args.load_npz)
        weights, bias, epochs = saved["weights"], saved["bias"], 0
    for epoch in range(epochs):
        order = rng.permutation(n_docs)
        loss_total = 0.0
        for start in range(0, n_docs, batch):
            ids = order[start : start + batch]
            starts, ends = indptr[ids], indptr[ids + 1]
            lengths = ends - starts
            flat = np.concatenate([np.arange(s, e) for s, e in zip(starts, ends, strict=True)])
            cols, vals = indices[flat], data[flat]
            row_of = np.repeat(np.arange(len(ids)), lengths)
            uniq, inverse = np.unique(cols, return_inverse=True)
            if args.l1:
                # AdaGrad-RDA with L1: weights follow from the gradient sums, exactly 0 where small.
                weights[uniq] = rda_weights(grad_sum[uniq], accum[uniq], step + 1, args.l1, args.lr)
            scores = np.zeros((len(ids), n_classes), np.float32)
            np.add.at(scores, row_of, weights[cols] * vals[:, None])
            scores += bias
            y = targets[ids]
            if args.loss == "ovr":
                probs = 1.0 / (1.0 + np.exp(-np.clip(scores, -30, 30)))
                loss_total += float(-(y * np.log(probs + 1e-9) + (1 - y) * np.log(1 - probs + 1e-9)).sum())
            else:
                scores -= scores.max(axis=1, keepdims=True)
                probs = np.exp(scores)
                probs /= probs.sum(axis=1, keepdims=True)
                loss_total += float(-(y * np.log(probs + 1e-9)).sum())
            grad = (probs - y) * sample_weight[ids, None] / len(ids)
            contrib = grad[row_of] * vals[:, None]
            summed = np.zeros((len(uniq), n_classes), np.float32)
            np.add.at(summed, inverse, contrib)
            # AdaGrad: rare features (most of a sparse text vocabulary) keep large steps.
            if args.l1:
                grad_sum[uniq] += summed
                accum[uniq] += summed * summed
            else:
                g = summed + args.l2 * weights[uniq]
                accum[uniq] += g * g
                weights[uniq] -= args.lr * g / (np.sqrt(accum[uniq]) + 1e-8)
            gb = grad.sum(axis=0)
            accum_bias += gb * gb
            bias -= args.lr * gb / (np.sqrt(accum_bias) + 1e-8)
            step += 1
        print(
            f"epoch {epoch + 1}: loss {loss_total / n_docs:.4f} ({time.time() - started:.0f}s)",
            file=sys.stderr,
        )

    floor = int(np.median(primary_counts[:n_real]))
    if args.l1:
        if args.save_npz:
            np.savez(args.save_npz + ".rda.npz", grad_sum=grad_sum, accum=accum, step=step, bias=bias)
        weights = rda_weights(grad_sum, accum, step, args.l1, args.lr)
        print(f"L1 {args.l1}: {int((weights != 0).sum())} non-zero weights", file=sys.stderr)
    if args.save_npz:
        np.savez(args.save_npz, weights=weights, bias=bias)
    if args.archive_weight:
        for c in classes[:n_real]:
            if f"@{archive_of[c]}" in class_index:
                a = class_index[f"@{archive_of[c]}"]
                weights[:, class_index[c]] += args.archive_weight * weights[:, a]
                bias[class_index[c]] += args.archive_weight * bias[a]
        weights, bias, classes = weights[:, :n_real].copy(), bias[:n_real].copy(), classes[:n_real]
        primary_counts = primary_counts[:n_real]
    # Centre each feature's vector on its median (argmax-invariant), then prune and quantise.
    weights -= np.median(weights, axis=1, keepdims=True)
    log_prior = np.log(np.maximum(primary_counts, floor) / n_docs).astype(np.float32)
    if args.report:
        data_dir = evaldata_dir(args.data)
        dev_sets = []
        for name in DEV_FILES:
            dev_rows = list(read_jsonl(data_dir / name))
            dev_docs = [category_features(r.get("title") or "", r.get("abstract") or "") for r in dev_rows]
            dev_sets.append((name, dev_rows, build_matrix(dev_docs, vocab)))
        for keep in (0.0, *args.report_keep):
            pruned = np.where(np.abs(weights) >= keep, weights, 0.0)
            for correction in args.report_prior:
                line = [f"keep {keep:.2f} nnz {int((pruned != 0).sum())} prior {correction:.1f}:"]
                for name, dev_rows, (d_ptr, d_idx, d_val) in dev_sets:
                    top = predict_dense(pruned, bias - correction * log_prior, d_ptr, d_idx, d_val)
                    hit = np.mean([classes[t] in r["categories"] for t, r in zip(top, dev_rows, strict=True)])
                    prim = np.mean(
                        [classes[t] == r["primary_category"] for t, r in zip(top, dev_rows, strict=True)]
                    )
                    line.append(f"{name[:8]} {100 * hit:.1f}/{100 * prim:.1f}")
                print(" ".join(line), file=sys.stderr)
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
        "log_prior": [round(float(v), 4) for v in log_prior],
        "prior_correction": args.prior_correction,
        "weights": table,
        "trained_on": "arxiv_train.jsonl.gz",
        "params": vars(args) | {"out": None, "data": None},
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9, mtime=0) as handle:
        handle.write(json.dumps(model, separators=(",", ":"), sort_keys=True).encode("utf-8"))
    Path(args.out).write_bytes(buffer.getvalue())
    size = Path(args.out).stat().st_size
    print(
        f"kept {len(table)} features, {kept} weights; wrote {args.out} ({size / 1e6:.2f} MB)", file=sys.stderr
    )


if __name__ == "__main__":
    main()
