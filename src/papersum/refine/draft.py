"""The draft an LLM refines: the offline engine's answer plus its category shortlist with scores.

It costs about a millisecond and is deterministic, so it is recomputed wherever it is needed (the
request, the guards after a cache hit) instead of being stored; the engine version is part of the
provider identity, so a new engine means new requests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from papersum.models import MAX_CATEGORIES, Paper, Summary
from papersum.offline import summarize_offline
from papersum.offline.categories import category_candidates, clean_known_categories
from papersum.offline.keywords import rank_keyphrases

# Template variables a draft fills (a template that uses any of them is a draft-and-refine prompt).
DRAFT_VARIABLES = ("draft", "category_candidates")
SHORTLIST_SIZE = 5


@dataclass(frozen=True)
class Draft:
    summary: Summary
    candidates: tuple[tuple[str, float], ...]  # predicted categories with probabilities, best first
    own_categories: tuple[str, ...]  # the paper's own categories (kept as they are)
    keyword_candidates: tuple[str, ...] = ()  # every keyphrase candidate, best first

    @property
    def shortlist(self) -> tuple[str, ...]:
        """The categories an answer may use: the paper's own, then the predicted candidates."""
        ids = [*self.own_categories, *(category for category, _ in self.candidates)]
        return tuple(dict.fromkeys(ids))


@lru_cache(maxsize=512)
def _draft(title: str, abstract: str, categories: tuple[str, ...]) -> Draft:
    own = tuple(clean_known_categories(list(categories), MAX_CATEGORIES))
    return Draft(
        summary=summarize_offline(title, abstract, list(own) or None),
        candidates=tuple(category_candidates(title, abstract, SHORTLIST_SIZE)),
        own_categories=own,
        keyword_candidates=tuple(rank_keyphrases(title, abstract)),
    )


def make_draft(paper: Paper) -> Draft:
    return _draft(paper.title, paper.abstract, tuple(paper.categories))


def draft_variables(draft: Draft) -> dict[str, str]:
    """What a draft-and-refine template shows the model: the draft in the answer's own format, and
    the category candidates with the engine's probabilities."""
    candidates = ", ".join(f"{category} ({probability:.2f})" for category, probability in draft.candidates)
    if draft.own_categories:
        candidates = f"{', '.join(draft.own_categories)} (given by the authors); predicted: {candidates}"
    return {
        "draft": json.dumps(draft.summary.model_dump(mode="json"), ensure_ascii=False),
        "category_candidates": candidates,
    }
