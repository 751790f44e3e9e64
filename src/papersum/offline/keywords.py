"""Keyphrase extraction: noun-phrase-like candidates scored by a small learned linear model.

Candidates are spans of up to four words between punctuation and stopwords that neither start nor
end with a weak word. Each is scored from its frequency, position, title presence, length, word
rarity (document frequencies from arXiv abstracts) and how often its words were part of a
human-assigned keyphrase in the Inspec training split (scripts/train_keywords.py).
"""

from __future__ import annotations

import gzip
import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from papersum.offline.text import EDGE_WORDS, STOPWORDS, fold_inflection

MODEL_FILE = "keywords.json.gz"
MAX_WORDS = 4
MAX_PHRASE_CHARS = 80
MAX_RANKED = 10  # enough for F1@10
MAX_KEYWORDS = 8  # what the engine shows

# Words and the punctuation that breaks a phrase; hyphenated words stay whole. A word is any run of
# letters ([^\W\d_]), so "Poincaré" and "naïvely" stay whole instead of splitting at the accent.
_TOKEN = re.compile(r"[^\W\d_][^\W_]*(?:[-'][^\W_]+)*|\d+(?:\.\d+)?|[^\s\w]|_")

FEATURE_NAMES: tuple[str, ...] = (
    "bias",
    "log_tf",
    "first_pos",
    "in_title",
    "n1",
    "n2",
    "n3",
    "n4",
    "mean_idf",
    "min_idf",
    "mean_kp",
    "min_kp",
    "head_kp",
    "first_kp",
    "whole_chunk",
    "phrase_kp",
    "word_tf",
    "acronym",
    "tfidf",
    "title_tf",
    "max_kp",
    "hyphen",
    "title_share",
)

_DEFAULT_WEIGHTS: dict[str, float] = {
    "log_tf": 1.0,
    "in_title": 1.0,
    "first_pos": -1.0,
    "n2": 0.5,
    "n3": 0.4,
    "mean_idf": 0.3,
}


@dataclass(frozen=True)
class KeywordModel:
    weights: tuple[float, ...]
    idf: dict[str, float]
    default_idf: float
    word_kp: dict[str, float]
    default_kp: float
    phrase_kp: dict[str, float]


@lru_cache(maxsize=1)
def load_model() -> KeywordModel:
    """Load lexicons and weights once; fall back to neutral statistics when the file is missing."""
    try:
        path = resources.files("papersum.data.offline").joinpath(MODEL_FILE)
        with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        data = {
            "weights": _DEFAULT_WEIGHTS,
            "idf": {},
            "default_idf": 5.0,
            "word_kp": {},
            "default_kp": 0.3,
            "phrase_kp": {},
        }
    weights = tuple(float(data["weights"].get(name, 0.0)) for name in FEATURE_NAMES)
    return KeywordModel(
        weights,
        data["idf"],
        float(data["default_idf"]),
        data["word_kp"],
        float(data["default_kp"]),
        data["phrase_kp"],
    )


@dataclass(slots=True)
class Candidate:
    surface: str  # first-seen original casing
    words: tuple[str, ...]
    count: int
    first: int
    whole_chunk: bool
    title_share: float = 0.0  # share of its words that occur in the title


# "-ly" nouns that must not be mistaken for adverbs.
_LY_NOUNS = frozenset(
    "anomaly family assembly supply reply poly monopoly rally ally italy july butterfly fly".split()
)


def _is_adverb(word: str) -> bool:
    """Adverbs ("significantly", "sequentially") never sit inside a keyphrase: they end a chunk."""
    return len(word) > 4 and word.endswith("ly") and word not in _LY_NOUNS


