"""How much of a TL;DR is grounded in its abstract: lets LLM providers flag an unfaithful TL;DR."""

from __future__ import annotations

from papersum.offline.text import STOPWORDS, words

# Below this share of supported content words a TL;DR "shares almost nothing" with its abstract.
UNGROUNDED_BELOW = 0.25


def _stem(word: str) -> str:
    # Crude suffix folding so "networks"/"network" and "trained"/"training" count as the same word.
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def abstract_support(tldr: str, abstract: str) -> float:
    """Share of the TL;DR's content words (folded) that occur in the abstract; 1.0 for an empty TL;DR."""
    tldr_words = {_stem(w) for w in words(tldr) if w not in STOPWORDS}
    if not tldr_words:
        return 1.0
    abstract_words = {_stem(w) for w in words(abstract) if w not in STOPWORDS}
    return len(tldr_words & abstract_words) / len(tldr_words)


def is_ungrounded(tldr: str, abstract: str) -> bool:
    """True when the TL;DR shares almost nothing with the abstract (likely hallucinated)."""
    return abstract_support(tldr, abstract) < UNGROUNDED_BELOW
