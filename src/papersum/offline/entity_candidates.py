"""Candidate entity phrases of an abstract, with the context the entity typer looks at.

A candidate is a maximal run of words between punctuation and stopwords, trimmed of verbs and filler
at both ends (EDGE_WORDS), at most MAX_WORDS words. Numbers stay inside a name ("PASCAL VOC 2007",
"UCF 101") and "3D" is one word. A run directly followed by "(ACRONYM)" is written "run (ACRONYM)",
the way annotators and readers name it. (Also offering each run without a lower-case first word,
"novel approach" -> "approach", was tried: cross-validated precision and recall were no better and
it cost a third more candidates.)

Context (neighbouring tokens, sentence cues) is computed on first use: most candidates are ruled
out from their words alone (papersum.offline.entities.FastTyper.logits).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

from papersum.offline.keywords import _is_adverb
from papersum.offline.text import EDGE_WORDS, STOPWORDS

MAX_WORDS = 6
# Words ("3D", "CIFAR-10", "Poincaré", "e.g") and single punctuation marks.
_TOKEN = re.compile(r"[^\W_]+(?:[-'.][^\W_]+)*|[^\w\s]|_")
# The same tokens for ASCII text (letter ranges are quicker to test than Unicode classes).
_ASCII_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[-'.][A-Za-z0-9]+)*|[^\w\s]|_")
_SENTENCE_ENDS = frozenset(".!?")
DATA_WORDS = frozenset(
    ["corpus", "corpora", "dataset", "datasets", "data", "database", "databases", "treebank",
     "collection", "benchmark", "benchmarks"]
)  # fmt: skip
PROPOSAL_WORDS = frozenset(
    ["propose", "proposed", "present", "presents", "introduce", "introduces", "describe", "describes",
     "develop", "develops"]
)  # fmt: skip
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=65536)
def _key_part(word: str) -> str:
    return " ".join(_NON_ALNUM.sub(" ", word.lower()).split())


def entity_key(words: tuple[str, ...] | list[str]) -> str:
    """papersum.evals.metrics.normalise_entity of the words joined by spaces (the key `papersum eval`
    matches entities with), from a per-word cache. Candidates never start with an article, which
    normalise_entity would drop."""
    return " ".join(part for part in map(_key_part, words) if part)


class _Abstract:
    """Tokens of one abstract and, computed once when first asked, its sentences' cues."""

    __slots__ = ("_sentences", "ends", "lower_tokens", "tokens")

    def __init__(self, tokens: list[str], lower_tokens: list[str]) -> None:
        self.tokens = tokens
        self.lower_tokens = lower_tokens
        self.ends = [i + 1 for i, token in enumerate(tokens) if token in _SENTENCE_ENDS]
        self._sentences: list[tuple[bool, bool]] | None = None

    def sentence_cues(self, start: int) -> tuple[int, bool, bool]:
        """(sentence index, names data, proposes something) of the sentence holding token `start`."""
        if self._sentences is None:
            bounds = zip([0, *self.ends], [*self.ends, len(self.tokens)], strict=True)
            sentences = (set(self.lower_tokens[a:b]) for a, b in bounds)
            self._sentences = [
                (not DATA_WORDS.isdisjoint(words), not PROPOSAL_WORDS.isdisjoint(words))
                for words in sentences
            ]
        index = bisect_right(self.ends, start)
        has_data, has_proposal = self._sentences[index]
        return index, has_data, has_proposal