@lru_cache(maxsize=4)
def chunks(text: str) -> list[tuple[list[str], list[str]]]:
    """Runs of words not broken by punctuation or stopwords, as (originals, lower-cased).

    Cached (a paper's title and abstract): callers must not mutate.
    """
    runs: list[tuple[list[str], list[str]]] = []
    originals: list[str] = []
    lowers: list[str] = []
    for token in _TOKEN.findall(text):
        lower = token.lower()
        if not token[0].isalpha() or lower in STOPWORDS or (lower[-2:] == "ly" and _is_adverb(lower)):
            if originals:
                runs.append((originals, lowers))
                originals, lowers = [], []
            continue
        originals.append(token)
        lowers.append(lower)
    if originals:
        runs.append((originals, lowers))
    return runs


def candidates(title: str, abstract: str) -> tuple[dict[str, Candidate], set[str], dict[str, int], int]:
    """Candidate phrases keyed by lower-case text, the title's phrases, word counts, token total."""
    found: dict[str, Candidate] = {}
    title_keys: set[str] = set()
    word_counts: dict[str, int] = {}
    position = 0
    edge_words = EDGE_WORDS
    counts_get = word_counts.get
    for part, is_title in ((title, True), (abstract, False)):
        for originals, lowers in chunks(part):
            n = len(lowers)
            for w in lowers:
                word_counts[w] = counts_get(w, 0) + 1
            for start in range(n):
                key = lowers[start]
                if key in edge_words:
                    continue
                stop = min(start + MAX_WORDS, n)
                # Keys grow one word at a time (cheaper than joining each slice).
                for end in range(start + 1, stop + 1):
                    if end > start + 1:
                        last = lowers[end - 1]
                        key = f"{key} {last}"
                        if last in edge_words:
                            continue
                    if is_title:
                        title_keys.add(key)
                    candidate = found.get(key)
                    if candidate is None:
                        found[key] = Candidate(
                            " ".join(originals[start:end]),
                            tuple(lowers[start:end]),
                            1,
                            position + start,
                            start == 0 and end == n,
                        )
                    else:
                        candidate.count += 1
            position += n
    title_words = {key for key in title_keys if " " not in key}
    if title_words:
        for candidate in found.values():
            shared = title_words.intersection(candidate.words)
            if shared:
                candidate.title_share = len(shared) / len(candidate.words)
    return found, title_keys, word_counts, max(position, 1)


def candidate_features(
    candidate: Candidate, in_title: bool, word_counts: dict[str, int], total: int, model: KeywordModel
) -> list[float]:
    """Feature vector (order of FEATURE_NAMES) for one candidate."""
    idf = [model.idf.get(w, model.default_idf) for w in candidate.words]
    kp = [model.word_kp.get(w, model.default_kp) for w in candidate.words]
    n = len(candidate.words)
    surface = candidate.surface
    return [
        1.0,
        math.log1p(candidate.count),
        candidate.first / total,
        float(in_title),
        float(n == 1),
        float(n == 2),
        float(n == 3),
        float(n >= 4),
        sum(idf) / n,
        min(idf),
        sum(kp) / n,
        min(kp),
        kp[-1],
        kp[0],
        float(candidate.whole_chunk),
        model.phrase_kp.get(" ".join(candidate.words), 0.0),
        math.log1p(sum(word_counts.get(w, 0) for w in candidate.words) / n),
        float(n == 1 and surface.isupper() and len(surface) > 1),
        math.log1p(candidate.count) * sum(idf) / n,
        math.log1p(candidate.count) * float(in_title),
        max(kp),
        float("-" in surface),
        candidate.title_share,
    ]


def _variant_key(words: tuple[str, ...]) -> str:
    """Fold inflections so "neural networks"/"neural network", "optimal control"/"optimized
    control"... count once (the evaluation compares Porter stems)."""
    return " ".join(fold_inflection(w) for w in words)


