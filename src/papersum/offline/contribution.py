"""Contribution type from cue phrases, checked in order of specificity (first rule that fires wins)."""

from __future__ import annotations

import re

from papersum.models import Contribution

_RULES: tuple[tuple[Contribution, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))  # matched on lower-cased text
    for kind, pattern in (
        (
            Contribution.survey,
            r"\b(?:a |this )?(?:survey|review|overview|tutorial|systematic literature)\b"
            r"(?! (?:data|sites?|response))",
        ),
        (
            Contribution.benchmark,
            r"\b(?:we|this paper) (?:introduce|present|propose|release|construct|build)s?"
            r" (?:a |an |the )?(?:new |novel |large-scale |comprehensive |unified )*"
            r"(?:benchmark|evaluation suite|leaderboard)",
        ),
        (
            Contribution.dataset,
            r"\b(?:we|this paper) (?:introduce|present|propose|release|collect|construct|"
            r"build|create|curate)s? (?:a |an |the )?(?:new |novel |large-scale |large |"
            r"publicly available |first |annotated |multilingual )*(?:\w+ )?"
            r"(?:dataset|corpus|treebank|database|collection of)",
        ),
        (
            Contribution.system,
            r"\b(?:we (?:present|describe|introduce|release|develop|build)s?|this paper "
            r"(?:presents|describes)) (?:a |an |the )?(?:\w+ ){0,3}(?:system|toolkit|"
            r"library|platform|tool|software|prototype|pipeline|package|infrastructure)\b",
        ),
        (
            Contribution.theory,
            r"\b(?:we (?:prove|derive|establish)|theorem|lemma|upper bounds?|lower bounds?|"
            r"convergence rate|sample complexity|regret bound|minimax|np-hard)\b",
        ),
        (
            Contribution.analysis,
            r"\b(?:we (?:study|analy[sz]e|investigate|examine|evaluate|compare|"
            r"characteri[sz]e|revisit|measure)|empirical (?:study|analysis|evaluation)|"
            r"(?:comparative|systematic|large-scale) (?:study|analysis)|understanding)\b",
        ),
        (
            Contribution.application,
            r"\b(?:we apply|applied to|application (?:of|to)|case study|clinical|"
            r"patients|medical|industrial|real-world deployment)\b",
        ),
    )
)
_TITLE_HINTS: tuple[tuple[Contribution, re.Pattern[str]], ...] = (
    (Contribution.survey, re.compile(r"\b(?:survey|review|overview|tutorial)\b", re.I)),
    (Contribution.benchmark, re.compile(r"\bbenchmark(?:ing)?\b", re.I)),
    (Contribution.dataset, re.compile(r"\b(?:dataset|corpus)\b", re.I)),
)


# Plain substrings that every match of the rule with the same index contains: a cheap `in` test
# skips the regex for most abstracts.
_TRIGGERS: tuple[tuple[str, ...], ...] = (
    ("survey", "review", "overview", "tutorial", "systematic literature"),
    ("benchmark", "evaluation suite", "leaderboard"),
    ("dataset", "corpus", "treebank", "database", "collection of"),
    ("system", "toolkit", "library", "platform", "tool", "software", "prototype", "pipeline", "package",
     "infrastructure"),
    ("we prove", "we derive", "we establish", "theorem", "lemma", "bound", "convergence rate",
     "sample complexity", "minimax", "np-hard"),
    ("we study", "we analy", "we investigate", "we examine", "we evaluate", "we compare", "we characteri",
     "we revisit", "we measure", "empirical", "comparative", "systematic", "large-scale", "understanding"),
    ("we apply", "applied to", "application", "case study", "clinical", "patients", "medical", "industrial",
     "real-world deployment"),
)  # fmt: skip


def classify_contribution(title: str, abstract: str) -> Contribution:
    """One of method, theory, dataset, benchmark, survey, analysis, application, system."""
    for kind, pattern in _TITLE_HINTS:
        if pattern.search(title):
            return kind
    lower = abstract.lower()
    for (kind, pattern), triggers in zip(_RULES, _TRIGGERS, strict=True):
        if any(trigger in lower for trigger in triggers) and pattern.search(lower):
            return kind
    return Contribution.method


def has_cue(kind: Contribution, title: str, abstract: str) -> bool:
    """Whether the text has a cue for `kind` (any rule or title hint for it fires); "method", the
    default when nothing fires, needs none."""
    if kind is Contribution.method:
        return True
    if any(hint is kind and pattern.search(title) for hint, pattern in _TITLE_HINTS):
        return True
    lower = abstract.lower()
    return any(
        rule is kind and any(t in lower for t in triggers) and pattern.search(lower) is not None
        for (rule, pattern), triggers in zip(_RULES, _TRIGGERS, strict=True)
    )
