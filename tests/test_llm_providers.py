"""The openai provider against a real llama.cpp server (SmolLM2), directly and through a fault proxy."""

from __future__ import annotations

import dataclasses
import json
import logging
from pathlib import Path
from typing import Any

import pytest

from fault_proxy import FaultProxy
from papersum.cache import ResultCache
from papersum.llm_request import COMPACT_LIMITS, COMPACT_MAX_TOKENS, SchemaLimits
from papersum.models import Paper, Summary
from papersum.pipeline import RunStats, summarize_papers
from papersum.pricing import Budget, load_price_table
from papersum.providers.openai_provider import OpenAIProvider
from papersum.providers.ratelimit import RetryPolicy
from papersum.providers.server_info import inspect_model
from papersum.refine import make_draft

pytestmark = pytest.mark.llm

PAPERS = [
    Paper(
        id="p1",
        title="Sparse Attention for Long Documents",
        abstract="We propose a sparse attention mechanism that lets transformers read 16k-token documents. "
        "On the arXiv summarization benchmark it matches dense attention at a third of the memory.",
        categories=["cs.CL"],
    ),
    Paper(
        id="p2",
        title="A Benchmark for Robot Grasping",
        abstract="We release GraspBench, a dataset of 10,000 real robot grasps with success labels, "
        "and evaluate five grasp planners on it.",
        categories=["cs.RO"],
    ),
    Paper(
        id="p3",
        title="Convergence of Adam",
        abstract="We prove that Adam converges for smooth nonconvex objectives under bounded gradients "
        "and give a matching lower bound.",
        categories=["math.OC"],
    ),
]
# Tight output bounds and few tokens keep each SmolLM2 answer to a couple of seconds on 2 cores;
# the transport tests use the shorter v1 prompt (no draft), the first test the default one.
TEST_LIMITS = SchemaLimits(
    tldr_chars=200, phrase_chars=30, max_items=2, why_chars=100, tldr_prefix="This paper"
)
FAST = {"limits": TEST_LIMITS, "max_tokens": 300, "timeout_s": 120.0, "prompt": "summarize@1"}
SECRET = "sk-test-SECRETSECRET0123456789abcdef"


def provider_for(base_url: str, **options: Any) -> OpenAIProvider:
    settings: dict[str, Any] = {**FAST, "retry": RetryPolicy(max_retries=4, base_delay_s=0.05)}
    settings.update(options)
    return OpenAIProvider(
        "smollm2", base_url=base_url, api_key=settings.pop("api_key", "sk-local"), **settings
    )


def test_structured_output_parses_into_models_and_cache_hits_send_nothing(llm_server: str) -> None:
    cache = ResultCache.open()
    # The default prompt: the model refines the offline draft, the guards pick field by field.
    limits = dataclasses.replace(TEST_LIMITS, tldr_prefix=None, category_ids=("cs.CL",))
    with (
        FaultProxy(llm_server) as proxy,
        provider_for(proxy.base_url, prompt="summarize", limits=limits) as provider,
    ):
        assert provider.template.version >= 2
        first = list(summarize_papers(PAPERS[:2], provider, cache))
        assert [a.paper_id for a in first] == ["p1", "p2"]
        for annotation, sent in zip(first, proxy.log[-2:], strict=True):
            assert annotation.ok, annotation.error
            draft = make_draft(PAPERS[int(annotation.paper_id[1]) - 1])
            assert draft.summary.tldr in sent["body"]["messages"][1]["content"]
            assert annotation.tldr is not None and annotation.tags is not None
            Summary(tldr=annotation.tldr, tags=annotation.tags, why_it_matters=annotation.why_it_matters)
            prov = annotation.provenance
            assert prov is not None and prov.mode is not None and prov.mode.startswith("json_schema")
            assert prov.prompt_id == "summarize" and prov.prompt_hash == provider.template.hash
            assert prov.input_tokens and prov.output_tokens and not prov.cached
            assert prov.fields is not None and set(prov.fields) >= {"tldr", "categories", "keywords"}
            assert annotation.tags.categories == draft.summary.tags.categories  # the authors' own
        requests_before = len(proxy.log)
        stats = RunStats()
        second = list(summarize_papers(PAPERS[:2], provider, cache, stats=stats))
        assert len(proxy.log) == requests_before, "a cache hit must not send a request"
        assert all(a.provenance is not None and a.provenance.cached for a in second)
        assert [a.tldr for a in second] == [a.tldr for a in first]
        assert [a.provenance.fields for a in second if a.provenance] == [
            a.provenance.fields for a in first if a.provenance
        ]
        assert stats.cached == 2
    cache.close()


