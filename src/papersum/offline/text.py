"""Text primitives shared by the offline engine and its training scripts: tokens, sentences, stopwords.

Training scripts import these same functions so features at fit time and run time cannot drift.
"""

from __future__ import annotations

import re

STOPWORDS: frozenset[str] = frozenset(
    [
        "a",
        "about",
        "above",
        "across",
        "after",
        "again",
        "against",
        "all",
        "almost",
        "alone",
        "along",
        "already",
        "also",
        "although",
        "always",
        "am",
        "among",
        "an",
        "and",
        "another",
        "any",
        "anyone",
        "anything",
        "are",
        "around",
        "as",
        "at",
        "be",
        "became",
        "because",
        "become",
        "becomes",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "cannot",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "done",
        "down",
        "due",
        "during",
        "each",
        "either",
        "else",
        "enough",
        "etc",
        "even",
        "ever",
        "every",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "however",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "least",
        "less",
        "let",
        "like",
        "made",
        "make",
        "makes",
        "many",
        "may",
        "me",
        "might",
        "more",
        "most",
        "mostly",
        "much",
        "must",
        "my",
        "myself",
        "namely",
        "neither",
        "never",
        "nevertheless",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "often",
        "on",
        "once",
        "one",
        "only",
        "onto",
        "or",
        "other",
        "others",
        "otherwise",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "per",
        "perhaps",
        "rather",
        "same",
        "several",
        "she",
        "should",
        "since",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "thereby",
        "therefore",
        "these",
        "they",
        "this",
        "those",
        "though",
        "through",
        "thus",
        "to",
        "too",
        "toward",
        "towards",
        "under",
        "until",
        "up",
        "upon",
        "us",
        "very",
        "via",
        "was",
        "we",
        "well",
        "were",
        "what",
        "whatever",
        "when",
        "where",
        "whereas",
        "whilst",
        "whether",
        "which",
        "while",
        "who",
        "whom",
        "whose",
        "why",
        "will",
        "with",
        "within",
        "without",
        "would",
        "yet",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
    ]
)

# Verbs and filler that never start or end a keyphrase (kept small: "case study", "data set" are fine).
EDGE_WORDS: frozenset[str] = (
    STOPWORDS
    | frozenset(
        [
            "paper",
            "papers",
            "propose",
            "proposed",
            "proposes",
            "present",
            "presents",
            "presented",
            "show",
            "shows",
            "shown",
            "use",
            "used",
            "uses",
            "using",
            "based",
            "also",
            "able",
            "allow",
            "allows",
            "allowed",
            "obtain",
            "obtained",
            "provide",
            "provides",
            "provided",
            "describe",
            "describes",
            "described",
            "consider",
            "considered",
            "discuss",
            "discussed",
            "introduce",
            "introduced",
            "introduces",
            "demonstrate",
            "demonstrates",
            "demonstrated",
            "achieve",
            "achieves",
            "achieved",
            "including",
            "include",
            "includes",
            "compared",
            "called",
            "known",
            "finally",
            "furthermore",
            "moreover",
            "respectively",
            "usually",
            "generally",
            "thus",
            "hence",
            "can",
            "cannot",
            "need",
            "needs",
            "needed",
            "aim",
            "aims",
            "article",
            "e.g",
            "i.e",
            "et",
            "al",
            "etc",
            "given",
            "various",
            "certain",
        ]
    )
    | frozenset(
        # Verbs common in abstracts (base, 3rd person and -ing forms that are never nouns).
        """
    represent represents representing enable enables enabling capture captures capturing outperform
    outperforms outperforming append appends appending require requires requiring improve improving
    reduce reduces reducing increase increases increasing leverage leverages leveraging exploit
    exploits exploiting yield yields yielding perform performs lead leads make makes making take takes
    taking employ employs employing apply applies applying achieve achieving obtain obtaining enhance
    enhances enhancing allow allowing combine combines combining address addresses addressing solve
    solves solving produce produces producing explore explores exploring investigate investigates
    investigating evaluate evaluates evaluating study studying compare compares comparing show showing
    help helps helping avoid avoids avoiding gain gains remain remains become becomes suggest suggests
    indicate indicates reveal reveals understand understanding
    """.split()
    )
)

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[A-Z0-9\"'(\[$\\])")
_ABBREV_END = re.compile(
    r"(?:\b(?:e\.g|i\.e|et al|etc|vs|cf|Fig|Figs|Eq|Eqs|Sec|Ref|resp|approx|i\.i\.d|w\.r\.t|Dr|Mr|Ms|No)"
    r"|\b[A-Z])\.$"
)
# An initial ("R.") or "etc." may also end a sentence: it does when a sentence opener follows.
_INITIAL_END = re.compile(r"(?:\b[A-Z]|\betc)\.$")
_ABBREV_TAIL = 8
_WORD = re.compile(r"[a-z][a-z0-9]*(?:[-'][a-z0-9]+)*")


def _opens_sentence(piece: str) -> bool:
    """The piece starts with a function word or "Using" ("In particular, ...", "We ...")."""
    first = piece.split(" ", 1)[0].lower().rstrip(",")
    return first in STOPWORDS or first == "using"


def split_sentences(text: str) -> list[str]:
    """Split an abstract into sentences, keeping abbreviations like "e.g." and "et al." inside."""
    text = " ".join(text.split())
    if not text:
        return []
    pieces = _SENTENCE_END.split(text)
    sentences: list[str] = []
    for piece in pieces:
        # Both patterns end in `\.$` and match at most 7 characters ("approx."): searching the
        # tail (`\b` still sees the character before it) finds what searching the whole would.
        if (
            sentences
            and _ABBREV_END.search(sentences[-1], len(sentences[-1]) - _ABBREV_TAIL)
            and not (
                _INITIAL_END.search(sentences[-1], len(sentences[-1]) - _ABBREV_TAIL)
                and _opens_sentence(piece)
            )
        ):
            sentences[-1] = f"{sentences[-1]} {piece}"
        else:
            sentences.append(piece)
    return [s for s in sentences if s]


def words(text: str) -> list[str]:
    """Lower-cased word tokens (letters first, digits/hyphens/apostrophes inside)."""
    return _WORD.findall(text.lower())


def content_words(text: str) -> list[str]:
    """Lower-cased tokens that are not stopwords."""
    return [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS]


_FOLD_SUFFIXES = ("ings", "ing", "ies", "ied", "es", "ed", "s")


def fold_inflection(word: str) -> str:
    """Crude inflection folding ("networks" -> "network", "trained" -> "train") for matching."""
    for suffix in _FOLD_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word
