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
- neither a word on its own nor either end of a pair is a generic word of abstracts ("novel",
  "investigated", "two"; GENERIC_WORDS).
Acronyms and names keep their capitals (BERT, NeRF); everything else is lower case.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from papersum.offline.text import EDGE_WORDS
from papersum.rank.text import words

# Words with their inner hyphens and apostrophes, or one punctuation mark (which ends a phrase).
_TOKEN = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*|[^\w\s]|_")
_LINKS = frozenset({"of", "to"})  # "bag of words", "learning to rank"


def _shown(token: str) -> str:
    """Lower case, but acronyms and inner capitals kept (BERT, NeRF, neural-IR; not "Ad-Hoc")."""
    if token[-2:].lower() in ("'s", "’s"):
        token = token[:-2]  # "ListNet's" -> "ListNet"
    parts = re.split(r"([-'])", token)
    return "".join(p if len(p) > 1 and any(c.isupper() for c in p[1:]) else p.lower() for p in parts)


# Words that say nothing on their own, nor as the first word of a phrase ("novel method", "two
# datasets", "existing approaches"): evaluative and generic words of abstracts. The verbs and
# function words are in the offline engine's EDGE_WORDS. (A keyphrase lexicon was tried instead: it
# learnt from older abstracts that "attention" is generic, and loading it cost every `rank` 0.1 s.)
GENERIC_WORDS = frozenset(
    """
    ability according actual addition additional adopted advantages amount analyze analyzed applied
    appropriate associated available basic best better beyond brief built calculated capable carried
    characterize characterized chosen clear comparable comparison comparisons conducted considers
    consists construct constructed constructing contains conventional create created creating deal
    decade defined depends derive derived designed desired details detect determine determined
    determining develop developed developing different difficult difficulties discusses easy effective
    effectiveness efficient emerging employed entire established evaluated examined example examples
    existing expected extend facilitate fact far faster find first five focus following form forms
    found four generate generates get give gives good great greater idea identified identify
    illustrate illustrated implement implemented implementing important improved improvements
    included increased instead investigated involved issue issues know larger last latter leading
    limitations longer look looks main major many means measured meet move nature new next novel
    number observed occur offer offers one original overcome particular past performed perspective play
    popular possibility possible powerful practical preliminary previous prior produced prove proved
    providing purpose realized reasons recent related relevant required respect result resulting
    results see several significant similar simple solved specific still studied successful suggested
    suitable supports taken terms tested three together traditional two types typical useful various
    verified version way ways well-known work works year years
    """.split()
)


def _topical(token: str) -> bool:
    """A word that can stand alone as a topic, or start a phrase: not one of GENERIC_WORDS."""
    return token.lower() not in GENERIC_WORDS


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
    if not (ends_whole and _can_edge(opens) and _topical(opens) and _can_edge(closes) and _topical(closes)):
        return None
    return " ".join(_shown(t) for t in tokens[first : second + 1])


# token -> its folded words: the same few thousand tokens recur in every abstract.
_TOKEN_WORDS: dict[str, list[str]] = {}


def _token_words(token: str) -> list[str]:
    found = _TOKEN_WORDS.get(token)
    if found is None:
        found = _TOKEN_WORDS[token] = words(token)
    return found


def _line_phrases(line: str, found: dict[str, str], wanted: Collection[str] | None) -> None:
    tokens = _TOKEN.findall(line)
    # Content words in order: the folded word, its token, whether it ends its (hyphenated) token.
    terms: list[str] = []
    where: list[int] = []
    ends: list[bool] = []
    for index, token in enumerate(tokens):
        folded = _token_words(token)
        for i, term in enumerate(folded):
            terms.append(term)
            where.append(index)
            ends.append(i == len(folded) - 1)
    useful = None if wanted is None else {word for term in wanted for word in term.split()}
    for k, term in enumerate(terms):
        if useful is not None and term not in useful:
            continue  # in no term the caller may show
        token = tokens[where[k]]
        if term not in found and (wanted is None or term in wanted) and _can_edge(token) and _topical(token):
            found[term] = _shown(token)
        if k + 1 == len(terms):
            continue
        pair = f"{term} {terms[k + 1]}"
        if pair not in found and (wanted is None or pair in wanted):
            shown = _pair_phrase(tokens, where[k], where[k + 1], ends[k + 1])
            if shown is not None:
                found[pair] = shown


def phrase_forms(text: str, wanted: Collection[str] | None = None) -> dict[str, str]:
    """Term -> how to show it (first occurrence that reads as a phrase); terms that never do are absent.

    Each line is read on its own (the caller joins title and abstract with a newline). `wanted`
    limits the work to the terms the caller may show.
    """
    found: dict[str, str] = {}
    for line in text.splitlines():
        _line_phrases(line, found, wanted)
    return found
