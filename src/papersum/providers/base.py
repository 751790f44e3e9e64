"""The provider protocol: one `execute()` per paper, plus the identity that keys the cache."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any, ClassVar

from pydantic import BaseModel, Field

from papersum.errors import ProviderError
from papersum.models import Paper, Provenance, Summary

__all__ = ["Provider", "ProviderError", "ProviderResult"]


class ProviderResult(BaseModel):
    """A provider's answer for one paper: the summary, or the error that stopped it, plus provenance."""

    summary: Summary | None = None
    provenance: Provenance
    error: str | None = None
    raw_output: str | None = Field(default=None, description="last raw model output, kept on failure")


class Provider(ABC):
    """Base class for backends. Subclasses set `name` and implement `execute` and `identity`.

    `execute` must not raise for a per-paper failure: it returns a ProviderResult with `error` set,
    so one bad paper never sinks a batch. It raises ProviderError only when nothing can work.
    """

    name: ClassVar[str]
    # CPU-bound providers (the offline engine) run in worker processes under --concurrency; the
    # others wait on a server, so they send concurrent requests from threads. A CPU-bound provider
    # is pickled to each worker.
    cpu_bound: ClassVar[bool] = False

    @property
    @abstractmethod
    def model(self) -> str:
        """The model name recorded in provenance."""

    @abstractmethod
    def identity(self) -> dict[str, Any]:
        """Everything besides the paper that changes the answer (model, prompt hash, parameters).

        It is hashed into the cache key, so two providers with equal identities must give the same
        answer for the same paper.
        """

    @abstractmethod
    def execute(self, paper: Paper) -> ProviderResult:
        """Summarise and tag one paper."""

    def execute_many(self, papers: Sequence[Paper]) -> list[ProviderResult]:
        """Summarise a batch of papers (CPU-bound providers get them in chunks). Same results as
        `execute` on each; may raise for the whole batch, which is then retried paper by paper."""
        return [self.execute(paper) for paper in papers]

    def finalize(self, paper: Paper, summary: Summary, provenance: Provenance) -> tuple[Summary, Provenance]:
        """The annotation's final summary from the provider's answer, fresh or from the cache (the
        cache keeps the answer itself, so improving this step never needs a new request)."""
        return summary, provenance

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release servers, sockets and files."""

    def __enter__(self) -> Provider:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
