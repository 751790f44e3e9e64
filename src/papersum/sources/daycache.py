"""Fetched responses kept for the day they were fetched, so a re-run that day makes no request.

Responses are recomputable, so they live in the cache directory (`<cache dir>/sources/<date>/`), never
in the data directory. Earlier days are removed when a new day's response is stored.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path


class DayCache:
    def __init__(self, directory: Path, today: Callable[[], date] = date.today) -> None:
        self.directory = directory
        self.today = today

    def _path(self, url: str) -> Path:
        digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:40]
        return self.directory / self.today().isoformat() / f"{digest}.body"

    def get(self, url: str) -> bytes | None:
        try:
            return self._path(url).read_bytes()
        except OSError:
            return None

    def put(self, url: str, body: bytes) -> None:
        path = self._path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(body)
            os.replace(temporary, path)  # a reader sees the whole response or none
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self._drop_other_days(keep=path.parent.name)

    def _drop_other_days(self, keep: str) -> None:
        for day in self.directory.iterdir():
            if day.is_dir() and day.name != keep:
                shutil.rmtree(day, ignore_errors=True)
