"""Tasks, methods and datasets named in an abstract.

Named things come from cue patterns ("on ImageNet", "we propose X, a ..."); the rest are phrase
chunks typed by their head word, with head/phrase label counts from the SciERC training split
(scripts/train_entities.py).
"""

from __future__ import annotations

import gzip
import json
import re
from functools import lru_cache
from importlib import resources

from papersum.offline.keywords import chunks
from papersum.offline.text import EDGE_WORDS

MAX_ITEMS = 8
MAX_CHARS = 80
MODEL_FILE = "entities.json.gz"
LABELS: tuple[str, ...] = ("Task", "Method", "Material")  # SciERC types behind tasks/methods/datasets
SMOOTHING = 1.0  # pseudo-count of "not an entity" added to every head/phrase
MIN_LABEL_SHARE = 0.3
MAX_CHUNK_WORDS = 6

TASK_HEADS: frozenset[str] = frozenset(
    [
        "recognition",
        "detection",
        "classification",
        "segmentation",
        "translation",
        "retrieval",
        "parsing",
        "generation",
        "prediction",
        "estimation",
        "tracking",
        "summarization",
        "summarisation",
        "answering",
        "reconstruction",
        "localization",
        "localisation",
        "understanding",
        "planning",
        "control",
        "forecasting",
        "labeling",
        "labelling",
        "tagging",
        "extraction",
        "alignment",
        "matching",
        "synthesis",
        "completion",
        "captioning",
        "clustering",
        "reasoning",
        "navigation",
        "grasping",
        "identification",
        "verification",
        "diagnosis",
        "search",
        "ranking",
        "recommendation",
        "annotation",
        "disambiguation",
        "resolution",
        "inpainting",
        "denoising",
        "registration",
        "transcription",
        "compression",
        "interpretation",
        "correction",
        "analysis",
        "mining",
        "modeling",
        "modelling",
        "learning",
    ]
)
METHOD_HEADS: frozenset[str] = frozenset(
    [
        "network",
        "networks",
        "model",
        "models",
        "algorithm",
        "algorithms",
        "method",
        "methods",
        "approach",
        "approaches",
        "framework",
        "frameworks",
        "architecture",
        "architectures",
        "technique",
        "techniques",
        "classifier",
        "classifiers",
        "encoder",
        "decoder",
        "transformer",
        "transformers",
        "regression",
        "optimizer",
        "optimization",
        "scheme",
        "schemes",
        "mechanism",
        "estimator",
        "procedure",
        "heuristic",
        "heuristics",
        "grammar",
        "grammars",
        "parser",
        "tagger",
        "system",
        "systems",
        "module",
        "kernel",
        "embedding",
        "embeddings",
        "autoencoder",
        "gan",
        "gans",
        "cnn",
        "cnns",
        "rnn",
        "rnns",
        "lstm",
        "lstms",
    ]
)
DATASET_HEADS: frozenset[str] = frozenset(
    [
        "dataset",
        "datasets",
        "corpus",
        "corpora",
        "benchmark",
        "benchmarks",
        "database",
        "treebank",
        "collection",
    ]
)
# Generic words that are not a useful entity on their own ("the model", "our approach").
_GENERIC_ALONE = METHOD_HEADS | TASK_HEADS | DATASET_HEADS | frozenset(["data", "task", "tasks", "problem"])

_NAME = r"[A-Z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*(?:\s[A-Z0-9][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*){0,3}"
_DATASET_ON = re.compile(
    rf"\b(?:on|from|and)\s+(?:the\s+)?(?:(?:challenging|popular|standard|public|large-scale|"
    rf"benchmark|widely used|real-world)\s+)*({_NAME})(?:\s+(?:and|,)\s+({_NAME}))?"
    rf"(?:\s+(?:datasets?|benchmarks?|corpus|corpora|challenge|tasks?)\b)?"
)
_DATASET_NOUN = re.compile(rf"\b({_NAME})\s+(?:datasets?|corpus|corpora|benchmarks?|treebank)\b")
_METHOD_NAMED = re.compile(
    rf"\b(?:[Ww]e (?:propose|present|introduce|develop|design|describe)|called|named|dubbed|termed|coined)"
    rf"\s+(?:a |an |the )?(?:novel |new |simple )?(?:\w+ ){{0,4}}?({_NAME})"
    r"(?=\s*[,(:]|\s+(?:which|that|to|for|as|,))"
)
# A capitalised name ending in one of these is a method or task, not a dataset ("on Deep Learning").
_NOT_DATASET_HEADS = METHOD_HEADS | TASK_HEADS | frozenset(["learning", "networks", "network"])
_METHOD_TRIGGERS = ("e propose", "e present", "e introduce", "e develop", "e design", "e describe", "called",
                    "named", "dubbed", "termed", "coined")  # fmt: skip
_METHOD_APPOSITION = re.compile(rf"\b({_NAME}),\s+(?:a|an)\s+(?:novel|new|simple|general|\w+)")
_TASK_CUE = re.compile(
    r"\b(?:the (?:task|problem) of|for the task of|tasks? such as|applications? (?:such as|to|in))\s+"
    r"([a-z][a-z\- ]{2,60}?)(?=[,.;:()]|\s(?:and|which|that|where|with|in|on|by|from|using)\b)"
)
_NOT_NAMES = frozenset(
    [
        "We",
        "Our",
        "This",
        "These",
        "The",
        "In",
        "It",
        "However",
        "Moreover",
        "Furthermore",
        "Finally",
        "Experiments",
        "Experimental",
        "Results",
        "Extensive",
        "Recent",
        "Existing",
        "Such",
        "Unlike",
        "Although",
        "While",
        "When",
        "First",
        "Second",
        "Third",
        "Specifically",
        "Here",
        "To",
        "For",
        "On",
        "A",
        "An",
        "As",
        "By",
        "With",
        "Using",
        "Based",
    ]
)


