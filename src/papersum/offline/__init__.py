"""Offline engine (baseline): extractive TL;DR and simple tags, deterministic, no model download."""

from __future__ import annotations

import re
from collections import Counter

from papersum.models import Contribution, Summary, Tags

OFFLINE_ENGINE_VERSION = "offline-0"

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")
_LEAD_IN = re.compile(r"^(?:in this (?:paper|work|study|article)|here|in this letter)\s*,?\s*", re.I)
_CUES = ("we propose", "we introduce", "we present", "we develop", "this paper", "we show")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9\-]+")
_STOP = frozenset(
    (
        "a an the of and or for to in on with by from as at is are was were be been this that these those "
        "we our their its it which such can also using based via into than then there new paper approach "
        "method results show propose proposed present study work model models "
    ).split()
)


def _sentences(abstract: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(abstract) if s.strip()]


def extract_tldr(title: str, abstract: str) -> str:
    sentences = _sentences(abstract) or [abstract]
    best = next((s for s in sentences if any(c in s.lower() for c in _CUES)), sentences[0])
    best = _LEAD_IN.sub("", best)
    return (best[:1].upper() + best[1:])[:400].strip() or abstract[:400]


def extract_keywords(title: str, abstract: str, k: int = 8) -> list[str]:
    words = [w.lower() for w in _WORD.findall(f"{title} {title} {abstract}") if w.lower() not in _STOP]
    return [w for w, _ in Counter(words).most_common(k)]


def summarize_offline(title: str, abstract: str, known_categories: list[str] | None = None) -> Summary:
    tags = Tags(
        categories=(known_categories or [])[:5],
        keywords=extract_keywords(title, abstract),
        contribution=Contribution.method,
    )
    return Summary(tldr=extract_tldr(title, abstract), tags=tags)
