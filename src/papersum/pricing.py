"""Dated price table (data file, overridable) and the cost arithmetic built on it.

Prices live in `papersum/data/prices.json`; a user file named by `--prices` or PAPERSUM_PRICES is
merged over it model by model. No price appears in code.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from papersum.providers.structured import RequestFailedError

PRICES_ENV = "PAPERSUM_PRICES"
_PER = 1_000_000


class PriceTableError(ValueError):
    """A price file is unreadable or malformed."""


@dataclass(frozen=True)
class ModelPrice:
    input: float
    output: float
    cached_input: float | None = None

    def cost(self, input_tokens: int, output_tokens: int, cached_tokens: int = 0) -> float:
        cached_rate = self.cached_input if self.cached_input is not None else self.input
        fresh = max(input_tokens - cached_tokens, 0)
        return (fresh * self.input + cached_tokens * cached_rate + output_tokens * self.output) / _PER


@dataclass(frozen=True)
class PriceTable:
    models: dict[str, ModelPrice]
    as_of: str
    source: str
    batch_discount: float = 1.0
    origins: tuple[str, ...] = field(default_factory=tuple)

    def lookup(self, model: str) -> ModelPrice | None:
        """Exact name, else the longest table name the model starts with (dated snapshots)."""
        name = model.rsplit("/", 1)[-1]
        if name in self.models:
            return self.models[name]
        prefixes = [known for known in self.models if name.startswith(known + "-")]
        return self.models[max(prefixes, key=len)] if prefixes else None

    def cost(self, model: str, input_tokens: int, output_tokens: int, cached_tokens: int = 0) -> float | None:
        price = self.lookup(model)
        return None if price is None else price.cost(input_tokens, output_tokens, cached_tokens)


def _parse(data: Any, origin: str) -> tuple[dict[str, ModelPrice], dict[str, Any]]:
    if not isinstance(data, dict) or not isinstance(data.get("models"), dict):
        raise PriceTableError(f"{origin}: expected an object with a 'models' object")
    models: dict[str, ModelPrice] = {}
    for name, entry in data["models"].items():
        try:
            models[name] = ModelPrice(
                input=float(entry["input"]),
                output=float(entry["output"]),
                cached_input=float(entry["cached_input"]) if entry.get("cached_input") is not None else None,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise PriceTableError(f"{origin}: model {name!r}: needs numeric 'input' and 'output'") from exc
    return models, data


def load_price_table(override: str | Path | None = None) -> PriceTable:
    """Built-in table, with `override` (or PAPERSUM_PRICES) merged over it."""
    builtin_text = (resources.files("papersum") / "data" / "prices.json").read_text(encoding="utf-8")
    models, meta = _parse(json.loads(builtin_text), "papersum/data/prices.json")
    as_of, source = str(meta.get("as_of", "unknown")), str(meta.get("source", ""))
    origins = ["papersum/data/prices.json"]
    user_file = override if override is not None else os.environ.get(PRICES_ENV) or None
    if user_file is not None:
        path = Path(user_file)
        try:
            user_data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise PriceTableError(f"{path}: cannot read price file: {exc}") from exc
        user_models, user_meta = _parse(user_data, str(path))
        models.update(user_models)
        as_of = str(user_meta.get("as_of", as_of))
        source = str(user_meta.get("source", source))
        origins.append(str(path))
    return PriceTable(
        models=models,
        as_of=as_of,
        source=source,
        batch_discount=float(meta.get("batch_discount", 1.0)),
        origins=tuple(origins),
    )


class BudgetExceededError(RequestFailedError):
    """The next request could push spending past --max-cost: the run stops, results so far are kept."""


class Budget:
    """A hard spending cap shared by concurrent requests.

    Before a request, `reserve` books its worst case (its prompt plus max_tokens of output); after
    it, `settle` replaces the booking with the actual cost. Spending can therefore never exceed
    the cap, even with requests in flight.
    """

    def __init__(self, limit_usd: float | None) -> None:
        self.limit_usd = limit_usd
        self.spent_usd = 0.0
        self._reserved = 0.0
        self._lock = threading.Lock()

    def reserve(self, worst_case_usd: float) -> None:
        with self._lock:
            if (
                self.limit_usd is not None
                and self.spent_usd + self._reserved + worst_case_usd > self.limit_usd
            ):
                raise BudgetExceededError(
                    f"budget of ${self.limit_usd:.4f} reached (spent ${self.spent_usd:.4f}); "
                    "stopping before the next request"
                )
            self._reserved += worst_case_usd

    def settle(self, reserved_usd: float, actual_usd: float) -> None:
        with self._lock:
            self._reserved = max(self._reserved - reserved_usd, 0.0)
            self.spent_usd += actual_usd
