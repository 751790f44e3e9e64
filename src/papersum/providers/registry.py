"""Provider lookup by name, and the default choice when none is given."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from papersum.errors import UsageError
from papersum.providers.base import Provider


def _offline(**_options: Any) -> Provider:
    from papersum.providers.offline import OfflineProvider

    return OfflineProvider()


def _llm_options(settings: Any, options: dict[str, Any]) -> dict[str, Any]:
    """Options shared by the LLM backends, from Settings (flags > PAPERSUM_* > config file)."""
    from papersum.pricing import Budget, load_price_table

    if settings is None:
        from papersum.config import load_settings

        settings = load_settings()
    llm: dict[str, Any] = {}
    prices_file = getattr(settings, "prices_file", None)
    llm["prices"] = load_price_table(prices_file)
    llm["budget"] = Budget(getattr(settings, "max_cost", None))
    fallback = getattr(settings, "fallback", None)
    if fallback == "none":
        llm["keep_draft"] = False  # a paper whose answers all fail is reported, draft or not
    elif fallback not in (None, ""):
        if fallback != "offline":
            raise UsageError(f"unknown --fallback {fallback!r}; use 'offline' or 'none'")
        llm["fallback"] = _offline()
    # Requests/tokens per minute (PAPERSUM_RPM / PAPERSUM_TPM or the config file).
    rpm, tpm = getattr(settings, "rpm", None), getattr(settings, "tpm", None)
    if rpm or tpm:
        from papersum.providers.ratelimit import RateLimiter

        llm["limiter"] = RateLimiter(rpm=rpm, tpm=tpm)
    # Schema bounds: "full" (the model's maxima, for API models), "compact" (small local models) or
    # "auto" (the default: full, compact when the model is small or an answer is cut off).
    profile = getattr(settings, "schema_profile", None)
    if profile and profile != "auto":
        from papersum.llm_request import COMPACT_MAX_TOKENS, SCHEMA_PROFILES

        if profile not in SCHEMA_PROFILES:
            choices = ", ".join(["auto", *SCHEMA_PROFILES])
            raise UsageError(f"PAPERSUM_SCHEMA must be one of {choices} (got {profile!r})")
        llm["limits"] = SCHEMA_PROFILES[profile]
        if profile == "compact":
            llm["max_tokens"] = COMPACT_MAX_TOKENS
    prompt = getattr(settings, "prompt", None)
    if prompt:
        from papersum.prompts import PromptError, load_prompt

        try:
            llm["prompt"] = load_prompt(prompt)
        except PromptError as exc:
            raise UsageError(str(exc)) from None
    for name in ("max_tokens", "temperature", "timeout_s", "max_attempts", "limiter", "retry", "probe"):
        if options.get(name) is not None:
            llm[name] = options[name]
    return llm


def _openai(
    model: str | None = None, base_url: str | None = None, settings: Any = None, **options: Any
) -> Provider:
    from papersum.providers.base import ProviderError
    from papersum.providers.openai_provider import OpenAIProvider

    try:
        return OpenAIProvider(
            model or "gpt-4o-mini",
            base_url=base_url,
            api_key=options.get("api_key"),
            **_llm_options(settings, options),
        )
    except ProviderError as exc:
        raise UsageError(str(exc)) from None


def _slots(concurrency: int | str | None) -> int:
    """llama.cpp slots for `--concurrency` (auto: as many as requests the pipeline sends at once)."""
    from papersum.pipeline import AUTO_REQUESTS

    if concurrency in (None, "auto"):
        return AUTO_REQUESTS
    return max(1, min(int(concurrency), 8))


def _local(model: str | None = None, settings: Any = None, **options: Any) -> Provider:
    from papersum.providers.base import ProviderError
    from papersum.providers.local import LocalProvider

    try:
        return LocalProvider(
            model,
            threads=options.get("threads") or 0,
            # One llama.cpp slot per parallel request: it decodes them together in one batch, so
            # --concurrency N gives N answers for little more CPU than one (same single thread).
            n_parallel=options.get("n_parallel") or _slots(getattr(settings, "concurrency", None)),
            **_llm_options(settings, options),
        )
    except ProviderError as exc:
        raise UsageError(str(exc)) from None


# Backends register here; each import is deferred so an unused backend costs nothing at start-up.
PROVIDERS: dict[str, Callable[..., Provider]] = {"offline": _offline, "openai": _openai, "local": _local}


def default_provider(base_url: str | None = None) -> tuple[str, str]:
    """The provider to use when none is named, and why (shown to the user)."""
    if "openai" in PROVIDERS:
        if os.environ.get("OPENAI_API_KEY"):
            return "openai", "OPENAI_API_KEY is set"
        if base_url or os.environ.get("OPENAI_BASE_URL"):
            return "openai", "a base URL is configured"
    return "offline", "no LLM is configured (set OPENAI_API_KEY or --base-url, or pass --provider)"


def build_provider(name: str, **options: Any) -> Provider:
    try:
        factory = PROVIDERS[name]
    except KeyError:
        raise UsageError(
            f"unknown provider {name!r}; choose one of: {', '.join(sorted(PROVIDERS))}"
        ) from None
    return factory(**options)
