"""Draft and refine: the draft in the request, the per-field guards, provenance of each field."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

from papersum.llm_request import COMPACT_LIMITS, DEFAULT_LIMITS, build_chat_body
from papersum.models import Contribution, Paper, Provenance, Summary, Tags
from papersum.offline import summarize_offline
from papersum.prompts import load_prompt
from papersum.providers.openai_provider import OpenAIProvider
from papersum.refine import make_draft, refine
from papersum.refine.guards import Source, guard_tldr

PAPER = Paper(
    id="p1",
    title="Sparse Attention for Long Documents",
    abstract="Transformers cannot read long documents because attention grows quadratically. "
    "We propose a sparse attention mechanism that lets transformers read 16k-token documents. "
    "On the arXiv summarization benchmark it matches dense attention at a third of the memory.",
)
V2 = load_prompt("summarize")


def answer(draft: Summary, tldr: str | None = None, **tags: object) -> Summary:
    """A model answer: the draft with some fields changed."""
    return Summary(tldr=tldr or draft.tldr, tags=draft.tags.model_copy(update=tags))


def test_the_request_carries_the_draft_and_a_schema_the_draft_fits() -> None:
    draft = make_draft(PAPER)
    assert draft.summary == summarize_offline(PAPER.title, PAPER.abstract)  # the draft is the offline answer
    body = build_chat_body(PAPER, "m", V2, limits=COMPACT_LIMITS)
    user = body["messages"][1]["content"]
    assert json.dumps(draft.summary.model_dump(mode="json"), ensure_ascii=False) in user
    assert f"{draft.candidates[0][0]} ({draft.candidates[0][1]:.2f})" in user
    schema = body["response_format"]["json_schema"]["schema"]
    assert schema["properties"]["tags"]["properties"]["categories"]["items"]["enum"] == list(draft.shortlist)
    assert schema["properties"]["tldr"]["maxLength"] >= len(draft.summary.tldr)
    other = PAPER.model_copy(update={"id": "p2", "abstract": "We study graphs. Graphs are everywhere."})
    assert build_chat_body(other, "m", V2)["messages"][0] == body["messages"][0]  # static system part
    full = build_chat_body(PAPER, "m", V2, limits=DEFAULT_LIMITS)["response_format"]["json_schema"]["schema"]
    assert "enum" not in full["properties"]["tags"]["properties"]["categories"]["items"]
    v1 = build_chat_body(PAPER, "m", load_prompt("summarize@1"))
    assert '"tldr"' not in v1["messages"][1]["content"]


def test_tldr_guard_keeps_the_draft_unless_the_text_backs_the_model() -> None:
    source = Source.of(PAPER)
    draft = make_draft(PAPER).summary.tldr
    assert guard_tldr(source, draft, draft)[1] == "draft"
    invented = guard_tldr(
        source, draft, "We propose a revolutionary quantum attention for 16k-token documents."
    )
    assert invented[0] == draft and "revolutionary" in (invented[2] or "")
    grounded = "We propose a sparse attention mechanism that lets transformers read 16k-token documents."
    kept = guard_tldr(source, "Transformers cannot read long documents.", grounded)
    assert kept == (grounded, "model", None)
    worse = guard_tldr(source, grounded, "Transformers read documents.")  # grounded, but says less
    assert worse[0] == grounded and "expected overlap" in (worse[2] or "")


def test_field_guards_and_their_provenance() -> None:
    draft = make_draft(PAPER)
    tags = draft.summary.tags
    model = answer(
        draft.summary,
        categories=["q-bio.GN", *tags.categories[::-1]],
        keywords=["memory", "transformers", "quantum computing", "attention grows"],
        tasks=["sparse attention mechanism", "arXiv summarization benchmark"],
        methods=["dense attention", "sparse attention mechanism"],
        contribution=Contribution.survey,
    )
    refined = refine(PAPER, draft, model)
    out = refined.summary.tags
    assert "q-bio.GN" not in out.categories and set(out.categories) == set(tags.categories)
    # Every drafted keyword stays, the model's pick first; "transformers" (the ranker's 10th) would
    # be added if the list had room (it has 8); "attention grows" is in the text but no keyphrase
    # candidate; "quantum computing" is not in the text.
    assert out.keywords == ["memory", *(k for k in tags.keywords if k != "memory")]
    assert "attention grows" in refined.rejected["keywords"]
    assert "quantum computing" in refined.rejected["keywords"]
    # Tasks, methods and datasets: the draft lists every phrase the engine is confident of (none
    # here: the engine is precision-first), so the model adds none, even a phrase of the text.
    assert (out.tasks, out.methods) == (tags.tasks, tags.methods)
    assert "arXiv summarization benchmark" in refined.rejected["tasks"]
    assert "sparse attention mechanism" in refined.rejected["methods"]
    assert out.contribution == tags.contribution  # no survey cue in the text
    assert refined.fields["tldr"] == "draft" and refined.fields["keywords"] == "model+draft"
    assert (
        guard_tldr(Source.of(PAPER), tags.keywords[0], PAPER.title.lower())[2]
        == "says no more than the title"
    )
    assert "q-bio.GN" in refined.rejected["categories"]
    assert "survey" in refined.rejected["contribution"]
    # ...and may reorder what the draft lists.
    listed = replace(draft, summary=answer(draft.summary, methods=["sparse attention", "dense attention"]))
    reordered = refine(PAPER, listed, answer(draft.summary, methods=["dense attention", "sparse attention"]))
    assert reordered.summary.tags.methods == ["dense attention", "sparse attention"]
    assert reordered.fields["methods"] == "model+draft"
    with_own = PAPER.model_copy(update={"categories": ["cs.CL", "cs.LG"]})
    own = refine(with_own, make_draft(with_own), answer(draft.summary, categories=["cs.LG"]))
    assert own.summary.tags.categories == ["cs.CL", "cs.LG"] and own.fields["categories"] == "paper"


def test_finalize_applies_the_guards_to_fresh_and_cached_answers() -> None:
    draft = make_draft(PAPER)
    model = answer(draft.summary, tldr="A revolutionary quantum attention.", keywords=["memory"])
    provenance = Provenance(provider="openai", model="m", mode="json_schema", created_at=datetime.now(UTC))
    with OpenAIProvider("m", base_url="http://127.0.0.1:9/v1", probe=False) as provider:
        assert provider.identity()["draft"].startswith("offline-")
        summary, prov = provider.finalize(PAPER, model, provenance)
        assert summary.tldr == draft.summary.tldr and summary.tags.keywords[0] == "memory"
        assert prov.fields is not None and prov.fields["tldr"] == "draft" and prov.rejected
        fallback = provenance.model_copy(update={"mode": "fallback"})
        assert provider.finalize(PAPER, model, fallback) == (model, fallback)
    with OpenAIProvider("m", base_url="http://127.0.0.1:9/v1", prompt="summarize@1", probe=False) as v1:
        assert "draft" not in v1.identity() and v1.finalize(PAPER, model, provenance) == (model, provenance)
    assert Tags.model_validate(summary.tags.model_dump())  # still a valid Summary
