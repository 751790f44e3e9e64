"""Pure scoring functions for the eval suites: no I/O, no providers, deterministic.

Every function documents the protocol it follows so the numbers can sit beside published ones.
Scores are fractions in [0, 1]; reports multiply by 100 where the literature does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from papersum.readability import MAX_TLDR_WORDS, Readability, check_tldr

if TYPE_CHECKING:  # imported lazily: `papersum eval compare` and the CLI start without them
    from nltk.stem.porter import PorterStemmer
    from rouge_score.rouge_scorer import RougeScorer

# --- SciTLDR: ROUGE, one-line and length compliance, hallucination proxy --------------------------

# Bounds of a "compliant" TL;DR length in words: the SciTLDR-A dev gold TL;DRs run 10-34 words from
# the 5th to the 95th percentile (mean 22), widened a little so a terse or a full sentence passes.
TLDR_MIN_WORDS = 8
TLDR_MAX_WORDS = 35

# A small English stopword list (nltk's corpus would need a download): function words only, so
# the hallucination proxy looks at what carries content.
_STOPWORD_TEXT = """a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each either few for from
further had has have having he her here hers him his how i if in into is it its itself just may
me might more most much must my no nor not now of off on once only or other our ours out over
own same she should so some such than that the their theirs them then there these they this
those through thus to too under until up upon us very via was we well were what when where
whether which while who whom whose why will with within without would yet you your"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

_WORD_OR_NUMBER = re.compile(r"[a-z]+|\d+(?:\.\d+)?")
_SENTENCE_BREAK = re.compile(r"[.!?]\s+(?=[A-Z])")


@dataclass(frozen=True)
class RougeResult:
    """ROUGE F1 against the gold TL;DR with the best ROUGE-1 F1 (`best_gold` indexes the golds)."""

    rouge1: float
    rouge2: float
    rougeL: float  # noqa: N815 - the name the literature uses
    best_gold: int


@lru_cache(maxsize=1)
def _rouge() -> RougeScorer:
    from rouge_score import rouge_scorer

    # No stemming: the SciTLDR protocol. rouge-score's tokenizer lowercases and drops punctuation.
    return rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=False)


def scitldr_rouge(prediction: str, golds: Sequence[str]) -> RougeResult:
    """SciTLDR protocol: score against every gold, keep the gold with the best ROUGE-1 F1.

    Ties keep the earliest gold (the author-written TL;DR comes first in SciTLDR). Text is
    lowercased before scoring, no stemming. An empty prediction scores 0 everywhere.
    """
    if not golds:
        raise ValueError("scitldr_rouge needs at least one gold TL;DR")
    best: RougeResult | None = None
    for index, gold in enumerate(golds):
        scores = _rouge().score(gold.lower(), prediction.lower())
        candidate = RougeResult(
            rouge1=scores["rouge1"].fmeasure,
            rouge2=scores["rouge2"].fmeasure,
            rougeL=scores["rougeL"].fmeasure,
            best_gold=index,
        )
        if best is None or candidate.rouge1 > best.rouge1:
            best = candidate
    assert best is not None
    return best


def word_count(text: str) -> int:
    return len(text.split())


def is_one_line(text: str) -> bool:
    """One line and one sentence: no line break, no sentence end followed by a capitalised word."""
    stripped = text.strip()
    return bool(stripped) and "\n" not in stripped and not _SENTENCE_BREAK.search(stripped)


def is_length_compliant(text: str, min_words: int = TLDR_MIN_WORDS, max_words: int = TLDR_MAX_WORDS) -> bool:
    return min_words <= word_count(text) <= max_words


def tldr_readability(text: str) -> Readability:
    """Does the TL;DR read as one whole sentence? mid_phrase (see
    papersum.readability.ends_mid_phrase for the exact rule), unbalanced brackets, over
    MAX_TLDR_WORDS words; `flawed` when any of the three."""
    return check_tldr(text, MAX_TLDR_WORDS)