def test_faults_are_retried_and_nothing_is_paid_twice(llm_server: str) -> None:
    # probe: 429 then ok; p1: 500, truncated body, then ok; p2: timeout, then schema-violating JSON
    # (re-asked), then ok; p3: a 200 whose JSON is cut off, a 200 with an HTML page (both retried as
    # transient, not the paper's error), then ok.
    script = ["429", "ok", "500", "truncate", "ok", "timeout", "badjson", "ok", "cut", "html", "ok"]
    cache = ResultCache.open()
    # "timeout" here stalls, then drops the connection; test_timeout_is_retried covers client timeouts.
    with FaultProxy(llm_server, script, stall_s=1.0) as proxy, provider_for(proxy.base_url) as provider:
        annotations = list(summarize_papers(PAPERS, provider, cache, concurrency=1))
    assert proxy.actions()[: len(script)] == script
    assert [a.paper_id for a in annotations] == ["p1", "p2", "p3"]
    for annotation in annotations:
        assert annotation.ok or annotation.error, "every paper ends annotated or with a recorded error"
    by_id = {a.paper_id: a for a in annotations}
    assert by_id["p1"].ok and by_id["p3"].ok, by_id["p3"].error
    p3 = by_id["p3"].provenance
    assert p3 is not None and p3.attempts == 1 and p3.mode == "json_schema"
    p2 = by_id["p2"].provenance
    assert p2 is not None and p2.attempts >= 2
    assert by_id["p2"].ok == (p2.mode is not None and "reask" in p2.mode)
    # Every answer delivered intact was billed once: probe + the papers' attempts, nothing more.
    billed_in = sum(a.provenance.input_tokens or 0 for a in annotations if a.provenance)
    delivered_in = sum(u["input"] for u in proxy.delivered_usage)
    assert provider.stats["input_tokens"] == delivered_in
    assert delivered_in - billed_in == proxy.delivered_usage[0]["input"]  # the probe's tokens
    assert provider.stats["retries"] >= 6


def test_small_model_is_recognised_and_a_cut_off_answer_is_retried_with_room(
    llm_server: str, caplog: pytest.LogCaptureFixture
) -> None:
    info = inspect_model(llm_server, "any-name")  # llama.cpp serves its one model under any name
    assert info.n_params is not None and 100e6 < info.n_params < 200e6 and info.n_ctx == 2048
    # No probe, a name without a size and 48 tokens: the first answer is cut off at the token limit.
    with (
        FaultProxy(llm_server) as proxy,
        OpenAIProvider(
            "smollm2", base_url=proxy.base_url, api_key="sk-local", probe=False, max_tokens=48, timeout_s=120
        ) as provider,
        caplog.at_level(logging.WARNING),
    ):
        result = provider.execute(PAPERS[2])
    assert result.summary is not None, result.error
    bodies = [entry["body"] for entry in proxy.log]
    assert [body["max_tokens"] for body in bodies] == [48, COMPACT_MAX_TOKENS]
    tags = bodies[1]["response_format"]["json_schema"]["schema"]["properties"]["tags"]["properties"]
    assert tags["keywords"]["maxItems"] == COMPACT_LIMITS.max_items
    assert "reask" not in (result.provenance.mode or "") and result.provenance.attempts == 2
    assert caplog.text.count("using the compact schema") == 1


def test_client_timeout_is_retried(llm_server: str) -> None:
    # The probe is a tiny request (well under a second), so a 1.5 s client timeout only trips on the
    # stalled first try.
    with (
        FaultProxy(llm_server, ["timeout"], stall_s=3.0) as proxy,
        provider_for(proxy.base_url, timeout_s=1.5, probe=False) as provider,
    ):
        assert provider.probe() is True
    assert proxy.actions() == ["timeout", "ok"]
    assert provider.stats["retries"] == 1 and provider.stats["requests"] == 2


def test_probe_warns_when_server_ignores_response_format(
    llm_server: str, caplog: pytest.LogCaptureFixture
) -> None:
    # Twice: a single answer off the schema could be a proxy's fault.
    with (
        FaultProxy(llm_server, ["strip_format", "strip_format"]) as proxy,
        provider_for(proxy.base_url) as provider,
    ):
        with caplog.at_level(logging.WARNING):
            enforced = provider.probe()
        assert not enforced
        assert "ignores response_format" in caplog.text
        assert provider.mode.value == "json_object"


