"""What a batch is equivalent to: the online provider whose cache keys and request bodies it reuses.

The provider is built by the same registry factory `papersum summarize --provider openai` uses, so
its `identity()` (hence every cache key) and its request parameters are the online path's by
construction. Building it makes no request (the response_format probe is lazy).
"""

from __future__ import annotations

from typing import Any

from papersum.config import Settings
from papersum.llm_request import OutputMode, build_chat_body
from papersum.models import Paper
from papersum.providers.base import Provider
from papersum.providers.registry import build_provider

BATCH_PROVIDER = "openai"


def batch_provider(model: str, base_url: str | None, settings: Settings) -> Provider:
    """The online provider a batch stands in for (`--base-url` is part of its identity)."""
    return build_provider(BATCH_PROVIDER, model=model, base_url=base_url, settings=settings)


def request_body(provider: Provider, paper: Paper) -> dict[str, Any]:
    """The body of the online path's first request for `paper` (json_schema mode)."""
    template = getattr(provider, "template")  # noqa: B009 - OpenAIProvider's public attributes
    params: dict[str, Any] = dict(getattr(provider, "params"))  # noqa: B009
    limits = getattr(provider, "limits", None)
    extra: dict[str, Any] = {} if limits is None else {"limits": limits}
    return build_chat_body(paper, provider.model, template, OutputMode.json_schema, **extra, **params)


def provider_label(provider: Provider) -> str:
    return str(provider.identity().get("provider", provider.name))
