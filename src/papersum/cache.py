"""On-disk result cache (diskcache), keyed by a versioned hash of everything that changes the answer."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import diskcache
from pydantic import BaseModel, ValidationError

from papersum.models import Paper, Provenance, Summary

# Bump when the stored value layout or the key recipe changes: old entries are then simply missed.
CACHE_KEY_VERSION = "v1"


class CachedResult(BaseModel):
    summary: Summary
    provenance: Provenance


def cache_key(identity: dict[str, Any], paper: Paper) -> str:
    """`v1:<sha256>` of the provider identity (provider, model, prompt hash, parameters) and paper content."""
    payload = json.dumps({"identity": identity, "paper": paper.content_hash()}, sort_keys=True, default=str)
    return f"{CACHE_KEY_VERSION}:{hashlib.sha256(payload.encode('utf-8')).hexdigest()}"


@dataclass
class CacheStats:
    directory: str
    entries: int
    size_bytes: int


class ResultCache:
    """Successful provider results only: failures are not cached, so a re-run retries them."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self._cache = diskcache.Cache(str(directory), size_limit=2**34)

    @classmethod
    def open(cls, directory: Path | None = None) -> ResultCache:
        if directory is None:
            from papersum.config import load_settings

            directory = load_settings().cache_dir
        return cls(Path(directory) / "results")

    def get(self, key: str) -> CachedResult | None:
        raw = self._cache.get(key)
        if raw is None:
            return None
        try:
            return CachedResult.model_validate_json(raw)
        except ValidationError:
            return None  # written by an incompatible version: treat as a miss

    def put(self, key: str, summary: Summary, provenance: Provenance) -> None:
        self._cache.set(key, CachedResult(summary=summary, provenance=provenance).model_dump_json())

    def get_json(self, key: str) -> Any:
        """A JSON value stored by another task under its own key prefix (e.g. rerank judgements)."""
        raw = self._cache.get(key)
        return None if raw is None else json.loads(raw)

    def put_json(self, key: str, value: Any) -> None:
        self._cache.set(key, json.dumps(value, sort_keys=True))

    def __contains__(self, key: str) -> bool:
        return key in self._cache

    def stats(self) -> CacheStats:
        return CacheStats(str(self.directory), len(self._cache), int(self._cache.volume()))

    def clear(self) -> int:
        return int(self._cache.clear())

    def close(self) -> None:
        self._cache.close()

    def __enter__(self) -> ResultCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
