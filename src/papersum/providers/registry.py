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


def _openai(*, model: str | None = None, base_url: str | None = None, **_options: Any) -> Provider:
    # Minimal registration (scale branch) so `--provider openai` and `batch prepare` share one factory;
    # the lead's fuller factory (budget, prices, fallback) replaces it and batch follows automatically.
    from papersum.providers.openai_provider import OpenAIProvider

    if not model:
        raise UsageError("--provider openai needs --model (e.g. --model gpt-4o-mini)")
    return OpenAIProvider(model, base_url=base_url)


# Backends register here; each import is deferred so an unused backend costs nothing at start-up.
PROVIDERS: dict[str, Callable[..., Provider]] = {"offline": _offline, "openai": _openai}


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
