"""LLM rerank: answers keyed by paper id, validation, reordering, cache and budget (real llama.cpp)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from papersum.cli import app
from papersum.models import Annotation, Relevance
from papersum.rank.rerank import Judgement, _reorder, answer_schema, parse_answer
from relevance_samples import feed, write_jsonl

runner = CliRunner()


def test_answers_are_matched_by_id_not_position() -> None:
    raw = '<think>hm</think>{"b": {"score": 9, "reason": "Close."}, "a": {"score": 2, "reason": "Far."}}'
    answers = parse_answer(raw, ["a", "b"])
    assert answers["a"].score == 2 and answers["b"].score == 9


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ('{"a": {"score": 3, "reason": "x"}}', "missing ids: b"),
        ('{"a": {"score": 3, "reason": "x"}, "b": {"score": 3, "reason": "x"}, "c": {}}', "unknown ids: c"),
        ('{"a": {"score": 11, "reason": "x"}, "b": {"score": 3, "reason": "x"}}', "paper a: score"),
        ('[{"id": "a"}]', "JSON object keyed by paper id"),
        ("", "empty"),
    ],
)
def test_invalid_answers_say_what_is_wrong(raw: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_answer(raw, ["a", "b"])


def test_schema_requires_every_id_once() -> None:
    schema = answer_schema(["2408.1", "10.1145/x"])
    assert schema["required"] == ["2408.1", "10.1145/x"] and schema["additionalProperties"] is False
    assert schema["properties"]["2408.1"]["properties"]["score"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 10,
    }


def test_judged_papers_swap_places_and_scores_stay_monotone() -> None:
    shortlist = [
        Annotation(paper_id=pid, relevance=Relevance(score=score, reasons=["offline"]))
        for pid, score in zip("abcd", [3.0, 2.0, 1.0, 0.0], strict=True)
    ]
    judged = {"a": Judgement(score=2, reason="Far."), "c": Judgement(score=9, reason="Close.")}
    reordered = _reorder(shortlist, judged, "m")
    assert [a.paper_id for a in reordered] == ["c", "b", "a", "d"]
    assert [a.relevance.score for a in reordered] == [3.0, 2.0, 1.0, 0.0]  # type: ignore[union-attr]
    assert reordered[0].relevance.reasons == ["m: 9/10, Close.", "offline"]  # type: ignore[union-attr]
    assert reordered[1].relevance.reasons == ["offline"]  # type: ignore[union-attr]


def test_rerank_needs_an_llm(tmp_path: Path) -> None:
    papers = write_jsonl(tmp_path / "feed.jsonl", feed())  # type: ignore[arg-type]
    result = runner.invoke(app, ["rank", str(papers), "--interests", "speech", "--rerank", "llm"])
    assert result.exit_code == 2 and "--rerank llm needs an LLM" in result.stderr
    result = runner.invoke(app, ["rank", str(papers), "--interests", "speech", "--rerank", "gpt"])
    assert result.exit_code == 2 and "--rerank must be 'llm'" in result.stderr


@pytest.mark.llm
def test_rerank_with_a_real_llama_cpp_server(llm_server: str, tmp_path: Path) -> None:
    papers = write_jsonl(tmp_path / "feed.jsonl", feed())  # type: ignore[arg-type]
    command = [
        "rank", str(papers), "--interests", "speech recognition", "--top", "8",
        "--rerank", "llm", "--rerank-top", "6", "--rerank-batch", "3",
        "--provider", "openai", "--base-url", llm_server, "--model", "smollm2",
    ]  # fmt: skip
    first = runner.invoke(app, command)
    assert first.exit_code == 0, first.stderr
    assert "Rerank: 6 papers in 2 request(s) to smollm2" in first.stderr
    assert "Reranked 6 papers (0 from cache)" in first.stderr
    rows = [json.loads(line) for line in first.stdout.splitlines()]
    assert len(rows) == 8 and all(r["id"].startswith("speech") for r in rows[:6])
    for row in rows[:6]:  # every shortlisted paper judged, under its own id
        assert row["relevance"]["reasons"][0].startswith("smollm2: ")
        assert 1 <= int(row["relevance"]["reasons"][0].split(": ")[1].split("/")[0]) <= 10
    scores = [r["relevance"]["score"] for r in rows]
    assert scores == sorted(scores, reverse=True)
    again = runner.invoke(app, command)
    assert again.exit_code == 0 and "Reranked 6 papers (6 from cache); 0 request(s)" in again.stderr
    assert again.stdout == first.stdout


@pytest.mark.llm
def test_rerank_is_bounded_by_max_cost(llm_server: str, tmp_path: Path) -> None:
    papers = write_jsonl(tmp_path / "feed.jsonl", feed())  # type: ignore[arg-type]
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({"as_of": "test", "models": {"priced": {"input": 100.0, "output": 100.0}}}))
    command = ["rank", str(papers), "--interests", "speech recognition", "--rerank", "llm"]
    command += ["--rerank-top", "4", "--provider", "openai", "--base-url", llm_server, "--model", "priced"]
    command += ["--prices", str(prices), "--max-cost", "0.001", "--no-cache"]
    result = runner.invoke(app, command)
    assert result.exit_code == 0, result.stderr
    assert "at most $" in result.stderr and "over --max-cost $0.001" in result.stderr
    assert "4 kept their offline place" in result.stderr and "budget" in result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 24 and not any(": " in r["relevance"]["reasons"][0][:12] for r in rows[:4])
