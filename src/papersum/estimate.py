"""Tokens and dollars a run would cost, before any call: tiktoken counts plus the price table."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from papersum.llm_request import DEFAULT_LIMITS, OutputMode, SchemaLimits, build_chat_body, is_drafted
from papersum.models import Paper
from papersum.pricing import PriceTable
from papersum.prompts import PromptTemplate
from papersum.tokens import count_chat_tokens, count_text_tokens, encoding_name_for_model

# Expected answer length: a ~40-word TL;DR plus tags and why_it_matters as compact JSON.
DEFAULT_EXPECTED_OUTPUT_TOKENS = 180  # also the default of `papersum estimate --output-tokens`


@dataclass
class Estimate:
    model: str
    encoding: str
    papers: int
    input_tokens: int
    draft_tokens: int  # of input_tokens: the offline draft a draft-and-refine prompt shows the model
    expected_output_tokens: int
    max_output_tokens: int
    expected_cost_usd: float | None
    max_cost_usd: float | None
    prices_as_of: str
    price_source: str

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)


def estimate_run(
    papers: Iterable[Paper],
    model: str,
    template: PromptTemplate,
    prices: PriceTable,
    *,
    expected_output_tokens: int = DEFAULT_EXPECTED_OUTPUT_TOKENS,
    max_tokens: int = 400,
    limits: SchemaLimits = DEFAULT_LIMITS,
) -> Estimate:
    """One strict json_schema request per paper, as the openai provider sends it (no retries)."""
    count = 0
    input_tokens = 0
    draft_tokens = 0
    drafted = is_drafted(template)
    schema_tokens: int | None = None
    for paper in papers:
        if drafted:
            from papersum.refine import draft_variables, make_draft

            draft_tokens += sum(
                count_text_tokens(text, model) for text in draft_variables(make_draft(paper)).values()
            )
        body = build_chat_body(paper, model, template, OutputMode.json_schema, limits=limits)
        if schema_tokens is None:
            # The API bills the response_format schema as prompt tokens too (approximately its JSON).
            schema_tokens = count_text_tokens(json.dumps(body["response_format"]), model)
        input_tokens += count_chat_tokens(body["messages"], model) + schema_tokens
        count += 1
    expected_out = expected_output_tokens * count
    max_out = max_tokens * count
    return Estimate(
        model=model,
        encoding=encoding_name_for_model(model),
        papers=count,
        input_tokens=input_tokens,
        draft_tokens=draft_tokens,
        expected_output_tokens=expected_out,
        max_output_tokens=max_out,
        expected_cost_usd=prices.cost(model, input_tokens, expected_out),
        max_cost_usd=prices.cost(model, input_tokens, max_out),
        prices_as_of=prices.as_of,
        price_source=" + ".join(prices.origins),
    )
