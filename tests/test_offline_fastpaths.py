"""The offline engine's fast paths give exactly what the plain (training-time) definitions give."""

from __future__ import annotations

import json
from operator import mul
from pathlib import Path

from papersum.offline import entities, keywords, tldr
from papersum.offline.text import split_sentences

DEV = Path(__file__).resolve().parents[1] / "evals" / "data" / "scitldr_a_dev.jsonl"


def _papers(n: int = 40) -> list[tuple[str, str]]:
    papers: list[tuple[str, str]] = []
    with DEV.open(encoding="utf-8") as handle:
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


def test_precomputed_entity_typing_equals_type_phrase() -> None:
    heads, phrases = entities.load_typer()
    head_labels, phrase_labels = entities.load_labels()
    for title, abstract in _papers():
        for phrase in [*entities.phrase_chunks(title), *entities.phrase_chunks(abstract)]:
            expected = entities.type_phrase(phrase, heads, phrases)
            assert entities._fast_type_phrase(phrase, head_labels, phrase_labels) == expected, phrase
