"""Wheel build hook: `PAPERSUM_COMPILE=1 pip install .` compiles the offline engine with mypyc.

The pure-Python wheel stays the default (no compiler needed). Compiled, the engine's hot modules are
C extensions beside their `.py` files, and Python loads an extension before the source file of the
same name; the summaries are the same (tests/test_compiled_engine.py compares them paper by paper
with the pure-Python engine). Editable installs are never compiled: an extension left in `src/`
would keep running after its source was edited.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

# Where the engine spends its time (benchmarks/RESULTS.md); numpy-bound and start-up-only modules
# gain nothing from compiling.
COMPILED_MODULES = (
    "papersum/offline/tldr.py",
    "papersum/offline/text.py",
    "papersum/offline/compress.py",
    "papersum/offline/keywords.py",
    "papersum/offline/entities.py",
    "papersum/offline/entity_candidates.py",
    "papersum/offline/entity_features.py",
    "papersum/offline/entity_filters.py",
    "papersum/offline/dataset_names.py",
    "papersum/offline/features.py",
    "papersum/offline/contribution.py",
)
# The modules' shared runtime library, kept inside the package (not a top-level module).
GROUP_NAME = "papersum.offline._engine"
# The project's mypy settings (strict, the pydantic plugin, untyped optional packages) come from its
# pyproject.toml by path: a copy beside setup.py would be read by setuptools too, and setuptools
# before 77 rejects its PEP 639 licence field.
SETUP_SCRIPT = """
from setuptools import setup
from mypyc.build import mypycify

setup(name="papersum-engine", ext_modules=mypycify({args!r}, group_name={group!r}, opt_level="3"))
"""


def compile_wanted() -> bool:
    return os.environ.get("PAPERSUM_COMPILE", "").strip().lower() in {"1", "true", "yes", "on"}


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]  # hatchling: generic over its config
    """Runs only for a standard wheel with PAPERSUM_COMPILE set."""

    def dependencies(self) -> list[str]:
        if not compile_wanted():
            return []
        # mypyc type-checks what it compiles: with the runtime dependencies installed it sees the
        # same types as the test suite's build does.
        return ["mypy>=1.10", "setuptools>=61", *self.metadata.core.dependencies]

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable" or not compile_wanted():
            return
        self._workdir = Path(tempfile.mkdtemp(prefix="papersum-mypyc-"))
        package = self._workdir / "papersum"
        shutil.copytree(Path(self.root) / "src" / "papersum", package)
        setup = self._workdir / "setup_mypyc.py"
        setup.write_text(
            SETUP_SCRIPT.format(
                args=["--config-file", str(Path(self.root) / "pyproject.toml"), *COMPILED_MODULES],
                group=GROUP_NAME,
            ),
            encoding="utf-8",
        )
        done = subprocess.run(
            [sys.executable, str(setup), "build_ext", "--inplace"],
            cwd=self._workdir,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        if done.returncode:
            log = "\n".join(done.stdout.splitlines()[-25:])
            raise RuntimeError(
                f"PAPERSUM_COMPILE: compiling the offline engine with mypyc failed (a C compiler is needed); "
                f"unset PAPERSUM_COMPILE for the pure-Python build.\n{log}"
            )
        suffix = sysconfig.get_config_var("EXT_SUFFIX")
        built = sorted(package.rglob(f"*{suffix}"))
        expected = len(COMPILED_MODULES) + 1  # and the shared library
        if len(built) != expected:
            raise RuntimeError(f"PAPERSUM_COMPILE: mypyc built {len(built)} extensions, expected {expected}")
        for path in built:
            build_data["force_include"][str(path)] = path.relative_to(self._workdir).as_posix()
        build_data["pure_python"] = False
        build_data["infer_tag"] = True

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        workdir = getattr(self, "_workdir", None)
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)
