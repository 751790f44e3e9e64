"""OpenAI Batch API calls (files, batches) through the `openai` SDK.

Lives under providers/ next to openai_provider.py; these two are the only modules that import the
SDK. SDK errors become ProviderError with a one-line reason.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import ParamSpec, TypeVar

import openai

from papersum.providers.base import ProviderError

P = ParamSpec("P")
R = TypeVar("R")


@dataclass
class RemoteBatch:
    id: str
    status: str
    output_file_id: str | None
    error_file_id: str | None
    request_counts: dict[str, int] = field(default_factory=dict)


def _sdk_errors(func: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except openai.OpenAIError as exc:
            raise ProviderError(f"Batch API: {type(exc).__name__}: {exc}") from None

    return wrapper


class OpenAIBatchClient:
    def __init__(
        self, *, base_url: str | None = None, api_key: str | None = None, timeout_s: float = 300.0
    ) -> None:
        key = api_key or os.environ.get("OPENAI_API_KEY")
        if not key:
            raise ProviderError("the Batch API needs OPENAI_API_KEY")
        self._client = openai.OpenAI(
            api_key=key, base_url=base_url or os.environ.get("OPENAI_BASE_URL") or None, timeout=timeout_s
        )

    @_sdk_errors
    def upload(self, path: Path) -> str:
        with path.open("rb") as handle:
            return str(self._client.files.create(file=handle, purpose="batch").id)

    @_sdk_errors
    def create(self, file_id: str, metadata: dict[str, str] | None = None) -> str:
        batch = self._client.batches.create(
            input_file_id=file_id,
            endpoint="/v1/chat/completions",
            completion_window="24h",
            metadata=metadata,
        )
        return str(batch.id)

    @_sdk_errors
    def retrieve(self, batch_id: str) -> RemoteBatch:
        batch = self._client.batches.retrieve(batch_id)
        counts = batch.request_counts
        return RemoteBatch(
            id=batch.id,
            status=str(batch.status),
            output_file_id=batch.output_file_id,
            error_file_id=batch.error_file_id,
            request_counts=(
                {"total": counts.total, "completed": counts.completed, "failed": counts.failed}
                if counts is not None
                else {}
            ),
        )

    @_sdk_errors
    def download(self, file_id: str, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        self._client.files.content(file_id).write_to_file(partial)
        partial.replace(target)

    def close(self) -> None:
        self._client.close()
