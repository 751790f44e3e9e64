"""Tasks, methods and datasets named in an abstract, precision first.

Every candidate phrase (papersum.offline.entity_candidates) gets a score per field from the trained
typer (papersum.offline.entity_features: how SciERC annotators typed similar phrases in similar
contexts). A phrase is shown only in its most likely field and only above that field's threshold;
the thresholds were chosen by cross-validation on SciERC train so that 100-abstract samples reach
60% precision with 15% recall as often as possible (scripts/train_entities.py). A field with no
confident phrase stays empty; never the title, a phrase made only of generic words ("data",
"training dataset", "modern techniques"), a clause, or a method-like name as a dataset.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import lru_cache

from papersum.evals.metrics import normalise_entity
from papersum.offline.dataset_names import METHOD_NAMES, load_dataset_names, named_datasets
from papersum.offline.entity_candidates import Candidate, entity_candidates
from papersum.offline.entity_features import (
    CONTEXT_GROUPS,
    DATASET_HEADS,
    FEATURE_NAMES,
    GENERIC_MODIFIERS,
    LABELS,
    LEXICON_LABELS,
    METHOD_HEADS,
    SEEN_GROUPS,
    SHAPE_FEATURES,
    SMOOTHING,
    TASK_HEADS,
    EntityModel,
    load_model,
    phrase_counts,
    shares,
    word_shape,
)
from papersum.offline.entity_filters import GENERIC_WORDS, display_words, trusted
from papersum.offline.entity_terms import gold_terms, lexicon_terms
from papersum.offline.text import EDGE_WORDS

MAX_ITEMS = 8
MAX_CHARS = 80
STATIC_CACHE_SIZE = 20_000  # phrases whose static terms are kept (the common ones recur)
_GENERIC = GENERIC_WORDS | GENERIC_MODIFIERS
# A name right after one of these is the method the paper proposes ("We propose ResNeXt, a ...",
# "a model called BERT"): 11 of 13 such names in SciERC train are gold methods.
METHOD_CUES = frozenset(
    "propose present introduce develop describe called named dubbed termed coined".split()
)
_METHOD = LABELS.index("Method")
_MATERIAL = LABELS.index("Material")


def _dedupe_key(words: Sequence[str]) -> str:
    """One entity for display: normalised words, plural "s" folded ("neural networks" = "neural network")."""
    parts = normalise_entity(" ".join(words)).split()
    return " ".join(w[:-1] if len(w) > 3 and w.endswith("s") else w for w in parts)


def choose(
    candidates: Sequence[Candidate],
    scores: Sequence[Sequence[float]],
    thresholds: Sequence[float],
    title: str = "",
    title_keys: set[str] | None = None,
    named: Sequence[Candidate] = (),
) -> tuple[list[str], list[str], list[str]]:
    """(tasks, methods, datasets): the `named` datasets (papersum.offline.dataset_names) first, then
    each confident candidate in its most likely field, most likely first, no duplicates (plurals,
    and "X (ACRONYM)" with "ACRONYM", are one), at most MAX_ITEMS; nothing shown_anywhere / shown_as
    rule out. `scores` and `thresholds` are both probabilities or both logits (same decisions).
    `title_keys`: title_keys_of(title), if already computed."""
    title_keys = title_keys_of(title) if title_keys is None else title_keys
    confident: list[tuple[float, int, Candidate]] = [
        (math.inf, _MATERIAL, candidate) for candidate in named if shown_anywhere(candidate, title_keys)
    ]
    for candidate, score in zip(candidates, scores, strict=True):
        if is_proposed_name(candidate):
            label, value = _METHOD, max(score[_METHOD], thresholds[_METHOD])
        else:
            label = max(range(len(LABELS)), key=score.__getitem__)
            value = score[label]
        if (
            value >= thresholds[label]
            and shown_anywhere(candidate, title_keys)
            and shown_as(candidate, label)
        ):
            confident.append((value, label, candidate))
    fields: tuple[list[str], list[str], list[str]] = ([], [], [])
    seen: set[str] = set()
    for _, label, candidate in sorted(confident, key=lambda item: -item[0]):
        words = display_words(candidate)
        keys = {_dedupe_key(words)}
        if candidate.acronym:
            keys.add(_dedupe_key([candidate.acronym]))
        if keys & seen or len(fields[label]) >= MAX_ITEMS:
            continue
        seen |= keys
        text = " ".join(words)
        fields[label].append(f"{text} ({candidate.acronym})" if candidate.acronym else text)
    return fields


def is_proposed_name(candidate: Candidate) -> bool:
    """A capitalised name right after "we propose" / "called" and the like: a method."""
    return candidate.words != candidate.lowered and candidate.prev in METHOD_CUES


def title_keys_of(title: str) -> set[str]:
    """The title and its colon-separated parts of 4+ words, normalised: never shown as an entity."""
    parts = [part for part in title.split(":") if len(part.split()) >= 4]
    return {normalise_entity(title), *map(normalise_entity, parts)}


def shown_anywhere(candidate: Candidate, title_keys: set[str]) -> bool:
    """Not too long, not only generic words, no verb inside (a clause, not a name), not the title."""
    lowered = candidate.lowered
    if _GENERIC.issuperset(lowered) or (len(lowered) > 2 and not EDGE_WORDS.isdisjoint(lowered[1:-1])):
        return False
    return len(candidate.text) <= MAX_CHARS and candidate.key not in title_keys


def shown_as(candidate: Candidate, label: int) -> bool:
    """What papersum.offline.entity_filters.trusted lets a reader see in that field; a dataset is
    also never a method-like name or an -ing phrase."""
    if label == _MATERIAL:
        lowered = candidate.lowered
        if lowered[-1] in METHOD_HEADS or " ".join(lowered) in METHOD_NAMES or lowered[0].endswith("ing"):
            return False
    return trusted(candidate, LABELS[label])


Triple = tuple[float, float, float]


def _add(parts: Sequence[Sequence[float]]) -> Triple:
    return (sum(p[0] for p in parts), sum(p[1] for p in parts), sum(p[2] for p in parts))


def _weight(index: int) -> Callable[[tuple[float, ...]], float]:
    return lambda weights: weights[index]


class FastTyper:
    """entity_features.logits(feature_row(...)) with the lexicon and shape terms precomputed per
    key and cached per phrase (same values up to float rounding: tests/test_offline_fastpaths.py)."""

    def __init__(self, model: EntityModel) -> None:
        self.model = model
        self.weights = model.weights
        self.thresholds = tuple(math.log(t / (1 - t)) for t in model.thresholds)  # as logits
        self.lexicon_terms = {group: self._lexicon_terms(group) for group in SMOOTHING}
        self.lexicon_defaults = {group: self._lexicon_term(group, None) for group in SMOOTHING}
        self.gold_terms = gold_terms(
            model.lexicons["gold"], self.weights, FEATURE_NAMES.index("gold_Task"), len(LABELS)
        )
        self.shape = {name: self._sum(_weight(FEATURE_NAMES.index(name))) for name in SHAPE_FEATURES}
        self.bias = self._sum(lambda w: w[0])
        # Upper bound of what the context terms can add per label: a candidate whose bound stays
        # under every threshold is never shown, so its context is never looked at.
        # (The float start keeps mypyc's compiled sum a float: from 0 it unboxes the total as an int.)
        self.context_bound = tuple(
            sum(max(*(v[i] for v in self.lexicon_terms[g].values()), self.lexicon_defaults[g][i])
                for g in CONTEXT_GROUPS)
            + sum((max(0.0, self.shape[name][i]) for name in
                  ("position", "sentence_data", "sentence_proposal", "first_sentence")), 0.0)
            for i in range(3)
        )  # fmt: skip
        # Shape terms fixed by the number of words (1..5+) and by the words' shape bits.
        length_names = {1: ["one_word"], 2: ["two_words"], 3: ["three_plus_words"], 4: ["three_plus_words"],
                        5: ["three_plus_words", "five_plus_words"]}  # fmt: skip
        self.by_length = {n: _add([self.shape[name] for name in names]) for n, names in length_names.items()}
        bit_names = ("acronym_token", "inner_capital", "digit", "hyphen")
        self.by_mask = [
            _add([self.shape[name] for i, name in enumerate(bit_names) if mask >> i & 1])
            for mask in range(16)
        ]
        self._static: dict[tuple[tuple[str, ...], str], Triple] = {}
        self._words: dict[str, int] = {}
        self._heads: dict[str, Triple] = {}
        self._firsts: dict[str, Triple] = {}

    def _sum(self, term: Callable[[tuple[float, ...]], float]) -> Triple:
        """One term's value under each label's weights."""
        a, b, c = (term(weights) for weights in self.weights)
        return a, b, c

    def _lexicon_term(self, group: str, counts: Sequence[int] | None) -> Triple:
        n_lexicon = len(LEXICON_LABELS) - 1
        offset = FEATURE_NAMES.index(f"{group}_{LEXICON_LABELS[1]}")
        logs = [math.log(s) for s in shares(counts, self.model.prior, SMOOTHING[group])[1:]]
        seen = FEATURE_NAMES.index(f"{group}_seen") if group in SEEN_GROUPS else None
        seen_value = math.log1p(sum(counts)) if counts else 0.0
        return self._sum(
            lambda w: (
                sum(w[offset + i] * logs[i] for i in range(n_lexicon))
                + (w[seen] * seen_value if seen is not None else 0.0)
            )
        )

    def _lexicon_terms(self, group: str) -> dict[str, Triple]:
        """_lexicon_term of every key of the group, the same floats, computed column-wise."""
        offset = FEATURE_NAMES.index(f"{group}_{LEXICON_LABELS[1]}")
        seen = FEATURE_NAMES.index(f"{group}_seen") if group in SEEN_GROUPS else None
        lexicon = self.model.lexicons[group]
        return lexicon_terms(lexicon, self.weights, self.model.prior, SMOOTHING[group], offset, seen)

    def _word_mask(self, word: str) -> int:
        """The word's shape as a bit mask (bit i: word_shape(word)[i]), cached."""
        mask = self._words[word] = sum(1 << i for i, flag in enumerate(word_shape(word)) if flag)
        return mask

    def _head_term(self, head: str) -> Triple:
        """The head word's lexicon term plus the shape features it decides, cached."""
        flags = ((head in TASK_HEADS, "task_head"), (head in METHOD_HEADS, "method_head"),
                 (head in DATASET_HEADS, "dataset_head"), (head.endswith("ing"), "head_ing"),
                 (head.endswith("s"), "head_plural"))  # fmt: skip
        parts = [self.lexicon_terms["head"].get(head) or self.lexicon_defaults["head"]]
        parts += [self.shape[name] for flag, name in flags if flag]
        cached = self._heads[head] = _add(parts)
        return cached

    def _first_term(self, first: str) -> Triple:
        """The first word's lexicon term plus the shape features it decides (case matters), cached."""
        lower = first.lower()
        parts = [self.lexicon_terms["first"].get(lower) or self.lexicon_defaults["first"]]
        if lower in GENERIC_MODIFIERS:
            parts.append(self.shape["generic_first"])
        if first[0].isupper():
            parts.append(self.shape["initial_capital"])
        cached = self._firsts[first] = _add(parts)
        return cached

    def static_logits(self, candidate: Candidate) -> Triple:
        """Bias plus every term fixed by the phrase itself (cached: phrases recur across papers).
        Written out term by term: this runs for every new phrase."""
        cache_key = (candidate.words, candidate.acronym)
        cached = self._static.get(cache_key)
        if cached is not None:
            return cached
        if len(self._static) > STATIC_CACHE_SIZE:
            # The word caches recur far more than whole phrases: kept until they are as large.
            for cache in (self._static, self._words, self._heads, self._firsts):
                if len(cache) > STATIC_CACHE_SIZE:
                    cache.clear()
        words, lowered = candidate.words, candidate.lowered
        n = len(words)
        mask = 0
        masks = self._words
        for word in words:
            bits = masks.get(word)
            mask |= self._word_mask(word) if bits is None else bits
        s0, s1, s2 = self.bias
        head = lowered[-1]
        for term in (
            self.lexicon_terms["phrase"].get(" ".join(lowered)) or self.lexicon_defaults["phrase"],
            self._heads.get(head) or self._head_term(head),
            self._firsts.get(words[0]) or self._first_term(words[0]),
            self.by_length[n if n < 5 else 5],
            self.by_mask[mask],
        ):
            s0, s1, s2 = s0 + term[0], s1 + term[1], s2 + term[2]
        if candidate.acronym:
            term = self.shape["has_acronym"]
            s0, s1, s2 = s0 + term[0], s1 + term[1], s2 + term[2]
        gold = self.gold_terms.get(candidate.key)
        if gold is not None:
            s0, s1, s2 = s0 + gold[0], s1 + gold[1], s2 + gold[2]
        self._static[cache_key] = (s0, s1, s2)
        return s0, s1, s2

    def logits(self, candidate: Candidate, tf: int, always: bool = False) -> Triple | None:
        """Per-label logits, or (unless `always`) None when no label can reach its threshold
        whatever the context."""
        s0, s1, s2 = self.static_logits(candidate)
        if tf > 1:
            log_tf, w = math.log(tf), self.shape["log_tf"]
            s0, s1, s2 = s0 + w[0] * log_tf, s1 + w[1] * log_tf, s2 + w[2] * log_tf
        b0, b1, b2 = self.context_bound
        t0, t1, t2 = self.thresholds
        if s0 + b0 < t0 and s1 + b1 < t1 and s2 + b2 < t2 and not always:
            return None
        terms, defaults, shape = self.lexicon_terms, self.lexicon_defaults, self.shape
        added = [
            terms["prev"].get(candidate.prev) or defaults["prev"],
            terms["next"].get(candidate.next) or defaults["next"],
        ]
        sentence, has_data, has_proposal = candidate.abstract.sentence_cues(candidate.start)
        for flag, name in (
            (has_data, "sentence_data"),
            (has_proposal, "sentence_proposal"),
            (sentence == 0, "first_sentence"),
        ):
            if flag:
                added.append(shape[name])
        position, w = candidate.position, shape["position"]
        added.append((w[0] * position, w[1] * position, w[2] * position))
        for a, b, c in added:
            s0, s1, s2 = s0 + a, s1 + b, s2 + c
        return s0, s1, s2


