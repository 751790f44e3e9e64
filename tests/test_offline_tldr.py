"""The extractive TL;DR: lead-in trimming, one line, never empty, determinism."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from papersum.offline import abstract_support, is_ungrounded
from papersum.offline.text import split_sentences
from papersum.offline.tldr import candidate_texts, compress, extract_tldr
from papersum.readability import check_tldr

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
    assert tldr[-1] in ".!?…)"  # ends as a sentence even for degenerate input


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


def _prefixes(sentence: str) -> list[str]:
    return [text for group in candidate_texts(sentence) for text, is_prefix in group if is_prefix]


def test_clause_prefixes_end_as_sentences_at_clean_cuts() -> None:
    means = "We investigate the presence of such a space in deep networks by plotting many hidden units."
    assert _prefixes(means) == ["We investigate the presence of such a space in deep networks."]
    # "by" + agent after a participle, "keep using", an open "either": no cut at all.
    agent = "We classify domain names as either benign or produced by a domain generation algorithm."
    assert _prefixes(agent) == []
    catenative = "We propose a policy that lets every dispatcher see its own view and keep using JSQ."
    assert _prefixes(catenative) == []
    open_either = "We label every domain name in the traffic as either benign vs. produced by a generator."
    assert _prefixes(open_either) == []


def test_a_whole_sentence_wins_over_a_fragment_when_no_clean_cut_fits() -> None:
    # One long sentence whose only cut would strand "produced": the whole sentence is kept.
    long_sentence = (
        "We classify domain names observed in the traffic of a large university network over six months "
        "as either benign or produced by one of many domain generation algorithms used by botnets."
    )
    assert extract_tldr("", long_sentence) == long_sentence
    # Two sentences, the first over 45 words: the shorter whole sentence wins.
    too_long = " ".join(["We propose a method"] + ["and a component"] * 12) + "."
    short = "We propose a domain classifier that flags generated names."
    assert extract_tldr("Domain classifier", f"{too_long} {short}") == short


def test_dev_tldrs_read_as_one_whole_sentence() -> None:
    for title, abstract in _dev_papers(80):
        tldr = extract_tldr(title, abstract)
        assert not check_tldr(tldr).flawed, tldr


def _dev_papers(n: int) -> list[tuple[str, str]]:
    data = Path(__file__).resolve().parents[1] / "evals" / "data"
    papers: list[tuple[str, str]] = []
    for name in ("scitldr_a_dev.jsonl", "arxiv_ml_abstracts_categories_dev.jsonl"):
        with (data / name).open(encoding="utf-8") as handle:
            for line in itertools.islice(handle, n // 2):
                row = json.loads(line)
                abstract = row["abstract"] if isinstance(row["abstract"], str) else " ".join(row["abstract"])
                papers.append((row.get("title") or "", abstract))
    return papers