def _clean(phrase: str) -> str:
    return " ".join(phrase.split()).strip(" ,.;:-")


def _add(target: list[str], phrase: str) -> None:
    phrase = _clean(phrase)
    if not phrase or len(phrase) > MAX_CHARS or phrase.split()[0] in _NOT_NAMES:
        return
    if phrase.lower() in _GENERIC_ALONE or len(phrase) < 2:
        return
    if phrase.lower() not in {p.lower() for p in target}:
        target.append(phrase)


def phrase_chunks(text: str) -> list[str]:
    """Maximal runs of words between punctuation/stopwords, trimmed of verbs and filler at both ends."""
    phrases: list[str] = []
    for originals, lowers in chunks(text):
        start, end = 0, len(lowers)
        while start < end and lowers[start] in EDGE_WORDS:
            start += 1
        while end > start and lowers[end - 1] in EDGE_WORDS:
            end -= 1
        if start < end:
            phrases.append(" ".join(originals[start:end]))
    return phrases


@lru_cache(maxsize=1)
def load_typer() -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """(head word -> label counts, phrase -> label counts), label order ("none", *LABELS)."""
    try:
        path = resources.files("papersum.data.offline").joinpath(MODEL_FILE)
        with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        return {}, {}
    return data["heads"], data["phrases"]


def _fallback_label(head: str) -> str | None:
    if head in TASK_HEADS:
        return "Task"
    if head in METHOD_HEADS:
        return "Method"
    if head in DATASET_HEADS:
        return "Material"
    return None


def _label_from_counts(counts: list[int]) -> str | None:
    total = sum(counts) + SMOOTHING
    best = max(range(1, len(counts)), key=lambda i: counts[i])
    return LABELS[best - 1] if counts[best] / total >= MIN_LABEL_SHARE else None


def type_phrase(phrase: str, heads: dict[str, list[int]], phrases: dict[str, list[int]]) -> str | None:
    """Task, Method, Material or None for one chunk, from what annotators did with it or its head."""
    key = phrase.lower()
    counts = phrases.get(key) or heads.get(key.rsplit(" ", 1)[-1])
    if counts is None:
        return _fallback_label(key.rsplit(" ", 1)[-1]) if " " in key else None
    return _label_from_counts(counts)


_UNKNOWN = "?"  # not in a table (None means "known, but no type")


@lru_cache(maxsize=1)
def load_labels() -> tuple[dict[str, str | None], dict[str, str | None]]:
    """type_phrase's decisions precomputed per table entry: (head -> label, phrase -> label)."""
    heads, phrases = load_typer()
    return (
        {key: _label_from_counts(counts) for key, counts in heads.items() if counts},
        {key: _label_from_counts(counts) for key, counts in phrases.items() if counts},
    )


def _fast_type_phrase(
    phrase: str, head_labels: dict[str, str | None], phrase_labels: dict[str, str | None]
) -> str | None:
    """Same result as type_phrase, from the precomputed tables (dict lookups only)."""
    key = phrase.lower()
    label = phrase_labels.get(key, _UNKNOWN)
    if label != _UNKNOWN:
        return label
    head = key.rsplit(" ", 1)[-1]
    label = head_labels.get(head, _UNKNOWN)
    if label != _UNKNOWN:
        return label
    return _fallback_label(head) if " " in key else None


def extract_entities(title: str, abstract: str) -> tuple[list[str], list[str], list[str]]:
    """(tasks, methods, datasets), each at most 8 phrases: named ones first, then typed chunks."""
    text = f"{title}. {abstract}" if title else abstract
    tasks: list[str] = []
    methods: list[str] = []
    datasets: list[str] = []
    # Each regex runs only when a substring every match must contain is present (cheap `in` tests).
    if any(word in text for word in ("dataset", "corpus", "corpora", "benchmark", "treebank")):
        for match in _DATASET_NOUN.finditer(text):
            _add(datasets, match.group(1))
    for match in _DATASET_ON.finditer(text):
        for group in match.groups():
            if (
                group
                and (any(c.isdigit() for c in group) or sum(c.isupper() for c in group) >= 2)
                and group.rsplit(" ", 1)[-1].lower() not in _NOT_DATASET_HEADS
            ):
                _add(datasets, group)
    if any(word in text for word in _METHOD_TRIGGERS):
        for match in _METHOD_NAMED.finditer(text):
            _add(methods, match.group(1))
    if ", a " in text or ", an " in text:
        for match in _METHOD_APPOSITION.finditer(text):
            _add(methods, match.group(1))
    if "task" in text or "problem of" in text or "application" in text:
        for match in _TASK_CUE.finditer(text):
            _add(tasks, match.group(1))
    head_labels, phrase_labels = load_labels()
    targets = {"Task": tasks, "Method": methods, "Material": datasets}
    for phrase in [*phrase_chunks(title), *phrase_chunks(abstract)]:
        if phrase.count(" ") >= MAX_CHUNK_WORDS:  # a whole title, not an entity name
            continue
        label = _fast_type_phrase(phrase, head_labels, phrase_labels)
        if label is not None:
            _add(targets[label], phrase)
    dataset_keys = {d.lower() for d in datasets}
    methods = [m for m in methods if m.lower() not in dataset_keys]
    return tasks[:MAX_ITEMS], methods[:MAX_ITEMS], datasets[:MAX_ITEMS]
