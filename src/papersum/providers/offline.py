"""The offline provider: the deterministic extractive engine, no network and no model download."""

from __future__ import annotations

import time
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
        # Imported here: the engine (numpy, model tables) is not loaded when every paper is cached.
        from papersum.offline.engine import summarize_offline

        started = time.perf_counter()
        summary = summarize_offline(paper.title, paper.abstract, paper.categories or None)
        provenance = Provenance(
            provider=self.name,
            model=self.model,
            engine_version=OFFLINE_ENGINE_VERSION,
            mode="extractive",
            input_tokens=0,
            output_tokens=0,
            cost_usd=0.0,
            created_at=datetime.now(UTC),
            duration_s=round(time.perf_counter() - started, 6),
        )
        return ProviderResult(summary=summary, provenance=provenance)
