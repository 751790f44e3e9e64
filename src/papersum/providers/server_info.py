"""What an OpenAI-compatible server says about its model: size and context window.

llama.cpp lists `meta.n_params` / `meta.n_ctx` in `/v1/models` and the model file in `/props`;
vLLM lists `max_model_len`; Ollama and LM Studio only name the model ("qwen2.5:0.5b"), so the size
written in the name is the last resort. Two short GETs with the standard library, no retries: a
server that does not answer simply tells us nothing (the first real request reports the failure).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from papersum.llm_request import params_from_name


@dataclass(frozen=True)
class ModelInfo:
    n_params: int | None = None
    n_ctx: int | None = None  # context window of one request (llama.cpp: per slot)
    source: str = ""  # where n_params came from, for the message shown to the user


def _get_json(url: str, api_key: str | None, timeout_s: float) -> Any:
    headers = {"Accept": "application/json"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            return json.loads(response.read(1_000_000))
    except (OSError, ValueError, urllib.error.URLError):
        return None


def _positive_int(value: Any) -> int | None:
    return (
        int(value) if isinstance(value, int | float) and not isinstance(value, bool) and value > 0 else None
    )


def _model_entry(listing: Any, model: str) -> dict[str, Any] | None:
    entries = listing.get("data") if isinstance(listing, dict) else None
    if not isinstance(entries, list):
        return None
    entries = [e for e in entries if isinstance(e, dict)]
    for entry in entries:
        if entry.get("id") == model or model in (entry.get("aliases") or []):
            return dict(entry)
    # llama.cpp serves its one model under any name.
    return dict(entries[0]) if len(entries) == 1 else None


def inspect_model(base_url: str, model: str, api_key: str | None = None, timeout_s: float = 5.0) -> ModelInfo:
    """Size and context window of `model` as the server at `base_url` (ending in /v1) reports them."""
    base = base_url.rstrip("/")
    n_params: int | None = None
    n_ctx: int | None = None
    source = ""
    entry = _model_entry(_get_json(f"{base}/models", api_key, timeout_s), model)
    if entry is not None:
        meta = entry["meta"] if isinstance(entry.get("meta"), dict) else {}
        n_params = _positive_int(meta.get("n_params"))
        source = "/v1/models" if n_params else ""
        n_ctx = _positive_int(meta.get("n_ctx")) or _positive_int(entry.get("max_model_len"))
        if n_params is None and isinstance(entry.get("id"), str):
            n_params = params_from_name(entry["id"])
            source = f"the model name {entry['id'].rsplit('/', 1)[-1]!r}" if n_params else ""
    if n_params is None or n_ctx is None:
        root = base[: -len("/v1")] if base.endswith("/v1") else base
        props = _get_json(f"{root}/props", api_key, timeout_s)
        if isinstance(props, dict):
            settings = props.get("default_generation_settings")
            if n_ctx is None and isinstance(settings, dict):
                n_ctx = _positive_int(settings.get("n_ctx"))
            path = props.get("model_path")
            if n_params is None and isinstance(path, str) and params_from_name(path):
                n_params = params_from_name(path)
                source = "/props"
    return ModelInfo(n_params=n_params, n_ctx=n_ctx, source=source)