def _content_tokens(text: str) -> list[str]:
    """Numbers and non-stopword words (2+ letters), lowercased, in order."""
    return [
        token
        for token in _WORD_OR_NUMBER.findall(text.lower())
        if token[0].isdigit() or (len(token) > 1 and token not in STOPWORDS)
    ]


@lru_cache(maxsize=1)
def _stemmer() -> PorterStemmer:
    from nltk.stem.porter import PorterStemmer

    return PorterStemmer()


def _stem(token: str) -> str:
    return token if token[0].isdigit() else str(_stemmer().stem(token))


def unsupported_share(tldr: str, abstract: str) -> float:
    """Hallucination proxy: share of the TL;DR's content words and numbers absent from the abstract.

    Words are compared after lowercasing and Porter stemming (so "proposes" matches "proposed");
    numbers are compared verbatim ("3.5" must appear as "3.5"). A TL;DR without content tokens
    scores 0. It is a proxy: a paraphrase with new words counts as unsupported.
    """
    tokens = _content_tokens(tldr)
    if not tokens:
        return 0.0
    source = {_stem(token) for token in _content_tokens(abstract)}
    missing = sum(1 for token in tokens if _stem(token) not in source)
    return missing / len(tokens)


def rate(flags: Iterable[bool]) -> float:
    """Share of True values; 0 for no values."""
    values = list(flags)
    return sum(values) / len(values) if values else 0.0


def mean(values: Iterable[float]) -> float:
    items = list(values)
    return sum(items) / len(items) if items else 0.0


# --- Inspec: keyphrase F1@k (pke protocol) --------------------------------------------------------

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def stem_phrase(phrase: str) -> str:
    """Lowercase, split on anything not a letter or digit (so "multi-step" = "multi step"),
    Porter-stem every word, join with single spaces."""
    words = _NON_ALNUM.sub(" ", phrase.lower()).split()
    return " ".join(str(_stemmer().stem(word)) for word in words)


