"""Features of a candidate entity phrase and the trained typer's data (the training-time path).

Three one-vs-rest logistic regressions (Task, Method, Material) read FEATURE_NAMES: lexicon
features (how SciERC annotators typed the same phrase, its head word, its first word, and the
tokens just before and after it: smoothed log shares of Task / Method / Material / Generic / Other),
how often the normalised phrase was a gold entity of each type, and shape/context features.
scripts/train_entities.py fits them; papersum.offline.entities.FastTyper computes the same scores
with every lexicon term precomputed.
"""

from __future__ import annotations

import gzip
import json
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from papersum.offline.entity_candidates import Candidate

MODEL_FILE = "entities.json.gz"
LABELS: tuple[str, ...] = ("Task", "Method", "Material")  # SciERC types behind tasks/methods/datasets
# Lexicon columns: what annotators did with a phrase (Generic: "approach"; Other: terms and metrics).
LEXICON_LABELS: tuple[str, ...] = ("none", "Task", "Method", "Material", "Generic", "Other")
# Lexicon groups and their smoothing (pseudo-counts spread by the label prior). Per-word shares and
# the token two before were tried too: cross-validation was no better without them.
SMOOTHING: dict[str, float] = {"phrase": 2.0, "head": 2.0, "first": 2.0, "prev": 5.0, "next": 5.0}
SEEN_GROUPS: tuple[str, ...] = ("phrase", "head", "first")
CONTEXT_GROUPS: tuple[str, ...] = ("prev", "next")

TASK_HEADS = frozenset(
    """recognition detection classification segmentation translation retrieval parsing generation
    prediction estimation tracking summarization summarisation answering reconstruction localization
    localisation understanding planning control forecasting labeling labelling tagging extraction
    alignment matching synthesis completion captioning clustering reasoning navigation""".split()
)
METHOD_HEADS = frozenset(
    """network networks model models algorithm algorithms method methods approach approaches framework
    frameworks architecture architectures technique techniques classifier classifiers encoder decoder
    transformer transformers regression optimizer scheme schemes mechanism estimator procedure
    heuristic grammar grammars parser tagger system systems module kernel embedding embeddings
    autoencoder gan gans cnn cnns rnn rnns lstm lstms mlp mlps""".split()
)
DATASET_HEADS = frozenset(
    "dataset datasets corpus corpora benchmark benchmarks database treebank collection".split()
)
GENERIC_MODIFIERS = frozenset(
    """new novel proposed existing different various several simple standard previous current
    traditional conventional general our other such many multiple certain given original same
    first second final two three modern recent robust efficient effective unified powerful deep
    large small large-scale high-dimensional real real-world synthetic simulated observational
    public available whole additional clean noisy sparse incomplete missing limited raw input output
    training test testing labeled labelled unlabeled unlabelled annotated state-of-the-art
    data-driven learned trained pretrained pre-trained internal external private own custom machine
    neural sota""".split()
)
SHAPE_FEATURES: tuple[str, ...] = (
    "one_word", "two_words", "three_plus_words", "five_plus_words", "acronym_token", "inner_capital",
    "digit", "hyphen", "initial_capital", "task_head", "method_head", "dataset_head",
    "generic_first", "log_tf", "head_ing", "head_plural", "position", "has_acronym",
    "sentence_data", "sentence_proposal", "first_sentence",
)  # fmt: skip
FEATURE_NAMES: tuple[str, ...] = (
    "bias",
    *(f"{group}_{label}" for group in SMOOTHING for label in LEXICON_LABELS[1:]),
    *(f"{group}_seen" for group in SEEN_GROUPS),
    *(f"gold_{label}" for label in LABELS),
    *SHAPE_FEATURES,
)

Lookup = Callable[[str, str], Sequence[int] | None]  # (group, key) -> counts per LEXICON_LABELS


def lexicon_keys(candidate: Candidate) -> dict[str, str]:
    """The key a candidate has in each lexicon group."""
    lowered = candidate.lowered
    return {
        "phrase": " ".join(lowered),
        "head": lowered[-1],
        "first": lowered[0],
        "prev": candidate.prev,
        "next": candidate.next,
    }


