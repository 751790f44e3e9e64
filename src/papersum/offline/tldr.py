"""Extractive one-sentence TL;DR.

Every sentence is compressed (lead-ins, parentheticals, citations, markup removed); it and its clause
prefixes are candidates. A word model estimates which abstract words a human TL;DR would reuse, so
each candidate gets an expected ROUGE-1; a linear scorer adds position, cue and title features and
the best candidate wins. Weights come from scripts/train_tldr.py (SciTLDR-A train split).
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache, reduce
from importlib import resources
from itertools import repeat
from operator import add, mul
from typing import Any

from papersum.offline.compress import compress
from papersum.offline.text import STOPWORDS, split_sentences, words
from papersum.readability import CLOSING_MARKS, TERMINAL_MARKS, check_tldr

MODEL_FILE = "tldr.json"
MAX_CHARS = 400
TF_TERMS = 64

# Cue words and word pairs; checked with set lookups on a sentence's tokens (regexes were 10x slower).
_PROPOSE_VERBS = frozenset(
    ["propose", "present", "introduce", "develop", "design", "devise", "describe", "formulate"]
)
_SHOW_VERBS = frozenset(
    ["show", "demonstrate", "find", "prove", "establish", "argue", "observe", "study", "investigate"]
)
_PAPER_NOUNS = frozenset(["paper", "work", "study", "article", "letter", "note"])
_RESULT_WORDS = frozenset(
    [
        "experiment",
        "experiments",
        "results",
        "benchmark",
        "benchmarks",
        "state-of-the-art",
        "outperform",
        "outperforms",
        "outperforming",
        "outperformed",
    ]
)
_CODE_WORDS = frozenset(["code", "github", "open-source"])
_NOVEL_WORDS = frozenset(["novel", "new", "first"])
_METHOD_WORDS = frozenset(
    ["method", "approach", "framework", "algorithm", "model", "technique", "architecture"]
)
_CONTRAST_STARTS = frozenset(["however", "but", "although", "while", "despite", "unfortunately"])
_BACKGROUND_STARTS = frozenset(["recent", "recently", "deep", "many", "most", "existing", "current"])
CUE_NAMES: tuple[str, ...] = (
    "cue_we_propose",
    "cue_this_paper",
    "cue_in_this",
    "cue_we_show",
    "cue_results",
    "cue_contrast",
    "cue_code",
    "cue_novel",
    "cue_method",
    "cue_background",
    "cue_we",
    "cue_our",
    "cue_digit",
    "cue_paren",
)


_WE_PROPOSE_PAIRS = frozenset(("we", verb) for verb in _PROPOSE_VERBS)
_THIS_PAPER_PAIRS = frozenset((a, b) for a in ("this", "our", "present") for b in _PAPER_NOUNS)
_WE_SHOW_PAIRS = frozenset(("we", verb) for verb in _SHOW_VERBS)
# First words of every cue pair: a sentence without any of them has none of the pairs.
_PAIR_FIRSTS = frozenset(["we", "this", "our", "present", "state", "available"])
_NO_PAIRS: frozenset[tuple[str, str]] = frozenset()


def is_proposal(tokens: list[str]) -> bool:
    """ "we propose/present/introduce ..." somewhere in the sentence's tokens."""
    # C-level scans: most sentences have no "we"; the pairs are tested as a set.
    return "we" in tokens and not _WE_PROPOSE_PAIRS.isdisjoint(itertools.pairwise(tokens))


