"""Tasks, methods and datasets named in an abstract, from cue patterns and phrase head nouns."""

from __future__ import annotations

import re

from papersum.offline.keywords import chunks
from papersum.offline.text import WEAK_WORDS

MAX_ITEMS = 8
MAX_CHARS = 80

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
    rf"\b(?:on|using|of|from|with|and)\s+(?:the\s+)?(?:(?:challenging|popular|standard|public|large-scale|"
    rf"benchmark|widely used|real-world)\s+)*({_NAME})(?:\s+(?:and|,)\s+({_NAME}))?"
    rf"(?:\s+(?:datasets?|benchmarks?|corpus|corpora|challenge|tasks?)\b)?"
)
_DATASET_NOUN = re.compile(rf"\b({_NAME})\s+(?:datasets?|corpus|corpora|benchmarks?|treebank)\b")
_METHOD_NAMED = re.compile(
    rf"\b(?:we (?:propose|present|introduce|develop|design|describe)|called|named|dubbed|termed|coined)"
    rf"\s+(?:a |an |the )?(?:novel |new |simple )?(?:\w+ ){{0,4}}?({_NAME})"
    r"(?=\s*[,(:]|\s+(?:which|that|to|for|as|,))"
)
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


def _head_phrases(text: str, heads: frozenset[str]) -> list[str]:
    """Longest span of each chunk ending in a head noun, with weak leading words dropped."""
    phrases: list[str] = []
    for originals, lowers in chunks(text):
        for end in range(len(lowers), 0, -1):
            if lowers[end - 1] in heads:
                start = 0
                while start < end - 1 and lowers[start] in WEAK_WORDS:
                    start += 1
                if end - start >= 2 or originals[start][0].isupper():
                    phrases.append(" ".join(originals[max(start, end - 5) : end]))
                break
    return phrases


def extract_entities(title: str, abstract: str) -> tuple[list[str], list[str], list[str]]:
    """(tasks, methods, datasets), each at most 8 phrases in order of appearance."""
    text = f"{title}. {abstract}" if title else abstract
    tasks: list[str] = []
    methods: list[str] = []
    datasets: list[str] = []
    for match in _DATASET_NOUN.finditer(text):
        _add(datasets, match.group(1))
    for match in _DATASET_ON.finditer(text):
        for group in match.groups():
            if group and (any(c.isdigit() for c in group) or sum(c.isupper() for c in group) >= 2):
                _add(datasets, group)
    for match in _METHOD_NAMED.finditer(text):
        _add(methods, match.group(1))
    for match in _METHOD_APPOSITION.finditer(text):
        _add(methods, match.group(1))
    for phrase in _head_phrases(text, METHOD_HEADS):
        _add(methods, phrase)
    for match in _TASK_CUE.finditer(text):
        _add(tasks, match.group(1))
    for phrase in _head_phrases(text, TASK_HEADS):
        _add(tasks, phrase)
    dataset_keys = {d.lower() for d in datasets}
    methods = [m for m in methods if m.lower() not in dataset_keys]
    return tasks[:MAX_ITEMS], methods[:MAX_ITEMS], datasets[:MAX_ITEMS]
