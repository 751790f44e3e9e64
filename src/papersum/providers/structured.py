"""Schema-valid output from any chat model: degrade through output modes, validate, re-ask.

Transport-agnostic (no SDK import): a provider passes a `send(body) -> ChatReply` callable. The
order is strict json_schema, then json_object with the schema in the prompt, each validated with
Pydantic; an invalid answer is re-asked with the validation error appended, for a bounded number
of attempts. Model JSON is never repaired: it validates or it is re-asked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from papersum.llm_request import DEFAULT_LIMITS, OutputMode, SchemaLimits, build_chat_body
from papersum.models import Paper, Summary
from papersum.prompts import PromptTemplate

_THINK_BLOCK = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)


@dataclass(frozen=True)
class ChatReply:
    """What a transport returns for one request."""

    content: str | None
    input_tokens: int = 0
    output_tokens: int = 0
    cached_tokens: int = 0
    finish_reason: str | None = None


class ResponseFormatRejectedError(Exception):
    """The server refused the request because of its response_format (HTTP 400)."""


class RequestFailedError(Exception):
    """A request could not be completed (retries exhausted, budget reached): ends this paper."""


@dataclass
class Usage:
    """Tokens and cost summed over every attempt for one paper."""

    attempts: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cached_tokens: int = 0
    cost_usd: float | None = 0.0

    def add(self, reply: ChatReply, cost_usd: float | None) -> None:
        self.input_tokens += reply.input_tokens
        self.output_tokens += reply.output_tokens
        self.cached_tokens += reply.cached_tokens
        if cost_usd is None or self.cost_usd is None:
            self.cost_usd = None
        else:
            self.cost_usd += cost_usd


class StructuredOutputError(Exception):
    """Every attempt failed validation: carries the attempts, last raw output and total usage."""

    def __init__(
        self, message: str, usage: Usage, raw_output: str | None, modes: list[str], sent: bool = True
    ) -> None:
        super().__init__(message)
        self.usage = usage
        self.raw_output = raw_output
        self.modes = modes
        self.sent = sent  # False when the last request was never sent (e.g. the budget stopped it)

    @property
    def attempts(self) -> int:
        return self.usage.attempts


# (limits, params, the cut-off reply) -> the next attempt's (limits, params), or None: no more room.
TruncationPolicy = Callable[
    [SchemaLimits, dict[str, Any], ChatReply], tuple[SchemaLimits, dict[str, Any]] | None
]


@dataclass
class StructuredResult:
    summary: Summary
    mode: str
    usage: Usage
    raw_output: str
    modes_tried: list[str] = field(default_factory=list)


def strip_think(text: str) -> str:
    """Drop reasoning models' <think>...</think> blocks; an unclosed block means no answer yet."""
    without = _THINK_BLOCK.sub("", text)
    if re.search(r"<think>", without, re.IGNORECASE):
        return ""
    return without.strip()


def validation_message(exc: ValidationError | json.JSONDecodeError | ValueError) -> str:
    """A short, model-readable description of why an answer was rejected."""
    if isinstance(exc, ValidationError):
        parts = []
        for error in exc.errors(include_url=False)[:6]:
            where = ".".join(str(p) for p in error["loc"]) or "(root)"
            parts.append(f"{where}: {error['msg']}")
        return "; ".join(parts)
    return str(exc)


def parse_summary(raw: str) -> Summary:
    """Validate one raw model answer; raises ValueError (JSON) or ValidationError (schema)."""
    text = strip_think(raw)
    if not text:
        raise ValueError("the answer is empty (or only reasoning)")
    return Summary.model_validate_json(text)


def request_structured(
    send: Callable[[dict[str, Any]], ChatReply],
    paper: Paper,
    model: str,
    template: PromptTemplate,
    *,
    first_mode: OutputMode = OutputMode.json_schema,
    max_attempts: int = 3,
    price: Callable[[ChatReply], float | None] = lambda _reply: None,
    on_mode_rejected: Callable[[OutputMode], None] = lambda _mode: None,
    params: dict[str, Any] | None = None,
    limits: SchemaLimits = DEFAULT_LIMITS,
    on_truncated: TruncationPolicy | None = None,
) -> StructuredResult:
    """Ask until the answer validates or `max_attempts` requests were made.

    An answer cut off at the token limit is not re-asked with the same bounds (it would be cut
    again): `on_truncated` gives the next attempt's bounds (tighter schema or more tokens); without
    one, or when it has nothing left to give, the model is re-asked to keep every field shorter.
    """
    mode = first_mode
    params = dict(params or {})
    usage = Usage()
    feedback: list[tuple[str, str]] = []
    modes_tried: list[str] = []
    last_raw: str | None = None
    last_error = "no attempt made"
    while usage.attempts < max_attempts:
        usage.attempts += 1
        label = mode.value + ("+reask" if feedback else "")
        modes_tried.append(label)
        body = build_chat_body(paper, model, template, mode, feedback=feedback, limits=limits, **params)
        try:
            reply = send(body)
        except ResponseFormatRejectedError as exc:
            if mode is OutputMode.json_schema:
                on_mode_rejected(mode)
                mode = OutputMode.json_object
                last_error = f"server rejected json_schema: {exc}"
                continue
            raise
        except RequestFailedError as exc:
            # Keep the usage of earlier attempts: they were paid for.
            raise StructuredOutputError(str(exc), usage, last_raw, modes_tried, sent=False) from exc
        usage.add(reply, price(reply))
        last_raw = reply.content or ""
        try:
            summary = parse_summary(last_raw)
        except (ValidationError, ValueError) as exc:
            last_error = validation_message(exc)
            if reply.finish_reason == "length":
                last_error += " (the answer was cut off at the token limit"
                bounds = on_truncated(limits, params, reply) if on_truncated is not None else None
                if bounds is not None:
                    limits, params = bounds
                    last_error += "; retried with room to finish)"
                    continue  # a fresh request: the cut-off answer would only lengthen the prompt
                last_error += ": keep every field shorter)"
            feedback = [*feedback[-1:], (last_raw, last_error)]  # keep the prompt bounded
            continue
        return StructuredResult(summary, label, usage, last_raw, modes_tried)
    raise StructuredOutputError(
        f"no schema-valid answer after {usage.attempts} attempts ({', '.join(modes_tried)}): {last_error}",
        usage,
        last_raw,
        modes_tried,
    )
