"""Offline tags: keywords, categories (known vs predicted), entities, contribution, Summary validity."""

from __future__ import annotations

from importlib import resources

import pytest

from papersum.models import Contribution, Summary
from papersum.offline import OFFLINE_ENGINE_VERSION, summarize_offline
from papersum.offline.categories import load_model, predict_categories
from papersum.offline.contribution import classify_contribution
from papersum.offline.entities import choose, extract_entities, phrase_type
from papersum.offline.entity_candidates import entity_candidates
from papersum.offline.keywords import candidate_features, candidates, extract_keywords, score_candidates
from papersum.offline.keywords import load_model as load_keyword_model

VISION = (
    "We propose ResNeXt, a simple convolutional neural network architecture for image classification. "
    "Our network aggregates a set of transformations with the same topology. "
    "On the ImageNet dataset and on CIFAR-10, ResNeXt improves classification accuracy over ResNet."
)
PHYSICS = (
    "We study the thermal conductivity of graphene nanoribbons using molecular dynamics simulations. "
    "The phonon transport is strongly suppressed by edge roughness and by isotope disorder."
)


def test_keywords_count_and_length() -> None:
    keywords = extract_keywords("Aggregated residual transformations", VISION)
    assert 3 <= len(keywords) <= 8
    assert all(0 < len(k) <= 80 for k in keywords)
    assert len({k.lower() for k in keywords}) == len(keywords)


def test_keywords_find_the_obvious_phrases() -> None:
    keywords = [k.lower() for k in extract_keywords("Thermal conductivity of graphene nanoribbons", PHYSICS)]
    assert "thermal conductivity" in keywords
    assert any("graphene" in k for k in keywords)


def test_inline_keyword_score_matches_the_training_features() -> None:
    model = load_keyword_model()
    found, title_keys, counts, total = candidates("Graphene nanoribbons", PHYSICS + " GPU")
    scores = score_candidates(found, title_keys, counts, total, model)
    for key, candidate in found.items():
        row = candidate_features(candidate, key in title_keys, counts, total, model)
        expected = sum(w * x for w, x in zip(model.weights, row, strict=True))
        assert scores[key] == pytest.approx(expected)


def test_predicted_categories_are_model_classes_primary_first() -> None:
    predicted = predict_categories("Aggregated residual transformations", VISION)
    assert 1 <= len(predicted) <= 3
    assert set(predicted) <= set(load_model().classes)
    assert predicted[0] == "cs.CV"
    assert predict_categories("Graphene nanoribbons", PHYSICS)[0].startswith(("cond-mat", "physics"))


def test_known_categories_are_kept_in_order() -> None:
    summary = summarize_offline("t", VISION, known_categories=["stat.ML", "cs.LG", "stat.ML", " "])
    assert summary.tags.categories == ["stat.ML", "cs.LG"]
    predicted = summarize_offline("t", VISION, known_categories=[])
    assert predicted.tags.categories[0] == "cs.CV"


def test_entities_on_dataset_and_proposed_method() -> None:
    tasks, methods, datasets = extract_entities("", VISION)
    assert tasks == ["image classification"]
    assert methods == ["ResNeXt"]  # named right after "We propose"
    assert datasets == ["ImageNet dataset", "CIFAR-10"]  # CIFAR-10: a mined benchmark name (offline-5)
    assert all(len(v) <= 8 for v in (tasks, methods, datasets))


def test_entities_never_generic_words_method_names_or_the_title() -> None:
    abstract = (
        "We train a model on data, images and signals. We train an MLP with NTK features and Monte Carlo "
        "samples on the Mean Field limit. Experiments on the Penn Treebank corpus show gains in parsing."
    )
    title = "Mean field limits of deep parsing models"
    tasks, methods, datasets = extract_entities(title, abstract)
    shown = [*tasks, *methods, *datasets]
    for word in ("data", "images", "signals", "model", "experiments"):
        assert word not in [s.lower() for s in shown]
    assert not {"MLP", "NTK", "Monte Carlo", "Mean Field"} & set(datasets)
    assert title not in shown
    assert "Penn Treebank corpus" in datasets


