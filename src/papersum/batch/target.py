"""What a batch is equivalent to: the online provider whose cache keys and request bodies it reuses.

The provider is built by the same registry factory `papersum summarize --provider openai` uses, so
its `identity()` (hence every cache key) and its request parameters are the online path's by
construction. Building it makes no request (the response_format probe is lazy).
"""

from __future__ import annotations

from typing import Any

from papersum.config import Settings
from papersum.errors import UsageError
from papersum.llm_request import OutputMode, build_chat_body
from papersum.models import Paper
from papersum.providers.openai_provider import OpenAIProvider
from papersum.providers.registry import build_provider

BATCH_PROVIDER = "openai"


def batch_provider(model: str, base_url: str | None, settings: Settings) -> OpenAIProvider:
    """The online provider a batch stands in for (`--base-url` is part of its identity)."""
    provider = build_provider(BATCH_PROVIDER, model=model, base_url=base_url, settings=settings)
    if not isinstance(provider, OpenAIProvider):  # a registry override that batch cannot mirror
        provider.close()
        raise UsageError(f"batch files need the openai provider, got {type(provider).__name__}")
    return provider


def request_body(provider: OpenAIProvider, paper: Paper) -> dict[str, Any]:
    """The body of the online path's first request for `paper` (json_schema mode)."""
    return build_chat_body(
        paper,
        provider.model,
        provider.template,
        OutputMode.json_schema,
        limits=provider.limits,
        **provider.params,
    )


def provider_label(provider: OpenAIProvider) -> str:
    return str(provider.identity().get("provider", provider.name))
