"""Is a TL;DR one whole, readable sentence? Pure surface checks shared by the offline engine
(which only emits TL;DRs that pass) and `papersum eval` (which counts the ones that do not).

A TL;DR is **flawed** when it ends mid-phrase, leaves a bracket unbalanced, or runs over
MAX_TLDR_WORDS words. "Ends mid-phrase" is defined precisely in `ends_mid_phrase`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_TLDR_WORDS = 45

TERMINAL_MARKS = ".!?"
# Closing quotes and brackets that may follow the terminal mark: 'We call it "X."' or '(... .)'.
CLOSING_MARKS = "\"'”’)]}"
# Abbreviations whose period is not a sentence end: a text ending in one stops mid-phrase.
# ("etc." and "et al." may end a sentence, so they are not here.)
CONTINUING_ABBREVIATIONS: tuple[str, ...] = ("vs.", "e.g.", "i.e.", "cf.", "viz.", "incl.", "w.r.t.")
# Words that cannot end an English statement: they announce something that must follow.
# Articles and possessive determiners; coordinating and subordinating conjunctions, complementisers
# and relative words; prepositions; "be" forms and modal auxiliaries; a few adverbs and pronouns
# that need a continuation. Deliberately absent (they can end a sentence): this, these, those,
# both, each, more, most, do/does/did, has/have/had, it, them, also, too.
CONTINUATION_WORDS: frozenset[str] = frozenset(
    """
    a an the every its their our my your whose
    and or nor but vs versus
    that which whether if because although though whereas while unless than where when whereby
    of to for with by from in on at into onto upon via between among amongst toward towards
    within through across against as per including such
    is are was were be been being am can could may might must shall should will would
    not very namely rather either neither we they
    """.split()
)
# A text whose last visible character is one of these stops mid-phrase even before a period.
_DANGLING_MARKS = ",;:-–—(/&"
_NON_LETTER_EDGES = re.compile(r"^[^A-Za-z]+|[^A-Za-z]+$")
_BRACKET_PAIRS = {")": "(", "]": "[", "}": "{"}
_BRACKET = re.compile(r"[()\[\]{}]")


def ends_mid_phrase(text: str) -> bool:
    """True when `text` does not end as a complete sentence.

    Precisely, after trimming whitespace and any closing quotes/brackets at the very end:
    1. the text is empty, or its last character is not ".", "!" or "?"; or
    2. it ends with an ellipsis ("..." or "…"); or
    3. it ends with an abbreviation whose period is not a full stop (CONTINUING_ABBREVIATIONS:
       "vs.", "e.g.", "i.e.", ...); or
    4. the character before the terminal mark is a dangling mark (, ; : - – — ( / &); or
    5. the last word before the terminal mark (letters, case-insensitive) is one of
       CONTINUATION_WORDS ("...relation patterns including.", "...to label and.").
    A stranded preposition at the very end ("the data it was trained on.") also counts: rare in
    abstracts, and a TL;DR reads better without it.
    """
    stripped = text.strip()
    while stripped and stripped[-1] in CLOSING_MARKS:
        stripped = stripped[:-1].rstrip()
    if not stripped or stripped[-1] not in TERMINAL_MARKS:
        return True
    if stripped.endswith("...") or stripped.endswith("…"):
        return True
    lowered = stripped.lower()
    for abbreviation in CONTINUING_ABBREVIATIONS:
        if lowered.endswith(abbreviation) and (
            len(lowered) == len(abbreviation) or not lowered[-len(abbreviation) - 1].isalnum()
        ):
            return True
    body = stripped[:-1].rstrip()
    if not body or body[-1] in _DANGLING_MARKS:
        return True
    last = _NON_LETTER_EDGES.sub("", body.rsplit(None, 1)[-1]).lower()
    return last in CONTINUATION_WORDS


def brackets_balanced(text: str) -> bool:
    """Every (, [ and { is closed by its own kind, in order (no crossing, nothing left open)."""
    stack: list[str] = []
    for char in _BRACKET.findall(text):
        if char in "([{":
            stack.append(char)
        elif char in _BRACKET_PAIRS and (not stack or stack.pop() != _BRACKET_PAIRS[char]):
            return False
    return not stack


def word_count(text: str) -> int:
    return len(text.split())


@dataclass(frozen=True)
class Readability:
    """The three ways a TL;DR fails to read as one whole sentence."""

    mid_phrase: bool
    unbalanced: bool
    over_long: bool

    @property
    def flawed(self) -> bool:
        return self.mid_phrase or self.unbalanced or self.over_long


def check_tldr(text: str, max_words: int = MAX_TLDR_WORDS) -> Readability:
    return Readability(
        mid_phrase=ends_mid_phrase(text),
        unbalanced=not brackets_balanced(text),
        over_long=word_count(text) > max_words,
    )
