"""Batch files: prepare (split, idempotent), ingest (validation, failures, retry), and a real round
trip through a llama.cpp server that ends with an online run sending no request."""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from batch_api_server import BatchAPIServer
from fault_proxy import FaultProxy
from papersum.batch.files import SplitWriter, cache_key_for, custom_id_for, request_line
from papersum.batch.manifest import load_failed, load_manifest
from papersum.cli import app
from papersum.ingest import read_papers
from papersum.llm_request import COMPACT_LIMITS, COMPACT_MAX_TOKENS, build_chat_body
from papersum.models import Paper
from papersum.offline import summarize_offline
from papersum.prompts import load_prompt

runner = CliRunner()
EVALDATA = Path("/work/shared/evaldata/scitldr_a_dev.jsonl")
REPO_EVALDATA = Path(__file__).resolve().parent.parent / "evals" / "data" / "scitldr_a_dev.jsonl"
UNUSED_URL = "http://127.0.0.1:9/v1"  # discard port: nothing answers, and nothing must be sent


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def write_corpus(path: Path, count: int, *, skip: int = 0) -> Path:
    """`count` short real abstracts from the SciTLDR dev set (shortest first keeps the LLM test cheap)."""
    source = REPO_EVALDATA if REPO_EVALDATA.is_file() else EVALDATA
    rows = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows.sort(key=lambda row: len(row["abstract"]))
    with path.open("w", encoding="utf-8") as handle:
        for row in rows[skip : skip + count]:
            paper = {"id": row["id"], "title": row["title"], "abstract": row["abstract"]}
            handle.write(json.dumps(paper) + "\n")
    return path


