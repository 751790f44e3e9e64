"""keywords.rank_keyphrases for a batch of papers at once: the same rankings, scored as numpy arrays.

keywords.candidates / score_candidates (the training-time definitions) build one object per
candidate phrase and score it in a Python loop, paper by paper. Here every word gets an id (kept
across batches with the model's values for it), every candidate span of the batch is a row (paper,
length, word ids), one stable sort groups the rows into each paper's distinct phrases with their
counts and first occurrences, and the scores of the whole batch are computed at once: the same
float operations in the same order as score_candidates, element-wise (so bit-identical: IEEE
addition, multiplication and division; the logarithms are math.log1p's, never numpy's), ranked by
a stable sort as `sorted(..., reverse=True)` ranks them. Worth it for a batch only (a numpy call
costs microseconds whatever its size): keywords.extract_keywords keeps the plain path for one
paper. tests/test_offline_fastpaths.py checks the two paths against each other.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress

import numpy as np

from papersum.offline.keywords import (
    _TOKEN,
    MAX_PHRASE_CHARS,
    MAX_RANKED,
    MAX_WORDS,
    KeywordModel,
    _is_adverb,
    load_model,
)
from papersum.offline.text import EDGE_WORDS, STOPWORDS, fold_inflection

# keywords._TOKEN for ASCII text (the same tokens; letter ranges are quicker to test than classes).
_ASCII_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-'][A-Za-z0-9]+)*|[0-9]+(?:\.[0-9]+)?|[^\sA-Za-z0-9_]|_")
MAX_KNOWN = 20_000  # words (and tokens) remembered between batches; beyond, both start over (memory)
_EDGE, _HYPHEN, _PHRASE_FIRST, _PHRASE_SECOND = range(4)


class _Tokens(dict[str, tuple[int, bool, bool]]):
    """token -> (word id, a chunk word (keywords.chunks' test), acronym-like); a new token is added
    on first lookup (so a batch's tokens are looked up by one map() in C)."""

    def __init__(self, table: _WordTable) -> None:
        super().__init__()
        self.table = table

    def __missing__(self, token: str) -> tuple[int, bool, bool]:
        return self.table.token(token)


class _WordTable:
    """Every word seen so far (lower-cased) with an id and the model's values for it (growing
    numpy arrays), and every token seen so far with its word id and keywords.chunks' test."""

    def __init__(self, model: KeywordModel) -> None:
        self.model = model
        phrases = [key.split(" ") for key in model.phrase_kp if " " in key]
        # A span is looked up in the phrase lexicon only when its first two words can start an entry.
        self.phrase_firsts = frozenset(words[0] for words in phrases)
        self.phrase_seconds = frozenset(words[1] for words in phrases)
        self.clear()

    def clear(self) -> None:
        self.ids: dict[str, int] = {}
        self.tokens = _Tokens(self)
        self.words: list[str] = []
        self.folded: list[str] = []  # fold_inflection(word)
        self.idf = np.zeros(4096)
        self.kp = np.zeros(4096)
        self.phrase = np.zeros(4096)  # phrase_kp of the word alone (0.0: none)
        self.flags = np.zeros((4, 4096), bool)  # _EDGE, _HYPHEN, _PHRASE_FIRST, _PHRASE_SECOND

    def token(self, token: str) -> tuple[int, bool, bool]:
        """(word id, a chunk word (keywords.chunks' test), acronym-like) of a token not seen yet."""
        lower = token.lower()
        is_break = not token[0].isalpha() or lower in STOPWORDS or (lower[-2:] == "ly" and _is_adverb(lower))
        word = self.ids.get(lower)
        entry = self.tokens[token] = (
            self.word(lower) if word is None else word,
            not is_break,
            len(token) > 1 and token.isupper(),
        )
        return entry

    def word(self, lower: str) -> int:
        number = self.ids[lower] = len(self.words)
        self.words.append(lower)
        self.folded.append(fold_inflection(lower))
        if number >= len(self.idf):
            self.idf, self.kp, self.phrase = (
                np.resize(a, 2 * len(a)) for a in (self.idf, self.kp, self.phrase)
            )
            self.flags = np.concatenate([self.flags, np.zeros_like(self.flags)], axis=1)
        model = self.model
        self.idf[number] = model.idf.get(lower, model.default_idf)
        self.kp[number] = model.word_kp.get(lower, model.default_kp)
        self.phrase[number] = model.phrase_kp.get(lower, 0.0)
        self.flags[:, number] = (
            lower in EDGE_WORDS,
            "-" in lower,
            lower in self.phrase_firsts,
            lower in self.phrase_seconds,
        )
        return number


@lru_cache(maxsize=1)
def _table() -> _WordTable:
    return _WordTable(load_model())


_log1p: list[float] = []


def _log1p_of(values: np.ndarray) -> np.ndarray:
    """math.log1p of small non-negative integers (counts), from a growing table."""
    top = int(values.max())
    if top >= len(_log1p):
        _log1p.extend(math.log1p(c) for c in range(len(_log1p), top + 1))
    table: np.ndarray = np.array(_log1p[: top + 1])
    return table[values]  # type: ignore[no-any-return]


@dataclass
class _Batch:
    """The chunk words of a batch of papers (title then abstract, paper after paper)."""

    ids: np.ndarray  # word id
    originals: list[str]
    acronyms: np.ndarray  # acronym-like as written
    paper: np.ndarray  # the paper it is in
    local: np.ndarray  # its position among its paper's chunk words
    run_start: np.ndarray  # the [start, end) (batch indices) of its chunk
    run_end: np.ndarray
    in_title: np.ndarray  # from the title
    sizes: np.ndarray  # chunk words per paper


def _chunk_words(papers: Sequence[tuple[str, str]], table: _WordTable) -> _Batch:
    ids: list[int] = []
    originals: list[str] = []
    acronyms: list[bool] = []
    words: list[bool] = []
    title: list[bool] = []
    paper_of: list[int] = []
    lookup = table.tokens.__getitem__
    for number, (title_text, abstract) in enumerate(papers):
        for is_title, part in ((True, title_text), (False, abstract)):
            tokens = (_ASCII_TOKEN if part.isascii() else _TOKEN).findall(part)
            if not tokens:
                continue
            part_ids, part_words, part_acronyms = zip(*map(lookup, tokens), strict=True)
            ids += part_ids
            originals += tokens
            acronyms += part_acronyms
            words += part_words
            words.append(False)  # a chunk ends with its part
            ids.append(-1)
            originals.append("")
            acronyms.append(False)
            title += [is_title] * (len(tokens) + 1)
            paper_of += [number] * (len(tokens) + 1)
    is_word = np.array(words, bool)
    where = np.flatnonzero(is_word)
    n = len(where)
    new_run = np.ones(n, bool)
    new_run[1:] = where[1:] != where[:-1] + 1
    starts = np.flatnonzero(new_run)
    run_of = np.cumsum(new_run) - 1
    paper = np.array(paper_of, np.int64)[where]
    sizes = np.bincount(paper, minlength=len(papers))
    return _Batch(
        ids=np.array(ids, np.int64)[where],
        originals=list(compress(originals, words)),
        acronyms=np.array(acronyms, bool)[where],
        paper=paper,
        local=np.arange(n) - (np.cumsum(sizes) - sizes)[paper],
        run_start=starts[run_of],
        run_end=np.append(starts[1:], n)[run_of],
        in_title=np.array(title, bool)[where],
        sizes=sizes,
    )


_LOCK = threading.Lock()


def rank_keyphrases_many(papers: Sequence[tuple[str, str]]) -> list[list[str]]:
    """keywords.rank_keyphrases(title, abstract) for each (title, abstract)."""
    # The word table (and the log1p table) grow as batches come: one batch at a time, so threads
    # (an LLM provider's offline fallback) never see them half-grown or cleared mid-batch.
    with _LOCK:
        return _rank_many(papers)


def _rank_many(papers: Sequence[tuple[str, str]]) -> list[list[str]]:
    table = _table()
    if len(table.tokens) > MAX_KNOWN or len(table.words) > MAX_KNOWN:
        table.clear()
    batch = _chunk_words(papers, table)
    size = len(batch.ids)
    if not size:
        return [[] for _ in papers]
    ids = batch.ids
    edge = table.flags[_EDGE][ids]

    # Every candidate span in keywords.candidates' order (paper, start, then length) as a row.
    pad = np.concatenate([ids, np.full(MAX_WORDS, -1, np.int64)])
    positions = np.arange(size)
    valid = np.empty((size, MAX_WORDS), bool)
    span_words = np.full((size, MAX_WORDS, MAX_WORDS), -1, np.int64)
    for n_words in range(1, MAX_WORDS + 1):
        last = np.minimum(positions + n_words - 1, size - 1)
        valid[:, n_words - 1] = (positions + n_words <= batch.run_end) & ~edge & ~edge[last]
        for j in range(n_words):
            span_words[:, n_words - 1, j] = pad[j : j + size]
    flat = np.flatnonzero(valid.ravel())
    start_all = flat // MAX_WORDS
    length_all = flat % MAX_WORDS + 1
    rows = span_words.reshape(size * MAX_WORDS, MAX_WORDS)[flat]
    # Group equal phrases of a paper: a stable sort keeps each group's first occurrence first.
    keys = np.stack([batch.paper[start_all], length_all, *rows.T])
    order = np.lexsort(keys[::-1])
    keys = keys[:, order]
    group_start = np.ones(len(order), bool)
    group_start[1:] = (keys[:, 1:] != keys[:, :-1]).any(axis=0)
    heads = np.flatnonzero(group_start)
    counts = np.diff(np.append(heads, len(order)))
    first = order[heads]
    by_first = np.argsort(first)  # distinct phrases in order of first occurrence (found's order)
    first = first[by_first]
    counts = counts[by_first]
    start = start_all[first]
    length = length_all[first]
    paper = batch.paper[start]
    return _rankings(len(papers), paper, _scores(table, batch, start, length, counts), start, length, batch)


def _scores(
    table: _WordTable, batch: _Batch, start: np.ndarray, length: np.ndarray, counts: np.ndarray
) -> np.ndarray:
    """score_candidates' score of each distinct phrase (first occurrence start, length, count)."""
    ids, size = batch.ids, len(batch.ids)
    paper = batch.paper[start]
    # At each chunk word: how often its paper has the word (keywords.candidates' word_counts), and
    # whether it is one of the paper's title words (non-edge words of the title, which comes first:
    # the word's first occurrence in the paper is in the title).
    word_key = batch.paper * len(table.words) + ids
    _, first_at, which, key_counts = np.unique(
        word_key, return_index=True, return_inverse=True, return_counts=True
    )
    which = which.ravel()
    count_at = key_counts[which].astype(np.float64)
    title_at = batch.in_title[first_at[which]] & ~table.flags[_EDGE][ids]
    at = [np.minimum(start + j, size - 1) for j in range(MAX_WORDS)]
    inside = [length > j for j in range(MAX_WORDS)]
    word_ids = [ids[a] for a in at]
    idf = [table.idf[w] for w in word_ids]
    kp = [table.kp[w] for w in word_ids]
    idf_sum, kp_sum, word_total = idf[0], kp[0], count_at[at[0]]
    idf_min, kp_min, kp_max = idf[0], kp[0], kp[0]
    for j in range(1, MAX_WORDS):
        # x + 0.0 == x: adding zeros for the words past the phrase's end leaves the loop's sums.
        idf_sum = idf_sum + np.where(inside[j], idf[j], 0.0)
        kp_sum = kp_sum + np.where(inside[j], kp[j], 0.0)
        word_total = word_total + np.where(inside[j], count_at[at[j]], 0.0)
        idf_min = np.where(inside[j], np.minimum(idf_min, idf[j]), idf_min)
        kp_min = np.where(inside[j], np.minimum(kp_min, kp[j]), kp_min)
        kp_max = np.where(inside[j], np.maximum(kp_max, kp[j]), kp_max)
    kp_last = table.kp[ids[start + length - 1]]
    n = length.astype(np.float64)

    # Share of the phrase's distinct words that are title words.
    shared = np.zeros(len(start), np.int64)
    for j in range(MAX_WORDS):
        counted = inside[j] & title_at[at[j]]
        for i in range(j):
            counted &= word_ids[i] != word_ids[j]
        shared += counted
    title_share = shared / n

    (w_bias, w_tf, w_first, w_title, w_n1, w_n2, w_n3, w_n4, w_mean_idf, w_min_idf, w_mean_kp, w_min_kp,
     w_head_kp, w_first_kp, w_whole, w_phrase, w_word_tf, w_acronym, w_tfidf, w_title_tf, w_max_kp,
     w_hyphen, w_title_share) = table.model.weights  # fmt: skip
    log_tf = _log1p_of(counts)
    # log1p of each distinct mean word count (few of them), by math.log1p.
    mean_count, which = np.unique(word_total / n, return_inverse=True)
    log_word_tf = np.array([math.log1p(x) for x in mean_count.tolist()])[which.ravel()]
    total = np.maximum(batch.sizes[paper], 1)
    score = (
        w_bias
        + w_tf * log_tf
        + w_tfidf * log_tf * idf_sum / n
        + w_max_kp * kp_max
        + w_title_share * title_share
        + w_first * batch.local[start] / total
        + np.array([w_n1, w_n2, w_n3, w_n4])[length - 1]
        + (w_mean_idf * idf_sum + w_mean_kp * kp_sum) / n
        + w_min_idf * idf_min
        + w_min_kp * kp_min
        + w_head_kp * kp_last
        + w_first_kp * kp[0]
        + w_word_tf * log_word_tf
    )
    # Then score_candidates' conditional terms, in its order. A phrase is in the title when it
    # first occurs there (each paper's title words come first).
    score = np.where(batch.in_title[start], score + (w_title + w_title_tf * log_tf), score)
    hyphen = table.flags[_HYPHEN][word_ids[0]]
    for j in range(1, MAX_WORDS):
        hyphen = hyphen | (inside[j] & table.flags[_HYPHEN][word_ids[j]])
    score = np.where(hyphen, score + w_hyphen, score)
    whole = (batch.run_start[start] == start) & (batch.run_end[start] == start + length)
    score = np.where(whole, score + w_whole, score)
    score = _add_phrase_terms(score, table, w_phrase, batch, word_ids, start, length)
    return np.where(batch.acronyms[start] & (length == 1), score + w_acronym, score)


def _add_phrase_terms(
    score: np.ndarray,
    table: _WordTable,
    w_phrase: float,
    batch: _Batch,
    word_ids: list[np.ndarray],
    start: np.ndarray,
    length: np.ndarray,
) -> np.ndarray:
    """score + w_phrase * phrase_kp[phrase] where the phrase lexicon has a (non-zero) entry."""
    single = table.phrase[word_ids[0]]
    added = np.where((length == 1) & (single != 0.0), score + w_phrase * single, score)
    maybe = (length > 1) & table.flags[_PHRASE_FIRST][word_ids[0]] & table.flags[_PHRASE_SECOND][word_ids[1]]
    rows = np.flatnonzero(maybe).tolist()
    if rows:
        words, ids, phrase_kp = table.words, batch.ids.tolist(), table.model.phrase_kp
        begins, stops = start[rows].tolist(), (start + length)[rows].tolist()
        for row, begin, stop in zip(rows, begins, stops, strict=True):
            phrase = phrase_kp.get(" ".join([words[i] for i in ids[begin:stop]]))
            if phrase:
                added[row] = added[row] + w_phrase * phrase
    return added


def _rankings(
    n_papers: int, paper: np.ndarray, score: np.ndarray, start: np.ndarray, length: np.ndarray, batch: _Batch
) -> list[list[str]]:
    """Each paper's phrases by score, ties in order of first occurrence (a stable sort), up to
    MAX_RANKED: none over MAX_PHRASE_CHARS, one per inflection variant (rank_keyphrases)."""
    order = np.lexsort((np.arange(len(score)), -score, paper))
    bounds = np.searchsorted(paper[order], np.arange(n_papers + 1)).tolist()
    order_list, starts, stops = order.tolist(), start.tolist(), (start + length).tolist()
    originals, ids, folded = batch.originals, batch.ids.tolist(), _table().folded
    rankings: list[list[str]] = []
    for number in range(n_papers):
        ranked: list[str] = []
        seen: set[str] = set()
        for index in order_list[bounds[number] : bounds[number + 1]]:
            begin, stop = starts[index], stops[index]
            surface = " ".join(originals[begin:stop])
            if len(surface) > MAX_PHRASE_CHARS:
                continue
            variant = " ".join([folded[i] for i in ids[begin:stop]])  # keywords._variant_key
            if variant in seen:
                continue
            seen.add(variant)
            rest = surface[1:]
            # Cased as written when a capital follows the first letter (ASCII: a quick test).
            cased = rest != rest.lower() if rest.isascii() else any(c.isupper() for c in rest)
            ranked.append(surface if cased else surface.lower())
            if len(ranked) >= MAX_RANKED:
                break
        rankings.append(ranked)
    return rankings
