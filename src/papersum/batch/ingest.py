"""`ingest`: validate Batch API result lines and store the good ones in the result cache.

Every line is checked against the `Summary` model (Pydantic; no repair of the model's JSON). A bad
line is reported with its file, line and custom_id and never stops the others.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from papersum.batch.manifest import FailedEntry, ManifestEntry
from papersum.cache import ResultCache
from papersum.models import Provenance, Summary
from papersum.pricing import PriceTable

BATCH_MODE = "batch"


@dataclass
class IngestReport:
    ok: int = 0
    lines: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    priced: bool = True
    ok_ids: list[str] = field(default_factory=list)
    failed: list[FailedEntry] = field(default_factory=list)


class _LineError(Exception):
    pass


def _validation_message(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "(root)"
    more = f" (+{exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"field '{where}': {first['msg']}{more}"


def _completion(record: dict[str, Any]) -> dict[str, Any]:
    """The chat completion body of a successful result line, or _LineError saying why not."""
    error = record.get("error")
    if error:
        message = error.get("message", error) if isinstance(error, dict) else error
        raise _LineError(f"request failed: {message}")
    response = record.get("response")
    if not isinstance(response, dict):
        raise _LineError("no 'response' object")
    status = response.get("status_code")
    body = response.get("body")
    if status != 200:
        detail = body.get("error", body) if isinstance(body, dict) else body
        raise _LineError(f"HTTP {status}: {json.dumps(detail)[:200]}")
    if not isinstance(body, dict):
        raise _LineError("response has no 'body' object")
    return body


def parse_result(record: dict[str, Any]) -> tuple[Summary, int, int, int]:
    """(summary, input tokens, output tokens, cached input tokens) from one result record."""
    body = _completion(record)
    choices = body.get("choices") or []
    if not choices:
        raise _LineError("response body has no choices")
    choice = choices[0]
    content = (choice.get("message") or {}).get("content")
    if not isinstance(content, str):
        raise _LineError("the model returned no content")
    try:
        summary = Summary.model_validate_json(content)
    except ValidationError as exc:
        finish = choice.get("finish_reason")
        hint = " (output cut off at max_tokens)" if finish == "length" else ""
        raise _LineError(
            f"answer does not match the Summary schema{hint}: {_validation_message(exc)}"
        ) from None
    usage = body.get("usage") or {}
    details = usage.get("prompt_tokens_details") or {}
    return (
        summary,
        int(usage.get("prompt_tokens") or 0),
        int(usage.get("completion_tokens") or 0),
        int(details.get("cached_tokens") or 0),
    )


def batch_cost(
    prices: PriceTable, model: str, input_tokens: int, output_tokens: int, cached: int
) -> float | None:
    """The cost at batch rates: the list price times the table's batch discount, None if unpriced."""
    full = prices.cost(model, input_tokens, output_tokens, cached)
    return None if full is None else full * prices.batch_discount


def ingest_results(
    paths: Iterable[Path],
    manifest: dict[str, ManifestEntry],
    cache: ResultCache,
    prices: PriceTable,
) -> IngestReport:
    report = IngestReport()
    now = datetime.now(UTC)
    for path in paths:
        with path.open(encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                report.lines += 1
                custom_id = f"{path.name}:{number}"
                entry: ManifestEntry | None = None
                try:
                    try:
                        record = json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise _LineError(f"not JSON ({exc.msg} at column {exc.colno})") from None
                    if not isinstance(record, dict) or not isinstance(record.get("custom_id"), str):
                        raise _LineError("no 'custom_id'")
                    custom_id = record["custom_id"]
                    entry = manifest.get(custom_id)
                    if entry is None:
                        raise _LineError("custom_id is not in this batch directory's manifest")
                    summary, tokens_in, tokens_out, cached = parse_result(record)
                except _LineError as exc:
                    report.failed.append(
                        FailedEntry(
                            custom_id=custom_id,
                            paper_id=entry.paper_id if entry else None,
                            reason=f"{path}:{number}: {exc}",
                        )
                    )
                    continue
                cost = batch_cost(prices, entry.model, tokens_in, tokens_out, cached)
                report.priced = report.priced and cost is not None
                provenance = Provenance(
                    provider=entry.provider,
                    model=entry.model,
                    prompt_id=entry.prompt_id,
                    prompt_hash=entry.prompt_hash,
                    mode=BATCH_MODE,
                    attempts=1,
                    input_tokens=tokens_in,
                    output_tokens=tokens_out,
                    cost_usd=cost,
                    created_at=now,
                )
                cache.put(entry.cache_key, summary, provenance)
                report.ok += 1
                report.ok_ids.append(custom_id)
                report.input_tokens += tokens_in
                report.output_tokens += tokens_out
                report.cost_usd += cost or 0.0
    return report
