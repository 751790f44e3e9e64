"""Draft and refine: the offline engine's answer is the LLM's draft, and per-field guards decide
which of the model's fields replace the draft's (see guards.py for each rule).

    draft = make_draft(paper)                     # ~1 ms, deterministic
    variables = draft_variables(draft)            # what a draft-and-refine prompt shows the model
    refined = refine(paper, draft, model_answer)  # summary + where each field came from
"""

from __future__ import annotations

from papersum.refine.draft import DRAFT_VARIABLES, Draft, draft_variables, make_draft
from papersum.refine.guards import GUARDS, Refined, refine

__all__ = ["DRAFT_VARIABLES", "GUARDS", "Draft", "Refined", "draft_variables", "make_draft", "refine"]