def shares(counts: Sequence[int] | None, prior: Sequence[float], smoothing: float) -> list[float]:
    """Smoothed label shares of one lexicon entry (the prior when unseen)."""
    total = sum(counts) if counts else 0
    return [((counts[i] if counts else 0) + smoothing * p) / (total + smoothing) for i, p in enumerate(prior)]


@lru_cache(maxsize=65536)
def word_shape(word: str) -> tuple[bool, bool, bool, bool]:
    """(acronym like "BERT", capital inside like "ResNet", has a digit, has a hyphen)."""
    return (
        len(word) > 1 and word.isupper(),
        any(c.isupper() for c in word[1:]) and not word[1:].islower(),
        any(c.isdigit() for c in word),
        "-" in word,
    )


def shape_features(candidate: Candidate, tf: int) -> list[float]:
    """Values of SHAPE_FEATURES; `tf`: how often the phrase occurs in the abstract."""
    words = candidate.words
    n = len(words)
    head = candidate.lowered[-1]
    shapes = [word_shape(word) for word in words]
    return [
        float(n == 1),
        float(n == 2),
        float(n >= 3),
        float(n >= 5),
        *(float(any(shape[i] for shape in shapes)) for i in range(4)),
        float(words[0][0].isupper()),
        float(head in TASK_HEADS),
        float(head in METHOD_HEADS),
        float(head in DATASET_HEADS),
        float(candidate.lowered[0] in GENERIC_MODIFIERS),
        math.log(max(tf, 1)),
        float(head.endswith("ing")),
        float(head.endswith("s")),
        candidate.position,
        float(candidate.has_acronym),
        float(candidate.sentence_has_data_word),
        float(candidate.sentence_has_proposal),
        float(candidate.in_first_sentence),
    ]


def phrase_counts(candidates: Sequence[Candidate]) -> Counter[tuple[str, ...]]:
    """How often each phrase (lower-cased words) occurs among an abstract's candidates."""
    return Counter(c.lowered for c in candidates)


def feature_row(candidate: Candidate, tf: int, lookup: Lookup, prior: Sequence[float]) -> list[float]:
    """The candidate's features in FEATURE_NAMES order."""
    keys = lexicon_keys(candidate)
    row = [1.0]
    for group, smoothing in SMOOTHING.items():
        row += [math.log(s) for s in shares(lookup(group, keys[group]), prior, smoothing)[1:]]
    for group in SEEN_GROUPS:
        counts = lookup(group, keys[group])
        row.append(math.log1p(sum(counts)) if counts else 0.0)
    gold = lookup("gold", candidate.key)
    row += [math.log1p(gold[i]) if gold else 0.0 for i in range(1, len(LABELS) + 1)]
    row += shape_features(candidate, tf)
    return row


@dataclass(frozen=True)
class EntityModel:
    weights: tuple[tuple[float, ...], ...]  # per label, per FEATURE_NAMES
    thresholds: tuple[float, ...]  # per label, probabilities
    prior: tuple[float, ...]  # per LEXICON_LABELS
    lexicons: dict[str, dict[str, list[int]]]  # group (and "gold") -> key -> counts per LEXICON_LABELS

    def lookup(self, group: str, key: str) -> Sequence[int] | None:
        return self.lexicons[group].get(key)


def model_from_dict(data: dict[str, Any]) -> EntityModel:
    return EntityModel(
        weights=tuple(tuple(float(w.get(name, 0.0)) for name in FEATURE_NAMES) for w in data["weights"]),
        thresholds=tuple(float(t) for t in data["thresholds"]),
        prior=tuple(float(p) for p in data["prior"]),
        lexicons=data["lexicons"],
    )


@lru_cache(maxsize=1)
def load_model() -> EntityModel | None:
    """The trained typer (scripts/train_entities.py), or None if the data file is absent."""
    try:
        path = resources.files("papersum.data.offline").joinpath(MODEL_FILE)
        with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as handle:
            return model_from_dict(json.load(handle))
    except FileNotFoundError:
        return None


def logits(row: Sequence[float], model: EntityModel) -> list[float]:
    """Per-label logits of one feature row."""
    return [sum(w * x for w, x in zip(weights, row, strict=True)) for weights in model.weights]
