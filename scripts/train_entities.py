"""Fit the offline entity typer and write src/papersum/data/offline/entities.json.gz (SciERC train only).

1. Candidates: papersum.offline.entity_candidates.entity_candidates of every train abstract; a
   candidate's label is the SciERC type (Task / Method / Material) of a gold entity with the same
   normalised text (papersum.evals.metrics.normalise_entity, the key `papersum eval scierc` scores
   with), else none.
2. Lexicons: per phrase, head word, first word, previous/next token, how often annotators
   typed it Task / Method / Material / Generic / Other / not at all; per normalised gold string, how
   often it was a gold Task / Method / Material. While fitting, each abstract's features use the
   lexicons without that abstract (leave-one-out), as at run time on unseen text.
3. One logistic regression per type (Newton, L2 on standardised features) over
   papersum.offline.entity_features.FEATURE_NAMES.
4. Thresholds: 5-fold cross-validation over abstracts gives out-of-fold probabilities; for each type
   the threshold (grid 0.30-0.80) is the one that maximises the share of 100-abstract resamples in
   which what papersum.offline.entities.choose shows reaches precision >= 60% and recall >= 15%
   (the issue-13 targets), averaged with its grid neighbours; ties go to the higher threshold.

    PYTHONPATH=src python scripts/train_entities.py [--data DIR]     # ~1 min; measure with
    papersum eval scierc --provider offline
    PYTHONPATH=src python scripts/train_entities.py --check          # CV at the shipped thresholds
    PYTHONPATH=src python scripts/train_entities.py --check --names other_dataset_names.tsv

Since offline-5 what `choose` shows includes the dataset names of papersum.offline.dataset_names
(mined by scripts/build_tag_lexicons.py) and passes papersum.offline.entity_filters, so the
thresholds are chosen for what a reader sees.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _evaldata import REPO, evaldata_dir, read_jsonl

from papersum.evals.metrics import normalise_entity
from papersum.offline import entities
from papersum.offline import entity_features as features
from papersum.offline.dataset_names import DatasetNames, load_dataset_names, named_datasets, parse_names
from papersum.offline.entity_candidates import entity_candidates

OUT = REPO / "src" / "papersum" / "data" / "offline" / "entities.json.gz"
GROUPS = (*features.SMOOTHING, "gold")
OTHER_TYPES = {"Generic": "Generic", "OtherScientificTerm": "Other", "Metric": "Other"}
FOLDS = 5
GRID_LOW = 0.30
RESAMPLES = 1000
RESAMPLE_SIZE = 100
TARGET_PRECISION, TARGET_RECALL = 0.60, 0.15

Counts = dict[str, defaultdict[str, list[int]]]
NAMES: list[DatasetNames] = [load_dataset_names()]  # --names replaces it (e.g. one mined without SciERC)


class Doc:
    def __init__(self, row: dict[str, object]) -> None:
        gold_entities: dict[str, list[str]] = row["entities"]  # type: ignore[assignment]
        self.gold = {
            label: {normalise_entity(e) for e in gold_entities.get(label, [])} for label in features.LABELS
        }
        lexicon_label: dict[str, str] = {}
        for label in features.LABELS:
            for key in self.gold[label]:
                lexicon_label.setdefault(key, label)
        for their, ours in OTHER_TYPES.items():
            for entity in gold_entities.get(their, []):
                lexicon_label.setdefault(normalise_entity(entity), ours)
        self.candidates = entity_candidates(str(row["abstract"]))
        self.named = named_datasets(self.candidates, NAMES[0])
        self.lexicon_labels = [lexicon_label.get(normalise_entity(c.text), "none") for c in self.candidates]
        self.labels = [label if label in features.LABELS else "none" for label in self.lexicon_labels]
        self.tf = features.phrase_counts(self.candidates)
        self.counts = self._counts()

    def _counts(self) -> Counts:
        counts: Counts = {group: defaultdict(lambda: [0] * len(features.LEXICON_LABELS)) for group in GROUPS}
        for candidate, label in zip(self.candidates, self.lexicon_labels, strict=True):
            column = features.LEXICON_LABELS.index(label)
            for group, key in features.lexicon_keys(candidate).items():
                counts[group][key][column] += 1
        for label in features.LABELS:
            for key in self.gold[label]:
                counts["gold"][key][features.LEXICON_LABELS.index(label)] += 1
        return counts


def totals(docs: Sequence[Doc]) -> Counts:
    total: Counts = {group: defaultdict(lambda: [0] * len(features.LEXICON_LABELS)) for group in GROUPS}
    for doc in docs:
        for group, table in doc.counts.items():
            for key, counts in table.items():
                row = total[group][key]
                for i, n in enumerate(counts):
                    row[i] += n
    return total


def feature_matrix(docs: Sequence[Doc], total: Counts, prior: Sequence[float]) -> list[np.ndarray]:
    """Per document, the feature rows of its candidates with leave-one-out lexicons."""
    matrices = []
    for doc in docs:

        def lookup(group: str, key: str, doc: Doc = doc) -> list[int] | None:
            whole = total[group].get(key)
            if whole is None:
                return None
            own = doc.counts[group].get(key)
            counts = [a - b for a, b in zip(whole, own, strict=True)] if own else whole
            return counts if any(counts) else None

        rows = [features.feature_row(c, doc.tf[c.lowered], lookup, prior) for c in doc.candidates]
        matrices.append(np.array(rows, dtype=float).reshape(len(rows), len(features.FEATURE_NAMES)))
    return matrices


def fit(x: np.ndarray, y: np.ndarray, ridge: float, steps: int = 30) -> np.ndarray:
    """L2 logistic regression by Newton on standardised features; weights for the raw features."""
    mean, scale = x.mean(0), x.std(0) + 1e-9
    mean[0], scale[0] = 0.0, 1.0
    z = (x - mean) / scale
    w = np.zeros(x.shape[1])
    penalty = ridge * np.eye(x.shape[1])
    penalty[0, 0] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(z @ w)))
        gradient = z.T @ (p - y) + penalty @ w
        hessian = (z * (p * (1 - p))[:, None]).T @ z + penalty
        w -= np.linalg.solve(hessian, gradient)
    raw = w / scale
    raw[0] = w[0] - float(np.sum(w[1:] * mean[1:] / scale[1:]))
    return raw


def fit_all(
    xs: Sequence[np.ndarray], docs: Sequence[Doc], ridge: float, keep: np.ndarray
) -> list[np.ndarray]:
    """One model per label over the kept feature columns (the others get weight 0)."""
    x = np.vstack(xs)[:, keep]
    labels = [label for doc in docs for label in doc.labels]
    weights = []
    for label in features.LABELS:
        w = np.zeros(len(features.FEATURE_NAMES))
        w[keep] = fit(x, np.array([float(lab == label) for lab in labels]), ridge)
        weights.append(w)
    return weights


def predict(weights: Sequence[np.ndarray], x: np.ndarray) -> np.ndarray:
    scores = np.column_stack([x @ w for w in weights])
    return 1.0 / (1.0 + np.exp(-np.clip(scores, -30, 30)))


def doc_counts(docs: Sequence[Doc], probs: Sequence[np.ndarray], thresholds: Sequence[float]) -> np.ndarray:
    """(tp, predicted, gold) per document and label for what `choose` would show."""
    out = np.zeros((len(docs), len(features.LABELS), 3))
    for d, (doc, p) in enumerate(zip(docs, probs, strict=True)):
        shown = entities.choose(doc.candidates, p.tolist(), thresholds, named=doc.named)
        for label_index, label in enumerate(features.LABELS):
            keys = {normalise_entity(text) for text in shown[label_index]}
            gold = doc.gold[label]
            out[d, label_index] = (len(keys & gold), len(keys), len(gold))
    return out


def choose_thresholds(docs: Sequence[Doc], probs: Sequence[np.ndarray]) -> tuple[list[float], list[str]]:
    grid = np.round(np.arange(GRID_LOW, 0.801, 0.025), 3)
    rng = np.random.default_rng(13)
    samples = rng.integers(0, len(docs), size=(RESAMPLES, RESAMPLE_SIZE))
    chosen: list[float] = []
    report: list[str] = []
    for label_index, label in enumerate(features.LABELS):
        success, summary = [], []
        for threshold in grid:
            thresholds = [2.0] * len(features.LABELS)
            thresholds[label_index] = float(threshold)
            counts = doc_counts(docs, probs, thresholds)[:, label_index]
            sums = counts[samples].sum(1)
            precision = sums[:, 0] / np.maximum(sums[:, 1], 1)
            recall = sums[:, 0] / np.maximum(sums[:, 2], 1)
            success.append(float(np.mean((precision >= TARGET_PRECISION) & (recall >= TARGET_RECALL))))
            whole = counts.sum(0)
            summary.append((whole[0] / max(whole[1], 1), whole[0] / max(whole[2], 1)))
        smooth = np.convolve(np.pad(success, 1, mode="edge"), np.ones(3) / 3, mode="valid")
        best = max(range(len(grid)), key=lambda i: (round(float(smooth[i]), 6), i))
        chosen.append(float(grid[best]))
        p, r = summary[best]
        report.append(
            f"{label}: threshold {grid[best]:.3f}, CV precision {100 * p:.1f} recall {100 * r:.1f}, "
            f"targets met in {100 * smooth[best]:.0f}% of {RESAMPLE_SIZE}-abstract resamples"
        )
    return chosen, report


def check(docs: Sequence[Doc], probs: Sequence[np.ndarray]) -> None:
    """Cross-validated precision / recall per field at the shipped thresholds, and the share of
    100-abstract resamples meeting the targets."""
    model = features.load_model()
    assert model is not None
    counts = doc_counts(docs, probs, model.thresholds)
    samples = np.random.default_rng(13).integers(0, len(docs), size=(RESAMPLES, RESAMPLE_SIZE))
    for label_index, label in enumerate(features.LABELS):
        tp, predicted, gold = counts[:, label_index].sum(0)
        sums = counts[:, label_index][samples].sum(1)
        precision = sums[:, 0] / np.maximum(sums[:, 1], 1)
        recall = sums[:, 0] / np.maximum(sums[:, 2], 1)
        met = np.mean((precision >= TARGET_PRECISION) & (recall >= TARGET_RECALL))
        print(
            f"{label}: threshold {model.thresholds[label_index]:.3f}, "
            f"CV precision {100 * tp / max(predicted, 1):.1f} recall {100 * tp / max(gold, 1):.1f} "
            f"({int(tp)} of {int(predicted)} shown, {int(gold)} gold), "
            f"targets met in {100 * met:.0f}% of {RESAMPLE_SIZE}-abstract resamples",
            file=sys.stderr,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None)
    parser.add_argument("--ridge", type=float, default=1.0)
    parser.add_argument(
        "--drop", default="", help="comma-separated feature-name prefixes to leave out (ablations)"
    )
    parser.add_argument("--out", default=str(OUT))
    parser.add_argument(
        "--check", action="store_true", help="cross-validation at the shipped thresholds; writes nothing"
    )
    parser.add_argument("--names", default=None, help="a dataset_names.tsv to use instead of the shipped")
    args = parser.parse_args()
    if args.names:
        NAMES[0] = DatasetNames(parse_names(Path(args.names).read_text(encoding="utf-8")))
    docs = [Doc(row) for row in read_jsonl(evaldata_dir(args.data) / "scierc_train.jsonl")]
    label_counts = Counter(label for doc in docs for label in doc.lexicon_labels)
    prior = [label_counts[label] / sum(label_counts.values()) for label in features.LEXICON_LABELS]
    total = totals(docs)
    xs = feature_matrix(docs, total, prior)
    prefixes = tuple(p for p in args.drop.split(",") if p)
    keep = np.array([not (prefixes and name.startswith(prefixes)) for name in features.FEATURE_NAMES])
    folds = np.arange(len(docs)) % FOLDS
    out_of_fold: list[np.ndarray] = [np.empty(0)] * len(docs)
    for fold in range(FOLDS):
        train = [i for i in range(len(docs)) if folds[i] != fold]
        weights = fit_all([xs[i] for i in train], [docs[i] for i in train], args.ridge, keep)
        for i in np.nonzero(folds == fold)[0]:
            out_of_fold[i] = predict(weights, xs[i])
    if args.check:
        check(docs, out_of_fold)
        return
    thresholds, report = choose_thresholds(docs, out_of_fold)
    weights = fit_all(xs, docs, args.ridge, keep)
    payload = {
        "weights": [
            {name: round(float(v), 6) for name, v in zip(features.FEATURE_NAMES, w, strict=True)}
            for w in weights
        ],
        "thresholds": thresholds,
        "prior": [round(p, 6) for p in prior],
        "lexicons": {group: dict(sorted(total[group].items())) for group in GROUPS},
        "trained_on": "scierc_train.jsonl",
        "cross_validation": report,
    }
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9, mtime=0) as handle:
        handle.write(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode("utf-8"))
    Path(args.out).write_bytes(buffer.getvalue())
    for line in report:
        print(line, file=sys.stderr)
    size = len(buffer.getvalue()) / 1e3
    print(
        f"{sum(len(d.candidates) for d in docs)} candidates; wrote {args.out} ({size:.0f} kB)",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
