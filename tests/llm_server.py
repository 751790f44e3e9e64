"""Session fixture: one real llama.cpp OpenAI-compatible server (xllamacpp + SmolLM2) on loopback.

Registered from tests/conftest.py via `pytest_plugins = ["llm_server"]`. Tests that use it are
marked `llm`; the server starts once per session (about a second) and stops at the end.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from papersum.providers.local import LlamaServer, default_model_path


@pytest.fixture(scope="session")
def llm_server() -> Iterator[str]:
    """Base URL (`http://127.0.0.1:<port>/v1`) of a running llama.cpp server."""
    server = LlamaServer(default_model_path(), n_ctx=2048, n_parallel=2, threads=1)
    try:
        yield server.base_url
    finally:
        server.close()