def test_entities_stay_empty_without_a_confident_phrase() -> None:
    assert extract_entities("", "We study this. It is hard. Results are good.") == ([], [], [])
    assert extract_entities("Only a title", "") == ([], [], [])


def test_choose_takes_the_likeliest_field_and_dedupes_plurals_and_acronyms() -> None:
    candidates = entity_candidates(
        "We use graph neural networks (GNNs) and a graph neural network for GNNs in machine translation."
    )
    by_text = {c.text: c for c in candidates}
    chosen = [by_text[t] for t in ("graph neural networks (GNNs)", "graph neural network", "GNNs",
                                   "machine translation")]  # fmt: skip
    scores = [[0.1, 0.9, 0.0], [0.1, 0.8, 0.0], [0.2, 0.7, 0.1], [0.95, 0.3, 0.0]]
    assert choose(chosen, scores, [0.5, 0.5, 0.5]) == (
        ["machine translation"],
        ["graph neural networks (GNNs)"],  # the plural and the bare acronym are the same entity
        [],
    )
    assert choose(chosen, scores, [0.99, 0.99, 0.99]) == ([], [], [])  # nothing confident: empty


@pytest.mark.parametrize(
    ("title", "abstract", "expected"),
    [
        ("A survey of graph neural networks", "We review recent work.", Contribution.survey),
        ("X", "We introduce a new large-scale dataset of 10k annotated dialogues.", Contribution.dataset),
        ("X", "We prove a tight lower bound on the regret of any algorithm.", Contribution.theory),
        ("X", "We propose a new optimiser that trains faster.", Contribution.method),
    ],
)
def test_contribution(title: str, abstract: str, expected: Contribution) -> None:
    assert classify_contribution(title, abstract) == expected


@pytest.mark.parametrize(
    ("title", "abstract"),
    [("", "x"), ("Only", "one-word"), ("", "A" * 3000), ("T", VISION), ("", "é ü ñ 漢字 " * 50)],
)
def test_summary_is_valid_and_deterministic(title: str, abstract: str) -> None:
    first = summarize_offline(title, abstract)
    again = Summary.model_validate(first.model_dump())
    assert again == first == summarize_offline(title, abstract)
    assert first.tldr
    assert "\n" not in first.tldr
    assert first.tags.categories
    assert OFFLINE_ENGINE_VERSION.startswith("offline-")


def test_shipped_models_are_package_resources_and_small() -> None:
    folder = resources.files("papersum.data.offline")
    names = ["categories.npz", "keywords.json.gz", "tldr.json", "entities.json.gz", "dataset_names.tsv",
             "base_verbs.txt"]  # fmt: skip
    sizes = [len(folder.joinpath(name).read_bytes()) for name in names]
    assert all(size > 1000 for size in sizes)
    assert sum(sizes) < 3_000_000


def test_accented_words_stay_whole_in_keywords() -> None:
    # LaTeX accents are decoded at ingest (Poincar\'e -> Poincaré): a keyword must not split at them.
    summary = summarize_offline(
        "Poincaré ResNet for hyperbolic learning",
        "We propose Poincaré ResNet, a hyperbolic residual network that naïvely computes the Fréchet mean "
        "on the Poincaré ball. Experiments show Poincaré ResNet improves Fréchet mean estimation.",
    )
    joined = " | ".join(summary.tags.keywords)
    assert "Poincaré ResNet" in summary.tags.keywords
    assert "fréchet mean" in [keyword.lower() for keyword in summary.tags.keywords]
    for broken in ("Poincar é", "poincar é", "fr é", "na ï"):
        assert broken not in joined


def test_phrase_type_checks_another_sources_tags() -> None:
    assert phrase_type("machine translation") == "Task"
    assert phrase_type("graph neural networks") == "Method"
    assert phrase_type("Penn Treebank") == "Material"
    assert phrase_type("data") is None  # generic: no field shows it
    assert phrase_type("we train a model. it works") is None  # not one phrase