def cue_features(sentence: str, tokens: list[str]) -> list[float]:
    """Values of CUE_NAMES for one sentence; `tokens` are its lower-cased words."""
    unique = set(tokens)
    pairs = _NO_PAIRS if unique.isdisjoint(_PAIR_FIRSTS) else set(itertools.pairwise(tokens))
    first = tokens[0] if tokens else ""
    # Set intersections with the few cue pairs (not scans over all the sentence's pairs).
    return [
        float(not pairs.isdisjoint(_WE_PROPOSE_PAIRS)),
        float(not pairs.isdisjoint(_THIS_PAPER_PAIRS)),
        float(first in ("here", "herein") or tokens[:2] == ["in", "this"]),
        float(not pairs.isdisjoint(_WE_SHOW_PAIRS)),
        float(not unique.isdisjoint(_RESULT_WORDS) or ("state", "of") in pairs),
        float(first in _CONTRAST_STARTS),
        float(not unique.isdisjoint(_CODE_WORDS) or ("available", "at") in pairs),
        float(not unique.isdisjoint(_NOVEL_WORDS)),
        float(not unique.isdisjoint(_METHOD_WORDS)),
        float(first in _BACKGROUND_STARTS),
        float("we" in unique),
        float("our" in unique),
        float(_DIGIT.search(sentence) is not None),
        float("(" in sentence),
    ]


SENTENCE_FEATURES: tuple[str, ...] = (
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
    *CUE_NAMES,
)
# Per-candidate features on top of its sentence's: a candidate is a sentence or a clause prefix of it.
FEATURE_NAMES: tuple[str, ...] = (*SENTENCE_FEATURES, "expected_f", "is_prefix", "kept_fraction")
# Features of one word type in one abstract, for the "will this word be in the TL;DR" model.
WORD_FEATURE_NAMES: tuple[str, ...] = (
    "bias",
    "lexicon",
    "in_title",
    "log_tf",
    "first_pos",
    "is_stop",
    "in_cue",
    "in_first_sentence",
    "capitalised",
)

# Hand-set fallback used only if the trained weights file is missing.
_DEFAULT_MODEL: dict[str, object] = {
    "weights": {"expected_f": 1.0, "title_recall": 0.1, "cue_we_propose": 0.05},
    "word_weights": {"bias": -2.0, "in_title": 2.0, "log_tf": 0.8, "is_stop": 1.0},
    "lexicon": {},
    "default_lexicon": 0.0,
    "gold_length": 20.0,
}

_ROUGE_TOKEN = re.compile(r"[a-z0-9]+")
_CASED_TOKEN = re.compile(r"[A-Za-z0-9]+")
_DIGIT = re.compile(r"\d")
# Where a sentence may be cut to keep its main clause. Only cuts that leave a complete statement:
# before a semicolon/colon, a comma + participle/relative clause, or a trailing means/purpose
# phrase ("by <verb>ing ...", "using ...", "in order to ..."). Bare commas, "and", "that", "with",
# "for", "which" would often cut a subject, an object list or a question in half ("we show that the
# model | and ...", "to measure | which information ..."). `cut_is_clean` adds word-level checks.
_CLAUSE_CUT = re.compile(
    r";\s|:\s|,\s(?=(?:which|where|while|whereas|thereby|thus|achieving|outperforming|resulting|"
    r"leading|allowing|enabling|yielding|improving|reducing|demonstrating|showing|making|and (?:we|thus|"
    r"then|show|demonstrate|achieve)|but|although|though|including|as well as|e\.g\.|i\.e\.)\b)|"
    r"\s(?=(?:by|using|via|through|in order to|based on|without|thereby|such that|so that|while|when)\s)"
)
MIN_PREFIX_WORDS = 9
# "Given X, we propose Y" -> also try "We propose Y".
_PREAMBLE_WE = re.compile(r",\s+we\s+(?=[a-z])")
# Verbs that take "using ..." as their object ("keep using X"), so a cut before it strands them.
_CATENATIVE_VERBS = frozenset(
    ["keep", "keeps", "start", "starts", "stop", "stops", "avoid", "avoids", "continue", "continues",
     "begin", "begins", "consider", "considers", "suggest", "suggests", "recommend", "recommends",
     "involve", "involves", "require", "requires", "prefer", "prefers", "explore", "explores"]
)  # fmt: skip
# Correlatives: a prefix holding the opener must also hold the second half ("either X or Y").
_CORRELATIVES = (("either", ("or",)), ("neither", ("nor",)), ("between", ("and",)), ("both", ("and",)))