def score_candidates(
    found: dict[str, Candidate],
    title_keys: set[str],
    word_counts: dict[str, int],
    total: int,
    model: KeywordModel,
) -> dict[str, float]:
    """weights . candidate_features(...) for every candidate, inlined: it runs ~150 times per abstract."""
    (w_bias, w_tf, w_first, w_title, w_n1, w_n2, w_n3, w_n4, w_mean_idf, w_min_idf, w_mean_kp, w_min_kp,
     w_head_kp, w_first_kp, w_whole, w_phrase, w_word_tf, w_acronym, w_tfidf, w_title_tf, w_max_kp,
     w_hyphen, w_title_share) = model.weights  # fmt: skip
    idf_get, kp_get, phrase_get = model.idf.get, model.word_kp.get, model.phrase_kp.get
    default_idf, default_kp = model.default_idf, model.default_kp
    # Per word, once: (idf, keyphraseness, count in this abstract).
    info = {w: (idf_get(w, default_idf), kp_get(w, default_kp), c) for w, c in word_counts.items()}
    length_bonus = (w_n1, w_n2, w_n3, w_n4)
    log1p = math.log1p
    scores: dict[str, float] = {}
    for key, candidate in found.items():
        phrase_words = candidate.words
        n = len(phrase_words)
        if n == 1:
            idf_sum, kp_sum, count = info[phrase_words[0]]
            word_total = float(count)
            idf_min, kp_min, kp_max = idf_sum, kp_sum, kp_sum
            kp_first = kp_last = kp_sum
        else:
            idf_sum = kp_sum = word_total = 0.0
            idf_min = kp_min = 1e9
            kp_max = -1e9
            for w in phrase_words:
                idf, kp, count = info[w]
                idf_sum += idf
                kp_sum += kp
                word_total += count
                if idf < idf_min:
                    idf_min = idf
                if kp < kp_min:
                    kp_min = kp
                if kp > kp_max:
                    kp_max = kp
            kp_first, kp_last = info[phrase_words[0]][1], info[phrase_words[-1]][1]
        log_tf = log1p(candidate.count)
        score = (
            w_bias
            + w_tf * log_tf
            + w_tfidf * log_tf * idf_sum / n
            + w_max_kp * kp_max
            + w_title_share * candidate.title_share
            + w_first * candidate.first / total
            + length_bonus[n - 1]  # n <= MAX_WORDS == 4
            + (w_mean_idf * idf_sum + w_mean_kp * kp_sum) / n
            + w_min_idf * idf_min
            + w_min_kp * kp_min
            + w_head_kp * kp_last
            + w_first_kp * kp_first
            + w_word_tf * log1p(word_total / n)
        )
        if key in title_keys:
            score += w_title + w_title_tf * log_tf
        if "-" in candidate.surface:
            score += w_hyphen
        if candidate.whole_chunk:
            score += w_whole
        phrase = phrase_get(key)
        if phrase:
            score += w_phrase * phrase
        if n == 1 and len(candidate.surface) > 1 and candidate.surface.isupper():
            score += w_acronym
        scores[key] = score
    return scores


def rank_keyphrases(title: str, abstract: str) -> list[str]:
    """All candidates, best first (deterministic: ties broken by first position)."""
    model = load_model()
    found, title_keys, word_counts, total = candidates(title, abstract)
    scores = score_candidates(found, title_keys, word_counts, total, model)
    # `found` (and so `scores`) is in order of first position, and sorting is stable: ranking by score
    # alone breaks ties by first position, as (-score, first) would, without a key tuple per phrase.
    ranking = sorted(scores, key=scores.__getitem__, reverse=True)
    ranked: list[str] = []
    seen: set[str] = set()
    for key in ranking:
        candidate = found[key]
        surface = candidate.surface
        if len(surface) > MAX_PHRASE_CHARS:
            continue
        variant = _variant_key(candidate.words)
        if variant in seen:
            continue
        seen.add(variant)
        ranked.append(surface if any(c.isupper() for c in surface[1:]) else surface.lower())
        if len(ranked) >= MAX_RANKED:
            break
    return ranked


def extract_keywords(title: str, abstract: str, k: int = MAX_KEYWORDS) -> list[str]:
    """Up to k keyphrases (at least 3 when the text has them), best first, each at most 80 chars."""
    return rank_keyphrases(title, abstract)[:k]
