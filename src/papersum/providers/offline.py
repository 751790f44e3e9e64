"""The offline provider: the deterministic extractive engine, no network and no model download."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from papersum.models import Paper, Provenance
from papersum.offline import OFFLINE_ENGINE_VERSION
from papersum.providers.base import Provider, ProviderResult


class OfflineProvider(Provider):
    name = "offline"
    cpu_bound = True

    @property
    def model(self) -> str:
        return OFFLINE_ENGINE_VERSION

    def identity(self) -> dict[str, Any]:
        return {"provider": self.name, "engine": OFFLINE_ENGINE_VERSION}

    def execute(self, paper: Paper) -> ProviderResult:
        return self.execute_many([paper])[0]

    def execute_many(self, papers: Sequence[Paper]) -> list[ProviderResult]:
        """The engine runs part by part over the whole batch (faster, same summaries)."""
        # Imported here: the engine (numpy, model tables) is not loaded when every paper is cached.
        from papersum.offline.engine import summarize_offline_many

        started = time.perf_counter()
        summaries = summarize_offline_many([(p.title, p.abstract, p.categories or None) for p in papers])
        now = datetime.now(UTC)
        duration = round((time.perf_counter() - started) / max(len(papers), 1), 6)  # the batch's mean
        return [
            ProviderResult(summary=summary, provenance=self._provenance(now, duration))
            for summary in summaries
        ]

    def _provenance(self, created_at: datetime, duration_s: float) -> Provenance:
        return Provenance(
            provider=self.name,
            model=self.model,
            engine_version=OFFLINE_ENGINE_VERSION,
            mode="extractive",
            input_tokens=0,
            output_tokens=0,
            cost_usd=0.0,
            created_at=created_at,
            duration_s=duration_s,
        )