def _unique_stemmed(phrases: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    unique: list[str] = []
    for phrase in phrases:
        stemmed = stem_phrase(phrase)
        if stemmed and stemmed not in seen:
            seen.add(stemmed)
            unique.append(stemmed)
    return unique


@dataclass(frozen=True)
class PRF:
    precision: float
    recall: float
    f1: float


def prf(true_positives: int, predicted: int, gold: int) -> PRF:
    """Precision, recall and F1 from counts; 0 where a denominator is 0."""
    precision = true_positives / predicted if predicted else 0.0
    recall = true_positives / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PRF(precision, recall, f1)


def keyphrase_prf_at_k(predicted: Sequence[str], gold: Sequence[str], k: int) -> PRF:
    """Keyphrase P/R/F1@k for one document, pke benchmark style.

    Predictions and gold are Porter-stemmed (`stem_phrase`) and matched exactly. Duplicates after
    stemming are dropped before the cut: predictions keep their first occurrence (so a duplicate
    does not use up one of the k slots), gold is a set. Precision divides by the number of
    predictions actually returned within the top k (pke's `len(top_n)`), not by k, so a provider
    that returns fewer than k keyphrases is not charged for empty slots. Gold phrases absent
    from the text still count in recall, as in the published Inspec numbers.
    """
    top = _unique_stemmed(predicted)[:k]
    references = set(_unique_stemmed(gold))
    hits = sum(1 for phrase in top if phrase in references)
    return prf(hits, len(top), len(references))


# --- arXiv categories -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryScores:
    primary_accuracy: float
    top_in_categories: float
    micro: PRF
    macro_f1: float
    per_category: dict[str, PRF]
    support: dict[str, int]


def category_scores(
    predictions: Sequence[Sequence[str]], golds: Sequence[Sequence[str]], primaries: Sequence[str]
) -> CategoryScores:
    """Category metrics over a corpus.

    `predictions[i]` is the predicted category list (primary first), `golds[i]` the paper's arXiv
    categories and `primaries[i]` its primary category. Primary accuracy: first prediction equals
    the primary. Top-in-categories: first prediction is any of the paper's categories. Micro F1
    pools (paper, category) pairs over all predicted categories; macro F1 averages per-category F1
    over every category that is gold or predicted somewhere (0 for a category never hit).
    """
    if not len(predictions) == len(golds) == len(primaries):
        raise ValueError("predictions, golds and primaries must have the same length")
    tp: dict[str, int] = {}
    fp: dict[str, int] = {}
    fn: dict[str, int] = {}
    primary_hits = top_hits = 0
    for predicted, gold, primary in zip(predictions, golds, primaries, strict=True):
        pred_set, gold_set = set(predicted), set(gold)
        if predicted:
            primary_hits += predicted[0] == primary
            top_hits += predicted[0] in gold_set
        for category in pred_set | gold_set:
            if category in pred_set and category in gold_set:
                tp[category] = tp.get(category, 0) + 1
            elif category in pred_set:
                fp[category] = fp.get(category, 0) + 1
            else:
                fn[category] = fn.get(category, 0) + 1
    labels = sorted(set(tp) | set(fp) | set(fn))
    per_category = {
        c: prf(tp.get(c, 0), tp.get(c, 0) + fp.get(c, 0), tp.get(c, 0) + fn.get(c, 0)) for c in labels
    }
    support = {c: tp.get(c, 0) + fn.get(c, 0) for c in labels}
    total_tp = sum(tp.values())
    micro = prf(total_tp, total_tp + sum(fp.values()), total_tp + sum(fn.values()))
    n = len(predictions)
    return CategoryScores(
        primary_accuracy=primary_hits / n if n else 0.0,
        top_in_categories=top_hits / n if n else 0.0,
        micro=micro,
        macro_f1=mean(score.f1 for score in per_category.values()),
        per_category=per_category,
        support=support,
    )


# --- SciERC entities ------------------------------------------------------------------------------

_LEADING_ARTICLE = re.compile(r"^(?:a|an|the)\s+")


def normalise_entity(text: str) -> str:
    """Entity matching key: lowercase, punctuation and hyphens to spaces, whitespace collapsed,
    one leading article (a/an/the) dropped. No stemming: "networks" and "network" differ."""
    return _LEADING_ARTICLE.sub("", " ".join(_NON_ALNUM.sub(" ", text.lower()).split()))


@dataclass(frozen=True)
class Counts:
    """True positives, false positives and false negatives; adds up over documents."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    def prf(self) -> PRF:
        return prf(self.tp, self.tp + self.fp, self.tp + self.fn)


def entity_counts(predicted: Iterable[str], gold: Iterable[str]) -> Counts:
    """Set match of normalised entity strings for one document and one entity type."""
    pred_set = {key for key in map(normalise_entity, predicted) if key}
    gold_set = {key for key in map(normalise_entity, gold) if key}
    hits = len(pred_set & gold_set)
    return Counts(hits, len(pred_set) - hits, len(gold_set) - hits)


def micro_prf(counts: Iterable[Counts]) -> PRF:
    return sum(counts, Counts()).prf()


# --- LLM providers: schema validity and run-to-run agreement --------------------------------------


def jaccard(a: Iterable[str], b: Iterable[str]) -> float:
    """Jaccard similarity of two sets (case-insensitive); two empty sets agree fully."""
    set_a, set_b = {x.lower() for x in a}, {x.lower() for x in b}
    if not set_a and not set_b:
        return 1.0
    return len(set_a & set_b) / len(set_a | set_b)


def token_jaccard(a: str, b: str) -> float:
    """Jaccard similarity of the lowercased word/number token sets of two texts."""
    return jaccard(_WORD_OR_NUMBER.findall(a.lower()), _WORD_OR_NUMBER.findall(b.lower()))