def finish_sentence(text: str) -> str:
    """`text` ending as a sentence: dangling ",;:" dropped, a full stop added when none ends it."""
    text = text.rstrip(" ,;:")
    if text and text.rstrip(CLOSING_MARKS)[-1:] not in TERMINAL_MARKS:
        text += "."
    return text


def cut_is_clean(base: str, start: int, end: int) -> bool:
    """Whether cutting `base` to base[:start] (the cut's separator spans start..end) keeps a whole
    clause: no agent "by" after a participle ("produced | by a DGA"; only "by <verb>ing" is a means
    phrase), no "using" object of a verb like "keep", no half-open "either/between/both"."""
    head = base[:start].split()
    tail = base[end:].split(None, 2)
    if not head or not tail:
        return False
    cue = tail[0].lower()
    if cue == "by" and not (len(tail) > 1 and tail[1].lower().endswith("ing")):
        return False
    if cue == "using" and head[-1].lower() in _CATENATIVE_VERBS:
        return False
    lowered = [word.lower().strip(",;:()[]") for word in head]
    for opener, closers in _CORRELATIVES:
        if opener in lowered:
            after = lowered[len(lowered) - 1 - lowered[::-1].index(opener) + 1 :]
            if after and not any(closer in after for closer in closers):
                return False
    return True


@dataclass(frozen=True)
class TldrModel:
    weights: tuple[float, ...]
    word_weights: tuple[float, ...]
    lexicon: dict[str, float]
    default_lexicon: float
    gold_length: float
    # w_bias + w_lexicon * lexicon[token], per lexicon token (and for unlisted tokens): the
    # per-word constant part of the word model, computed once at load.
    lexicon_term: dict[str, float]
    default_term: float
    # w_log_tf * log(count) for counts 1..TF_TERMS-1 (index 0 unused): the same products, looked up.
    tf_terms: tuple[float, ...]


@lru_cache(maxsize=1)
def load_model() -> TldrModel:
    """The trained scorer (scripts/train_tldr.py); a hand-set fallback if the file is absent."""
    try:
        text = resources.files("papersum.data.offline").joinpath(MODEL_FILE).read_text(encoding="utf-8")
        data: dict[str, Any] = json.loads(text)
    except FileNotFoundError:
        data = dict(_DEFAULT_MODEL)
    return model_from_dict(data)


def model_from_dict(data: dict[str, Any]) -> TldrModel:
    weights, word_weights = data["weights"], data["word_weights"]
    word_weight_values = tuple(float(word_weights.get(name, 0.0)) for name in WORD_FEATURE_NAMES)
    w_bias, w_lexicon = word_weight_values[0], word_weight_values[1]
    lexicon: dict[str, float] = data["lexicon"]
    default_lexicon = float(data["default_lexicon"])
    return TldrModel(
        weights=tuple(float(weights.get(name, 0.0)) for name in FEATURE_NAMES),
        word_weights=word_weight_values,
        lexicon=lexicon,
        default_lexicon=default_lexicon,
        gold_length=float(data["gold_length"]),
        lexicon_term={token: w_bias + w_lexicon * value for token, value in lexicon.items()},
        default_term=w_bias + w_lexicon * default_lexicon,
        tf_terms=(0.0, *(word_weight_values[3] * math.log(count) for count in range(1, TF_TERMS))),
    )


def word_features(
    title: str, sentences: list[str], lexicon: dict[str, float], default: float
) -> dict[str, list[float]]:
    """Features (order of WORD_FEATURE_NAMES) of every ROUGE token type in the abstract."""
    title_tokens = set(_ROUGE_TOKEN.findall(title.lower()))
    counts: dict[str, int] = {}
    first: dict[str, int] = {}
    cue: set[str] = set()
    position = 0
    for sentence in sentences:
        tokens = _ROUGE_TOKEN.findall(sentence.lower())
        is_cue = is_proposal(tokens)
        for token in tokens:
            counts[token] = counts.get(token, 0) + 1
            if token not in first:
                first[token] = position
            position += 1
        if is_cue:
            cue.update(tokens)
    total = max(position, 1)
    opening = set(_ROUGE_TOKEN.findall(sentences[0].lower())) if sentences else set()
    capitalised = _capitalised_tokens(sentences)
    return {
        token: [
            1.0,
            lexicon.get(token, default),
            float(token in title_tokens),
            math.log(count),
            first[token] / total,
            float(token in STOPWORDS),
            float(token in cue),
            float(token in opening),
            float(token in capitalised),
        ]
        for token, count in counts.items()
    }


