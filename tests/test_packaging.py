"""A wheel (not an editable install) works from any directory and finds its data files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from wheel_support import build_wheel

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_install_runs_from_any_directory(tmp_path: Path) -> None:
    # The default build: the engine stays pure Python (PAPERSUM_COMPILE=1 compiles it, hatch_build.py).
    wheel = build_wheel(tmp_path / "dist", compiled=False)
    assert wheel.name.endswith("-py3-none-any.whl"), wheel.name
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], check=True)
    # Dependencies come from this environment's site-packages (a plain path, so its editable
    # papersum finder is not activated): the papersum that runs is the wheel's.
    site = Path(
        subprocess.check_output(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True
        ).strip()
    )
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    # A user's shell has no PYTHONPATH into this checkout; a developer's might.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    where = subprocess.check_output(
        [python, "-c", "import papersum; print(papersum.__file__)"], cwd=workdir, text=True, env=env
    )
    assert where.startswith(str(venv))
    done = subprocess.run(
        [venv / "bin" / "papersum", "run", str(REPO / "seeds"), "--out-dir", "out", "--quiet"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    digest = (workdir / "out" / "digest.md").read_text(encoding="utf-8")
    assert digest.count("**TL;DR:**") == 58
    assert "Machine Learning" in digest or "Uncategorised" in digest
    listed = subprocess.check_output([python, "-m", "zipfile", "-l", str(wheel)], text=True)
    assert "papersum/data/arxiv_categories.json" in listed
    # `papersum --help` comes from the snapshot shipped in the wheel, before Typer loads.
    assert "papersum/cli/help_snapshot.json" in listed
    helped = subprocess.run(
        [venv / "bin" / "papersum", "--help"],
        cwd=workdir,
        env={**env, "COLUMNS": "100", "PYTHONPROFILEIMPORTTIME": "1"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert "typer" not in {line.rsplit("|", 1)[-1].strip() for line in helped.stderr.splitlines()}
    snapshot = json.loads((REPO / "src/papersum/cli/help_snapshot.json").read_text(encoding="utf-8"))
    assert helped.stdout == snapshot["help"]["papersum"][""]
    assert (
        "papersum/data/offline/dataset_names.tsv" in listed
        and "papersum/data/offline/base_verbs.txt" in listed
    )
