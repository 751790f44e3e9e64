"""What makes a typed phrase a tag a reader can trust (issue 13), beyond the typer's confidence.

The SciERC-trained typer (papersum.offline.entities) knows what annotators marked, and they marked
generic and descriptive phrases too ("classification", "downstream tasks", "color images",
"probabilistic model"). A digest shows only phrases that name something:

- praise and quantity words are not part of a name: "celebrated residual network" is shown as
  "residual network", "four key Neural Fields frameworks" as "Neural Fields frameworks";
- never a clause: a phrase starting with a verb ("steer PINN models") or a verb's -ing form that is
  not a task or method head's modifier ("learning richer representations", "Predicting Operators");
- a task or method is not one common word ("classification", "classifiers"), not a class of tasks
  ("downstream tasks", "classification tasks", "real-time applications"), not an activity
  ("likelihood function evaluations"), not a kind of model described only by adjectives
  ("probabilistic model", "CNN-based models", "3D models", "physics-aware framework");
- a dataset is named: a name-shaped word ("ETTh1 data", "DESI data", "HST F814W images") with a
  data word, or a phrase of names ("TanksAndTemples"), not a description ("color images",
  "time-series data", "length-16000 sequences", "L2-regularized Jacobian"). Mined dataset names
  (papersum.offline.dataset_names) are shown without the typer.

Base verbs and word frequencies come from the arXiv training abstracts (scripts/build_tag_lexicons.py
and the keyword model's idf).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from papersum.offline.dataset_names import DATA_WORDS, load_dataset_names, name_shape
from papersum.offline.entity_candidates import Candidate
from papersum.offline.entity_features import GENERIC_MODIFIERS, METHOD_HEADS, TASK_HEADS

VERBS_FILE = "base_verbs.txt"
# One word that names a kind of thing, never a specific one.
GENERIC_WORDS = frozenset(
    """data dataset datasets corpus corpora benchmark benchmarks database images image signals signal
    text texts video videos speech audio documents samples examples sequences graphs inputs outputs
    model models method methods approach approaches framework system systems algorithm algorithms
    technique techniques network networks architecture problem problems task tasks solution
    solutions representation representations information knowledge features learning analysis
    theory experiments results performance training inference set sets""".split()
)
# Not part of a name: praise, and how many of something there are.
PRAISE_WORDS = frozenset(
    """celebrated novel new powerful efficient effective simple elegant promising sophisticated
    flexible principled practical lightweight light-weight concise systematic versatile scalable
    strong successful popular well-known widely-used famous seminal remarkable impressive superior
    improved innovative unified generic key main standard typical common prominent""".split()
)
QUANTITY_WORDS = frozenset(
    """numerous many several various multiple different some few most all both each every one two
    three four five six seven eight nine ten dozens hundreds thousands millions""".split()
)
LEAD_WORDS = PRAISE_WORDS | QUANTITY_WORDS | {"real-world"}
_GENERIC = GENERIC_WORDS | GENERIC_MODIFIERS
# Heads naming a class of tasks or an activity, never one task.
CLASS_HEADS = frozenset(
    """task tasks problem problems application applications setting settings scenario scenarios
    domain domains""".split()
)
ACTIVITY_HEADS = frozenset(
    """evaluations evaluation experiments experiment simulations computations analyses results
    calculations measurements""".split()
)
# Heads of a method described only by its kind ("probabilistic model"); "network(s)" is left out:
# "convolutional neural networks" names an architecture.
KIND_HEADS = frozenset(
    """model models framework frameworks approach approaches method methods technique techniques
    scheme schemes architecture architectures algorithm algorithms system systems mechanism
    mechanisms process processes solution solutions procedure procedures strategy strategies
    tool tools paradigm paradigms representation representations""".split()
)
# Network heads described only by size ("wide networks", "shallow neural networks"); other
# modifiers name an architecture ("convolutional neural networks", "graph neural network").
NETWORK_HEADS = frozenset("network networks net nets".split())
SIZE_WORDS = frozenset("wide deep shallow large small big tiny narrow neural artificial".split())
_HEADS = TASK_HEADS | METHOD_HEADS | KIND_HEADS | CLASS_HEADS
DESCRIPTIVE_WORDS = (
    GENERIC_MODIFIERS
    | LEAD_WORDS
    | frozenset(
        """downstream upstream future real-time real-life specific related target source similar unseen
    challenging complex difficult important shallow wide fast slow accurate interpretable
    end-to-end fully partially highly hybrid advanced classic learning open fundamental central major
    critical crucial core long-standing longstanding well-established emerging burgeoning growing
    existing probabilistic statistical mathematical computational theoretical empirical physical
    numerical analytical optimal typical classical conventional traditional practical general
    original formal principled generic automatic automated linear nonlinear non-linear stochastic
    random chaotic dynamical""".split()
    )
)
# Suffixes of property adjectives ("trainable", "iterative", "revised"); "-al" and "-ic" are left out
# ("genetic algorithms", "spectral method" name methods), their generic ones are listed instead.
_ADJECTIVE_ENDINGS = ("ive", "ous", "ful", "less", "able", "ible", "ed")
# Prefixes of compound adjectives ("non-convex", "multi-view", "self-supervised").
PREFIXES = frozenset(
    "non semi multi pre post self well high low fully cross inter intra sub super un".split()
)
_COMPOUND_ENDINGS = ("-based", "-aware", "-efficient", "-specific", "-free", "-like", "-driven",
                     "-informed", "-agnostic", "-trained", "-weight", "-scale", "-level", "-dimensional",
                     "-time", "-oriented", "-guided", "-constrained", "-inspired", "-theoretic")  # fmt: skip
DATA_HEADS = frozenset(
    """data dataset datasets corpus corpora benchmark benchmarks database databases treebank collection
    collections images videos text texts documents articles speech recordings dialogues dialogs
    utterances sentences records logs tweets reviews questions lexicon lexicons dictionary
    dictionaries scans sequences""".split()
)
# Data nouns too generic to stand for a dataset without a name (the "data", "images", "signals").
GENERIC_DATA_HEADS = frozenset(
    """data dataset datasets set sets images image sequences sequence signals signal samples examples
    inputs observations measurements spectra catalogue catalogues catalog catalogs archive archives""".split()
)
_SENTENCE_ENDS = frozenset(".!?")
BROAD_IDF = 4.0  # a word in more than ~2% of arXiv abstracts ("classification", "retrieval") is broad
RARE_IDF = 8.5  # a word in at most ~7 of the 37k arXiv abstracts


@lru_cache(maxsize=1)
def base_verbs() -> frozenset[str]:
    try:
        text = resources.files("papersum.data.offline").joinpath(VERBS_FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return frozenset()
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=1)
def _idf() -> tuple[dict[str, float], float]:
    from papersum.offline.keywords import load_model  # the keyword model's arXiv idf

    model = load_model()
    return model.idf, model.default_idf


def is_broad(word: str) -> bool:
    """A common word of arXiv abstracts, too broad to be a tag on its own."""
    idf, default = _idf()
    return idf.get(word, default) < BROAD_IDF


def lead_words(lowered: tuple[str, ...]) -> int:
    """How many leading praise/quantity words the phrase has (never all of it)."""
    n = 0
    while n < len(lowered) - 1 and lowered[n] in LEAD_WORDS:
        n += 1
    return n


def is_descriptive(word: str, lower: str) -> bool:
    """An adjective-like modifier: generic ("deep"), "probabilistic", "CNN-based", "3D", "Bayesian"."""
    if lower in DESCRIPTIVE_WORDS or name_shape(word) == "number":
        return True
    if "-" in lower:
        return lower.endswith(_COMPOUND_ENDINGS) or (lower.rsplit("-", 1)[-1].islower() and "-" in word
                                                     and lower.endswith(_ADJECTIVE_ENDINGS))  # fmt: skip
    if word[1:].islower() and word[0].isupper() and lower.endswith(("ian", "ean")):
        return True  # adjectives from names: "Bayesian method", "Euclidean space"
    return word[1:].islower() and lower.endswith(_ADJECTIVE_ENDINGS)  # "trainable", "Revised"


def is_name_word(word: str) -> bool:
    """A word that names something: "ETTh1", "HST", "F814W", "Penn" (not "L2-regularized", "3D",
    "length-16000", "non-Euclidean")."""
    shape = name_shape(word)
    if shape not in {"name", "word"} or word.islower():
        return False
    head, _, tail = word.partition("-")
    if tail and head.isalpha() and head.islower():
        return False
    tail = word.rsplit("-", 1)[-1]
    return not ("-" in word and tail.isalpha() and tail.islower())


def is_rare_code(word: str) -> bool:
    """A lower-case code name seen in at most a few arXiv abstracts: "ogbl-ddi", "enwik8"."""
    idf, default = _idf()
    return word.islower() and any(c in word for c in "-_0123456789") and idf.get(word, default) >= RARE_IDF


def is_clause(words: tuple[str, ...], lowered: tuple[str, ...]) -> bool:
    """Starts with a verb ("steer PINN models"), or with a verb's -ing form taking a plural object
    ("learning richer representations", "Predicting Operators"; not "sampling algorithms", a head,
    nor "vanishing gradient problem")."""
    first = lowered[0]
    verbs = base_verbs()
    if first in verbs:
        return True
    head = lowered[-1]
    if (
        len(lowered) < 2
        or not first.endswith("ing")
        or not head.endswith("s")
        or (len(lowered) == 2 and head in _HEADS)
    ):
        return False
    stem = first[:-3]
    return (
        stem in verbs
        or f"{stem}e" in verbs
        or (len(stem) > 2 and stem[-1] == stem[-2] and stem[:-1] in verbs)
    )


def _common(word: str, opener: bool) -> bool:
    """Written as a common word: lower case, or capitalised only as a sentence's first word."""
    return word.islower() or (opener and name_shape(word) == "word")


