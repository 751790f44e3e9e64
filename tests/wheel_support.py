"""Build papersum's wheel from this checkout, as `pip wheel` does (the packaging tests)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def build_wheel(dist: Path, *, compiled: bool) -> Path:
    """The wheel built into `dist`: pure Python, or with PAPERSUM_COMPILE=1 (hatch_build.py)."""
    env = {k: v for k, v in os.environ.items() if k != "PAPERSUM_COMPILE"}
    if compiled:
        env["PAPERSUM_COMPILE"] = "1"
    argv = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist)]
    build = subprocess.run([*argv, str(REPO)], capture_output=True, text=True, env=env)
    assert build.returncode == 0, f"building the wheel failed:\n{(build.stdout + build.stderr)[-4000:]}"
    return next(dist.glob("papersum-*.whl"))
