"""The offline engine's fast paths give exactly what the plain (training-time) definitions give."""

from __future__ import annotations

import json
import math
import sys
from concurrent.futures import ThreadPoolExecutor
from operator import mul
from pathlib import Path

import pytest

from papersum.evals.metrics import normalise_entity
from papersum.offline import entities, entity_features, keyword_rank, keywords, tldr
from papersum.offline.entity_candidates import entity_candidates
from papersum.offline.text import split_sentences

DATA = Path(__file__).resolve().parents[1] / "evals" / "data"
DEV = DATA / "scitldr_a_dev.jsonl"


def _papers(n: int = 40, path: Path = DEV) -> list[tuple[str, str]]:
    papers: list[tuple[str, str]] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            abstract = row["abstract"] if isinstance(row["abstract"], str) else " ".join(row["abstract"])
            papers.append((row.get("title") or "", abstract))
            if len(papers) == n:
                break
    return papers


def test_fast_word_probabilities_equal_the_training_path() -> None:
    model = tldr.load_model()
    for title, abstract in _papers():
        sentences = split_sentences(abstract)
        slow = tldr.word_probabilities(
            tldr.word_features(title, sentences, model.lexicon, model.default_lexicon), model.word_weights
        )
        fast = tldr.fast_word_probabilities(title, sentences, model)
        assert fast.keys() == slow.keys()
        for token, probability in slow.items():
            assert abs(fast[token] - probability) < 1e-12, token


def test_candidate_scores_equal_the_feature_rows() -> None:
    model = tldr.load_model()
    for title, abstract in _papers():
        sentences = split_sentences(abstract)
        probabilities = tldr.fast_word_probabilities(title, sentences, model)
        rows = tldr.scored_candidates(title, sentences, model, probabilities)
        fast = list(tldr._candidate_scores(title, sentences, model, probabilities))
        assert [text for text, _ in fast] == [text for text, _ in rows]
        for (_, score), (_, row) in zip(fast, rows, strict=True):
            assert score == sum(map(mul, model.weights, row))


def test_keyword_ranking_breaks_ties_by_first_position() -> None:
    model = keywords.load_model()
    for title, abstract in _papers():
        found, title_keys, counts, total = keywords.candidates(title, abstract)
        firsts = [candidate.first for candidate in found.values()]
        assert firsts == sorted(firsts)  # what the score-only stable sort relies on
        scores = keywords.score_candidates(found, title_keys, counts, total, model)
        assert sorted(scores, key=scores.__getitem__, reverse=True) == sorted(
            found, key=lambda key: (-scores[key], found[key].first)
        )


def test_fast_entity_logits_equal_the_feature_rows() -> None:
    model = entity_features.load_model()
    typer = entities.load_fast_typer()
    assert model is not None and typer is not None
    checked = pruned = 0
    for _, abstract in _papers():
        candidates = entity_candidates(abstract)
        tf = entity_features.phrase_counts(candidates)
        for candidate in candidates:
            assert candidate.key == normalise_entity(candidate.text)
            row = entity_features.feature_row(candidate, tf[candidate.lowered], model.lookup, model.prior)
            slow = entity_features.logits(row, model)
            fast = typer.logits(candidate, tf[candidate.lowered])
            if fast is None:  # ruled out early: it must really be below every threshold
                pruned += 1
                assert all(z < t for z, t in zip(slow, typer.thresholds, strict=True)), candidate.text
            else:
                checked += 1
                assert fast == pytest.approx(slow, abs=1e-9), candidate.text
    assert checked > 100 and pruned > 100


def test_entity_lexicon_tables_equal_the_terms_key_by_key() -> None:
    """The column-wise start-up tables hold exactly the floats of the scalar per-key terms."""
    model = entity_features.load_model()
    typer = entities.load_fast_typer()
    assert model is not None and typer is not None
    for group, table in typer.lexicon_terms.items():
        counts = model.lexicons[group]
        assert list(table) == list(counts)
        for key, term in table.items():
            assert repr(term) == repr(typer._lexicon_term(group, counts[key])), (group, key)
    gold = entity_features.FEATURE_NAMES.index("gold_Task")
    for key, term in typer.gold_terms.items():
        counts = model.lexicons["gold"][key]
        expected = tuple(
            sum(w[gold + i] * math.log1p(counts[i + 1]) for i in range(len(entity_features.LABELS)))
            for w in model.weights
        )
        assert repr(term) == repr(expected), key
    assert len(typer.gold_terms) == len(model.lexicons["gold"])


