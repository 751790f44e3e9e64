"""Sentence compression for extractive TL;DRs: lead-ins, "This paper proposes", markup, asides."""

from __future__ import annotations

import re

_LEAD_IN = re.compile(
    r"^(?:(?:in|within) (?:this|the present|our) (?:paper|work|study|article|letter|note|report|thesis)"
    r"|here(?:in)?|in this|to this end|to that end|to (?:address|tackle|overcome|solve|fill|bridge|remedy|"
    r"alleviate|mitigate|close) (?:this|these|such|the above|those)(?: \w+){0,3}"
    r"|in particular|specifically|in addition|additionally|furthermore|moreover|finally|therefore|thus"
    r"|consequently|instead|as a result|in contrast|towards this goal|with this in mind|motivated by"
    r"(?: \w+){1,6}|inspired by(?: \w+){1,6}|in response|accordingly|concretely|overall|in summary"
    r"|to (?:this|that) aim|for this purpose|in order to address (?:this|these)(?: \w+){0,3}"
    r"|first(?:ly)?|second(?:ly)?|third(?:ly)?|lastly|then|next|now|besides|hence|importantly"
    r"|based on (?:this|these|that|those)(?: \w+){0,2}|building on (?:this|these)(?: \w+){0,2}"
    r"|given (?:this|these|that)(?: \w+){0,2}|in (?:this|that) (?:case|setting|context|direction))\s*,?\s+",
    re.I,
)
# "This paper proposes X" -> "We propose X": the way most TL;DRs are phrased.
_THIS_PAPER_VERB = re.compile(
    r"^(?:this|the present|our|the) (?:paper|work|study|article|letter|note|report|thesis|contribution)"
    r" (?:also )?(proposes|presents|introduces|develops|describes|studies|investigates|shows|addresses|"
    r"considers|explores|provides|examines|analyzes|analyses|demonstrates|focuses|attempts|aims|"
    r"discusses|reports|extends|tackles)\b",
    re.I,
)
# First words of every _LEAD_IN alternative: the regex is tried only when a sentence starts with one.
_LEAD_IN_FIRST_WORDS = frozenset(
    [
        "in",
        "within",
        "here",
        "herein",
        "to",
        "specifically",
        "additionally",
        "furthermore",
        "moreover",
        "finally",
        "therefore",
        "thus",
        "consequently",
        "instead",
        "as",
        "motivated",
        "inspired",
        "accordingly",
        "concretely",
        "overall",
        "for",
        "first",
        "firstly",
        "second",
        "secondly",
        "third",
        "thirdly",
        "lastly",
        "then",
        "next",
        "now",
        "besides",
        "hence",
        "importantly",
        "based",
        "building",
        "given",
        "with",
        "towards",
    ]
)
_LATEX_COMMAND = re.compile(r"\\(?:textit|textbf|emph|texttt|mathrm|mathbf|mathcal|text)\{([^{}]*)\}")
_LATEX_MATH = re.compile(r"\$([^$]{0,40})\$")
_PARENTHETICAL = re.compile(r"\s*[(\[][^()\[\]]{0,80}[)\]]")
_TRAILING_CITE = re.compile(r"\s*[,;]?\s*(?:\\cite\S*|\[\d+(?:[,–-]\s*\d+)*\])")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:])")
_WE_FILLER = re.compile(
    r"^we (?:thus|therefore|hence|then|also|further|additionally|here|now|first|finally) ", re.I
)


def _we_verb(match: re.Match[str]) -> str:
    verb = match.group(1).lower()
    if verb.endswith("ies"):
        verb = verb[:-3] + "y"
    elif verb.endswith(("sses", "shes", "ches", "xes", "uses")):
        verb = verb[:-2]
    elif verb.endswith("s"):
        verb = verb[:-1]
    return f"we {verb}"


def compress(sentence: str) -> str:
    """Drop lead-ins, parentheticals and citations; keep one clean line."""
    text = " ".join(sentence.split())
    # Each substitution runs only when its trigger character/word is present (this runs per sentence).
    for _ in range(3):
        if text[:12].split(" ", 1)[0].lower().rstrip(",") not in _LEAD_IN_FIRST_WORDS:
            break
        trimmed = _LEAD_IN.sub("", text, count=1)
        if trimmed == text:
            break
        text = trimmed
    if text[:3].lower() == "we ":
        text = _WE_FILLER.sub("We ", text, count=1)
    if text[:4].lower() in ("this", "the ", "our "):
        text = _THIS_PAPER_VERB.sub(_we_verb, text)
    if "\\" in text:
        text = _LATEX_COMMAND.sub(r"\1", text)
    if "$" in text:
        text = _LATEX_MATH.sub(r"\1", text)
    if "(" in text or "[" in text:
        text = _PARENTHETICAL.sub("", text)
        text = _TRAILING_CITE.sub("", text)
    elif "\\cite" in text:
        text = _TRAILING_CITE.sub("", text)
    # The only whitespace left is single spaces (whitespace was collapsed above and nothing since
    # adds any other): the pattern can match only where one of these four pairs occurs.
    if " ," in text or " ." in text or " ;" in text or " :" in text:
        text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    text = text.strip(" ,;:")
    if not text:
        return " ".join(sentence.split())
    return text[0].upper() + text[1:]
