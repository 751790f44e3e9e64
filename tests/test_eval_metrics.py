"""Eval metric functions on hand-worked examples (the expected numbers are computed by hand)."""

from __future__ import annotations

import pytest

from papersum.evals import metrics
from papersum.evals.bootstrap import _percentile, paired_bootstrap

# --- SciTLDR ROUGE ----------------------------------------------------------------------------------


def test_rouge_keeps_gold_with_best_rouge1_and_reports_its_r2_rl() -> None:
    # pred "the cat sat on the mat" (6 tokens):
    # gold 0 "a dog ran": no overlap -> R1 0.
    # gold 1 "the cat sat": 3 unigram hits, P 3/6, R 3/3 -> R1 2/3; bigrams the-cat, cat-sat hit:
    #   P 2/5, R 2/2 -> R2 4/7; LCS 3 -> RL 2/3.
    # gold 2 "cat mat": 2 hits, P 2/6, R 1 -> R1 1/2.
    result = metrics.scitldr_rouge("the cat sat on the mat", ["a dog ran", "the cat sat", "cat mat"])
    assert result.best_gold == 1
    assert result.rouge1 == pytest.approx(2 / 3)
    assert result.rouge2 == pytest.approx(4 / 7)
    assert result.rougeL == pytest.approx(2 / 3)


def test_rouge_selection_is_by_rouge1_not_by_best_rouge2() -> None:
    # gold 0 has every unigram of the prediction but no bigram in order: R1 = 10/11, R2 = 0.
    # gold 1 "the cat sat": R1 = 2/3, R2 = 4/7. The protocol keeps gold 0, so R2 is 0, not 4/7.
    result = metrics.scitldr_rouge("the cat sat on the mat", ["mat the on sat cat", "the cat sat"])
    assert result.best_gold == 0
    assert result.rouge1 == pytest.approx(10 / 11)
    assert result.rouge2 == 0.0


def test_rouge_ties_keep_first_gold_lowercases_and_does_not_stem() -> None:
    assert metrics.scitldr_rouge("THE CAT SAT", ["the cat sat", "the cat sat"]).best_gold == 0
    assert metrics.scitldr_rouge("THE CAT SAT", ["the cat sat"]).rouge1 == pytest.approx(1.0)
    assert metrics.scitldr_rouge("cats", ["cat"]).rouge1 == 0.0  # no stemming
    assert metrics.scitldr_rouge("", ["the cat sat"]).rouge1 == 0.0
    with pytest.raises(ValueError, match="at least one gold"):
        metrics.scitldr_rouge("x", [])


def test_one_line_and_length_compliance() -> None:
    assert metrics.is_one_line("We propose X for Y, e.g. on ImageNet.")
    assert not metrics.is_one_line("We propose X. It works well.")
    assert not metrics.is_one_line("We propose X\nfor Y")
    assert not metrics.is_one_line("   ")
    assert metrics.word_count(" a  b c ") == 3
    assert metrics.is_length_compliant(" ".join(["w"] * metrics.TLDR_MIN_WORDS))
    assert not metrics.is_length_compliant(" ".join(["w"] * (metrics.TLDR_MIN_WORDS - 1)))
    assert metrics.is_length_compliant(" ".join(["w"] * metrics.TLDR_MAX_WORDS))
    assert not metrics.is_length_compliant(" ".join(["w"] * (metrics.TLDR_MAX_WORDS + 1)))


def test_unsupported_share_counts_content_words_and_numbers() -> None:
    abstract = "We proposed a model called BERT-X. It reaches 95.1% accuracy on five datasets."
    # content tokens: propose, bert, reaching, 95.1, accuracy, 3, datasets (x: one letter; we/on: stopwords)
    # stems found in the abstract: propos, bert, reach, 95.1, accuraci, dataset; "3" is not there.
    tldr = "We propose BERT-X, reaching 95.1 accuracy on 3 datasets."
    assert metrics.unsupported_share(tldr, abstract) == pytest.approx(1 / 7)
    assert metrics.unsupported_share("the of and", abstract) == 0.0
    assert metrics.unsupported_share("quantum gravity", abstract) == 1.0


# --- Inspec keyphrases -----------------------------------------------------------------------------


def test_stem_phrase_lowercases_splits_punctuation_and_stems() -> None:
    assert metrics.stem_phrase("Neural  Networks") == "neural network"
    assert metrics.stem_phrase("multi-step matrix games") == "multi step matrix game"
    assert metrics.stem_phrase("multistep matrix game") == "multistep matrix game"


def test_keyphrase_f1_at_k_stemmed_match_and_duplicates() -> None:
    predicted = ["Neural Networks", "neural network", "multi-step matrix game", "ship control", "foo"]
    gold = ["neural networks", "multistep matrix game", "multi-step matrix games", "ship controls", "bar"]
    # stemmed unique predictions: neural network, multi step matrix game, ship control, foo (dup dropped)
    # stemmed unique gold (5): neural network, multistep matrix game, multi step matrix game,
    #   ship control, bar
    at10 = metrics.keyphrase_prf_at_k(predicted, gold, 10)
    assert (at10.precision, at10.recall) == pytest.approx((3 / 4, 3 / 5))
    assert at10.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    # the duplicate does not take a top-2 slot: top 2 = neural network, multi step matrix game
    at2 = metrics.keyphrase_prf_at_k(predicted, gold, 2)
    assert (at2.precision, at2.recall, at2.f1) == pytest.approx((1.0, 2 / 5, 4 / 7))


