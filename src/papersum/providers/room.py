"""How much room an answer gets (schema bounds and max_tokens), and how it grows after a cut-off.

The "auto" schema starts with the full bounds and turns compact for the rest of the run when the
model is small (its name or the server says so) or an answer is cut off at the token limit; said
once. With an explicit profile, a cut-off answer gets twice the tokens, within the context window.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from papersum.llm_request import (
    COMPACT_LIMITS,
    COMPACT_MAX_TOKENS,
    DEFAULT_LIMITS,
    SchemaLimits,
    is_small_model,
)
from papersum.providers.structured import ChatReply

log = logging.getLogger(__name__)

TOKEN_PARAMS = ("max_tokens", "max_completion_tokens")
# An answer cut off at max_tokens gets one more try with twice the room, up to this many tokens.
MAX_OUTPUT_TOKENS = 2048


def size_text(n_params: int | None) -> str:
    n = n_params or 0
    return f"{n / 1e9:.1f}B" if n >= 1e9 else f"{n / 1e6:.0f}M"


class AnswerRoom:
    """The current bounds and request parameters of one provider, shared by its worker threads."""

    def __init__(
        self,
        model: str,
        limits: SchemaLimits | None,
        params: dict[str, Any],
        on_compact: Callable[[], None] = lambda: None,
    ) -> None:
        self.model = model
        self.auto = limits is None
        self.limits = limits or DEFAULT_LIMITS
        self.params = dict(params)
        self.n_ctx: int | None = None  # the server's context window per request, once known
        self._on_compact = on_compact
        self._lock = threading.Lock()

    def use_compact(self, why: str) -> None:
        """Switch to the compact schema for the rest of the run (said once, on stderr)."""
        with self._lock:
            if self.limits is COMPACT_LIMITS:
                return
            self.limits = COMPACT_LIMITS
            self.params = {
                name: max(int(value), COMPACT_MAX_TOKENS) if name in TOKEN_PARAMS else value
                for name, value in self.params.items()
            }
        self._on_compact()
        log.warning(
            "model %s: %s; using the compact schema (shorter fields, at most %d items per tag list; "
            "PAPERSUM_SCHEMA=full keeps the full one)",
            self.model,
            why,
            COMPACT_LIMITS.max_items or 0,
        )

    def learn(self, n_params: int | None, n_ctx: int | None, source: str) -> None:
        """What the server says about its model."""
        self.n_ctx = n_ctx or self.n_ctx
        if self.auto and is_small_model(n_params):
            self.use_compact(f"{size_text(n_params)} parameters according to {source}")

    def after_cut_off(
        self, limits: SchemaLimits, params: dict[str, Any], reply: ChatReply
    ) -> tuple[SchemaLimits, dict[str, Any]] | None:
        """The bounds for the attempt after an answer cut off at the token limit, or None."""
        if self.auto and limits is not COMPACT_LIMITS:
            self.use_compact("an answer was cut off at the token limit")
            return self.limits, {**params, **{k: v for k, v in self.params.items() if k in TOKEN_PARAMS}}
        name = next((k for k in TOKEN_PARAMS if k in params), None)
        if name is None:
            return None
        room = MAX_OUTPUT_TOKENS
        if self.n_ctx and reply.input_tokens:
            room = min(room, self.n_ctx - reply.input_tokens - 8)
        grown = min(int(params[name]) * 2, room)
        if grown <= int(params[name]):
            return None
        return limits, {**params, name: grown}
