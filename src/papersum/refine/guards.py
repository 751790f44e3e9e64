"""Per-field guards: what of a model's answer to keep over the draft, each a check the text can back.

A model's value replaces the draft's only when it passes a check against the paper itself or the
engine's own calibrated estimates, never on the model's say-so; so whatever the model, the refined
answer is the draft wherever the model cannot show it did better:

- TL;DR: kept when it adds no word the title and abstract lack, says more than the title, and the
  engine's word model expects it to overlap a human TL;DR at least as much as the draft (the score
  the draft was chosen by).
- categories: the paper's own are kept; otherwise the model chooses among the draft's categories
  (the ones the classifier itself found nearly as likely as its best), nothing else.
- keywords, tasks, methods, datasets: every drafted phrase stays (the model's picks among them
  first); the model adds a phrase only while the list has room, only when the text contains it and
  the engine backs it: a keyword among the keyphrase ranker's candidate phrases (the draft
  shows eight). Tasks, methods and datasets get no additions: the draft already lists every phrase
  the engine's typer is confident of, so the model may only reorder them.
- contribution: the model's kind is kept when the text has a cue for it ("we release a dataset").
- why_it_matters (the draft has none): dropped when it shares almost nothing with the abstract.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from papersum.models import MAX_ENTITIES, MAX_KEYWORDS, Contribution, Paper, Summary, Tags
from papersum.offline.contribution import has_cue
from papersum.offline.overlap import is_ungrounded
from papersum.offline.text import STOPWORDS, fold_inflection
from papersum.offline.tldr import expected_rouge1
from papersum.refine.draft import Draft

_TOKEN = re.compile(r"[a-z0-9]+")
LIST_FIELDS = ("keywords", "tasks", "methods", "datasets")
# Where a field's value came from (Provenance.fields).
DRAFT, MODEL, MERGED, PAPER = "draft", "model", "model+draft", "paper"
# Every guard by name; `refine(..., off=...)` switches some off to measure what each one does.
GUARDS = (
    "tldr-words",
    "tldr-score",
    "categories",
    "lists-text",
    "lists-engine",
    "lists-fill",
    "contribution",
    "why",
)
LIST_ROOM = min(MAX_KEYWORDS, MAX_ENTITIES)  # a list keeps at most this many phrases
ENTITY_TYPES = {"tasks": "Task", "methods": "Method", "datasets": "Material"}  # SciERC's names


@dataclass(frozen=True)
class Refined:
    summary: Summary
    fields: dict[str, str]  # field -> draft | model | model+draft | paper
    rejected: dict[str, str] = field(default_factory=dict)  # field -> what of the model's was not kept


def _folded(text: str) -> list[str]:
    return [fold_inflection(token) for token in _TOKEN.findall(text.lower())]


@dataclass(frozen=True)
class Source:
    """The paper's text as the guards compare against it."""

    title: str
    abstract: str
    tokens: frozenset[str]  # folded tokens of title and abstract
    joined: str  # folded tokens of title and abstract, space-separated and padded

    @classmethod
    def of(cls, paper: Paper) -> Source:
        folded = _folded(f"{paper.title}\n{paper.abstract}")
        return cls(paper.title, paper.abstract, frozenset(folded), f" {' '.join(folded)} ")

    def contains(self, phrase: str) -> bool:
        """The phrase occurs in the title or abstract (case, punctuation and inflections aside)."""
        words = _folded(phrase)
        return bool(words) and f" {' '.join(words)} " in self.joined

    def only_title(self, text: str) -> bool:
        """Every content word of `text` is in the title: a TL;DR that repeats the title says nothing."""
        title = {fold_inflection(t) for t in _TOKEN.findall(self.title.lower())}
        words = {fold_inflection(t) for t in _TOKEN.findall(text.lower()) if t not in STOPWORDS}
        return bool(title) and words <= title

    def unsupported(self, text: str) -> list[str]:
        """Content words and numbers of `text` that the title and abstract do not contain."""
        missing: list[str] = []
        for token in _TOKEN.findall(text.lower()):
            if token not in STOPWORDS and fold_inflection(token) not in self.tokens and token not in missing:
                missing.append(token)
        return missing


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).lower() == " ".join(b.split()).lower()


def guard_tldr(
    source: Source, draft: str, model: str, off: frozenset[str] = frozenset()
) -> tuple[str, str, str | None]:
    if _same(model, draft):
        return draft, DRAFT, None
    missing = [] if "tldr-words" in off else source.unsupported(model)
    if missing:
        return draft, DRAFT, f"adds words the abstract does not have: {', '.join(missing[:5])}"
    if "tldr-words" not in off and source.only_title(model):
        return draft, DRAFT, "says no more than the title"
    if "tldr-score" in off:
        return model, MODEL, None
    model_score = expected_rouge1(source.title, source.abstract, model)
    draft_score = expected_rouge1(source.title, source.abstract, draft)
    if model_score < draft_score:
        return (
            draft,
            DRAFT,
            f"expected overlap with a human TL;DR {model_score:.3f} < the draft's {draft_score:.3f}",
        )
    return model, MODEL, None


def guard_categories(
    draft: Draft, model: list[str], off: frozenset[str] = frozenset()
) -> tuple[list[str], str, str | None]:
    drafted = list(draft.summary.tags.categories)
    if draft.own_categories:
        note = None if model[: len(drafted)] == drafted else "the paper's own categories are kept"
        return drafted, PAPER, note
    allowed = set(draft.shortlist if "categories" in off else drafted)
    picked = [category for category in model if category in allowed]
    outside = [category for category in model if category not in allowed]
    note = f"not among the draft's categories: {', '.join(outside[:5])}" if outside else None
    if not picked:
        return drafted, DRAFT, note
    ordered = [*picked, *(c for c in drafted if c not in picked)]
    return ordered, (DRAFT if ordered == drafted else MODEL), note


