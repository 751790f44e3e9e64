"""Pure text normalisation: whitespace, stray LaTeX, dedupe keys."""

from __future__ import annotations

import re
import unicodedata

from papersum.models import arxiv_id_base

# Commands whose argument is the visible text: \emph{x} -> x.
_TEXT_COMMANDS = re.compile(
    r"\\(?:emph|textbf|textit|texttt|textrm|textsc|textsf|mathrm|mathbf|mathit|mathcal|mathbb|"
    r"mathsf|mathtt|operatorname|text|underline|mbox|url)\s*\{([^{}]*)\}"
)
_DROP_COMMANDS = re.compile(r"\\(?:cite[tp]?|ref|eqref|label|footnote)\s*\{[^{}]*\}")
_OLD_FONT = re.compile(r"\{\\(?:em|bf|it|tt|sc|rm)\s+([^{}]*)\}")
_ESCAPED = {r"\%": "%", r"\&": "&", r"\_": "_", r"\#": "#", r"\$": "$", r"\{": "{", r"\}": "}"}
# Accents become combining marks composed with their letter (NFC): `Bal\'azs`, `{\"o}`, `\v{s}`,
# `\'{\i}`. Symbol accents may take their letter bare; letter accents (\v, \c...) need braces.
_ACCENT_MARKS = {
    "`": "\u0300", "'": "\u0301", "^": "\u0302", "~": "\u0303", "=": "\u0304", ".": "\u0307", '"': "\u0308",
    "u": "\u0306", "v": "\u030c", "H": "\u030b", "r": "\u030a", "c": "\u0327", "k": "\u0328", "d": "\u0323",
    "b": "\u0331",
}  # fmt: skip
_ACCENT_LETTER = r"(\\[ij](?![A-Za-z])|[A-Za-z])"
_ACCENT = re.compile(
    rf"\\(?:([`'^~=.\"])\s*(?:\{{\s*{_ACCENT_LETTER}\s*\}}|{_ACCENT_LETTER})|([uvHrckdb])\{{\s*{_ACCENT_LETTER}\s*\}})"
)
# Letters and symbols that are commands of their own: {\o}, \ss, {\L}ukasz, {\guillemotleft}.
_LETTERS = {
    "ss": "ß", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å",
    "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "guillemotleft": "«", "guillemotright": "»",
    "textendash": "–", "textemdash": "—", "textquoteleft": "‘", "textquoteright": "’",
    "textquotedblleft": "“", "textquotedblright": "”", "textregistered": "®", "texttrademark": "™",
    "copyright": "©", "textellipsis": "…", "ldots": "…", "dots": "…",
}  # fmt: skip
_LETTER_NAMES = "|".join(sorted(_LETTERS, key=len, reverse=True))
_LETTER = re.compile(rf"\\({_LETTER_NAMES})(?![A-Za-z])(?:\{{\}}|\s(?=[a-z]))?")
_GREEK = re.compile(
    r"\\(alpha|beta|gamma|delta|epsilon|varepsilon|zeta|eta|theta|kappa|lambda|mu|nu|xi|pi|rho|sigma|tau|"
    r"phi|varphi|chi|psi|omega|Gamma|Delta|Theta|Lambda|Pi|Sigma|Phi|Psi|Omega|ell|infty|times|cdot|leq|"
    r"geq|approx|sim|to|rightarrow)(?![A-Za-z])"
)
_GREEK_CHARS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε", "zeta": "ζ",
    "eta": "η", "theta": "θ", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π",
    "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Pi": "Π", "Sigma": "Σ", "Phi": "Φ",
    "Psi": "Ψ", "Omega": "Ω", "ell": "ℓ", "infty": "∞", "times": "×", "cdot": "·", "leq": "≤",
    "geq": "≥", "approx": "≈", "sim": "~", "to": "→", "rightarrow": "→",
}  # fmt: skip
_FONT_WORD = re.compile(
    r"\\(?:mathcal|mathbb|mathbf|mathrm|mathit|mathsf|mathtt|boldsymbol|bm|emph|textbf|textit|left|right|big|Big)\b\s*"
)
_ANY_COMMAND = re.compile(r"\\([A-Za-z]+)")
_INLINE_MATH = re.compile(r"\$([^$]{1,200})\$")
_BRACES = re.compile(r"(?<!\\)[{}]")
_TITLE_KEY = re.compile(r"[^a-z0-9]+")
# Control and bidi-override characters never belong in a title or abstract.
_CONTROL = dict.fromkeys(
    [c for c in range(0x20) if c not in (9, 10, 13)] + [0x7F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)


def collapse_whitespace(text: str) -> str:
    r"""Same as `re.sub(r"\s+", " ", text).strip()` (str.split and re agree on whitespace), faster."""
    # Printable text has no whitespace but " " (every other whitespace character is unprintable).
    if text.isprintable() and "  " not in text and not text.startswith(" ") and not text.endswith(" "):
        return text
    return " ".join(text.split())


def _compose_accent(match: re.Match[str]) -> str:
    accent, braced, bare, command, argument = match.groups()
    mark = _ACCENT_MARKS[accent or command]
    letter = (braced or bare or argument).lstrip("\\")
    return unicodedata.normalize("NFC", letter + mark)


def decode_latex_accents(text: str) -> str:
    """Only the accented letters and letter commands: `N\\'{u}\\~{n}ez` -> Núñez, `{\\L}ukasz` -> {Ł}ukasz.

    Braces are kept, so BibTeX name lists can still be split on them afterwards.
    """
    if "\\" not in text:
        return text
    return _LETTER.sub(lambda m: _LETTERS[m.group(1)], _ACCENT.sub(_compose_accent, text))


def _strip_commands(text: str) -> str:
    text = _DROP_COMMANDS.sub("", text)
    for _ in range(3):  # nested commands unwrap from the inside out
        unwrapped = _OLD_FONT.sub(r"\1", _TEXT_COMMANDS.sub(r"\1", text))
        if unwrapped == text:
            break
        text = unwrapped
    text = decode_latex_accents(text)
    text = _GREEK.sub(lambda m: _GREEK_CHARS[m.group(1)], text)
    text = _FONT_WORD.sub("", text)
    return _ANY_COMMAND.sub(r"\1", text)


def strip_latex(text: str) -> str:
    """Turn stray LaTeX into plain text: `\\emph{x}` -> x, `$\\alpha$` -> α, drops citations."""
    if "\\" not in text and "$" not in text and "{" not in text:
        return text
    if "\\" in text:  # most abstracts have no commands; the regexes below only look for them
        text = _strip_commands(text)
    if "$" in text:
        text = _INLINE_MATH.sub(r"\1", text)
    if "\\" in text:
        for escaped, plain in _ESCAPED.items():
            text = text.replace(escaped, plain)
        text = text.replace("\\\\", " ")
    return _BRACES.sub("", text.replace("~", " "))


def clean_text(text: str) -> str:
    """Normalise one title or abstract: Unicode NFC, no control characters, no LaTeX, single spaces."""
    text = unicodedata.normalize("NFC", text)
    if not text.isprintable():  # every character in _CONTROL is unprintable: most text skips this
        text = text.translate(_CONTROL)
    return collapse_whitespace(strip_latex(text))


def title_key(title: str) -> str:
    return _TITLE_KEY.sub(" ", title.lower()).strip()


def dedupe_key(paper_id: str, title: str) -> str:
    """Same paper, different record: arXiv id without its version, else the normalised title."""
    base = arxiv_id_base(paper_id)
    if base:
        return f"arxiv:{base}"
    key = title_key(title)
    return f"title:{key}" if key else f"id:{paper_id}"
