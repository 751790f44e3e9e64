"""The offline relevance ranker: terms, scores, reasons, filters, libraries, ratings."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from papersum.errors import PapersumError, UsageError
from papersum.models import Annotation
from papersum.rank import (
    LibraryEntry,
    RankOptions,
    Ratings,
    ReaderProfile,
    fit_day,
    load_library,
    rank,
    rank_annotations,
    split_interests,
)
from papersum.rank.metrics import ranking_metrics
from papersum.rank.phrases import phrase_forms
from papersum.rank.score import recency_weights, score_documents, standardise
from papersum.rank.text import Document, TermIndex, terms
from relevance_samples import feed, library_of, paper, write_bibtex, write_jsonl


def annotations(rows: list[dict[str, str]] | None = None) -> list[Annotation]:
    return [
        Annotation(paper_id=row["id"], title=row["title"], abstract=row["abstract"]) for row in rows or feed()
    ]


def entries(rows: list[dict[str, str]]) -> list[LibraryEntry]:
    return [LibraryEntry(row["title"], row["abstract"]) for row in rows]


def topic_of(annotation: Annotation) -> str:
    return annotation.paper_id.split("-")[0]


def test_terms_fold_inflections_drop_stopwords_and_add_pairs() -> None:
    assert terms("Training the Graph Networks") == [
        "train",
        "graph",
        "network",
        "train graph",
        "graph network",
    ]
    assert phrase_forms("Graph networks")["graph network"] == "graph networks"


def test_shared_terms_are_shown_only_where_they_read_as_phrases() -> None:
    forms = phrase_forms(
        "This paper helps users find the decisions of this paper. Ad-hoc retrieval with learning to rank "
        "on three real-world datasets; state-of-the-art NeRF models significantly improve applications "
        "of machine learning. A novel method."
    )
    # Across stopwords or punctuation, or starting or ending with a verb, it is no phrase.
    fragments = ("decision paper", "help user", "user find", "paper ad", "dataset state")
    fragments += ("model significantly",)
    for fragment in fragments:
        assert fragment not in forms, fragment
    # Whole hyphenated words, "of"/"to" links that end the phrase, acronyms as written.
    assert forms["hoc retrieval"] == "ad-hoc retrieval" and forms["ad hoc"] == "ad-hoc"
    assert forms["learn rank"] == "learning to rank"
    assert forms["world dataset"] == "real-world datasets" and "three real" not in forms
    assert forms["state art"] == "state-of-the-art" and forms["nerf model"] == "NeRF models"
    assert "application machine" not in forms  # "applications of machine" (learning)
    # A word alone is a topic word, not "novel"; a pair may not start with it either.
    assert forms["retrieval"] == "retrieval" and "novel" not in forms and "novel method" not in forms


def test_term_index_weighs_rare_terms_more_and_normalises() -> None:
    documents = [Document("graph networks", "graph"), Document("speech", "graph"), Document("graph")]
    index, vectors = TermIndex.fit(documents)
    assert index.idf[index.vocabulary["speech"]] > index.idf[index.vocabulary["graph"]]
    assert np.allclose(np.sqrt(vectors.multiply(vectors).sum(axis=1)), 1.0)
    unseen = index.vectors([Document("quantum chemistry")])
    assert unseen.nnz == 0  # terms the feed never uses are dropped


def test_standardise_leaves_constant_columns_at_zero() -> None:
    values = np.array([[1.0, 5.0], [3.0, 5.0]])
    assert standardise(values).tolist() == [[-1.0, 0.0], [1.0, 0.0]]


def test_library_ranks_its_topic_first_deterministically() -> None:
    profile = ReaderProfile(library=entries(library_of("proteins")))
    first = rank_annotations(annotations(), profile)
    assert [topic_of(a) for a in first[:6]] == ["proteins"] * 6
    again = rank_annotations(annotations(), profile)
    assert [a.paper_id for a in again] == [a.paper_id for a in first]
    assert [a.relevance.score for a in first if a.relevance] == sorted(
        (a.relevance.score for a in first if a.relevance), reverse=True
    )


def test_one_niche_library_entry_and_a_niche_interest_survive_a_large_library() -> None:
    niche = paper("robots", 103)  # same phrases as the feed's robots-03 only
    library = entries([*library_of("graphs", range(100, 120)), niche])
    ranked = rank_annotations(annotations(), ReaderProfile(library=library))
    ids = [a.paper_id for a in ranked]
    assert ids.index("robots-03") < 8, ids[:10]  # the closest entry counts, not only the average
    assert ranked[ids.index("robots-03")].relevance.matched[0] == niche["title"]  # type: ignore[union-attr]
    with_interest = rank_annotations(
        annotations(),
        ReaderProfile(library=entries(library_of("graphs", range(100, 120))), interests=["tactile"]),
    )
    first_other = next(a for a in with_interest if topic_of(a) != "graphs")
    assert "tactile" in first_other.abstract.lower()
    assert "matches your interest 'tactile'" in first_other.relevance.reasons  # type: ignore[union-attr]


def test_reasons_name_the_library_paper_and_shared_terms() -> None:
    library = library_of("speech")
    ranked = rank_annotations(annotations(), ReaderProfile(library=entries(library)), RankOptions(top=3))
    relevance = ranked[0].relevance
    assert relevance is not None
    assert relevance.reasons[0].startswith("close to '")
    assert "in your library" in relevance.reasons[0] and "(shared: " in relevance.reasons[0]
    assert relevance.matched and relevance.matched[0] in {row["title"] for row in library}


def test_shared_terms_in_reasons_are_phrases_of_the_paper() -> None:
    text = (
        "This paper helps users trust the decisions of this paper. We study ad-hoc retrieval with "
        "learning to rank and explain its decisions to users."
    )
    special = Annotation(paper_id="x-1", title="Explaining ad-hoc retrieval decisions", abstract=text)
    entry = LibraryEntry(
        "Explanations of ad-hoc retrieval", "The decisions of this paper help users. Learning to rank."
    )
    ranked = rank_annotations([*annotations(), special], ReaderProfile(library=[entry]), RankOptions(top=1))
    assert ranked[0].paper_id == "x-1" and ranked[0].relevance is not None
    reason = ranked[0].relevance.reasons[0]
    shared = reason.split("(shared: ", 1)[1].rstrip(")").split(", ")
    assert "ad-hoc retrieval" in shared and "learning to rank" in shared
    written = f"{special.title} {text}".lower()
    assert all(term.lower() in written for term in shared), shared  # not "decisions paper", "hoc retrieval"


def test_a_partial_interest_match_says_which_words_matched() -> None:
    image = Annotation(
        paper_id="x-1",
        title="Image generation with diffusion",
        abstract="We study image generation with diffusion models and measure generation quality.",
    )
    profile = ReaderProfile(interests=["video generation", "graph attention"])
    ranked = rank_annotations([*annotations(), image], profile, RankOptions(top=3))
    reasons = {a.paper_id: a.relevance.reasons for a in ranked if a.relevance is not None}
    assert reasons["x-1"] == ["matches your interest 'video generation' (partly: generation)"]
    whole = next(r for pid, r in reasons.items() if pid.startswith("graphs"))
    assert whole == ["matches your interest 'graph attention'"]  # all its words: no remark


def test_include_and_exclude_filter_before_ranking_then_top_and_min_score_cut() -> None:
    profile = ReaderProfile(interests=["graph attention"])
    result = rank(annotations(), profile, RankOptions(include=["benchmarks"], exclude=["speech"]))
    assert result.kept and all(topic_of(a) != "speech" for a in result.kept)
    assert result.dropped["matched --exclude"] == 6
    assert any("mentions 'benchmarks'" in r for r in result.kept[0].relevance.reasons)  # type: ignore[union-attr]
    top = rank(annotations(), profile, RankOptions(top=2))
    assert len(top.kept) == 2 and top.dropped["beyond the top 2"] == 22
    high = rank(annotations(), profile, RankOptions(min_score=1.0))
    assert high.kept and all(a.relevance and a.relevance.score >= 1.0 for a in high.kept)
    assert len(high.kept) < 24


def test_nothing_to_rank_by_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="nothing to rank by"):
        rank_annotations(annotations(), ReaderProfile())


def test_a_feed_of_one_paper_and_an_empty_feed() -> None:
    profile = ReaderProfile(interests=["speech"])
    assert [a.relevance.score for a in rank_annotations(annotations()[:1], profile)] == [0.0]  # type: ignore[union-attr]
    assert rank_annotations([], profile) == []
    assert score_documents([], profile).score.size == 0


def test_ratings_up_lift_similar_papers_and_down_drops_the_paper() -> None:
    ratings = Ratings("alice")
    liked = paper("robots", 1)
    ratings.rate(liked["id"], True, liked["title"], liked["abstract"])
    disliked = paper("graphs", 2)
    ratings.rate(disliked["id"], False, disliked["title"], disliked["abstract"])
    profile = ReaderProfile(name="alice", interests=["graph attention"], ratings=ratings)
    result = rank(annotations(), profile)
    ids = [a.paper_id for a in result.kept]
    assert "graphs-02" not in ids and "robots-01" not in ids
    assert result.dropped["already rated down"] == result.dropped["already rated up"] == 1
    robots = [a for a in result.kept if topic_of(a) == "robots"]
    assert any("rated up" in " ".join(a.relevance.reasons) for a in robots)  # type: ignore[union-attr]
    without = rank_annotations(annotations(), ReaderProfile(interests=["graph attention"]))
    mean_rank = lambda ranked: np.mean([i for i, a in enumerate(ranked) if topic_of(a) == "robots"])  # noqa: E731
    assert mean_rank(result.kept) < mean_rank(without)


def test_a_day_fitted_once_ranks_each_readers_part_as_fitting_it_alone() -> None:
    """The newsletter fits the day's papers once; each reader's feed (a part of the day, after
    exclusions and ratings) must rank exactly as if it were fitted on its own."""
    day_papers = annotations(feed(per_topic=8))
    day = fit_day(day_papers)
    ratings = Ratings("alice")
    liked = paper("robots", 1)
    ratings.rate(liked["id"], True, liked["title"], liked["abstract"])
    profiles = [
        ReaderProfile(library=entries(library_of("speech")), interests=["graph attention"]),
        ReaderProfile(name="alice", interests=["tactile sensing"], ratings=ratings),
    ]
    part = day_papers[3:29]  # what is new for this reader
    for profile in profiles:
        options = RankOptions(exclude=["proteins"], top=10)
        alone, shared = rank(part, profile, options), rank(part, profile, options, day)
        assert [a.model_dump() for a in shared.kept] == [a.model_dump() for a in alone.kept]
        assert shared.dropped == alone.dropped
    # A paper the day does not know (or knows with another text) is ranked by fitting the feed.
    other = Annotation(paper_id="new-1", title="Graph attention", abstract="Message passing on graphs.")
    changed = part[0].model_copy(update={"abstract": "Another text."})
    for feed_ in ([*part, other], [changed, *part[1:]]):
        assert day.select([(a.paper_id, Document(a.title, a.abstract)) for a in feed_]) is None
        assert rank(feed_, profiles[0], day=day).kept == rank(feed_, profiles[0]).kept


def test_recency_weights_follow_the_date_added() -> None:
    weights = recency_weights([date(2020, 1, 1), None, date(2024, 1, 1)])
    assert weights[2] == 1.0 and weights[0] > weights[1]
    assert recency_weights([None, None]).tolist() == [1.0, 1.0]


def test_split_interests() -> None:
    assert split_interests(["view synthesis, NeRF; 3D", "nerf"]) == ["view synthesis", "NeRF", "3D"]


def test_load_library_from_every_format(tmp_path: Path) -> None:
    bib = write_bibtex(
        tmp_path / "lib.bib",
        [{**paper("speech", 100), "keywords": "asr, audio"}, {"title": "A title-only entry on speech"}],
    )
    papers = write_jsonl(
        tmp_path / "papers.jsonl", [paper("graphs", 100), {"id": "x", "title": "Only a title"}]
    )
    digest = write_jsonl(
        tmp_path / "digest.jsonl",
        [{"paper_id": "d1", "title": "From a digest", "abstract": "Text.", "tags": {"keywords": ["kw one"]}}],
    )
    ris = tmp_path / "lib.ris"
    ris.write_text(
        "TY  - JOUR\nTI  - A RIS paper on proteins\nAB  - Protein folding.\nER  - \n", encoding="utf-8"
    )
    zotero = tmp_path / "zotero.csv"
    zotero.write_text(
        '"Key","Item Type","Publication Year","Author","Title","Abstract Note","Date Added","Manual Tags"\n'
        '"K1","journalArticle","2023","Doe, Jane","Zotero paper","About robots.",'
        '"2024-05-01 10:00:00","a; b"\n',
        encoding="utf-8",
    )
    library = load_library([bib, papers, digest, ris, zotero])
    titles = [e.title for e in library]
    assert "A title-only entry on speech" in titles and "Only a title" in titles
    assert {"From a digest", "A RIS paper on proteins", "Zotero paper"} <= set(titles)
    by_title = {e.title: e for e in library}
    assert by_title["From a digest"].keywords == ("kw one",)
    assert "asr" in by_title[paper("speech", 100)["title"]].keywords
    assert by_title["Zotero paper"].added == date(2024, 5, 1)
    assert by_title["A title-only entry on speech"].abstract is None
    assert not library.skipped
    profile = ReaderProfile(name="alice", library=load_library([bib]), interests=["speech"])  # the contract
    assert len(profile.library) == 2 and profile.library[1].title == "A title-only entry on speech"


def test_a_bad_library_record_is_skipped_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "lib.jsonl"
    path.write_text('{"title": "Good"}\n{"abstract": ""}\nnot json\n', encoding="utf-8")
    library = load_library([path])
    assert [e.title for e in library] == ["Good"]
    assert [f"{e.path}:{e.line}" for e in library.skipped] == [f"{path}:2", f"{path}:3"]
    with pytest.raises(UsageError, match="no such file"):
        load_library([tmp_path / "missing.bib"])


def test_ratings_round_trip_in_the_data_directory(tmp_path: Path) -> None:
    ratings = Ratings.load("alice")
    ratings.rate("2408.01234v2", True, "A title", "An abstract")
    ratings.rate("other", False)
    path = ratings.save()
    assert path == tmp_path / "data" / "readers" / "alice" / "ratings.json"
    again = Ratings.load("alice")
    rating = again.get("2408.01234")  # any version
    assert rating is not None and rating.up and rating.title == "A title"
    assert [r.paper_id for r in again.disliked] == ["other"]
    again.rate("arXiv:2408.01234v3", False)  # re-rating keeps the text
    assert again.get("2408.01234").title == "A title"  # type: ignore[union-attr]


def test_bad_reader_names_and_corrupt_stores_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="--reader"):
        Ratings.load("../etc")
    path = tmp_path / "data" / "readers" / "bob" / "ratings.json"
    path.parent.mkdir(parents=True)
    path.write_text("{broken", encoding="utf-8")
    with pytest.raises(PapersumError, match="unreadable ratings file"):
        Ratings.load("bob")
    path.write_text(json.dumps({"ratings": [{"nope": 1}]}), encoding="utf-8")
    with pytest.raises(PapersumError, match="rating 1 is malformed"):
        Ratings.load("bob")


def test_ranking_metrics_on_a_known_list() -> None:
    metrics = ranking_metrics(["a", "x", "b", "y"], {"a", "b", "c"})
    assert metrics["mrr"] == 1.0
    assert metrics["recall@20"] == pytest.approx(2 / 3)
    assert metrics["map"] == pytest.approx((1 + 2 / 3) / 3)
    ideal = 1 + 1 / np.log2(3) + 1 / np.log2(4)
    assert metrics["ndcg@10"] == pytest.approx((1 + 1 / np.log2(4)) / ideal)