def guard_list(
    source: Source, drafted: list[str], model: list[str], off: frozenset[str] = frozenset()
) -> tuple[list[str], str, str | None]:
    """Every drafted phrase stays: the model's picks among them come first, then the rest of the
    draft, then the model's new (backed) phrases while the list has room."""
    grounded = [phrase for phrase in model if "lists-text" in off or source.contains(phrase)]
    dropped = [phrase for phrase in model if phrase not in grounded]
    note = f"not in the text: {', '.join(dropped[:5])}" if dropped else None
    if "lists-fill" in off:
        return grounded, MODEL, note
    listed = {phrase.lower(): phrase for phrase in drafted}
    picked = [listed[p.lower()] for p in grounded if p.lower() in listed]
    added = [p for p in grounded if p.lower() not in listed]
    merged = [*picked, *(p for p in drafted if p not in picked), *added][: max(LIST_ROOM, len(drafted))]
    if merged == drafted:
        return drafted, DRAFT, note
    return merged, (MERGED if drafted else MODEL), note


def _key(phrase: str) -> str:
    return " ".join(_folded(phrase))


def ranked_keyphrases(draft: Draft, model: list[str]) -> tuple[list[str], list[str]]:
    """(kept, dropped): the model's keywords that the draft lists or the keyphrase ranker has among
    its candidates (the model chooses among the engine's keyphrases, as among its categories)."""
    backed = {_key(p) for p in (*draft.summary.tags.keywords, *draft.keyword_candidates)}
    kept = [p for p in model if _key(p) in backed]
    return kept, [p for p in model if p not in kept]


def confident_only(drafted: list[str], model: list[str]) -> tuple[list[str], list[str]]:
    """(kept, dropped): the model's phrases for an entity field that the draft lists there. The draft
    already holds every phrase the engine is confident of (up to 8 per field, precision first: a
    field with nothing confident stays empty), so an addition is one the engine doubted; SmolLM2's
    were wrong more often than right (evals/RESULTS.md, issue 15)."""
    listed = {phrase.lower() for phrase in drafted}
    kept = [phrase for phrase in model if phrase.lower() in listed]
    return kept, [phrase for phrase in model if phrase not in kept]


def guard_contribution(
    source: Source, draft: Contribution, model: Contribution, off: frozenset[str] = frozenset()
) -> tuple[Contribution, str, str | None]:
    if model is draft:
        return draft, DRAFT, None
    if "contribution" in off or has_cue(model, source.title, source.abstract):
        return model, MODEL, None
    return draft, DRAFT, f"no cue in the text for {model.value!r}"


def guard_why(
    source: Source, model: str | None, off: frozenset[str] = frozenset()
) -> tuple[str | None, str, str | None]:
    if model is None:
        return None, MODEL, None
    if "why" not in off and is_ungrounded(model, f"{source.title}\n{source.abstract}"):
        return None, MODEL, "shares almost nothing with the abstract"
    return model, MODEL, None


def refine(paper: Paper, draft: Draft, answer: Summary, off: frozenset[str] = frozenset()) -> Refined:
    """The refined summary: the model's answer where its guard lets it through, else the draft's.
    Guards named in `off` (see GUARDS) let the model's value through unchecked (for measuring)."""
    source = Source.of(paper)
    fields: dict[str, str] = {}
    rejected: dict[str, str] = {}

    def keep(name: str, outcome: tuple[object, str, str | None]) -> None:
        fields[name] = outcome[1]
        if outcome[2]:
            rejected[name] = "; ".join(filter(None, [rejected.get(name), outcome[2]]))

    tldr = guard_tldr(source, draft.summary.tldr, answer.tldr, off)
    keep("tldr", tldr)
    categories = guard_categories(draft, list(answer.tags.categories), off)
    keep("categories", categories)
    lists: dict[str, list[str]] = {}
    answers = {name: list(getattr(answer.tags, name)) for name in LIST_FIELDS}
    if "lists-engine" not in off:
        ranked, dropped = ranked_keyphrases(draft, answers["keywords"])
        answers["keywords"] = ranked
        if dropped:
            rejected["keywords"] = f"not among the engine's keyphrase candidates: {', '.join(dropped[:5])}"
        for name, kind in ENTITY_TYPES.items():
            typed, wrong = confident_only(getattr(draft.summary.tags, name), answers[name])
            answers[name] = typed
            if wrong:
                rejected[name] = f"not among the engine's confident {kind} phrases: {', '.join(wrong[:5])}"
    for name in LIST_FIELDS:
        drafted = getattr(draft.summary.tags, name)
        outcome = guard_list(source, list(drafted), answers[name], off)
        keep(name, outcome)
        lists[name] = outcome[0]
    contribution = guard_contribution(source, draft.summary.tags.contribution, answer.tags.contribution, off)
    keep("contribution", contribution)
    why = guard_why(source, answer.why_it_matters, off)
    keep("why_it_matters", why)
    summary = Summary(
        tldr=tldr[0],
        tags=Tags(categories=categories[0], contribution=contribution[0], **lists),
        why_it_matters=why[0],
    )
    return Refined(summary, fields, rejected)