def _capitalised_tokens(sentences: list[str]) -> set[str]:
    """Lower-cased forms of words written with a capital after their first letter or mid-sentence
    (names and acronyms such as "BERT", "ResNet", "Transformer")."""
    found: set[str] = set()
    for sentence in sentences:
        for index, word in enumerate(_CASED_TOKEN.findall(sentence)):
            if word.islower() or word.isdigit():
                continue
            lower = word.lower()
            if index > 0 or word[1:] != lower[1:]:
                found.add(lower)
    return found


def _fast_capitalised_tokens(sentences: list[str]) -> set[str]:
    """Same as _capitalised_tokens, skipping sentences with no A-Z after their first character:
    there a capital can only be the first word's first letter, which does not count."""
    return _capitalised_tokens([sentence for sentence in sentences if not sentence[1:].islower()])


def word_probabilities(features: dict[str, list[float]], word_weights: tuple[float, ...]) -> dict[str, float]:
    """P(word appears in the TL;DR) from its feature row (the training path)."""
    probabilities: dict[str, float] = {}
    for token, row in features.items():
        z = sum(w * x for w, x in zip(word_weights, row, strict=True))
        probabilities[token] = 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))
    return probabilities


def rouge_tokens(sentences: list[str]) -> list[list[str]]:
    """Each sentence's lower-cased ROUGE tokens."""
    findall = _ROUGE_TOKEN.findall
    return [findall(sentence.lower()) for sentence in sentences]


def fast_word_probabilities(
    title: str, sentences: list[str], model: TldrModel, per_sentence: list[list[str]] | None = None
) -> dict[str, float]:
    """Same as word_probabilities(word_features(...)), inlined because it runs on every word.
    `per_sentence`: rouge_tokens(sentences), when the caller has them."""
    _, _, w_title, _, w_first, w_stop, w_cue, w_opening, w_capital = model.word_weights
    title_tokens = set(_ROUGE_TOKEN.findall(title.lower()))
    if per_sentence is None:
        per_sentence = rouge_tokens(sentences)
    all_tokens = [token for tokens in per_sentence for token in tokens]
    counts = Counter(all_tokens)
    # First position of each token: later pairs overwrite earlier ones, so the reversed list leaves
    # each token's first index (dict() runs the loop in C).
    first = dict(zip(reversed(all_tokens), range(len(all_tokens) - 1, -1, -1), strict=True))
    cue: set[str] = set()
    for tokens in per_sentence:
        if is_proposal(tokens):
            cue.update(tokens)
    total = max(len(all_tokens), 1)
    opening = set(per_sentence[0]) if per_sentence else set()
    term_get, default_term = model.lexicon_term.get, model.default_term
    log, exp = math.log, math.exp
    tf_terms, w_tf = model.tf_terms, model.word_weights[3]
    n_tf_terms = len(tf_terms)
    z = {
        token: term_get(token, default_term)
        + (tf_terms[count] if count < n_tf_terms else w_tf * log(count))
        + w_first * first[token] / total
        for token, count in counts.items()
    }
    # The indicator terms, added in word_probabilities' order (so bit-identical sums), visiting
    # only the tokens each one applies to. `z.keys() & s` loops over s when s is a set no larger
    # than z; STOPWORDS (a larger frozenset) is intersected the other way round.
    for weight, members in (
        (w_title, z.keys() & title_tokens),
        (w_stop, STOPWORDS.intersection(z)),
        (w_cue, z.keys() & cue),
        (w_opening, z.keys() & opening),
        (w_capital, z.keys() & _fast_capitalised_tokens(sentences)),
    ):
        for token in members:
            z[token] += weight
    return {
        token: 1.0 / (1.0 + exp(-value if -30.0 <= value <= 30.0 else -max(min(value, 30.0), -30.0)))
        for token, value in z.items()
    }


