"""On-disk result cache (diskcache), keyed by a versioned hash of everything that changes the answer."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import diskcache
from pydantic import BaseModel, ValidationError

from papersum.models import STORED_VALUES, Paper, Provenance, Summary

# Bump when the stored value layout or the key recipe changes: old entries are then simply missed.
CACHE_KEY_VERSION = "v1"
# diskcache keeps a short str value inline in its `Cache` table with this mode (diskcache.core.MODE_RAW).
_DISKCACHE_MODE_RAW = 1
# SQLite allows 999 bound parameters per statement in older builds.
MAX_KEYS_PER_QUERY = 900


class CachedResult(BaseModel):
    summary: Summary
    provenance: Provenance


class KeyRecipe:
    """`cache_key` for one provider identity, with the identity's JSON serialised once.

    The key is the SHA-256 of `{"identity": <identity>, "paper": <content hash>}` as json.dumps with
    sorted keys writes it; "identity" sorts before "paper", so the text is a fixed prefix, the
    paper's hash and a fixed suffix.
    """

    def __init__(self, identity: dict[str, Any]) -> None:
        encoded = json.dumps(identity, sort_keys=True, default=str)
        self._prefix = f'{{"identity": {encoded}, "paper": "'.encode()

    def key(self, paper: Paper) -> str:
        digest = hashlib.sha256(self._prefix + paper.content_hash().encode() + b'"}').hexdigest()
        return f"{CACHE_KEY_VERSION}:{digest}"


def cache_key(identity: dict[str, Any], paper: Paper) -> str:
    """`v1:<sha256>` of the provider identity (provider, model, prompt hash, parameters) and paper content."""
    payload = json.dumps({"identity": identity, "paper": paper.content_hash()}, sort_keys=True, default=str)
    return f"{CACHE_KEY_VERSION}:{hashlib.sha256(payload.encode('utf-8')).hexdigest()}"


def _parse(raw: str | bytes) -> CachedResult | None:
    # Stored values were validated (phrases cleaned) before they were written: skip re-cleaning them.
    try:
        return CachedResult.model_validate_json(raw, context=STORED_VALUES)
    except ValidationError:
        return None  # written by an incompatible version: treat as a miss


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
        self._reader: sqlite3.Connection | None = None

    @classmethod
    def open(cls, directory: Path | None = None) -> ResultCache:
        if directory is None:
            from papersum.config import load_settings

            directory = load_settings().cache_dir
        return cls(Path(directory) / "results")

    def get(self, key: str) -> CachedResult | None:
        raw = self._cache.get(key)
        return None if raw is None else _parse(raw)

    def get_many(self, keys: Sequence[str]) -> dict[str, CachedResult]:
        """The hits among `keys` (misses are absent), one SQLite query per 900 keys.

        A cached run is dominated by lookups, so this reads diskcache's table directly; any entry
        it cannot read that way (stored in a file, with an expiry time) goes through diskcache.
        """
        found: dict[str, CachedResult] = {}
        reader = self._read_connection()
        for start in range(0, len(keys), MAX_KEYS_PER_QUERY):
            batch = keys[start : start + MAX_KEYS_PER_QUERY]
            query = (
                "SELECT key, mode, expire_time, value FROM Cache WHERE raw = 1 AND key IN "
                f"({','.join('?' * len(batch))})"
            )
            for key, mode, expire_time, value in reader.execute(query, batch):
                if mode == _DISKCACHE_MODE_RAW and expire_time is None and isinstance(value, str | bytes):
                    hit = _parse(value)
                else:
                    hit = self.get(key)
                if hit is not None:
                    found[key] = hit
        return found

    def _read_connection(self) -> sqlite3.Connection:
        if self._reader is None:
            # diskcache commits every write at once (autocommit, WAL), so this connection sees them.
            self._reader = sqlite3.connect(self.directory / "cache.db", check_same_thread=False)
        return self._reader

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
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        self._cache.close()

    def __enter__(self) -> ResultCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