class Candidate:
    """One candidate phrase; treat as read-only (slots, not a frozen dataclass: 3x cheaper to make)."""

    __slots__ = ("_key", "abstract", "acronym", "end", "lowered", "start", "words")

    def __init__(
        self,
        words: tuple[str, ...],
        lowered: tuple[str, ...],
        acronym: str,
        start: int,
        end: int,
        abstract: _Abstract,
    ) -> None:
        self.words = words  # as written
        self.lowered = lowered  # the words lower-cased
        self.acronym = acronym  # "GNN" when "(GNN)" follows the run, else ""
        self.start, self.end = start, end  # token span
        self.abstract = abstract
        self._key: str | None = None

    @property
    def text(self) -> str:
        """What a reader sees: the words, plus " (ACRONYM)" when one follows."""
        text = " ".join(self.words)
        return f"{text} ({self.acronym})" if self.acronym else text

    @property
    def key(self) -> str:
        """normalise_entity(text): the matching key of `papersum eval scierc`."""
        if self._key is None:
            phrase = " ".join(self.lowered)
            # Most phrases are their own key; only punctuation inside words or non-ASCII letters differ.
            simple = phrase.isascii() and "-" not in phrase and "'" not in phrase and "." not in phrase
            key = phrase if simple else entity_key(self.words)
            if self.acronym:
                suffix = _key_part(self.acronym)
                key = f"{key} {suffix}" if key else suffix
            self._key = key
        return self._key

    @property
    def has_acronym(self) -> bool:
        return bool(self.acronym)

    @property
    def prev(self) -> str:
        """Lower-cased token before the run ("<s>" at the start)."""
        return self.abstract.lower_tokens[self.start - 1] if self.start > 0 else "<s>"

    @property
    def next(self) -> str:
        """Lower-cased token after the run ("</s>" at the end)."""
        tokens = self.abstract.lower_tokens
        return tokens[self.end] if self.end < len(tokens) else "</s>"

    @property
    def position(self) -> float:
        return self.start / len(self.abstract.tokens)

    @property
    def sentence_has_data_word(self) -> bool:
        return self.abstract.sentence_cues(self.start)[1]

    @property
    def sentence_has_proposal(self) -> bool:
        return self.abstract.sentence_cues(self.start)[2]

    @property
    def in_first_sentence(self) -> bool:
        return self.abstract.sentence_cues(self.start)[0] == 0


def _runs(tokens: list[str], lower_tokens: list[str]) -> list[tuple[int, int]]:
    """[start, end) token spans of word runs: words between punctuation, stopwords and adverbs; a
    number continues a run after a capitalised word ("VOC 2007") and otherwise breaks it."""
    runs: list[tuple[int, int]] = []
    start = -1
    stopwords = STOPWORDS
    for index, lower in enumerate(lower_tokens):
        first = lower[0]
        if first.isdigit() and not any(c.isalpha() for c in lower):
            if start >= 0 and not tokens[index - 1].islower():
                continue
            is_word = False
        else:
            is_word = (
                first.isalnum() and lower not in stopwords and not (lower[-2:] == "ly" and _is_adverb(lower))
            )
        if is_word:
            if start < 0:
                start = index
        elif start >= 0:
            runs.append((start, index))
            start = -1
    if start >= 0:
        runs.append((start, len(tokens)))
    return runs


def entity_candidates(text: str) -> list[Candidate]:
    tokens = (_ASCII_TOKEN if text.isascii() else _TOKEN).findall(text)
    lower_tokens = [token.lower() for token in tokens]
    abstract = _Abstract(tokens, lower_tokens)
    n = len(tokens)
    found: list[Candidate] = []
    for start, end in _runs(tokens, lower_tokens):
        while start < end and lower_tokens[start] in EDGE_WORDS:
            start += 1
        while end > start and lower_tokens[end - 1] in EDGE_WORDS:
            end -= 1
        if start < end and len(tokens[start]) == 1 and tokens[start].isupper() and end - start > 1:
            start += 1  # a stray initial ("D" of a broken "3 D")
        if start >= end or end - start > MAX_WORDS:
            continue
        words = tuple(tokens[start:end])
        lowered = tuple(lower_tokens[start:end])
        acronym = ""
        if end + 2 < n and tokens[end] == "(" and tokens[end + 2] == ")":
            inner = tokens[end + 1]
            if len(inner) <= 12 and any(c.isupper() for c in inner):
                acronym = inner
        found.append(Candidate(words, lowered, acronym, start, end, abstract))
    return found