def is_generic_task(words: tuple[str, ...], lowered: tuple[str, ...], opener: bool = False) -> bool:
    """One broad word (common in arXiv abstracts), alone or with descriptive words ("classification",
    "automatic classification"; not "parsing", "machine translation"), a class of tasks ("downstream
    tasks", "classification tasks") or an activity ("likelihood function evaluations")."""
    head = lowered[-1]
    if head in ACTIVITY_HEADS:
        return True
    rest = [(w, lw) for w, lw in zip(words[:-1], lowered[:-1], strict=True) if not is_descriptive(w, lw)]
    if head in CLASS_HEADS:  # what is left without the descriptive words names the task, or not
        if len(rest) > 1:
            return False
        if not rest:
            return True
        word, lower = rest[0]
        return _common(word, opener and len(words) == 2) and (
            head.endswith("s") or lower in TASK_HEADS or is_broad(lower)
        )
    if rest:
        return False
    return _common(words[-1], opener and len(words) == 1) and (head in CLASS_HEADS or is_broad(head))


def is_generic_method(words: tuple[str, ...], lowered: tuple[str, ...], opener: bool = False) -> bool:
    """One common word ("classifiers", "regression"), a network described only by its size ("wide
    networks"), or a kind of model described only by adjectives or by one broad word ("probabilistic
    model", "CNN-based models", "3D models", "physics-aware framework") or by the task it does
    ("detection model")."""
    head = lowered[-1]
    if len(lowered) == 1:
        return _common(words[0], opener) and (head in METHOD_HEADS or head in KIND_HEADS or is_broad(head))
    if head in NETWORK_HEADS:
        return SIZE_WORDS.issuperset(lowered[:-1])
    if head not in KIND_HEADS:
        return False
    rest = [(w, lw) for w, lw in zip(words[:-1], lowered[:-1], strict=True) if not is_descriptive(w, lw)]
    if not rest:
        return True
    word, lower = rest[0]
    return len(words) == 2 and _common(word, opener) and lower in TASK_HEADS


