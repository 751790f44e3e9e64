"""The `openai` provider: any OpenAI-compatible chat endpoint through the openai SDK.

The only module that imports `openai`. One request per paper returns TL;DR and tags together
(see providers/structured.py for the degrade/validate/re-ask loop). The SDK's own retries are off:
RetryPolicy and RateLimiter in providers/ratelimit.py are the single retry and pacing policy.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit, urlunsplit

import openai

from papersum.llm_request import OutputMode, SchemaLimits, is_drafted, params_from_name
from papersum.models import Paper, Provenance, Summary
from papersum.pricing import Budget, BudgetExceededError, PriceTable, load_price_table
from papersum.prompts import PromptTemplate, load_prompt
from papersum.providers.base import Provider, ProviderError, ProviderResult
from papersum.providers.ratelimit import RateLimiter, RetryPolicy, parse_retry_after
from papersum.providers.room import AnswerRoom
from papersum.providers.server_info import inspect_model
from papersum.providers.structured import (
    ChatReply,
    RequestFailedError,
    ResponseFormatRejectedError,
    StructuredOutputError,
    Usage,
    request_structured,
    strip_think,
)
from papersum.tokens import count_chat_tokens

log = logging.getLogger(__name__)

DUMMY_KEY = "sk-no-key-required"  # local servers (llama.cpp, vLLM, Ollama) accept any key
_KEY_LIKE = re.compile(r"\b(sk|key|api)[-_][A-Za-z0-9_\-*.]{6,}", re.IGNORECASE)
_PROBE_VALUE = "papersum-probe-7"
# A small model usually runs on a CPU next to us, several requests sharing it: answers can take
# minutes, and a timed-out request that is sent again only adds to the queue.
SMALL_MODEL_TIMEOUT_S = 300.0
_SDK_PARAMS = frozenset(
    {
        "model",
        "messages",
        "response_format",
        "max_tokens",
        "max_completion_tokens",
        "temperature",
        "seed",
        "top_p",
        "stop",
        "presence_penalty",
        "frequency_penalty",
        "n",
        "user",
        "logit_bias",
        "prompt_cache_key",
        "reasoning_effort",
        "service_tier",
        "metadata",
        "store",
    }
)


class TransientFailureError(RequestFailedError):
    """Retries on 429/5xx/timeouts were exhausted for one request."""

    def __init__(self, message: str, *, unreachable: bool = False) -> None:
        super().__init__(message)
        self.unreachable = unreachable  # the server never answered (connection refused, DNS, ...)


def _public_url(url: str) -> str:
    """The URL without user:password, query or fragment (may appear in identities and logs)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))


