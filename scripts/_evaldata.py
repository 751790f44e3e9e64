"""Locate the shared evaluation data for the training/measurement scripts."""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


def evaldata_dir(explicit: str | None = None) -> Path:
    """--data, then PAPERSUM_EVALDATA, then /work/shared/evaldata, then ../shared/evaldata."""
    candidates = [
        explicit,
        os.environ.get("PAPERSUM_EVALDATA"),
        "/work/shared/evaldata",
        str(REPO.parent / "shared" / "evaldata"),
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    raise SystemExit("evaluation data not found: pass --data DIR or set PAPERSUM_EVALDATA")


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:  # type: ignore[operator]
        for line in handle:
            if line.strip():
                yield json.loads(line)