def candidate_texts(sentence: str) -> list[list[tuple[str, bool]]]:
    """Groups of candidates: each base text (the compressed sentence, and its main clause when a
    preamble precedes ", we ...") followed by its clean clause prefixes of >= MIN_PREFIX_WORDS
    words. Every candidate ends as a sentence (a prefix gets a full stop)."""
    full = finish_sentence(compress(sentence))
    bases = [full]
    preamble = _PREAMBLE_WE.search(full)
    if preamble and preamble.start() < 0.6 * len(full):
        bases.append("We " + full[preamble.end() :])
    groups: list[list[tuple[str, bool]]] = []
    for base in bases:
        group = [(base, False)]
        for match in _CLAUSE_CUT.finditer(base):
            prefix = base[: match.start()].rstrip(" ,;:")
            if len(prefix.split()) >= MIN_PREFIX_WORDS and cut_is_clean(base, match.start(), match.end()):
                group.append((prefix + ".", True))
        groups.append(group)
    return groups


def scored_candidates(
    title: str, sentences: list[str], model: TldrModel, probabilities: dict[str, float]
) -> list[tuple[str, list[float]]]:
    """Every candidate with its feature vector (order of FEATURE_NAMES)."""
    rows: list[tuple[str, list[float]]] = []
    gold_length = model.gold_length
    for sentence, base in zip(sentences, sentence_features(title, sentences), strict=True):
        full_length = max(len(sentence.split()), 1)
        for candidates in candidate_texts(sentence):
            # Prefixes share the base text's tokens: one pass gives the cumulative hits per token.
            cumulative: list[float] = []
            seen: set[str] = set()
            expected_hits = 0.0
            for token in _ROUGE_TOKEN.findall(candidates[0][0].lower()):
                if token not in seen:
                    seen.add(token)
                    expected_hits += probabilities.get(token, 0.0)
                cumulative.append(expected_hits)
            for text, is_prefix in candidates:
                n_tokens = len(_ROUGE_TOKEN.findall(text.lower())) if is_prefix else len(cumulative)
                expected_hits = cumulative[n_tokens - 1] if n_tokens else 0.0
                expected_f = 2.0 * expected_hits / (n_tokens + gold_length)
                kept = len(text.split()) / full_length
                rows.append((text, [*base, expected_f, float(is_prefix), kept]))
    return rows


def sentence_features(title: str, sentences: list[str]) -> list[list[float]]:
    """One feature vector (order of SENTENCE_FEATURES) per sentence."""
    title_words = set(words(title)) - STOPWORDS
    all_tokens = [words(s) for s in sentences]
    # Set differences and a Counter (C loops) instead of per-word Python loops; same values.
    uniques = [set(tokens) - STOPWORDS for tokens in all_tokens]
    frequency = Counter(itertools.chain.from_iterable(uniques))
    n = len(sentences)
    rows: list[list[float]] = []
    for index, (sentence, unique) in enumerate(zip(sentences, uniques, strict=True)):
        overlap = len(unique & title_words)
        length = len(sentence.split())
        shared = sum(map(frequency.__getitem__, unique)) - len(unique)
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
        row.extend(cue_features(sentence, all_tokens[index]))
        rows.append(row)
    return rows


def _fallback(title: str, abstract: str) -> str:
    text = " ".join((abstract or title).split()) or " ".join(title.split())
    return text or "(no text)"


def _clip(text: str) -> str:
    if len(text) <= MAX_CHARS:
        return text
    cut = text[: MAX_CHARS - 1].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