class OpenAIProvider(Provider):
    name: ClassVar[str] = "openai"

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        prompt: str | PromptTemplate = "summarize",
        max_tokens: int = 400,
        temperature: float = 0.0,
        seed: int | None = 0,
        timeout_s: float = 60.0,
        max_attempts: int = 3,
        retry: RetryPolicy | None = None,
        limiter: RateLimiter | None = None,
        budget: Budget | None = None,
        prices: PriceTable | None = None,
        fallback: Provider | None = None,
        keep_draft: bool = True,
        probe: bool = True,
        provider_label: str | None = None,
        limits: SchemaLimits | None = None,
        extra_params: dict[str, Any] | None = None,
    ) -> None:
        """`limits=None` is the "auto" schema: full bounds, compact ones for a small model (its name
        or the server says so) and from the first answer cut off at the token limit."""
        base_url = base_url or os.environ.get("OPENAI_BASE_URL") or None
        key = api_key or os.environ.get("OPENAI_API_KEY") or None
        if key is None and base_url is None:
            raise ProviderError("the openai provider needs OPENAI_API_KEY or --base-url / OPENAI_BASE_URL")
        self._api_key = key or DUMMY_KEY
        self._model = model
        self.base_url = base_url or "https://api.openai.com/v1"
        self.template = load_prompt(prompt) if isinstance(prompt, str) else prompt
        self._drafted = is_drafted(self.template)
        if _is_reasoning_model(model):
            # o-series and gpt-5 take max_completion_tokens (reasoning included) and no temperature.
            params: dict[str, Any] = {"max_completion_tokens": max_tokens}
        else:
            params = {"max_tokens": max_tokens, "temperature": temperature}
            if seed is not None:
                params["seed"] = seed
        params.update(extra_params or {})
        # What keys the cache: the configuration, not the bounds "auto" may switch to mid-run.
        self._configured_params = dict(sorted(params.items()))
        self._configured_limits = limits
        self.room = AnswerRoom(model, limits, params, on_compact=self._small_model_timeout)
        self.max_attempts = max_attempts
        self.retry = retry or RetryPolicy()
        self.limiter = limiter or RateLimiter()
        self.budget = budget or Budget(None)
        self.prices = prices or load_price_table()
        self.fallback = fallback
        # With a draft-and-refine prompt, a paper whose answers all fail keeps its draft.
        self.keep_draft = keep_draft
        self.label = provider_label or self.name
        self._timeout_s = timeout_s
        self._client = openai.OpenAI(
            api_key=self._api_key, base_url=self.base_url, max_retries=0, timeout=timeout_s
        )
        self._mode = OutputMode.json_schema
        self.room.learn(params_from_name(model), None, "its name")
        self._probe_pending = probe
        self._budget_warned = False
        self._probe_lock = threading.Lock()
        self._probe_failure: ProviderError | None = None
        self._stats_lock = threading.Lock()
        self.stats: dict[str, float] = {
            "requests": 0,
            "retries": 0,
            "input_tokens": 0,
            "output_tokens": 0,
            "cost_usd": 0.0,
        }
        if budget is not None and budget.limit_usd is not None and self.prices.lookup(model) is None:
            raise ProviderError(
                f"--max-cost needs a price for model {model!r}: "
                "add it to a price file (--prices / PAPERSUM_PRICES)"
            )

    # -- Provider protocol -------------------------------------------------------------------
    @property
    def model(self) -> str:
        return self._model

    @property
    def mode(self) -> OutputMode:
        """The output mode requests start with (json_schema unless the server refused it)."""
        return self._mode

    def identity(self) -> dict[str, Any]:
        identity = {
            "provider": self.label,
            "model": self._model,
            "endpoint": _public_url(self.base_url),
            "prompt": self.template.hash,
            "params": self._configured_params,
            "max_attempts": self.max_attempts,
            "limits": self._configured_limits.as_dict() if self._configured_limits else "auto",
        }
        if self._drafted:
            from papersum.offline import OFFLINE_ENGINE_VERSION

            identity["draft"] = OFFLINE_ENGINE_VERSION  # the draft is part of the prompt
        return identity

    def finalize(self, paper: Paper, summary: Summary, provenance: Provenance) -> tuple[Summary, Provenance]:
        """With a draft-and-refine prompt, the guards decide field by field between draft and answer."""
        if not self._drafted or provenance.mode == "fallback":
            return summary, provenance
        from papersum.refine import make_draft, refine

        refined = refine(paper, make_draft(paper), summary)
        update = {"fields": refined.fields, "rejected": refined.rejected or None}
        return refined.summary, provenance.model_copy(update=update)

    def execute(self, paper: Paper) -> ProviderResult:
        started = time.monotonic()
        self._maybe_probe()
        try:
            result = request_structured(
                self._send,
                paper,
                self._model,
                self.template,
                first_mode=self._mode,
                max_attempts=self.max_attempts,
                price=self._price,
                on_mode_rejected=self._degrade,
                params=self.params,
                limits=self.limits,
                on_truncated=self.room.after_cut_off,
            )
        except StructuredOutputError as exc:
            if isinstance(exc.__cause__, BudgetExceededError) and not self._budget_warned:
                self._budget_warned = True
                log.warning("%s; papers that could exceed it are not sent", exc)
            if exc.sent and self._drafted and self.fallback is None and self.keep_draft:
                return self._draft_kept(paper, str(exc), exc.usage, exc.raw_output, started)
            return self._failed(paper, str(exc), exc.usage, exc.raw_output, started)
        return ProviderResult(
            summary=result.summary,
            provenance=self._provenance(result.mode, result.usage, started),
            raw_output=None,
        )

    def close(self) -> None:
        self._client.close()

    def chat(self, body: dict[str, Any]) -> ChatReply:
        """Send one chat request built elsewhere (e.g. the relevance rerank) through the same probe,
        pacing, budget and retries as summaries."""
        self._maybe_probe()
        return self._send(body)

    # -- internals ---------------------------------------------------------------------------
    def redact(self, text: str) -> str:
        """Remove the API key (and anything key-shaped) from text bound for logs or outputs."""
        if self._api_key and self._api_key != DUMMY_KEY:
            text = text.replace(self._api_key, "[redacted]")
        return _KEY_LIKE.sub("[redacted]", text)

    def _price(self, reply: ChatReply) -> float | None:
        return self.prices.cost(self._model, reply.input_tokens, reply.output_tokens, reply.cached_tokens)

    def _provenance(self, mode: str, usage: Usage, started: float) -> Provenance:
        return Provenance(
            provider=self.label,
            model=self._model,
            prompt_id=self.template.id,
            prompt_hash=self.template.hash,
            mode=mode,
            attempts=max(usage.attempts, 1),
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            cost_usd=usage.cost_usd,
            cached=False,
            created_at=datetime.now(UTC),
            duration_s=round(time.monotonic() - started, 3),
        )

    def _draft_kept(
        self, paper: Paper, error: str, usage: Usage, raw: str | None, started: float
    ) -> ProviderResult:
        """Every answer failed validation, but the request carried the offline draft: the paper
        keeps the draft (what the guards fall back to field by field anyway) instead of an empty
        TL;DR; marked `fallback`, so it is not cached and a later run asks again."""
        from papersum.refine import make_draft
        from papersum.refine.guards import LIST_FIELDS

        log.warning("%s: %s; keeping the offline draft", paper.id, self.redact(error))
        provenance = self._provenance("fallback", usage, started)
        fields = dict.fromkeys(("tldr", "categories", *LIST_FIELDS), "draft")
        provenance = provenance.model_copy(
            update={"provider": f"{self.label} (draft kept: no valid answer)", "fields": fields}
        )
        return ProviderResult(summary=make_draft(paper).summary, provenance=provenance, raw_output=raw)

    def _failed(
        self, paper: Paper, error: str, usage: Usage, raw: str | None, started: float
    ) -> ProviderResult:
        error = self.redact(error)
        if self.fallback is None:
            return ProviderResult(
                provenance=self._provenance("failed", usage, started), error=error, raw_output=raw
            )
        log.warning("%s: %s; using the offline fallback", paper.id, error)
        offline = self.fallback.execute(paper)
        provenance = offline.provenance.model_copy(
            update={
                "provider": f"{offline.provenance.provider} (fallback after {self.label} failed)",
                "mode": "fallback",
                "attempts": usage.attempts,
                "input_tokens": usage.input_tokens,
                "output_tokens": usage.output_tokens,
                "cost_usd": usage.cost_usd,
            }
        )
        return ProviderResult(
            summary=offline.summary, provenance=provenance, error=offline.error, raw_output=raw
        )

    # -- room to answer (providers/room.py) -------------------------------------------------
    @property
    def limits(self) -> SchemaLimits:
        return self.room.limits

    @property
    def params(self) -> dict[str, Any]:
        return self.room.params

    def _small_model_timeout(self) -> None:
        if self._timeout_s < SMALL_MODEL_TIMEOUT_S:
            self._client = self._client.with_options(timeout=SMALL_MODEL_TIMEOUT_S)

    def inspect_server(self) -> None:
        """Ask the server how big the model is and how long its context is (no-op if it will not say)."""
        key = self._api_key if self._api_key != DUMMY_KEY else None
        info = inspect_model(self.base_url, self._model, key)
        self.room.learn(info.n_params, info.n_ctx, f"the server ({info.source})")

    def _degrade(self, mode: OutputMode) -> None:
        if self._mode is mode:
            log.warning(
                "server %s rejected response_format json_schema; using json_object + validation",
                _public_url(self.base_url),
            )
            self._mode = OutputMode.json_object

    def _maybe_probe(self) -> None:
        with self._probe_lock:
            if self._probe_failure is not None:
                raise self._probe_failure  # every thread stops, not only the one that probed
            if not self._probe_pending:
                return
            self._probe_pending = False
            try:
                self.inspect_server()
                self.probe()
            except ProviderError as exc:
                self._probe_failure = exc
                raise

    def probe(self) -> bool:
        """One tiny request: does the server enforce response_format? Degrades mode if not."""
        schema = {
            "type": "object",
            "properties": {"answer": {"type": "string", "enum": [_PROBE_VALUE]}},
            "required": ["answer"],
            "additionalProperties": False,
        }
        body = {
            "model": self._model,
            "messages": [{"role": "user", "content": "Say hello in one word."}],
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "probe", "strict": True, "schema": schema},
            },
            "max_tokens": 48,
            "temperature": 0.0,
        }
        # Two tries: one answer off the schema may be a proxy's or the network's fault, two are the server's.
        for _ in range(2):
            try:
                reply = self._send(body)
            except ResponseFormatRejectedError:
                self._degrade(OutputMode.json_schema)
                return False
            except RequestFailedError as exc:
                if isinstance(exc, TransientFailureError) and exc.unreachable:
                    # Nothing will work: stop now instead of retrying every paper against a dead server.
                    raise ProviderError(f"cannot reach {_public_url(self.base_url)} ({exc})") from None
                log.warning("response_format probe not completed (%s); assuming json_schema works", exc)
                return True
            try:
                if json.loads(strip_think(reply.content or "")) == {"answer": _PROBE_VALUE}:
                    return True
            except json.JSONDecodeError:
                pass
        log.warning(
            "server %s ignores response_format (probe answer %r); using json_object with the schema "
            "in the prompt, validated and re-asked on error",
            _public_url(self.base_url),
            (reply.content or "")[:60],
        )
        self._mode = OutputMode.json_object
        return False

    def _count(self, **deltas: float) -> None:
        with self._stats_lock:
            for key, value in deltas.items():
                self.stats[key] += value

    def _send(self, body: dict[str, Any]) -> ChatReply:
        """One logical request: pacing, budget, and retries of transient failures."""
        max_out = int(body.get("max_tokens") or body.get("max_completion_tokens") or 0)
        prompt_tokens = count_chat_tokens(body["messages"], self._model)
        worst = self.prices.cost(self._model, prompt_tokens, max_out) or 0.0
        self.budget.reserve(worst)
        actual = 0.0
        # Server-specific parameters (llama.cpp's repeat_penalty...) travel in extra_body.
        known = {k: v for k, v in body.items() if k in _SDK_PARAMS}
        extra = {k: v for k, v in body.items() if k not in _SDK_PARAMS}
        try:
            for retry_number in range(self.retry.max_retries + 1):
                self.limiter.acquire(prompt_tokens + max_out)
                self._count(requests=1)
                try:
                    response = self._client.chat.completions.create(**known, extra_body=extra or None)
                    if not _is_completion(response):
                        raise ValueError(f"no choices in {str(response)[:60]!r}")
                except openai.BadRequestError as exc:
                    if "response_format" in body and body["response_format"].get("type") == "json_schema":
                        raise ResponseFormatRejectedError(self.redact(str(exc))) from None
                    raise TransientFailureError(f"request rejected: {self.redact(str(exc))}") from None
                except (
                    openai.AuthenticationError,
                    openai.PermissionDeniedError,
                    openai.NotFoundError,
                ) as exc:
                    raise ProviderError(self.redact(f"{type(exc).__name__}: {exc}")) from None
                except (openai.RateLimitError, openai.InternalServerError, openai.APIStatusError) as exc:
                    status = getattr(exc, "status_code", 0)
                    if status != 429 and status < 500:
                        raise TransientFailureError(self.redact(f"HTTP {status}: {exc}")) from None
                    wait = self.retry.delay(retry_number, parse_retry_after(exc.response.headers))
                    failure = f"HTTP {status}"
                except (openai.APITimeoutError, openai.APIConnectionError) as exc:
                    wait = self.retry.delay(retry_number)
                    failure = type(exc).__name__
                except (openai.APIResponseValidationError, ValueError) as exc:
                    # A 200 whose body is not JSON (cut off by a proxy, an HTML error page...): the
                    # server's answer never arrived, so ask again; it is not the paper's fault.
                    wait = self.retry.delay(retry_number)
                    failure = f"malformed response body ({type(exc).__name__}: {str(exc)[:80]})"
                else:
                    reply = _to_reply(response)
                    actual = (
                        self.prices.cost(
                            self._model, reply.input_tokens, reply.output_tokens, reply.cached_tokens
                        )
                        or 0.0
                    )
                    self._count(
                        input_tokens=reply.input_tokens, output_tokens=reply.output_tokens, cost_usd=actual
                    )
                    return reply
                if retry_number == self.retry.max_retries:
                    break
                self._count(retries=1)
                log.info("%s; retry %d in %.2fs", self.redact(failure), retry_number + 1, wait)
                time.sleep(wait)
            raise TransientFailureError(
                self.redact(f"gave up after {self.retry.max_retries + 1} tries: {failure}"),
                unreachable=failure == "APIConnectionError",
            )
        finally:
            self.budget.settle(worst, actual)


def _is_reasoning_model(model: str) -> bool:
    name = model.rsplit("/", 1)[-1]
    return name.startswith(("o1", "o3", "o4", "gpt-5"))


def _is_completion(response: Any) -> bool:
    """A chat completion with at least one choice (the SDK passes other JSON and text through)."""
    choices = getattr(response, "choices", None)
    return isinstance(choices, list) and bool(choices) and getattr(choices[0], "message", None) is not None


def _to_reply(response: Any) -> ChatReply:
    choice = response.choices[0] if response.choices else None
    usage = response.usage
    details = getattr(usage, "prompt_tokens_details", None) if usage else None
    return ChatReply(
        content=choice.message.content if choice else None,
        input_tokens=usage.prompt_tokens if usage else 0,
        output_tokens=usage.completion_tokens if usage else 0,
        cached_tokens=(getattr(details, "cached_tokens", 0) or 0) if details else 0,
        finish_reason=choice.finish_reason if choice else None,
    )
