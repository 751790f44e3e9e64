"""arXiv category prediction: a pruned, quantised softmax-regression model shipped as gzip JSON."""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from papersum.offline.features import category_features

MODEL_FILE = "categories.json.gz"
# Flatten the training prior (9 ML classes have 10x the papers of the others) by this fraction.
PRIOR_CORRECTION = 0.3
# A secondary category is listed only when its score is this close (in logits) to the top one.
SECONDARY_MARGIN = 2.0

_CATEGORY_ID = re.compile(r"^[a-z\-]+(?:\.[A-Za-z\-]+)?$")


@dataclass(frozen=True)
class CategoryModel:
    classes: tuple[str, ...]
    base: tuple[float, ...]  # bias minus the prior correction
    scale: float
    weights: dict[str, tuple[tuple[int, int], ...]]


@lru_cache(maxsize=1)
def load_model() -> CategoryModel:
    """Load the shipped model once (works from a wheel via importlib.resources)."""
    path = resources.files("papersum.data.offline").joinpath(MODEL_FILE)
    with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as handle:
        data = json.load(handle)
    base = tuple(b - PRIOR_CORRECTION * p for b, p in zip(data["bias"], data["log_prior"], strict=True))
    weights = {
        key: tuple(zip(pairs[0::2], pairs[1::2], strict=True)) for key, pairs in data["weights"].items()
    }
    return CategoryModel(tuple(data["classes"]), base, float(data["scale"]), weights)


def category_scores(title: str, abstract: str, model: CategoryModel | None = None) -> list[float]:
    """Logit per class (order of `model.classes`)."""
    model = model or load_model()
    accumulated = [0.0] * len(model.classes)
    lookup = model.weights.get
    for key, value in category_features(title, abstract).items():
        pairs = lookup(key)
        if pairs:
            for index, weight in pairs:
                accumulated[index] += weight * value
    scale = model.scale
    return [b + scale * a for b, a in zip(model.base, accumulated, strict=True)]


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
