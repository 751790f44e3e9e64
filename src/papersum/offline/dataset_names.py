"""Dataset and benchmark names mined from training abstracts: a named dataset is shown as one.

scripts/build_tag_lexicons.py writes data/offline/dataset_names.tsv: names used as datasets in at
least two training abstracts ("the MNIST dataset", "experiments on CIFAR-10 and SVHN", "datasets
such as KITTI"), mostly so whenever mentioned, and not as methods. A candidate phrase that is such a
name, or the name with data words after it ("CIFAR-10 images", "ImageNet dataset"), is a dataset;
a name inside a longer phrase ("ImageNet classification") is shown on its own as a dataset. Not when
the abstract defines the same acronym for something else ("multivariate time series (MTS)"), and an
ordinary capitalised name ("Switchboard") only inside a sentence (the first word of a sentence is
capitalised anyway).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

from papersum.offline.entity_candidates import _TOKEN, Candidate

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


class DatasetNames:
    """The mined names by their lower-cased tokens, and the first tokens (to skip most phrases)."""

    def __init__(self, names: dict[tuple[str, ...], str]) -> None:
        self.names = names  # lower-cased tokens -> "name" | "word"
        self.firsts = frozenset(name[0] for name in names)
        self.longest = max((len(name) for name in names), default=0)

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
                if kind is not None and self._stands_for_it(candidate, i, j, kind):
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


def named_datasets(candidates: Sequence[Candidate], names: DatasetNames | None = None) -> list[Candidate]:
    """The datasets the candidates name (see DatasetNames.find), in text order."""
    names = load_dataset_names() if names is None else names
    found = []
    for candidate in candidates:
        named = names.find(candidate)
        if named is not None:
            found.append(named)
    return found
