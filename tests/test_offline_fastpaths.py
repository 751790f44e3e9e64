"""The offline engine's fast paths give exactly what the plain (training-time) definitions give."""

from __future__ import annotations

import json
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
