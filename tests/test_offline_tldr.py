"""The extractive TL;DR: lead-in trimming, one line, never empty, determinism."""

from __future__ import annotations

import pytest

from papersum.offline import abstract_support, is_ungrounded
from papersum.offline.text import split_sentences
from papersum.offline.tldr import compress, extract_tldr

ABSTRACT = (
    "Deep networks are widely used for image recognition. However, they need large labelled datasets. "
    "In this paper, we propose FewNet, a few-shot learning method that adapts a pretrained network "
    "with only five labelled images per class. Experiments on ImageNet show a 4% gain over prior work."
)


def test_picks_the_contribution_sentence_and_trims_the_lead_in() -> None:
    tldr = extract_tldr("FewNet: few-shot learning from five images", ABSTRACT)
    assert tldr.startswith("We propose FewNet")
    assert "In this paper" not in tldr


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("In this paper, we propose a new loss.", "We propose a new loss."),
        ("This paper presents a parser for code.", "We present a parser for code."),
        ("Second, we study the (rarely used) Adam optimiser [3].", "We study the Adam optimiser."),
        ("To address this issue, we introduce X.", "We introduce X."),
        ("Here, we also propose a sampler.", "We propose a sampler."),
        ("We use \\textit{weak} labels for $k$ classes.", "We use weak labels for k classes."),
    ],
)
def test_compress(sentence: str, expected: str) -> None:
    assert compress(sentence) == expected


@pytest.mark.parametrize(
    ("title", "abstract"),
    [
        ("", "Transformers"),
        ("A title only", ""),
        ("", "no punctuation at all just words running on and on without an end"),
        ("", "   \n\t  "),
        ("", "(((...)))"),
        ("Tiny", "x."),
    ],
)
def test_never_empty_and_one_line(title: str, abstract: str) -> None:
    tldr = extract_tldr(title, abstract)
    assert tldr.strip()
    assert "\n" not in tldr
    assert len(tldr) <= 400


def test_long_single_sentence_is_clipped_to_the_schema_limit() -> None:
    tldr = extract_tldr("", "word " * 500)
    assert 0 < len(tldr) <= 400


def test_deterministic() -> None:
    assert {extract_tldr("FewNet", ABSTRACT) for _ in range(3)} == {extract_tldr("FewNet", ABSTRACT)}


def test_sentence_split_keeps_abbreviations() -> None:
    text = "We follow Smith et al. in using e.g. dropout. Results improve by 3.5 points."
    assert split_sentences(text) == [
        "We follow Smith et al. in using e.g. dropout.",
        "Results improve by 3.5 points.",
    ]


def test_abstract_support_flags_an_ungrounded_tldr() -> None:
    assert abstract_support(extract_tldr("FewNet", ABSTRACT), ABSTRACT) == 1.0
    assert not is_ungrounded("FewNet adapts pretrained networks from five labelled images.", ABSTRACT)
    assert is_ungrounded("A quantum algorithm for protein folding on trapped ions.", ABSTRACT)
    assert abstract_support("", ABSTRACT) == 1.0
