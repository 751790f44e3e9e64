"""`papersum estimate`: tokens in/out and dollars for a run, computed offline before any call."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from papersum.cli.common import InputsArg, SkipBadOpt, announce_sources, open_output, say, user_errors
from papersum.errors import UsageError

# Shown in --help; papersum.estimate (tiktoken, the request builder) is imported by the command only.
EXPECTED_OUTPUT_TOKENS = 180


def _money(value: float | None) -> str:
    return "n/a (model not in the price table)" if value is None else f"${value:,.4f}"


@user_errors
def estimate(
    inputs: InputsArg,
    model: Annotated[
        str, typer.Option("--model", "-m", help="Model to price, e.g. gpt-4o-mini.")
    ] = "gpt-4o-mini",
    prices: Annotated[
        Path | None, typer.Option("--prices", help="JSON price file merged over the built-in table.")
    ] = None,
    output_tokens: Annotated[
        int, typer.Option("--output-tokens", min=1, help="Expected output tokens per paper.")
    ] = EXPECTED_OUTPUT_TOKENS,
    max_tokens: Annotated[int, typer.Option("--max-tokens", min=1, help="Output cap per paper.")] = 400,
    prompt: Annotated[
        str, typer.Option("--prompt", help="Prompt template id (id or id@version).")
    ] = "summarize",
    out: Annotated[
        str | None, typer.Option("--out", "-o", help="Also write the estimate as JSON (- = stdout).")
    ] = None,
    skip_bad: SkipBadOpt = False,
) -> None:
    """Count tokens with tiktoken and price them from the dated price table; no network.

    Example:

        papersum estimate seeds/ --model gpt-4o-mini
    """
    from papersum.estimate import estimate_run
    from papersum.ingest import read_papers
    from papersum.pricing import PriceTableError, load_price_table
    from papersum.prompts import PromptError, load_prompt

    try:
        table = load_price_table(prices)
        template = load_prompt(prompt)
    except (PriceTableError, PromptError) as exc:
        raise UsageError(str(exc)) from None
    announce_sources(inputs, quiet=False)
    ingested = read_papers(inputs, skip_bad=skip_bad)
    for empty in ingested.empty:
        say(str(empty))
    papers = ingested.papers
    result = estimate_run(
        papers, model, template, table, expected_output_tokens=output_tokens, max_tokens=max_tokens
    )
    say(f"{result.papers} papers, model {result.model} (tokenizer {result.encoding}), prompt {template.hash}")
    say(f"  input tokens:   {result.input_tokens:,}")
    if result.draft_tokens:
        say(f"    of which the offline draft shown to the model: {result.draft_tokens:,}")
    say(
        f"  output tokens:  ~{result.expected_output_tokens:,} expected, "
        f"{result.max_output_tokens:,} if every answer hits max_tokens"
    )
    say(
        f"  cost:           ~{_money(result.expected_cost_usd)} expected, "
        f"{_money(result.max_cost_usd)} if every answer hits max_tokens (re-asks not included)"
    )
    say(f"  prices as of {result.prices_as_of} from {result.price_source}")
    if out is not None:
        with open_output(out) as handle:
            handle.write(result.to_json() + "\n")
