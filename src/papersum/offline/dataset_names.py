"""Dataset and benchmark names mined from training abstracts: a named dataset is shown as one.

scripts/build_tag_lexicons.py writes data/offline/dataset_names.tsv: names used as datasets in at
least two training abstracts ("the MNIST dataset", "experiments on CIFAR-10 and SVHN", "datasets
such as KITTI"), mostly so whenever mentioned, and not as methods. A candidate phrase that is such a
name, or the name with data words after it ("CIFAR-10 images", "ImageNet dataset"), is a dataset;
a name inside a longer phrase ("ImageNet classification") is shown on its own as a dataset. Not when
the abstract defines the same acronym for something else ("multivariate time series (MTS)"), and an
ordinary capitalised name ("Switchboard") only inside a sentence (the first word of a sentence is
capitalised anyway).

The abstract itself also names datasets the list lacks, the way the names were mined: names listed
right before a data word ("the NeRF-Synthetic, LLFF and TanksAndTemples datasets") or right after
one ("datasets such as X and Y", "a dataset called 3DIEBench"). The span helpers below serve both.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

from papersum.offline.entity_candidates import _TOKEN, Candidate, _Abstract
from papersum.offline.entity_features import GENERIC_MODIFIERS
from papersum.offline.text import EDGE_WORDS

NAMES_FILE = "dataset_names.tsv"
DATA_WORDS = frozenset(
    "dataset datasets corpus corpora benchmark benchmarks database databases treebank".split()
)
# Words that may follow a name inside the same dataset mention ("CIFAR-10 images", "MNIST digits").
DATA_TAIL = DATA_WORDS | frozenset(
    """data set sets images image videos video sequences recordings scans texts documents articles
    sentences utterances dialogues reviews tweets digits faces photos graphs splits split subset
    subsets challenge task suite collection""".split()
)
METHOD_WORDS = frozenset(
    """model models network networks net nets architecture architectures algorithm algorithms method
    methods approach approaches framework frameworks layer layers encoder encoders decoder embedding
    embeddings classifier classifiers baseline baselines loss optimizer optimizers module modules
    features descriptor descriptors kernel kernels backbone backbones variant variants policy agent
    solver solvers estimator estimators""".split()
)
_SENTENCE_ENDS = frozenset(".!?")
# Well-known method names: never a dataset ("on MLP", "Monte Carlo").
METHOD_NAMES = frozenset(
    """mlp cnn rnn lstm gru gan vae ntk relu sgd adam bert gpt transformer resnet unet u-net svm pca
    crf hmm lda kmeans k-means monte carlo mean field""".split()
)
MAX_NAME = 5
LIST_OPENERS = frozenset("such as including like namely ( : , e.g i.e viz called named dubbed termed".split())
LIST_JOINERS = frozenset([",", "and", "or", "&", "/"])
# A name never starts with one of these (sentence openers, descriptive words written in capitals).
NOT_FIRST = (
    EDGE_WORDS
    | GENERIC_MODIFIERS
    | frozenset(
        """experiments results table figure section appendix extensive empirical evaluations
        benchmark benchmarks dataset datasets data database corpus january february march april may
        june july august september october november december""".split()
    )
)


@lru_cache(maxsize=65536)
def name_shape(token: str) -> str:
    """ "name" (a digit or a capital inside: "CIFAR-10", "ImageNet", "MNIST", "4MOST"), "word"
    (capitalised: "Penn"), "number" ("2007", "1M", "100K", "3D", "10x") or "other"."""
    if not token[0].isalnum():
        return "other"
    if token[0].isdigit():
        tail = token.lstrip("0123456789.,")
        return "number" if len(tail) <= 1 else "name"
    if len(token) < 2:
        return "other"
    if any(c.isdigit() for c in token) or any(c.isupper() for c in token[1:]):
        return "name"
    return "word" if token[0].isupper() else "other"


def shaped(tokens: Sequence[str], i: int) -> bool:
    """Token i can be part of a name: distinctive, or capitalised inside a sentence, or a number
    after another name token ("MovieLens 1M")."""
    shape = name_shape(tokens[i])
    if shape == "number":
        return i > 0 and name_shape(tokens[i - 1]) in {"name", "word"}
    if shape == "word":
        return i > 0 and tokens[i - 1] not in _SENTENCE_ENDS and tokens[i].lower() not in NOT_FIRST
    return shape == "name"


def name_before(tokens: Sequence[str], end: int) -> tuple[int, int] | None:
    """The name ending right before token `end`: (start, end), or None."""
    start = end
    while start > 0 and end - start < MAX_NAME and shaped(tokens, start - 1):
        start -= 1
    while start < end and name_shape(tokens[start]) == "number":
        start += 1
    return (start, end) if start < end else None


def name_after(tokens: Sequence[str], start: int) -> tuple[int, int] | None:
    """The name starting at token `start`: (start, end), or None."""
    if start >= len(tokens) or not shaped(tokens, start) or name_shape(tokens[start]) == "number":
        return None
    end = start + 1
    while end < len(tokens) and end - start < MAX_NAME and shaped(tokens, end):
        end += 1
    return start, end


def list_after(tokens: Sequence[str], start: int) -> list[tuple[int, int]]:
    """Names listed from token `start` on: "MNIST, CIFAR-10 (and|or) SVHN"."""
    found: list[tuple[int, int]] = []
    i = start
    while i < len(tokens):
        if tokens[i].lower() == "the":
            i += 1
        span = name_after(tokens, i)
        if span is None:
            break
        found.append(span)
        i = span[1]
        if i < len(tokens) and tokens[i].lower() in DATA_WORDS:
            i += 1
        while i < len(tokens) and tokens[i].lower() in LIST_JOINERS:
            i += 1
    return found


def list_before(tokens: Sequence[str], end: int) -> list[tuple[int, int]]:
    """Names listed right before token `end`: "MNIST, CIFAR-10 and SVHN" + end."""
    found: list[tuple[int, int]] = []
    i = end
    while True:
        span = name_before(tokens, i)
        if span is None:
            break
        found.append(span)
        i = span[0]
        joined = False
        while i > 0 and tokens[i - 1].lower() in LIST_JOINERS:
            i -= 1
            joined = True
        if not joined:
            break
    return found


def listed_spans(tokens: Sequence[str], lower: Sequence[str]) -> list[tuple[int, int]]:
    """Names written as datasets: right before a data word ("the MNIST and SVHN datasets"; a
    capitalised data word is part of the name: "the Penn Treebank"), or listed right after one
    ("benchmarks such as KITTI", "a dataset called 3DIEBench")."""
    found: list[tuple[int, int]] = []
    n = len(tokens)
    for i in [i for i, word in enumerate(lower) if word in DATA_WORDS]:
        span = name_before(tokens, i) if tokens[i][0].isupper() else None
        if span is not None:
            found.append((span[0], i + 1))
        else:
            found += list_before(tokens, i)
        j = i + 1
        while j < n and (lower[j] in LIST_OPENERS or lower[j] in {"as", "the"} or (
                lower[j] == "." and lower[j - 1] in {"e.g", "i.e"})):  # fmt: skip
            j += 1
        if j > i + 1:
            found += list_after(tokens, j)
    return found


class DatasetNames:
    """The mined names by their lower-cased tokens, and the first tokens (to skip most phrases)."""

    def __init__(self, names: dict[tuple[str, ...], str]) -> None:
        self.names = {name: kind for name, kind in names.items() if kind != "no"}  # -> "name" | "word"
        # Mostly something else when written as a dataset's name ("MRI datasets", "Twitter data").
        self.not_names = frozenset(" ".join(name) for name, kind in names.items() if kind == "no")
        self.firsts = frozenset(name[0] for name in self.names)
        self.longest = max((len(name) for name in self.names), default=0)

    def find(self, candidate: Candidate) -> Candidate | None:
        """The dataset this candidate names, as a candidate: the whole phrase when it is a name
        followed only by data words, else the name alone; None when it names none."""
        lowered = candidate.lowered
        if self.firsts.isdisjoint(lowered):
            return None
        words, n = candidate.words, len(lowered)
        for i in range(n):
            if lowered[i] not in self.firsts:
                continue
            for j in range(min(n, i + self.longest), i, -1):
                kind = self.names.get(lowered[i:j])
                if j < n and name_shape(words[j]) in {"name", "word"} and lowered[j] not in DATA_TAIL:
                    continue  # part of a longer name: "MNIST Counting Dialog"
                if kind is not None and self._stands_for_it(candidate, i, j, kind):
                    # The whole name: "Penn WSJ corpus", "PASCAL VOC 2007 dataset", "CIFAR-10 images".
                    while (
                        i > 0
                        and name_shape(words[i - 1]) in {"name", "word"}
                        and lowered[i - 1] not in NOT_FIRST
                    ):
                        i -= 1
                    while j < n and name_shape(words[j]) == "number":
                        j += 1
                    end = n if all(w in DATA_TAIL for w in lowered[j:]) else j
                    if i == 0 and end == n:
                        return candidate
                    acronym = candidate.acronym if end == n else ""
                    start = candidate.start
                    return Candidate(words[i:end], lowered[i:end], acronym, start + i, start + end,
                                     candidate.abstract)  # fmt: skip
        return None

    @staticmethod
    def _stands_for_it(candidate: Candidate, i: int, j: int, kind: str) -> bool:
        words = candidate.words[i:j]
        if all(name_shape(word) in {"other", "number"} for word in words):
            return False  # written in lower case: "spider", not "Spider"
        tokens = candidate.abstract.tokens
        at = candidate.start + i
        if kind == "word" and (at == 0 or tokens[at - 1] in _SENTENCE_ENDS):
            return False
        if j - i == 1:  # an acronym the abstract defines for something else: "... series (MTS)"
            word = words[0]
            for k in range(1, len(tokens) - 1):
                if tokens[k] == word and tokens[k - 1] == "(" and tokens[k + 1] == ")":
                    return False
        return True


def parse_names(text: str) -> dict[tuple[str, ...], str]:
    names: dict[tuple[str, ...], str] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        names[tuple(token.lower() for token in _TOKEN.findall(parts[0]))] = parts[-1].strip()
    return names


@lru_cache(maxsize=1)
def load_dataset_names() -> DatasetNames:
    """The shipped names (empty when the data file is absent)."""
    try:
        text = resources.files("papersum.data.offline").joinpath(NAMES_FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    return DatasetNames(parse_names(text))


def abbreviates(acronym: str, words: Sequence[str]) -> bool:
    """The acronym's letters are, in order, word-initial or inside the words (Schwartz and Hearst's
    test): "inD" stands for "internal dataset", "exDs" for "external datasets"."""
    text = " ".join(words).lower()
    letters = [c for c in acronym.lower() if c.isalnum()]
    i = len(text) - 1
    for k in range(len(letters) - 1, -1, -1):
        while i >= 0 and (text[i] != letters[k] or (k == 0 and i > 0 and text[i - 1].isalnum())):
            i -= 1
        if i < 0:
            return False
        i -= 1
    return True


def listed_datasets(abstract: _Abstract, names: DatasetNames | None = None) -> list[Candidate]:
    """Names the abstract writes as datasets (listed_spans): at least one distinctive word or two
    words ("NeRF-Synthetic", "Penn Treebank"; not "English"), no well-known method name; with the
    data word right after it ("MIT Indoor-67 dataset", as annotators write it) and "(ACRONYM)"."""
    tokens, lower = abstract.tokens, abstract.lower_tokens
    if DATA_WORDS.isdisjoint(lower):
        return []
    not_names = (load_dataset_names() if names is None else names).not_names
    found = []
    n = len(tokens)
    for start, end in listed_spans(tokens, lower):
        name = " ".join(lower[start:end])
        if name in METHOD_NAMES or name in not_names:
            continue
        if end - start == 1 and name_shape(tokens[start]) != "name":
            continue
        if (
            start > 0
            and tokens[start - 1] == "("
            and abbreviates(tokens[start], tokens[max(0, start - 5) : start - 1])
        ):
            continue  # "an internal dataset (inD; ...)": a local abbreviation, not a name
        if end < n and lower[end] in DATA_WORDS:
            end += 1
        acronym = tokens[end + 1] if end + 2 < n and tokens[end] == "(" and tokens[end + 2] == ")" else ""
        found.append(
            Candidate(tuple(tokens[start:end]), tuple(lower[start:end]), acronym, start, end, abstract)
        )
    return found


def named_datasets(candidates: Sequence[Candidate], names: DatasetNames | None = None) -> list[Candidate]:
    """The datasets the candidates name (see DatasetNames.find) and those the abstract lists
    (listed_datasets), in that order."""
    names = load_dataset_names() if names is None else names
    found = []
    if candidates and not names.firsts.isdisjoint(candidates[0].abstract.lower_tokens):
        firsts = names.firsts  # most abstracts name none: one set test above skips them
        for candidate in candidates:
            if not firsts.isdisjoint(candidate.lowered):
                named = names.find(candidate)
                if named is not None:
                    found.append(named)
    if candidates:
        taken = {i for named in found for i in range(named.start, named.end)}
        for listed in listed_datasets(candidates[0].abstract, names):
            if taken.isdisjoint(range(listed.start, listed.end)):
                found.append(listed)
                taken.update(range(listed.start, listed.end))
    return found
