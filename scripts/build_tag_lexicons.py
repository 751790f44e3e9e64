"""Mine the two word lists the offline tags check against, from the shared training abstracts:
src/papersum/data/offline/dataset_names.tsv and src/papersum/data/offline/base_verbs.txt (names,
words and counts only; no abstract text is written).

Abstracts read: arxiv_train.jsonl.gz, scierc_train.jsonl, scitldr_a_train.jsonl (--sources).

Dataset names. Each abstract is tokenised like the entity candidates
(papersum.offline.entity_candidates) and split into sentences. A *name* is a run of up to five
name-shaped tokens (a capital inside "ImageNet", an acronym "MNIST", a digit "CIFAR-10", or a
capitalised word that does not open the sentence "Penn"; a number may continue a name: "MovieLens
1M"). A name is used as a dataset in an abstract when it stands

1. right before a data word: "the MNIST dataset", "MNIST, CIFAR-10 and SVHN datasets" (the whole
   list); a capitalised data word is part of the name ("the Penn Treebank");
2. in a list right after one: "datasets such as MNIST, CIFAR-10 and ImageNet", "benchmarks (KITTI,
   Cityscapes)", "datasets: X and Y", "datasets including X";
3. after "on" with an evaluation word in the 8 tokens before: "experiments on CIFAR-10 and SVHN",
   "we evaluate it on KITTI";

and as a method before a method word ("BERT model"), or after "we propose"/"called". A name is kept
when it is used as a dataset in at least --min-docs abstracts, more often than as a method, in at
least --min-share of the abstracts that mention it at all (MRI, Twitter, English, GPU are mostly
mentioned otherwise; --min-share-word for ordinary capitalised words), is not a well-known method
name, and is not in NOT_DATASETS (what these patterns catch that is no dataset, found by reading
the mined list). Columns: name (most common spelling), abstracts using it as a dataset / as a
method / mentioning it, kind: "name" (distinctive: digit, inner capital, acronym) or "word" (only
ordinary capitalised words, "Penn Treebank": shown bare only inside a sentence) or "no" (used as a
dataset in at least --min-docs abstracts but failing the other tests: "MRI", "Twitter", "GPU";
never taken for a dataset's name).

Base verbs. A lower-case word is a verb form that never names a thing when, over the arXiv
abstracts, at least 40% of its occurrences follow "to", "we", "not" or a modal ("to steer", "we
learn") and at most 5% follow a determiner or "of" ("the study" makes "study" a noun too); at least
5 occurrences. A tag starting with one ("steer PINN models") is a clause, not a name.

    PYTHONPATH=src python scripts/build_tag_lexicons.py [--data DIR]        # ~1 min
    PYTHONPATH=src python scripts/build_tag_lexicons.py --show-dropped      # review the names
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _evaldata import REPO, evaldata_dir, read_jsonl

from papersum.offline.dataset_names import (
    METHOD_NAMES,
    METHOD_WORDS,
    list_after,
    listed_spans,
    name_after,
    name_before,
    name_shape,
)
from papersum.offline.entity_candidates import _TOKEN
from papersum.offline.text import EDGE_WORDS

DATA_OUT = REPO / "src" / "papersum" / "data" / "offline"
SOURCES = {
    "arxiv": "arxiv_train.jsonl.gz",
    "scierc": "scierc_train.jsonl",
    "scitldr": "scitldr_a_train.jsonl",
}
EVALUATION_WORDS = frozenset(
    """experiment experiments experimental experimentally evaluation evaluations evaluate evaluates
    evaluated evaluating result results test tests tested testing trained train training benchmark
    benchmarks benchmarked accuracy accuracies performance performances error errors art sota
    score scores perplexity fid bleu achieve achieves achieved outperform outperforms demonstrate
    demonstrated validate validated empirically empirical""".split()
)
PROPOSAL_CUES = frozenset(
    "propose proposes present presents introduce introduces called named dubbed".split()
)
# Caught by the patterns, but no dataset: hardware and systems, imaging modalities, settings,
# tasks, venues, language pairs, and acronyms with a common other meaning (read from the list).
NOT_DATASETS = frozenset(
    """x86|cpu-based|non-iid|cryo-em|text-to-sql|dce-mri|mris|amazon ec2|postgresql|oracle|physical
    sciences inc|global database|ecml|english-french|mlc|mts|mic|iqa|moments""".replace("\n    ", " ").split(
        "|"
    )
)
VERB_CUES = frozenset("to we not can could may might will would should must".split())
NOUN_CUES = frozenset("the a an this these those our its their of each every".split())
_WORD = re.compile(r"[A-Za-z][a-z]+(?:-[a-z]+)*|[^\w\s]|\w+")


def read_sources(data: Path, names: Iterable[str]) -> dict[str, list[str]]:
    return {name: [str(row["abstract"]) for row in read_jsonl(data / SOURCES[name])] for name in names}


def sentences(text: str) -> Iterator[list[str]]:
    sentence: list[str] = []
    for token in _TOKEN.findall(text):
        sentence.append(token)
        if token in {".", "!", "?"}:
            yield sentence
            sentence = []
    if sentence:
        yield sentence


def dataset_spans(tokens: list[str]) -> Iterator[tuple[int, int]]:
    """listed_spans, and names after "on" with an evaluation word in the 8 tokens before."""
    lower = [t.lower() for t in tokens]
    yield from listed_spans(tokens, lower)
    evaluation = [i for i, t in enumerate(lower) if t in EVALUATION_WORDS]
    for i, word in enumerate(lower):
        if word == "on" and any(i - 8 <= e < i for e in evaluation):
            yield from list_after(tokens, i + 1)


def method_spans(tokens: list[str]) -> Iterator[tuple[int, int]]:
    lower = [t.lower() for t in tokens]
    for i, word in enumerate(lower):
        if word in METHOD_WORDS:
            span = name_before(tokens, i)
            if span is not None:
                yield span
        elif word in PROPOSAL_CUES:
            span = name_after(tokens, i + 1)
            if span is not None:
                yield span


def key(tokens: Iterable[str]) -> tuple[str, ...]:
    return tuple(t.lower() for t in tokens)


def mine_names(texts: list[str], args: argparse.Namespace) -> list[tuple[bool, str, int, int, int, str]]:
    """(kept, spelling, dataset docs, method docs, mention docs, kind) for names used as a dataset."""
    as_dataset: defaultdict[tuple[str, ...], set[int]] = defaultdict(set)
    as_method: defaultdict[tuple[str, ...], set[int]] = defaultdict(set)
    spellings: defaultdict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    tokenised = [list(sentences(text)) for text in texts]
    for doc, text_sentences in enumerate(tokenised):
        for tokens in text_sentences:
            for start, end in dataset_spans(tokens):
                name = key(tokens[start:end])
                as_dataset[name].add(doc)
                spellings[name][" ".join(tokens[start:end])] += 1
            for start, end in method_spans(tokens):
                as_method[key(tokens[start:end])].add(doc)
    mentions: defaultdict[tuple[str, ...], set[int]] = defaultdict(set)
    lengths = {len(name) for name in as_dataset}
    for doc, text_sentences in enumerate(tokenised):
        for tokens in text_sentences:
            lower = key(tokens)
            for n in lengths:
                for i in range(len(tokens) - n + 1):
                    gram = lower[i : i + n]
                    if gram in as_dataset and any(name_shape(t) != "other" for t in tokens[i : i + n]):
                        mentions[gram].add(doc)
    rows = []
    for name, docs in as_dataset.items():
        spelling = spellings[name].most_common(1)[0][0]
        n_docs, n_method, n_mentions = len(docs), len(as_method.get(name, ())), len(mentions[name])
        kind = "name" if any(name_shape(t) == "name" for t in spelling.split()) else "word"
        min_share = args.min_share if kind == "name" else args.min_share_word
        joined = " ".join(name)
        keep = (
            n_docs >= args.min_docs
            and n_docs > n_method
            and n_docs >= min_share * n_mentions
            and joined not in METHOD_NAMES
            and joined not in NOT_DATASETS
        )
        rows.append((keep, spelling, n_docs, n_method, n_mentions, kind))
    rows.sort(key=lambda row: (-row[2], row[1]))
    return rows


def mine_verbs(texts: list[str]) -> list[str]:
    total: Counter[str] = Counter()
    after_verb_cue: Counter[str] = Counter()
    after_noun_cue: Counter[str] = Counter()
    for text in texts:
        previous = ""
        for token in _WORD.findall(text):
            if token.islower():
                total[token] += 1
                if previous in VERB_CUES:
                    after_verb_cue[token] += 1
                elif previous in NOUN_CUES:
                    after_noun_cue[token] += 1
            previous = token.lower()
    return sorted(
        word
        for word, n in total.items()
        if n >= 5 and after_verb_cue[word] >= 0.4 * n and after_noun_cue[word] <= 0.05 * n
        and word not in EDGE_WORDS and len(word) > 2
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None)
    parser.add_argument("--sources", default="arxiv,scierc,scitldr")
    parser.add_argument("--min-docs", type=int, default=2)
    parser.add_argument("--min-share", type=float, default=0.2)
    parser.add_argument("--min-share-word", type=float, default=0.3)
    parser.add_argument("--out-dir", default=str(DATA_OUT))
    parser.add_argument("--show-dropped", action="store_true", help="print every mined name, kept (+) or not")
    args = parser.parse_args()
    texts = read_sources(evaldata_dir(args.data), args.sources.split(","))
    abstracts = [text for rows in texts.values() for text in rows]
    rows = mine_names(abstracts, args)
    if args.show_dropped:
        for keep, spelling, n_docs, n_method, n_mentions, kind in rows:
            if n_docs >= args.min_docs:
                print(f"{'+' if keep else '-'} {spelling}\t{n_docs}\t{n_method}\t{n_mentions}\t{kind}")
        return
    out = Path(args.out_dir)
    header = "# name\tdataset_docs\tmethod_docs\tmention_docs\tkind"
    lines = [f"{header} (scripts/build_tag_lexicons.py, {args.sources})"]
    lines += [f"{s}\t{d}\t{m}\t{n}\t{k}" for keep, s, d, m, n, k in rows if keep]
    # Written as datasets at times but mostly something else (MRI, Twitter, GPU): never a dataset name.
    lines += [f"{s}\t{d}\t{m}\t{n}\tno" for keep, s, d, m, n, k in rows if not keep and d >= args.min_docs]
    (out / "dataset_names.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    verbs = mine_verbs(texts.get("arxiv", abstracts))
    header = "# base verbs, one a line (scripts/build_tag_lexicons.py)"
    (out / "base_verbs.txt").write_text("\n".join([header, *verbs]) + "\n", encoding="utf-8")
    print(
        f"{len(abstracts)} abstracts; {len(lines) - 1} dataset names, {len(verbs)} verbs -> {out}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
