"""Where papersum keeps its cache (shared by the result cache, tiktoken files and price overrides)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def cache_dir() -> Path:
    """PAPERSUM_CACHE_DIR, else the platform user cache directory."""
    configured = os.environ.get("PAPERSUM_CACHE_DIR")
    return Path(configured) if configured else Path(platformdirs.user_cache_dir("papersum"))
