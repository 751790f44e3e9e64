"""arXiv category prediction: a pruned, quantised softmax-regression model shipped as gzip JSON."""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import chain

import numpy as np

from papersum.offline.features import category_features

MODEL_FILE = "categories.json.gz"
# Flatten the training prior (9 ML classes have 10x the papers of the others) by this fraction
# (default; a model file may carry its own "prior_correction").
PRIOR_CORRECTION = 0.3
# A secondary category is listed only when its score is this close (in logits) to the top one.
SECONDARY_MARGIN = 2.0

_CATEGORY_ID = re.compile(r"^[a-z\-]+(?:\.[A-Za-z\-]+)?$")


@dataclass(frozen=True)
class CategoryModel:
    classes: tuple[str, ...]
    base: np.ndarray  # per-class bias minus the prior correction
    rows: dict[str, int]  # feature -> row of `weights`
    weights: np.ndarray  # (features, classes) int8 quantised weights
    scale: float  # weight = scale * quantised value


@lru_cache(maxsize=1)
def load_model() -> CategoryModel:
    """Load the shipped model once (works from a wheel via importlib.resources)."""
    path = resources.files("papersum.data.offline").joinpath(MODEL_FILE)
    with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as handle:
        data = json.load(handle)
    correction = float(data.get("prior_correction", PRIOR_CORRECTION))
    base = np.array(data["bias"], np.float32) - correction * np.array(data["log_prior"], np.float32)
    table: dict[str, list[int]] = data["weights"]
    keys = sorted(table)
    rows = {key: index for index, key in enumerate(keys)}
    # Each row is a flat [class, value, class, value, ...] list: flatten once with numpy (fast load).
    lengths = np.fromiter((len(table[key]) for key in keys), np.int64, count=len(keys))
    flat = np.fromiter(chain.from_iterable(table[key] for key in keys), np.int64, count=int(lengths.sum()))
    pairs = flat.reshape(-1, 2)
    row_index = np.repeat(np.arange(len(keys)), lengths // 2)
    class_index, values = pairs[:, 0], pairs[:, 1]
    # int8 keeps the table ~10 MB in memory; the quantisation scale is applied after the dot product.
    weights = np.zeros((len(rows), len(data["classes"])), np.int8)
    weights[row_index, class_index] = values
    return CategoryModel(tuple(data["classes"]), base, rows, weights, float(data["scale"]))


def category_scores(title: str, abstract: str, model: CategoryModel | None = None) -> list[float]:
    """Logit per class (order of `model.classes`)."""
    model = model or load_model()
    lookup = model.rows.get
    rows: list[int] = []
    values: list[float] = []
    for key, value in category_features(title, abstract).items():
        row = lookup(key)
        if row is not None:
            rows.append(row)
            values.append(value)
    if not rows:
        return [float(b) for b in model.base]
    scores = model.base + model.scale * (
        np.array(values, np.float32) @ model.weights[rows].astype(np.float32)
    )
    return [float(v) for v in scores]


def predict_categories(title: str, abstract: str, k: int = 3) -> list[str]:
    """Up to k arXiv category ids, most likely first; the runners-up only when nearly as likely."""
    model = load_model()
    scores = category_scores(title, abstract, model)
    ranked = sorted(range(len(scores)), key=lambda i: (-scores[i], model.classes[i]))
    top = scores[ranked[0]]
    chosen = [model.classes[ranked[0]]]
    for index in ranked[1:k]:
        if top - scores[index] <= SECONDARY_MARGIN:
            chosen.append(model.classes[index])
    return chosen


def clean_known_categories(categories: list[str], limit: int) -> list[str]:
    """Keep the paper's own categories (primary first), deduplicated, well-formed ids only."""
    kept: list[str] = []
    for category in categories:
        category = category.strip()
        if category and _CATEGORY_ID.match(category) and category not in kept:
            kept.append(category)
    return kept[:limit]
