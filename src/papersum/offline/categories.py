"""arXiv category prediction: a sparse, quantised linear model shipped as compressed numpy arrays.

The file carries its own prior correction: the share of the (capped, ML-heavy) training prior
removed from the class biases.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from papersum.offline.features import category_vector

MODEL_FILE = "categories.npz"
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
    raw = resources.files("papersum.data.offline").joinpath(MODEL_FILE).read_bytes()
    with np.load(io.BytesIO(raw), allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    classes = tuple(arrays["classes"].tobytes().decode("utf-8").split("\n"))
    keys = arrays["keys"].tobytes().decode("utf-8").split("\n")
    rows = dict(zip(keys, range(len(keys)), strict=True))
    base = arrays["bias"] - np.float32(arrays["prior_correction"]) * arrays["log_prior"]
    # CSR rows -> dense int8 table (~18 MB in memory); the scale is applied after the dot product.
    row_index = np.repeat(np.arange(len(keys)), arrays["row_lengths"])
    weights = np.zeros((len(keys), len(classes)), np.int8)
    weights[row_index, arrays["class_index"]] = arrays["values"]
    return CategoryModel(classes, base.astype(np.float32), rows, weights, float(arrays["scale"]))


def score_array(title: str, abstract: str, model: CategoryModel) -> np.ndarray:
    """Logit per class (order of `model.classes`) as a float32 array."""
    keys, values = category_vector(title, abstract)
    pairs = zip(map(model.rows.get, keys), values, strict=True)
    found = [(row, value) for row, value in pairs if row is not None]
    rows = [row for row, _ in found]
    if not rows:
        return model.base
    scores: np.ndarray = model.base + model.scale * (
        np.array([value for _, value in found], np.float32) @ model.weights[rows].astype(np.float32)
    )
    return scores


def category_scores(title: str, abstract: str, model: CategoryModel | None = None) -> list[float]:
    """Logit per class (order of `model.classes`)."""
    return [float(v) for v in score_array(title, abstract, model or load_model())]


def predict_categories(title: str, abstract: str, k: int = 3) -> list[str]:
    """Up to k arXiv category ids, most likely first; the runners-up only when nearly as likely."""
    model = load_model()
    scores = score_array(title, abstract, model)
    # Stable sort on -score: ties go to the alphabetically first class (classes are sorted).
    ranked = np.argsort(-scores, kind="stable")[: max(k, 1)].tolist()
    top = float(scores[ranked[0]])
    chosen = [model.classes[ranked[0]]]
    for index in ranked[1:k]:
        if top - float(scores[index]) <= SECONDARY_MARGIN:
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


def category_candidates(title: str, abstract: str, k: int = 5) -> list[tuple[str, float]]:
    """The k most likely categories with their softmax probabilities, most likely first."""
    model = load_model()
    scores = score_array(title, abstract, model)
    ranked = np.argsort(-scores, kind="stable")[:k].tolist()
    weights = np.exp(scores - scores.max())
    total = float(weights.sum())
    return [(model.classes[index], float(weights[index]) / total) for index in ranked]