def test_rejected_json_schema_degrades_to_json_object_for_the_rest_of_the_run(llm_server: str) -> None:
    with (
        FaultProxy(llm_server, ["reject_schema"]) as proxy,
        provider_for(proxy.base_url, probe=False, max_attempts=2, max_tokens=80) as provider,
    ):
        result = provider.execute(PAPERS[1])
        assert provider.mode.value == "json_object"
        sent = [entry["body"].get("response_format", {}).get("type") for entry in proxy.log]
        assert sent == ["json_schema", "json_object"]
        schema_in_prompt = proxy.log[1]["body"]["messages"][0]["content"]
        assert '"additionalProperties":false' in schema_in_prompt
        assert result.provenance.attempts == 2
        assert result.summary is not None or "json_object" in (result.error or "")


def test_all_attempts_failing_gives_an_error_with_usage_or_an_offline_fallback(llm_server: str) -> None:
    from papersum.providers.offline import OfflineProvider

    with FaultProxy(llm_server) as proxy:
        proxy.always = "badjson"
        with provider_for(proxy.base_url, probe=False, max_attempts=2) as provider:
            failed = provider.execute(PAPERS[0])
        assert failed.summary is None and failed.error and "2 attempts" in failed.error
        assert failed.raw_output is not None and json.loads(failed.raw_output)["tldr"] == ""
        assert failed.provenance.attempts == 2 and (failed.provenance.output_tokens or 0) > 0
        with provider_for(
            proxy.base_url, probe=False, max_attempts=1, fallback=OfflineProvider()
        ) as provider:
            rescued = provider.execute(PAPERS[0])
        assert rescued.summary is not None
        assert rescued.provenance.mode == "fallback" and "fallback" in rescued.provenance.provider
        # With the draft-and-refine prompt the paper keeps its offline draft (not cached: mode
        # fallback), unless told to report the failure (`--fallback none`).
        with provider_for(proxy.base_url, probe=False, max_attempts=1, prompt="summarize") as provider:
            kept = provider.execute(PAPERS[0])
        assert kept.summary == make_draft(PAPERS[0]).summary and kept.error is None
        assert kept.provenance.mode == "fallback" and "draft kept" in kept.provenance.provider
        assert kept.provenance.fields and kept.provenance.fields["tldr"] == "draft"
        options = {"probe": False, "max_attempts": 1, "prompt": "summarize", "keep_draft": False}
        with provider_for(proxy.base_url, **options) as provider:
            reported = provider.execute(PAPERS[0])
        assert reported.summary is None and "1 attempts" in (reported.error or "")


def test_api_key_never_leaks(llm_server: str, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cache = ResultCache.open()
    with FaultProxy(llm_server, ["ok", "ok", "echo_auth"]) as proxy:
        with caplog.at_level(logging.DEBUG), provider_for(proxy.base_url, api_key=SECRET) as provider:
            good = list(summarize_papers(PAPERS[:1], provider, cache))
            try:
                provider.execute(PAPERS[1])
            except Exception as exc:  # the 401 stops the run: its message must not carry the key
                message = str(exc)
            else:
                message = ""
        sent = {k.lower(): v for k, v in proxy.seen_headers[0].items()}
        assert sent["authorization"] == f"Bearer {SECRET}"  # it really was sent
    assert "redacted" in message and SECRET not in message
    assert good[0].ok
    assert SECRET not in caplog.text
    assert SECRET not in good[0].model_dump_json()
    assert SECRET not in json.dumps(provider.identity())
    cache.close()
    for path in Path(cache.directory).rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes()


def test_budget_stops_before_exceeding(llm_server: str, tmp_path: Path) -> None:
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({"models": {"smollm2": {"input": 1000.0, "output": 1000.0}}}))
    table = load_price_table(prices)
    # Enough for one paper's worst case (~450 prompt + 300 output tokens at $1000/M), not two.
    budget = Budget(0.9)
    cache = ResultCache.open()
    with FaultProxy(llm_server) as proxy:
        with provider_for(proxy.base_url, prices=table, budget=budget, probe=False) as provider:
            done = list(summarize_papers(PAPERS, provider, cache))
        assert len(proxy.log) == 1, "only the request that fits the budget is sent"
    assert [a.paper_id for a in done] == ["p1", "p2", "p3"]
    assert done[0].ok and done[0].provenance is not None
    assert done[0].provenance.cost_usd == pytest.approx(budget.spent_usd)
    assert budget.spent_usd <= 0.9
    for skipped in done[1:]:
        assert skipped.error is not None and "budget" in skipped.error
    cache.close()
