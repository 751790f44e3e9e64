"""Every test gets a temporary home, cache and config, and no real API credentials."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest_plugins = ["llm_server"]

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("PAPERSUM_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PAPERSUM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("NO_COLOR", "1")
    for name in (
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "PAPERSUM_CONFIG",
        "PAPERSUM_PROVIDER",
        "PAPERSUM_MODEL",
    ):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS
