"""Reasons a person understands for one ranked paper, read off the scores that ranked it."""

from __future__ import annotations

import numpy as np

from papersum.models import Relevance
from papersum.rank.phrases import phrase_forms
from papersum.rank.score import DISLIKED, INTERESTS, LIBRARY, LIKED, FeedScores, ItemGroup
from papersum.rank.text import words

# An item "matches" a paper when their similarity is this many standard deviations above the
# item's average over the feed (about the top 2-3% of a feed).
REASON_Z = 2.0
MAX_SHARED_TERMS = 4
CONSIDERED_TERMS = 40  # the largest contributions looked at to find phrases among them
MAX_INTERESTS = 3


def _quote(title: str, limit: int = 90) -> str:
    title = " ".join(title.split())
    return f"'{title[: limit - 3]}...'" if len(title) > limit else f"'{title}'"


def _close_items(group: ItemGroup, row: int) -> list[int]:
    """Items of the group the paper is unusually close to, closest first."""
    z = group.z[row]
    order = np.argsort(-z, kind="stable")
    return [int(i) for i in order if z[i] >= REASON_Z]


def shared_terms(scores: FeedScores, group: ItemGroup, row: int, item: int, text: str) -> list[str]:
    """The terms that contribute most to the paper's similarity with one item, as written."""
    if scores.feed_vectors is None or scores.index is None:
        return []
    # Straight on the CSR arrays: a scipy row product per paper costs more than the whole scoring.
    feed, items = scores.feed_vectors, group.vectors
    paper = slice(feed.indptr[row], feed.indptr[row + 1])
    other = slice(items.indptr[item], items.indptr[item + 1])
    columns, in_paper, in_other = np.intersect1d(
        feed.indices[paper], items.indices[other], assume_unique=True, return_indices=True
    )
    if columns.size == 0:
        return []
    contribution = feed.data[paper][in_paper] * items.data[other][in_other]
    ranked = [scores.index.terms[int(c)] for c in columns[np.argsort(-contribution, kind="stable")]]
    forms = phrase_forms(text, wanted=set(ranked[:CONSIDERED_TERMS]))
    candidates = [term for term in ranked if term in forms][: 3 * MAX_SHARED_TERMS]
    # A pair ("radiance field") says more than its words: pairs first, then words not inside one.
    # Overlapping pairs would repeat words ("graph neural", "neural network"); a longer phrase
    # replaces the shorter ones it contains ("ad-hoc retrieval" over "ad-hoc").
    pairs: dict[str, set[str]] = {}
    for term in (t for t in candidates if " " in t):
        shown = set(forms[term].split())
        overlapping = [p for p, inside in pairs.items() if not shown.isdisjoint(inside)]
        if not overlapping and len(pairs) < MAX_SHARED_TERMS:
            pairs[term] = shown
        elif overlapping and all(pairs[p] < shown for p in overlapping):
            for p in overlapping:
                del pairs[p]
            pairs[term] = shown
    inside = set().union(*pairs.values())
    singles = [t for t in candidates if " " not in t and forms[t] not in inside]
    chosen = set((list(pairs) + singles)[:MAX_SHARED_TERMS])
    return list(dict.fromkeys(forms[t] for t in candidates if t in chosen))


_WHERE = {LIBRARY: "{} in your library", INTERESTS: "your interest {}", LIKED: "{}, which you rated up"}


def _nearest(scores: FeedScores, row: int) -> str:
    """When nothing is unusually close: the item the paper is nearest to, if above the average."""
    best: tuple[float, str] | None = None
    for kind, template in _WHERE.items():
        group = scores.groups.get(kind)
        if group is not None and group.size:
            item = int(np.argmax(group.z[row]))
            if group.z[row, item] > 0 and (best is None or group.z[row, item] > best[0]):
                best = (float(group.z[row, item]), template.format(_quote(group.labels[item])))
    if best is None:
        return "no close match to your library, interests or ratings"
    return f"nearest match: {best[1]}"


def _interest(scores: FeedScores, group: ItemGroup, row: int, item: int, text: str) -> str:
    """The interest phrase, and which of its words the paper shares when it is not all of them
    ("'video generation' (partly: image generation)"), so a partial match does not pass as whole."""
    phrase = group.labels[item]
    wanted = set(words(phrase))
    shared = shared_terms(scores, group, row, item, text)
    if len(wanted) < 2 or not shared or wanted <= set(words(" ".join(shared))):
        return _quote(phrase)
    return f"{_quote(phrase)} (partly: {', '.join(shared)})"


def explain(scores: FeedScores, row: int, text: str, include_hits: list[str]) -> Relevance:
    """The Relevance of feed paper `row` (its score, reasons, and what matched)."""
    reasons: list[str] = []
    matched: list[str] = []
    groups = scores.groups
    if LIBRARY in groups:
        library = groups[LIBRARY]
        close = _close_items(library, row)
        if close:
            best = close[0]
            more = f" and {len(close) - 1} more in your library" if len(close) > 1 else " in your library"
            reason = f"close to {_quote(library.labels[best])}{more}"
            terms = shared_terms(scores, library, row, best, text)
            if terms:
                reason += f" (shared: {', '.join(terms)})"
            reasons.append(reason)
            matched.extend(library.labels[i] for i in close[:3])
    if INTERESTS in groups:
        interests = groups[INTERESTS]
        close = _close_items(interests, row)[:MAX_INTERESTS]
        if close:
            phrases = [interests.labels[i] for i in close]
            word = "interest" if len(phrases) == 1 else "interests"
            shown = [_interest(scores, interests, row, i, text) for i in close]
            reasons.append(f"matches your {word} " + ", ".join(shown))
            matched.extend(phrases)
    if LIKED in groups:
        liked = groups[LIKED]
        close = _close_items(liked, row)
        if close:
            count = len(close)
            what = (
                f"{_quote(liked.labels[close[0]])}, which you rated up"
                if count == 1
                else (f"{count} papers you rated up")
            )
            reasons.append(f"like {what}")
            matched.extend(liked.labels[i] for i in close[:3])
    if scores.penalty is not None and scores.penalty[row] > 0 and DISLIKED in groups:
        disliked = groups[DISLIKED]
        worst = int(np.argmax(disliked.z[row]))
        reasons.append(f"ranked lower: like {_quote(disliked.labels[worst])}, which you rated down")
    if include_hits:
        reasons.append("mentions " + ", ".join(_quote(term) for term in include_hits))
        matched.extend(include_hits)
    if not reasons:
        reasons.append(_nearest(scores, row))
    return Relevance(score=round(float(scores.score[row]), 3), reasons=reasons, matched=matched)