def extract_tldr(title: str, abstract: str) -> str:
    """One sentence from the abstract that best states the contribution, compressed; never empty.

    Only candidates that read as one whole sentence (papersum.readability: no mid-phrase ending,
    brackets balanced, at most 45 words) compete; if an abstract has none, a whole sentence (the
    best-scoring one that at least ends cleanly) wins over a fragment.
    """
    sentences = split_sentences(abstract)
    if not sentences:
        return _clip(finish_sentence(_fallback(title, abstract)))
    model = load_model()
    per_sentence = rouge_tokens(sentences)
    probabilities = fast_word_probabilities(title, sentences, model, per_sentence)
    best_text, best_score = "", float("-inf")
    fallback_text, fallback_rank = "", (3, 0.0)
    for text, score in _candidate_scores(title, sentences, model, probabilities, per_sentence):
        if score <= best_score:
            continue
        verdict = check_tldr(text)
        if not verdict.flawed:
            best_text, best_score = text, score
        elif not best_text:
            # Fewest kinds of flaw first (a clean but long sentence before a fragment), then score;
            # a text over MAX_CHARS would be clipped mid-phrase.
            fragment = verdict.mid_phrase or len(text) > MAX_CHARS
            rank = (int(fragment) * 2 + int(verdict.unbalanced), -score)
            if rank < fallback_rank:
                fallback_text, fallback_rank = text, rank
    return _clip(best_text or fallback_text or finish_sentence(compress(sentences[0])))


def _candidate_scores(
    title: str,
    sentences: list[str],
    model: TldrModel,
    probabilities: dict[str, float],
    per_sentence: list[list[str]] | None = None,
) -> Iterator[tuple[str, float]]:
    """(candidate, weights . features) as scored_candidates would give, without building rows.

    The sentence part of the dot product is summed once per sentence, then the three candidate
    terms are added in FEATURE_NAMES order: the same left-to-right sum, so bit-identical scores.
    """
    weights = model.weights
    n_base = len(SENTENCE_FEATURES)
    base_weights = weights[:n_base]
    w_expected, w_prefix, w_kept = weights[n_base:]
    gold_length = model.gold_length
    findall = _ROUGE_TOKEN.findall
    get = probabilities.get
    if per_sentence is None:
        per_sentence = rouge_tokens(sentences)
    for sentence, sentence_tokens, base in zip(
        sentences, per_sentence, sentence_features(title, sentences), strict=True
    ):
        base_score = sum(map(mul, base_weights, base))
        full_length = max(len(sentence.split()), 1)
        lowered_sentence = sentence.lower()
        for candidates in candidate_texts(sentence):
            lowered = candidates[0][0].lower()
            # Most sentences are their own base text (maybe plus a full stop): same tokens.
            if lowered == lowered_sentence or (
                lowered[-1:] == "."
                and lowered.startswith(lowered_sentence)
                and len(lowered) == len(lowered_sentence) + 1
            ):
                tokens = sentence_tokens
            else:
                tokens = findall(lowered)
            for text, is_prefix in candidates:
                # A prefix's tokens are the first ones of its base text's. Expected hits: the
                # probabilities of its distinct tokens added in order of first occurrence (what
                # scored_candidates' running sum gives; reduce adds left to right, in C).
                n_tokens = len(findall(text.lower())) if is_prefix else len(tokens)
                distinct = dict.fromkeys(tokens[:n_tokens] if is_prefix else tokens)
                expected_hits = reduce(add, map(get, distinct, repeat(0.0)), 0.0)
                expected_f = 2.0 * expected_hits / (n_tokens + gold_length)
                kept = len(text.split()) / full_length
                yield text, base_score + w_expected * expected_f + w_prefix * float(is_prefix) + w_kept * kept


def expected_rouge1(title: str, abstract: str, text: str) -> float:
    """The word model's expected ROUGE-1 F1 of any `text` against a human TL;DR of this abstract,
    the estimate the engine ranks its own candidates by (a word the abstract lacks counts as a miss)."""
    tokens = _ROUGE_TOKEN.findall(text.lower())
    sentences = split_sentences(abstract)
    if not tokens or not sentences:
        return 0.0
    model = load_model()
    probabilities = fast_word_probabilities(title, sentences, model)
    hits = sum(probabilities.get(token, 0.0) for token in set(tokens))
    return 2.0 * hits / (len(tokens) + model.gold_length)