@lru_cache(maxsize=1)
def load_fast_typer() -> FastTyper | None:
    model = load_model()
    return FastTyper(model) if model is not None else None


def phrase_type(phrase: str) -> str | None:
    """The field ("Task", "Method" or "Material") the typer finds likeliest for `phrase` on its own
    (no context, no confidence bar), or None for what no field shows (generic words, clauses, a
    method name as a dataset, more than one phrase): for checking another source's tags (an LLM's)."""
    typer = load_fast_typer()
    candidates = entity_candidates(phrase)
    if typer is None or len(candidates) != 1 or not shown_anywhere(candidates[0], set()):
        return None
    candidate = candidates[0]
    if load_dataset_names().find(candidate) is candidate:
        return "Material"
    logits = typer.logits(candidate, 1, always=True)
    assert logits is not None
    label = _METHOD if is_proposed_name(candidate) else max(range(len(LABELS)), key=logits.__getitem__)
    return LABELS[label] if shown_as(candidate, label) else None


def extract_entities(title: str, abstract: str) -> tuple[list[str], list[str], list[str]]:
    """(tasks, methods, datasets) named in the abstract, each at most MAX_ITEMS, most confident first."""
    typer = load_fast_typer()
    if typer is None:
        return [], [], []
    candidates = entity_candidates(abstract)
    tf = phrase_counts(candidates)
    title_keys = title_keys_of(title)
    named = named_datasets(candidates)
    # Only candidates that can be shown go on to choose (it would drop the others anyway).
    kept: list[Candidate] = []
    scores: list[Triple] = []
    generic = _GENERIC.issuperset
    for candidate in candidates:
        if generic(candidate.lowered):  # cheap first: shown_anywhere rules these out
            continue
        logits = typer.logits(candidate, tf[candidate.lowered], always=is_proposed_name(candidate))
        if logits is not None and shown_anywhere(candidate, title_keys):
            kept.append(candidate)
            scores.append(logits)
    return choose(kept, scores, typer.thresholds, title, title_keys, named)
