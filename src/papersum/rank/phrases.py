"""Shared terms as a reader sees them: the words as written, and only where they read as a phrase.

The ranker's terms are folded words and pairs of neighbouring content words, with stopwords and
punctuation skipped ("decisions of this paper" gives the pair "decision paper", "ad-hoc retrieval"
gives "ad hoc" and "hoc retrieval"). Those pairs are good evidence of similarity but poor
explanations, so a term is shown only where it stands in the paper's text as a phrase:
- a pair's words are inside one hyphenated word ("state-of-the-art", "re-rank"), next to each other,
  or joined by "of" / "to" ("learning to rank"); never across punctuation or other stopwords;
- it is shown with whole words ("hoc retrieval" -> "ad-hoc retrieval"), and a pair that would end
  inside a hyphenated word ("three real" of "three real-world datasets") is not shown;
- it neither starts nor ends with a word that cannot edge a phrase ("helps users", "proposed
  method", "significantly better": verbs, function words, adverbs; the offline engine's list);
- a word on its own, or the first word of a pair, is a topic word, not "novel" or "investigated"
  (see `_topical`).
Acronyms and names keep their capitals (BERT, NeRF); everything else is lower case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from papersum.offline.text import EDGE_WORDS
from papersum.rank.text import words

# Words with their inner hyphens and apostrophes, or one punctuation mark (which ends a phrase).
_TOKEN = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*|[^\w\s]|_")
_LINKS = frozenset({"of", "to"})  # "bag of words", "learning to rank"
# Below this share of keyphrases among its occurrences (Inspec), a word alone says nothing.
GENERIC_KP = 0.1


@dataclass(frozen=True)
class _Piece:
    term: str  # the folded word, as in the ranker's terms
    token: int  # index of the token (word as written) it comes from
    last_in_token: bool  # no other content word follows it inside its token


def _shown(token: str) -> str:
    """Lower case, but acronyms and inner capitals kept (BERT, NeRF, neural-IR; not "Ad-Hoc")."""
    if token[-2:].lower() in ("'s", "’s"):
        token = token[:-2]  # "ListNet's" -> "ListNet"
    parts = re.split(r"([-'])", token)
    return "".join(p if len(p) > 1 and any(c.isupper() for c in p[1:]) else p.lower() for p in parts)


def _topical(word: str) -> bool:
    """A word that can stand alone as a topic: not one people almost never put in a keyphrase
    ("novel", "investigated", "useful"; the offline engine's keyphrase lexicon). Compounds and
    words the lexicon does not know pass."""
    from papersum.offline.keywords import load_model  # loaded once, only to explain

    model = load_model()
    return "-" in word or model.word_kp.get(word.lower(), model.default_kp) >= GENERIC_KP


def _can_edge(token: str) -> bool:
    """A phrase may start or end with this word: not a verb, function word or adverb, not a number."""
    word = token.lower()
    if word in EDGE_WORDS or (len(word) > 4 and word.endswith("ly")):
        return False
    return any(c.isalpha() for c in word)


def _continues(token: str) -> bool:
    """The phrase goes on through this word (a content word that could end it)."""
    return bool(words(token)) and _can_edge(token)


def _pair_phrase(tokens: list[str], first: int, second: int, ends_whole: bool) -> str | None:
    """How a pair reads in the text, from the token of its first word to that of its second.

    Words inside one hyphenated word, next to each other, or joined by one linking word where
    the phrase ends there ("number of users", not "applications of machine" of "... learning").
    """
    if first == second:
        return _shown(tokens[first])  # both inside one hyphenated word
    between = [t.lower() for t in tokens[first + 1 : second]]
    if between:
        goes_on = second + 1 < len(tokens) and _continues(tokens[second + 1])
        if len(between) > 1 or between[0] not in _LINKS or goes_on:
            return None
    opens, closes = tokens[first], tokens[second]
    if not (ends_whole and _can_edge(opens) and _topical(opens) and _can_edge(closes)):
        return None
    return " ".join(_shown(t) for t in tokens[first : second + 1])


def _line_phrases(line: str, found: dict[str, str]) -> None:
    tokens = _TOKEN.findall(line)
    pieces: list[_Piece] = []
    for index, token in enumerate(tokens):
        folded = words(token)
        pieces.extend(_Piece(term, index, i == len(folded) - 1) for i, term in enumerate(folded))
    for piece, following in zip(pieces, [*pieces[1:], None], strict=True):
        token = tokens[piece.token]
        if piece.term not in found and _can_edge(token) and _topical(token):
            found[piece.term] = _shown(token)
        if following is None:
            continue
        pair = f"{piece.term} {following.term}"
        if pair not in found:
            shown = _pair_phrase(tokens, piece.token, following.token, following.last_in_token)
            if shown is not None:
                found[pair] = shown


def phrase_forms(text: str) -> dict[str, str]:
    """Term -> how to show it (first occurrence that reads as a phrase); terms that never do are absent.

    Each line is read on its own (the caller joins title and abstract with a newline).
    """
    found: dict[str, str] = {}
    for line in text.splitlines():
        _line_phrases(line, found)
    return found
