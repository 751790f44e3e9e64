"""Human-readable names for arXiv category ids (data file shipped in the package)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

UNCATEGORISED = "uncategorised"


@cache
def category_names() -> dict[str, str]:
    text = resources.files("papersum").joinpath("data/arxiv_categories.json").read_text("utf-8")
    names: dict[str, str] = json.loads(text)["categories"]
    return names


def category_label(category: str) -> str:
    """`cs.CL` -> `Computation and Language (cs.CL)`; unknown ids are shown as they are."""
    if category == UNCATEGORISED:
        return "Uncategorised"
    name = category_names().get(category)
    return f"{name} ({category})" if name else category