def test_keyphrase_with_no_predictions_scores_zero() -> None:
    assert metrics.keyphrase_prf_at_k([], ["a b"], 5) == metrics.PRF(0.0, 0.0, 0.0)


# --- arXiv categories ------------------------------------------------------------------------------


def test_category_scores_hand_example() -> None:
    predictions = [["cs.LG", "stat.ML"], ["cs.CV"], ["stat.ML", "cs.LG"], []]
    golds = [["cs.LG"], ["cs.LG", "cs.CV"], ["cs.LG", "cs.AI"], ["cs.CL"]]
    primaries = ["cs.LG", "cs.LG", "cs.AI", "cs.CL"]
    scores = metrics.category_scores(predictions, golds, primaries)
    assert scores.primary_accuracy == pytest.approx(1 / 4)
    assert scores.top_in_categories == pytest.approx(2 / 4)
    # cs.LG tp 2 fn 1 -> F1 0.8; cs.CV tp 1 -> 1; stat.ML fp 2, cs.AI fn 1, cs.CL fn 1 -> 0
    assert scores.per_category["cs.LG"].f1 == pytest.approx(0.8)
    assert scores.per_category["cs.CV"].f1 == pytest.approx(1.0)
    assert scores.per_category["stat.ML"].f1 == 0.0
    assert scores.support == {"cs.AI": 1, "cs.CL": 1, "cs.CV": 1, "cs.LG": 3, "stat.ML": 0}
    # micro: tp 3, fp 2, fn 3 -> P 3/5, R 1/2
    assert (scores.micro.precision, scores.micro.recall) == pytest.approx((0.6, 0.5))
    assert scores.micro.f1 == pytest.approx(0.6 / 1.1)
    assert scores.macro_f1 == pytest.approx((0.8 + 1.0) / 5)


def test_category_scores_length_mismatch() -> None:
    with pytest.raises(ValueError, match="same length"):
        metrics.category_scores([["a"]], [], [])


# --- SciERC entities -------------------------------------------------------------------------------


def test_normalise_entity() -> None:
    assert metrics.normalise_entity("The Convolutional-Neural  Networks.") == "convolutional neural networks"
    assert metrics.normalise_entity("an image sequence") == "image sequence"
    assert metrics.normalise_entity("theory of mind") == "theory of mind"  # "the" only as a whole word


def test_entity_counts_and_micro() -> None:
    counts = metrics.entity_counts(
        ["CNN", "the image sequence", "Image-Sequence"], ["image sequence", "an algorithm"]
    )
    assert counts == metrics.Counts(tp=1, fp=1, fn=1)
    total = metrics.micro_prf([counts, metrics.Counts(tp=1, fp=0, fn=0)])
    assert (total.precision, total.recall) == pytest.approx((2 / 3, 2 / 3))


# --- agreement helpers -----------------------------------------------------------------------------


def test_jaccard() -> None:
    assert metrics.jaccard([], []) == 1.0
    assert metrics.jaccard(["A", "b"], ["a", "c"]) == pytest.approx(1 / 3)
    assert metrics.token_jaccard("The cat, sat", "the cat sat") == 1.0


# --- bootstrap -------------------------------------------------------------------------------------


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def test_percentile_interpolates() -> None:
    assert _percentile([1.0, 2.0, 3.0, 4.0], 0.5) == pytest.approx(2.5)
    assert _percentile([1.0, 2.0, 3.0, 4.0], 0.0) == 1.0


def test_paired_bootstrap_is_deterministic_and_paired() -> None:
    a = [0.1, 0.5, 0.3, 0.9, 0.2, 0.4, 0.6, 0.7]
    b = [x + 0.1 for x in a]
    first = paired_bootstrap(a, b, _mean, resamples=200, seed=7)
    again = paired_bootstrap(a, b, _mean, resamples=200, seed=7)
    assert first == again
    # every paper gains exactly 0.1, so every paired resample shows +0.1
    assert (first.delta, first.low, first.high) == pytest.approx((0.1, 0.1, 0.1))
    assert first.significant
    assert first.share_b_better == 1.0


def test_paired_bootstrap_interval_covers_zero_for_noise() -> None:
    a = [0.0, 1.0, 0.0, 1.0, 0.0, 1.0]
    b = [1.0, 0.0, 1.0, 0.0, 1.0, 0.0]
    result = paired_bootstrap(a, b, _mean, resamples=500, seed=1)
    assert result.delta == 0.0
    assert result.low < 0 < result.high
    assert not result.significant
    assert paired_bootstrap(a, b, _mean, resamples=500, seed=2) != result  # the seed matters


def test_paired_bootstrap_rejects_unpaired_input() -> None:
    with pytest.raises(ValueError, match="equal lengths"):
        paired_bootstrap([1.0], [1.0, 2.0], _mean)
    with pytest.raises(ValueError, match="at least one"):
        paired_bootstrap([], [], _mean)