def request_lines(directory: Path) -> list[dict[str, Any]]:
    return [
        json.loads(line)
        for path in sorted(directory.glob("requests-*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]


def batch_output_line(custom_id: str, status: int, body: dict[str, Any], number: int) -> str:
    """One line of the OpenAI Batch output format."""
    record = {
        "id": f"batch_req_{number}",
        "custom_id": custom_id,
        "response": {"status_code": status, "request_id": f"req_{number}", "body": body},
        "error": None,
    }
    return json.dumps(record) + "\n"


# -- unit: ids and splitting ---------------------------------------------------------------------


def test_custom_id_maps_back_to_the_cache_key() -> None:
    key = "v1:" + "ab" * 32
    assert cache_key_for(custom_id_for(key)) == key
    with pytest.raises(ValueError, match="not written by"):
        cache_key_for("my-own-id")


def test_split_writer_respects_request_and_byte_limits(tmp_path: Path) -> None:
    line = request_line("v1-" + "0" * 64, {"model": "m", "messages": []})
    with SplitWriter(tmp_path / "a", max_requests=2) as writer:
        for _ in range(5):
            writer.write(line)
    assert [len(p.read_bytes().splitlines()) for p in writer.written] == [2, 2, 1]
    with SplitWriter(tmp_path / "b", max_bytes=len(line) * 3 - 1) as writer:
        for _ in range(5):
            writer.write(line)
    assert [len(p.read_bytes().splitlines()) for p in writer.written] == [2, 2, 1]
    assert all(p.stat().st_size <= len(line) * 3 - 1 for p in writer.written)
    with SplitWriter(tmp_path / "a") as writer:  # numbering continues, never overwrites
        writer.write(line)
    assert writer.written[0].name == "requests-0004.jsonl"
    with SplitWriter(tmp_path / "c", max_bytes=10) as writer, pytest.raises(ValueError, match="file limit"):
        writer.write(line)


# -- prepare / ingest through the CLI, no model ------------------------------------------------


def test_prepare_splits_is_idempotent_and_bodies_match_the_online_builder(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus.jsonl", 5)
    out = tmp_path / "batch"
    args = ("batch", "prepare", str(corpus), "--model", "m1", "--base-url", UNUSED_URL, "--out", str(out))
    code, _, err = invoke(*args, "--max-requests", "2")
    assert code == 0, err
    assert "Wrote 5 requests to 3 file(s)" in err
    lines = request_lines(out)
    assert len(lines) == 5 and len({line["custom_id"] for line in lines}) == 5
    manifest = load_manifest(out)
    papers = {p.id: p for p in read_papers([str(corpus)]).papers}
    template = load_prompt("summarize")
    for line in lines:
        assert line["method"] == "POST" and line["url"] == "/v1/chat/completions"
        entry = manifest[line["custom_id"]]
        assert entry.cache_key == cache_key_for(line["custom_id"])
        paper = papers[entry.paper_id]
        assert entry.content_hash == paper.content_hash()
        expected = build_chat_body(paper, "m1", template, max_tokens=400, temperature=0.0, seed=0)
        assert line["body"]["messages"] == expected["messages"]
        assert line["body"]["response_format"] == expected["response_format"]

    code, _, err = invoke(*args)
    assert code == 0, err
    assert "Nothing new to prepare" in err and "5 already prepared" in err
    assert len(list(out.glob("requests-*.jsonl"))) == 3

    bigger = write_corpus(tmp_path / "bigger.jsonl", 6)
    code, _, err = invoke("batch", "prepare", str(bigger), *args[3:])
    assert code == 0 and "Wrote 1 requests" in err, err
    assert len(request_lines(out)) == 6


def test_prepare_for_a_small_model_writes_requests_that_fit(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    corpus = write_corpus(tmp_path / "corpus.jsonl", 2)
    out = tmp_path / "batch"
    code, _, err = invoke(
        "batch", "prepare", str(corpus), "--model", "SmolLM2-135M-Instruct", "--base-url", UNUSED_URL,
        "--out", str(out),
    )  # fmt: skip
    assert code == 0, err
    assert caplog.text.count("using the compact schema") == 1
    assert "135M parameters according to its name" in caplog.text
    for line in request_lines(out):
        body = line["body"]
        assert body["max_tokens"] == COMPACT_MAX_TOKENS
        tags = body["response_format"]["json_schema"]["schema"]["properties"]["tags"]["properties"]
        assert tags["keywords"]["maxItems"] == COMPACT_LIMITS.max_items


def _offline_answer(paper: Paper) -> str:
    return summarize_offline(paper.title, paper.abstract).model_dump_json()


def test_ingest_reports_bad_lines_without_stopping_and_retry_builds_only_those(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus.jsonl", 4, skip=10)
    out = tmp_path / "batch"
    prep = ("batch", "prepare", str(corpus), "--model", "gpt-4o-mini", "--base-url", UNUSED_URL)
    assert invoke(*prep, "--out", str(out))[0] == 0
    papers = {p.id: p for p in read_papers([str(corpus)]).papers}
    lines = request_lines(out)
    manifest = load_manifest(out)
    results = tmp_path / "results.jsonl"
    with results.open("w", encoding="utf-8") as handle:
        good = [line["custom_id"] for line in lines[:2]]
        for number, custom_id in enumerate(good):
            # A real structured answer (the offline engine's), in the chat-completion shape.
            content = _offline_answer(papers[manifest[custom_id].paper_id])
            body = {
                "choices": [{"index": 0, "message": {"role": "assistant", "content": content}}],
                "usage": {"prompt_tokens": 1000, "completion_tokens": 100, "total_tokens": 1100},
            }
            handle.write(batch_output_line(custom_id, 200, body, number))
        broken = lines[2]["custom_id"]
        handle.write(batch_output_line(broken, 200, {"choices": []}, 2)[:-40] + "\n")  # truncated line
        wrong = lines[3]["custom_id"]
        bad_body = {
            "choices": [{"message": {"content": '{"tldr": "", "tags": {}}'}, "finish_reason": "stop"}]
        }
        handle.write(batch_output_line(wrong, 200, bad_body, 3))
    code, _, err = invoke("batch", "ingest", str(results), "--dir", str(out))
    assert code == 1
    assert "2 of 4 results cached, 2 failed" in err
    assert f"failed: {wrong} (paper {manifest[wrong].paper_id})" in err and "tldr" in err
    assert "results.jsonl:3: not JSON" in err
    # gpt-4o-mini at batch rates: (1000 * 0.15 + 100 * 0.60) / 1e6 * 0.5 per line
    assert "$0.0002 at batch rates" in err
    failed = load_failed(out)
    assert wrong in failed and failed[wrong].paper_id == manifest[wrong].paper_id

    code, _, err = invoke(*prep, "--out", str(out), "--retry-failed")
    assert code == 0, err
    retry_file = sorted(out.glob("requests-*.jsonl"))[-1]
    retried = [json.loads(line)["custom_id"] for line in retry_file.read_text().splitlines()]
    assert retried == [wrong]  # the truncated line had no readable custom_id: listed by file:line only
    code, _, err = invoke(*prep, "--out", str(out))
    assert "Nothing new to prepare: 2 already in the cache, 2 already prepared" in err

    # The cached ones are served to the online path without a request (nothing listens there).
    subset = tmp_path / "subset.jsonl"
    keep = {manifest[c].paper_id for c in good}
    subset.write_text(
        "".join(
            line for line in corpus.read_text().splitlines(keepends=True) if json.loads(line)["id"] in keep
        )
    )
    code, stdout, err = invoke(
        "summarize", str(subset), "--provider", "openai", "--model", "gpt-4o-mini", "--base-url", UNUSED_URL
    )
    assert code == 0, err
    annotations = [json.loads(line) for line in stdout.splitlines()]
    assert len(annotations) == 2
    assert all(a["provenance"]["cached"] and a["provenance"]["mode"] == "batch" for a in annotations)
    assert all(a["provenance"]["cost_usd"] == pytest.approx(0.000105) for a in annotations)


# -- the real round trip: llama.cpp server --------------------------------------------------------


@pytest.mark.llm
def test_batch_round_trip_through_llama_server_then_online_run_sends_nothing(
    tmp_path: Path, llm_server: str
) -> None:
    # The proxy forwards to the real server and logs every request it receives.
    with FaultProxy(llm_server) as proxy:
        corpus = write_corpus(tmp_path / "corpus.jsonl", 3)
        out = tmp_path / "batch"
        model = "SmolLM2-135M-Instruct"
        code, _, err = invoke(
            "batch", "prepare", str(corpus), "--model", model, "--base-url", proxy.base_url, "--out", str(out)
        )
        assert code == 0 and "Wrote 3 requests" in err, err

        # What a batch engine does: POST every line's body to its url, write the Batch output format.
        results = out / "results" / "requests-0001.output.jsonl"
        results.parent.mkdir()
        with results.open("w", encoding="utf-8") as handle:
            for number, line in enumerate(request_lines(out)):
                request = urllib.request.Request(
                    proxy.base_url.removesuffix("/v1") + line["url"],
                    data=json.dumps(line["body"]).encode(),
                    headers={"Content-Type": "application/json"},
                )
                with urllib.request.urlopen(request, timeout=300) as response:
                    handle.write(
                        batch_output_line(line["custom_id"], response.status, json.load(response), number)
                    )
        assert len(proxy.log) == 3

        # The online path's request for a paper is byte-for-byte the batch line's body.
        first = tmp_path / "first.jsonl"
        first.write_text(corpus.read_text().splitlines(keepends=True)[0])
        code, _, err = invoke(
            "summarize",
            str(first),
            "--provider",
            "openai",
            "--model",
            model,
            "--base-url",
            proxy.base_url,
            "--no-cache",
            "--out",
            str(tmp_path / "first.out.jsonl"),
        )
        assert code == 0, err
        online = [
            entry["body"]
            for entry in proxy.log[3:]
            if entry["body"].get("messages", [{}])[0].get("role") == "system"
        ]
        line_for_first = next(
            line
            for line in request_lines(out)
            if json.loads(first.read_text())["abstract"] in line["body"]["messages"][1]["content"]
        )
        assert online and online[0] == line_for_first["body"]

        code, _, err = invoke("batch", "ingest", str(results))  # manifest found next to results/
        manifest = load_manifest(out)
        failed = load_failed(out)
        ok_papers = {entry.paper_id for cid, entry in manifest.items() if cid not in failed}
        assert len(ok_papers) >= 2, err  # SmolLM2 under a JSON-schema grammar: expect (nearly) all valid
        assert code == (0 if not failed else 1)

        code, _, err = invoke(
            "batch", "prepare", str(corpus), "--model", model, "--base-url", proxy.base_url, "--out", str(out)
        )
        assert code == 0 and "Nothing new to prepare" in err, err

        ok_corpus = tmp_path / "ok.jsonl"
        ok_corpus.write_text(
            "".join(
                line
                for line in corpus.read_text().splitlines(keepends=True)
                if json.loads(line)["id"] in ok_papers
            )
        )
        sent_before = len(proxy.log)
        code, stdout, err = invoke(
            "summarize",
            str(ok_corpus),
            "--provider",
            "openai",
            "--model",
            model,
            "--base-url",
            proxy.base_url,
        )
        assert code == 0, err
        assert len(proxy.log) == sent_before, "the online run sent a request for a batch-ingested paper"
        annotations = [json.loads(line) for line in stdout.splitlines()]
        assert len(annotations) == len(ok_papers)
        for annotation in annotations:
            assert annotation["provenance"]["cached"] and annotation["provenance"]["mode"] == "batch"
            assert annotation["provenance"]["input_tokens"] > 0 and annotation["tldr"]


@pytest.mark.llm
def test_submit_status_collect_are_resumable_and_idempotent_through_the_sdk(
    tmp_path: Path, llm_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-batch-0000")
    corpus = write_corpus(tmp_path / "corpus.jsonl", 1)
    out = tmp_path / "batch"
    model = "SmolLM2-135M-Instruct"
    code, _, err = invoke(
        "batch", "prepare", str(corpus), "--model", model, "--base-url", llm_server, "--out", str(out)
    )
    assert code == 0, err
    with BatchAPIServer(llm_server) as api:
        api_args = ("--base-url", api.base_url)
        code, _, err = invoke("batch", "submit", str(out), *api_args)
        assert code == 0 and "1 batch(es) created" in err, err
        code, _, err = invoke("batch", "submit", str(out), *api_args)  # nothing uploaded or created twice
        assert code == 0 and "0 batch(es) created" in err, err
        assert api.counts == {"uploads": 1, "creates": 1, "downloads": 0}
        deadline = time.monotonic() + 300
        while True:
            code, _, err = invoke("batch", "status", str(out), *api_args)
            assert code == 0, err
            if "batch_1 completed" in err or time.monotonic() > deadline:
                break
            time.sleep(1)
        assert "requests-0001.jsonl: batch_1 completed total 1, completed 1, failed 0" in err
        code, _, err = invoke("batch", "collect", str(out), *api_args)
        assert code == 0 and "1 result file(s)" in err, err
        code, _, err = invoke("batch", "collect", str(out), *api_args)
        assert code == 0 and api.counts["downloads"] == 1
    results = out / "results" / "requests-0001.output.jsonl"
    code, _, err = invoke("batch", "ingest", str(results))
    assert "1 of 1 results cached" in err or "failed:" in err, err
