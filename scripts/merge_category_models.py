"""Average several category models written by train_categories.py into one (a linear ensemble).

Averaging the weights of linear softmax models averages their logits, so the merged file scores
exactly like the ensemble while staying one sparse table. The shipped model (engine offline-2) is
the average of the offline-1 softmax ensemble and a one-vs-rest membership model:

    PYTHONPATH=src python scripts/train_categories.py --epochs 4 --l1 5e-6 --out /tmp/cat_natural.json.gz
    PYTHONPATH=src python scripts/train_categories.py --epochs 6 --lr 1.0 --l1 2e-6 --balance 0.25 \\
        --out /tmp/cat_balanced.json.gz
    PYTHONPATH=src python scripts/merge_category_models.py /tmp/cat_natural.json.gz \\
        /tmp/cat_balanced.json.gz --out /tmp/cat_softmax.json.gz
    PYTHONPATH=src python scripts/train_categories.py --loss ovr --epochs 6 --lr 1.0 --l1 2e-6 \\
        --balance 0.25 --out /tmp/cat_ovr.json.gz
    PYTHONPATH=src python scripts/merge_category_models.py /tmp/cat_softmax.json.gz /tmp/cat_ovr.json.gz \\
        --prior-correction 0.3     # writes src/papersum/data/offline/categories.npz

(about 3-4 minutes per training run on one core; numpy only.)
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _evaldata import REPO

OUT = REPO / "src" / "papersum" / "data" / "offline" / "categories.npz"


def load(path: str) -> dict[str, Any]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def write_npz(payload: dict[str, Any], path: Path) -> None:
    """The shipped form: compressed numpy arrays (CSR rows), which load ~10x faster than JSON."""
    keys = sorted(payload["weights"])
    rows = [payload["weights"][key] for key in keys]
    lengths = np.array([len(row) // 2 for row in rows], np.int32)
    flat = np.array([value for row in rows for value in row], np.int64).reshape(-1, 2)
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer,
        classes=np.frombuffer("\n".join(payload["classes"]).encode("utf-8"), np.uint8),
        keys=np.frombuffer("\n".join(keys).encode("utf-8"), np.uint8),
        row_lengths=lengths,
        class_index=flat[:, 0].astype(np.uint8),
        values=flat[:, 1].astype(np.int8),
        bias=np.array(payload["bias"], np.float32),
        log_prior=np.array(payload["log_prior"], np.float32),
        scale=np.array(payload["scale"], np.float64),
        prior_correction=np.array(payload["prior_correction"], np.float64),
    )
    path.write_bytes(buffer.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="+")
    parser.add_argument("--out", default=str(OUT))
    parser.add_argument("--prior-correction", type=float, default=0.3, help="share of log prior removed")
    args = parser.parse_args()
    models = [load(path) for path in args.models]
    classes = models[0]["classes"]
    if any(m["classes"] != classes for m in models):
        raise SystemExit("models disagree on the class list")
    share = 1.0 / len(models)
    merged: dict[str, list[float]] = {}
    for model in models:
        for key, pairs in model["weights"].items():
            row = merged.setdefault(key, [0.0] * len(classes))
            for index, value in zip(pairs[0::2], pairs[1::2], strict=True):
                row[index] += share * value * model["scale"]
    scale = max(abs(v) for row in merged.values() for v in row) / 127.0
    weights: dict[str, list[int]] = {}
    for key, row in merged.items():
        pairs: list[int] = []
        for index, value in enumerate(row):
            q = round(value / scale)
            if q:
                pairs += [index, q]
        if pairs:
            weights[key] = pairs
    payload = {
        "classes": classes,
        "scale": scale,
        "bias": [round(sum(share * m["bias"][i] for m in models), 4) for i in range(len(classes))],
        "log_prior": models[0]["log_prior"],
        "prior_correction": args.prior_correction,
        "weights": weights,
        "trained_on": "arxiv_train.jsonl.gz",
        "params": {"merged_from": [m["params"] for m in models]},
    }
    if args.out.endswith(".npz"):
        write_npz(payload, Path(args.out))
    else:
        buffer = io.BytesIO()
        with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9, mtime=0) as handle:
            handle.write(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode("utf-8"))
        Path(args.out).write_bytes(buffer.getvalue())
    kept = sum(len(p) // 2 for p in weights.values())
    size = Path(args.out).stat().st_size
    print(f"{len(weights)} features, {kept} weights; wrote {args.out} ({size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
