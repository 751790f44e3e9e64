"""`papersum estimate` and provider selection: offline, no model needed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from papersum.cli import app
from papersum.errors import UsageError
from papersum.estimate import estimate_run
from papersum.ingest import read_papers
from papersum.pricing import load_price_table
from papersum.prompts import load_prompt
from papersum.providers.registry import build_provider, default_provider


def test_estimate_seeds_prints_tokens_and_cost(seeds_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.setenv(var, "http://127.0.0.1:9")  # any network use would fail
    result = CliRunner().invoke(app, ["estimate", str(seeds_dir), "--model", "gpt-4o-mini", "--out", "-"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    papers = read_papers([str(seeds_dir)], skip_bad=True).papers
    expected = estimate_run(papers, "gpt-4o-mini", load_prompt(), load_price_table())
    assert data["papers"] == len(papers) > 0
    assert data["input_tokens"] == expected.input_tokens > 500 * len(papers)
    assert data["expected_cost_usd"] == pytest.approx(expected.expected_cost_usd)
    assert 0 < data["expected_cost_usd"] < data["max_cost_usd"]
    assert "input tokens" in result.stderr and "prices as of" in result.stderr
    # The draft-and-refine prompt shows the model the offline draft: counted, and what it adds.
    v1 = estimate_run(papers, "gpt-4o-mini", load_prompt("summarize@1"), load_price_table())
    assert 0 < data["draft_tokens"] < data["input_tokens"] - v1.input_tokens and v1.draft_tokens == 0
    assert "offline draft shown to the model" in result.stderr


def test_estimate_unknown_model_has_tokens_but_no_price(seeds_dir: Path) -> None:
    result = CliRunner().invoke(app, ["estimate", str(seeds_dir), "--model", "my-local-llm", "--out", "-"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["input_tokens"] > 0 and data["max_cost_usd"] is None
    assert "not in the price table" in result.stderr


def test_default_provider_and_openai_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    assert default_provider()[0] == "offline"
    assert default_provider("http://127.0.0.1:8080/v1") == ("openai", "a base URL is configured")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env-0123456789")
    name, why = default_provider()
    assert name == "openai" and "OPENAI_API_KEY" in why and "sk-from" not in why
    monkeypatch.delenv("OPENAI_API_KEY")
    with pytest.raises(UsageError, match="OPENAI_API_KEY"):
        build_provider("openai", model="gpt-4o-mini")
    provider = build_provider("openai", model="m", base_url="http://user:pw@127.0.0.1:9/v1")
    assert provider.identity()["endpoint"] == "http://127.0.0.1:9/v1"  # no credentials in cache keys
    provider.close()


def test_schema_profile_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from papersum.llm_request import COMPACT_LIMITS, COMPACT_MAX_TOKENS, DEFAULT_LIMITS

    url = "http://127.0.0.1:9/v1"
    with build_provider("openai", model="m", base_url=url) as plain:
        assert plain.identity()["limits"] == "auto" and plain.limits == DEFAULT_LIMITS
    monkeypatch.setenv("PAPERSUM_SCHEMA", "full")
    with build_provider("openai", model="m", base_url=url) as full:
        assert full.identity()["limits"] == DEFAULT_LIMITS.as_dict()
    monkeypatch.setenv("PAPERSUM_SCHEMA", "compact")
    with build_provider("openai", model="m", base_url=url) as compact:
        identity = compact.identity()
        assert identity["limits"] == COMPACT_LIMITS.as_dict()
        assert identity["params"]["max_tokens"] == COMPACT_MAX_TOKENS
    monkeypatch.setenv("PAPERSUM_SCHEMA", "tiny")
    with pytest.raises(UsageError, match="PAPERSUM_SCHEMA"):
        build_provider("openai", model="m", base_url=url)
