"""The offline engine: deterministic TL;DR and tags from an abstract, no model download.

    from papersum.offline import summarize_offline, OFFLINE_ENGINE_VERSION
    summary = summarize_offline(title, abstract, known_categories=paper.categories or None)

Each part is a pure function in its own module (tldr, keywords, categories, entities,
contribution); the learned parts read small data files from papersum/data/offline/. The parts
are imported on first use, so naming the engine's version (cache keys) loads none of them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Bump whenever any output can change: it is part of the cache key.
OFFLINE_ENGINE_VERSION = "offline-5"

if TYPE_CHECKING:
    from papersum.offline.categories import predict_categories
    from papersum.offline.contribution import classify_contribution
    from papersum.offline.engine import summarize_offline
    from papersum.offline.entities import extract_entities
    from papersum.offline.keywords import extract_keywords
    from papersum.offline.overlap import abstract_support, is_ungrounded
    from papersum.offline.tldr import extract_tldr

_EXPORTS = {
    "abstract_support": "overlap",
    "classify_contribution": "contribution",
    "extract_entities": "entities",
    "extract_keywords": "keywords",
    "extract_tldr": "tldr",
    "is_ungrounded": "overlap",
    "predict_categories": "categories",
    "summarize_offline": "engine",
}

__all__ = [
    "OFFLINE_ENGINE_VERSION",
    "abstract_support",
    "classify_contribution",
    "extract_entities",
    "extract_keywords",
    "extract_tldr",
    "is_ungrounded",
    "predict_categories",
    "summarize_offline",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"papersum.offline.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'papersum.offline' has no attribute {name!r}")
