"""Extractive one-sentence TL;DR: score each sentence with a small linear model, then compress it."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

from papersum.offline.text import STOPWORDS, split_sentences, words

MODEL_FILE = "tldr.json"
MAX_CHARS = 400

_CUES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.I))
    for name, pattern in (
        ("cue_we_propose", r"\bwe (?:propose|present|introduce|develop|design|devise|describe|formulate)\b"),
        ("cue_this_paper", r"\b(?:this|the present|our) (?:paper|work|study|article|letter|note)\b"),
        ("cue_in_this", r"^\s*(?:in this|here,? we|herein)\b"),
        ("cue_we_show", r"\bwe (?:show|demonstrate|find|prove|establish|argue|observe|study|investigate)\b"),
        ("cue_results", r"\b(?:experiments?|results|outperform\w*|state[- ]of[- ]the[- ]art|benchmarks?)\b"),
        ("cue_contrast", r"^\s*(?:however|but|although|while|despite|unfortunately)\b"),
        ("cue_code", r"\b(?:code|github|available at|open[- ]source)\b"),
        ("cue_novel", r"\b(?:novel|new|first)\b"),
        ("cue_method", r"\b(?:method|approach|framework|algorithm|model|technique|architecture)\b"),
        ("cue_background", r"^\s*(?:recent(?:ly)?|in recent years|deep|many|most|existing|current)\b"),
        ("cue_we", r"\bwe\b"),
        ("cue_our", r"\bour\b"),
        ("cue_digit", r"\d"),
        ("cue_paren", r"\("),
    )
)

FEATURE_NAMES: tuple[str, ...] = (
    "bias",
    "pos_first",
    "pos_second",
    "pos_last",
    "pos_rel",
    "title_recall",
    "title_precision",
    "centrality",
    "len_short",
    "len_mid",
    "len_long",
    "len_verylong",
    *(name for name, _ in _CUES),
)

# Hand-set fallback used only if the trained weights file is missing.
_DEFAULT_WEIGHTS: dict[str, float] = {
    "pos_first": 0.03, "title_recall": 0.15, "cue_we_propose": 0.06, "cue_in_this": 0.03,
    "cue_this_paper": 0.03, "cue_contrast": -0.03, "cue_code": -0.05, "len_verylong": -0.03,
}

_LEAD_IN = re.compile(
    r"^(?:(?:in|within) (?:this|the present|our) (?:paper|work|study|article|letter|note|report|thesis)"
    r"|here(?:in)?|in this|to this end|to that end|to (?:address|tackle|overcome|solve|fill|bridge|remedy|"
    r"alleviate|mitigate|close) (?:this|these|such|the above|those)(?: \w+){0,3}"
    r"|in particular|specifically|in addition|additionally|furthermore|moreover|finally|therefore|thus"
    r"|consequently|instead|as a result|in contrast|towards this goal|with this in mind|motivated by"
    r"(?: \w+){1,6}|inspired by(?: \w+){1,6}|in response|accordingly|concretely|overall|in summary"
    r"|to (?:this|that) aim|for this purpose|in order to address (?:this|these)(?: \w+){0,3})\s*,?\s+",
    re.I,
)
_THIS_PAPER_VERB = re.compile(
    r"^(?:this|the present|our) (?:paper|work|study|article|letter|note|report) "
    r"(?=(?:proposes|presents|introduces|develops|describes|studies|investigates|shows|addresses|"
    r"considers|explores|provides|examines|analyzes|analyses|demonstrates)\b)",
    re.I,
)
_PARENTHETICAL = re.compile(r"\s*[(\[][^()\[\]]{0,80}[)\]]")
_TRAILING_CITE = re.compile(r"\s*[,;]?\s*(?:\\cite\S*|\[\d+(?:[,–-]\s*\d+)*\])")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:])")


@lru_cache(maxsize=1)
def load_weights() -> tuple[float, ...]:
    """Trained sentence-scorer weights (order of FEATURE_NAMES); hand-set fallback if absent."""
    try:
        text = resources.files("papersum.data.offline").joinpath(MODEL_FILE).read_text(encoding="utf-8")
        weights: dict[str, float] = json.loads(text)["weights"]
    except FileNotFoundError:
        weights = _DEFAULT_WEIGHTS
    return tuple(float(weights.get(name, 0.0)) for name in FEATURE_NAMES)


def sentence_features(title: str, sentences: list[str]) -> list[list[float]]:
    """One feature vector (order of FEATURE_NAMES) per sentence."""
    title_words = {w for w in words(title) if w not in STOPWORDS}
    content = [[w for w in words(s) if w not in STOPWORDS] for s in sentences]
    frequency: dict[str, int] = {}
    for tokens in content:
        for w in set(tokens):
            frequency[w] = frequency.get(w, 0) + 1
    n = len(sentences)
    rows: list[list[float]] = []
    for index, (sentence, tokens) in enumerate(zip(sentences, content, strict=True)):
        unique = set(tokens)
        overlap = len(unique & title_words)
        length = len(sentence.split())
        shared = sum(frequency[w] - 1 for w in unique)
        row = [
            1.0,
            float(index == 0),
            float(index == 1),
            float(index == n - 1 and n > 1),
            index / max(n - 1, 1),
            overlap / len(title_words) if title_words else 0.0,
            overlap / len(unique) if unique else 0.0,
            shared / (len(unique) * max(n - 1, 1)) if unique else 0.0,
            float(length < 12),
            float(12 <= length < 25),
            float(25 <= length < 40),
            float(length >= 40),
        ]
        row.extend(1.0 if pattern.search(sentence) else 0.0 for _, pattern in _CUES)
        rows.append(row)
    return rows


def compress(sentence: str) -> str:
    """Drop lead-ins, parentheticals and citations; keep one clean line."""
    text = " ".join(sentence.split())
    for _ in range(3):
        trimmed = _LEAD_IN.sub("", text, count=1)
        if trimmed == text:
            break
        text = trimmed
    text = _THIS_PAPER_VERB.sub("", text)
    text = _PARENTHETICAL.sub("", text)
    text = _TRAILING_CITE.sub("", text)
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text).strip(" ,;:")
    if not text:
        return " ".join(sentence.split())
    return text[0].upper() + text[1:]


def _fallback(title: str, abstract: str) -> str:
    text = " ".join((abstract or title).split()) or " ".join(title.split())
    return text or "(no text)"


def _clip(text: str) -> str:
    if len(text) <= MAX_CHARS:
        return text
    cut = text[: MAX_CHARS - 1].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


def extract_tldr(title: str, abstract: str) -> str:
    """One sentence from the abstract that best states the contribution, compressed; never empty."""
    sentences = split_sentences(abstract)
    if not sentences:
        return _clip(_fallback(title, abstract))
    weights = load_weights()
    best_index, best_score = 0, float("-inf")
    for index, row in enumerate(sentence_features(title, sentences)):
        score = sum(w * x for w, x in zip(weights, row, strict=True))
        if score > best_score:
            best_index, best_score = index, score
    return _clip(compress(sentences[best_index]))