def is_named_dataset(words: tuple[str, ...], lowered: tuple[str, ...], opener: bool = False) -> bool:
    """A generic data noun ("data", "images", "sequences") only with a name ("DESI data", "HST F814W
    images", "ogbl-ddi dataset"; not "color images", "time-series data", "structured datasets"); a
    more specific one ("telephone dialogues", "parallel corpus", "newspaper articles") with any
    modifier, as SciERC annotates them; otherwise names only ("TanksAndTemples", "Penn Treebank";
    not "L2-regularized Jacobian"). A capitalised sentence opener (`opener`: the phrase starts a
    sentence) is not a name."""
    not_names = load_dataset_names().not_names  # "MRI", "Twitter": mostly not a dataset's name
    named = [
        is_name_word(w) and not (i == 0 and opener and name_shape(w) == "word") and lw not in not_names
        for i, (w, lw) in enumerate(zip(words, lowered, strict=True))
    ]
    head = lowered[-1]
    if head in GENERIC_DATA_HEADS:
        return any(named) or (head in DATA_WORDS and any(map(is_rare_code, lowered[:-1])))
    if head in DATA_HEADS:
        return len(lowered) > 1 or any(named)
    if len(words) == 1 and opener:
        return False
    return any(named) and all(is_name_word(w) or name_shape(w) == "number" for w in words)


def trusted(candidate: Candidate, field: str) -> bool:
    """Whether the phrase (without its lead words) may be shown as a tag of `field` ("Task",
    "Method" or "Material")."""
    skip = lead_words(candidate.lowered)
    return _trusted(candidate.words[skip:], candidate.lowered[skip:], field, _opens_sentence(candidate, skip))


@lru_cache(maxsize=20_000)  # phrases recur across papers
def _trusted(words: tuple[str, ...], lowered: tuple[str, ...], field: str, opener: bool) -> bool:
    if _GENERIC.issuperset(lowered) or is_clause(words, lowered):
        return False
    if field == "Task":
        return not is_generic_task(words, lowered, opener)
    if field == "Method":
        return not is_generic_method(words, lowered, opener)
    return is_named_dataset(words, lowered, opener)


def _opens_sentence(candidate: Candidate, skip: int = 0) -> bool:
    at = candidate.start + skip
    return at == 0 or candidate.abstract.tokens[at - 1] in _SENTENCE_ENDS


def display_words(candidate: Candidate) -> tuple[str, ...]:
    """The words a reader sees: without leading praise and quantity words."""
    return candidate.words[lead_words(candidate.lowered) :]
