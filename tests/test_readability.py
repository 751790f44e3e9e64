"""The TL;DR readability checks on hand-worked examples (each verdict reasoned out in a comment)."""

from __future__ import annotations

import pytest

from papersum.readability import MAX_TLDR_WORDS, brackets_balanced, check_tldr, ends_mid_phrase


@pytest.mark.parametrize(
    "text",
    [
        # The examples: cut before a continuation, no terminal mark (rule 1).
        "We classify domain names as either benign vs. produced",
        "We model relation patterns including",
        "The learner must choose both which example to label and",
        # The same cuts with a full stop pasted on still stop on a continuation word (rule 5).
        "We model relation patterns including.",
        "The learner must choose both which example to label and.",
        "We compare our parser with the.",
        "This method is.",
        "We show that.",
        # Ellipsis (rule 2), a continuing abbreviation (rule 3), a dangling mark (rule 4).
        "We study the effect of depth on…",
        "We study the effect of depth on...",
        "We classify domain names as benign vs.",
        "We evaluate on standard benchmarks, e.g.",
        "We propose a new loss,.",
        # Nothing at all, or only closers.
        "",
        "   ",
        ")",
    ],
)
def test_ends_mid_phrase(text: str) -> None:
    assert ends_mid_phrase(text)


@pytest.mark.parametrize(
    "text",
    [
        "We propose FewNet, a few-shot learner that adapts with five labelled images.",
        "Does depth help?",
        "Attention is all you need!",
        # Closing quote/bracket after the terminal mark is fine.
        'We call this effect "grokking."',
        "We release the code (see the appendix.)",
        # "etc." and "et al." may end a sentence; "this"/"both"/"more" can end one too.
        "We evaluate on MNIST, CIFAR-10, etc.",
        "We reproduce the results of Smith et al.",
        "We prove this.",
        "Our method improves both.",
        "Larger models memorise more.",
        # A continuation word inside a longer word or mid-sentence does not count.
        "We study theories of thatching.",
        "Transformers are the best models for the task at hand.",
    ],
)
def test_ends_as_a_sentence(text: str) -> None:
    assert not ends_mid_phrase(text)


@pytest.mark.parametrize(
    ("text", "balanced"),
    [
        ("We propose X (a transformer) for Y [3].", True),
        ("Nested (a [b] {c}) brackets.", True),
        ("No brackets at all.", True),
        ("We propose X (a transformer for Y.", False),  # left open
        ("a transformer) for Y.", False),  # closed without an opener
        ("Crossed ( [ ) ] brackets.", False),  # closed in the wrong order
        ("1) we propose X.", False),  # an enumerator reads as a stray bracket
    ],
)
def test_brackets_balanced(text: str, balanced: bool) -> None:
    assert brackets_balanced(text) is balanced


def test_check_tldr_counts_words_and_combines_flaws() -> None:
    words = ["word"] * MAX_TLDR_WORDS
    exactly = " ".join(words) + "."
    assert not check_tldr(exactly).flawed  # 45 words: allowed
    longer = " ".join([*words, "more"]) + "."
    verdict = check_tldr(longer)
    assert verdict.over_long and not verdict.mid_phrase and not verdict.unbalanced and verdict.flawed
    fragment = check_tldr("We propose X (for Y and")
    assert fragment.mid_phrase and fragment.unbalanced and not fragment.over_long
    assert not check_tldr("We propose X for Y.").flawed