@pytest.mark.parametrize(
    "name", ["scitldr_a_dev.jsonl", "inspec_dev.jsonl", "arxiv_abstracts_categories_dev.jsonl"]
)
def test_batch_keyword_ranking_equals_paper_by_paper(name: str) -> None:
    papers = _papers(150, DATA / name)
    # Odd cases in one batch: no title, no text, only punctuation, non-ASCII words, one word.
    papers[3:3] = [
        ("", papers[0][1]),
        ("", ""),
        ("--- (?)", "..."),
        ("Poincaré maps", "Naïvely, é."),
        ("x", "y"),
    ]
    batches = [papers[start : start + 64] for start in range(0, len(papers), 64)]
    batched = [ranked for batch in batches for ranked in keyword_rank.rank_keyphrases_many(batch)]
    assert batched == [keywords.rank_keyphrases(title, abstract) for title, abstract in papers]


def test_batch_keyword_ranking_is_thread_safe(monkeypatch: pytest.MonkeyPatch) -> None:
    # An LLM provider's offline fallback runs the engine in threads: the shared word table grows
    # (and is cleared when full) while batches are ranked.
    papers = _papers(256, DATA / "inspec_dev.jsonl") + _papers(256)
    batches = [papers[start : start + 32] for start in range(0, len(papers), 32)]
    expected = [[keywords.rank_keyphrases(title, abstract) for title, abstract in batch] for batch in batches]
    monkeypatch.setattr(keyword_rank, "MAX_KNOWN", 3000)  # cleared several times in the run
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        keyword_rank._table().clear()
        with ThreadPoolExecutor(max_workers=4) as pool:
            found = list(pool.map(keyword_rank.rank_keyphrases_many, batches * 2))
    finally:
        sys.setswitchinterval(previous)
    assert found == expected * 2


# Sentences that take the fast paths' edge cases: no full stop (the base text gains one), capitals
# only at the start, a first word with a capital inside, a bracket or digit before the first word,
# characters whose lower case is ASCII ("\u212a" -> "k") or longer ("\u0130" -> "i\u0307"),
# a word repeated past tldr.TF_TERMS.
_ODD_ABSTRACTS = [
    ("", "we propose a model for parsing text with graphs and rules"),
    ("BERT", "iPhone apps use BERT. The Transformer wins. (A) We show it. 3D meshes are hard."),
    ("Kelvin", "The \u212aelvin scale is used here. \u0130stanbul data is small. We present \u212aNN."),
    ("Loops", "We study a loop. " + "loop " * 80 + "ends here."),
    ("Caps", "ALL CAPS SENTENCE HERE. Éa bc. ÉBERT works. x É y."),
]


def test_fast_capitalised_tokens_equal_the_plain_definition() -> None:
    for _, abstract in _papers(200) + _ODD_ABSTRACTS:
        sentences = split_sentences(abstract)
        assert tldr._fast_capitalised_tokens(sentences) == tldr._capitalised_tokens(sentences)
    for sentence in ["", "A", "a", "(A) b", "aB c", "Ab c", "Ab Ab", "Ab aB", "1 Ab", "AB", "A b C"]:
        assert tldr._fast_capitalised_tokens([sentence]) == tldr._capitalised_tokens([sentence]), sentence


def test_fast_paths_with_shared_tokens_equal_the_training_path() -> None:
    model = tldr.load_model()
    w_tf = model.word_weights[tldr.WORD_FEATURE_NAMES.index("log_tf")]
    assert all(model.tf_terms[count] == w_tf * math.log(count) for count in range(1, tldr.TF_TERMS))
    for title, abstract in _papers(100) + _ODD_ABSTRACTS:
        sentences = split_sentences(abstract)
        per_sentence = tldr.rouge_tokens(sentences)
        slow = tldr.word_probabilities(
            tldr.word_features(title, sentences, model.lexicon, model.default_lexicon), model.word_weights
        )
        fast = tldr.fast_word_probabilities(title, sentences, model, per_sentence)
        assert fast == tldr.fast_word_probabilities(title, sentences, model)
        assert fast.keys() == slow.keys()
        for token, probability in slow.items():
            assert abs(fast[token] - probability) < 1e-12, token
        rows = tldr.scored_candidates(title, sentences, model, fast)
        scores = list(tldr._candidate_scores(title, sentences, model, fast, per_sentence))
        assert scores == [(text, sum(map(mul, model.weights, row))) for text, row in rows]
