"""`papersum ... --help` from the pre-rendered snapshot: always current, byte-for-byte Typer's output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from papersum.__main__ import snapshot_help
from papersum.cli import help_snapshot

SCRIPT = Path(sys.executable).parent / "papersum"  # the installed entry point
# The real Typer CLI, never the snapshot, under each program name click can detect.
TYPER_PATH = {
    "papersum": "import sys; sys.argv[0] = 'papersum'; from papersum.cli import main; main()",
    "python -m papersum": "import sys; sys.modules['__main__'].__package__ = 'papersum'; "
    "sys.argv[0] = 'papersum/__main__.py'; from papersum.cli import main; main()",
}


def run(argv: list[str], columns: str | None = None) -> tuple[str, bool]:
    """stdout of a real process, and whether it imported Typer (from Python's import log)."""
    env = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1"}
    env.pop("COLUMNS", None)
    if columns is not None:
        env["COLUMNS"] = columns
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=True)
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
    return done.stdout, "typer" in imported


def typer_help(prog_name: str, args: list[str], columns: str | None = None) -> str:
    out, imported_typer = run([sys.executable, "-c", TYPER_PATH[prog_name], *args], columns)
    assert imported_typer
    return out


def test_shipped_snapshot_is_what_typer_renders_now() -> None:
    stale = help_snapshot.stale_commands(help_snapshot.render_snapshot(), help_snapshot.shipped())
    assert not stale, f"help_snapshot.json is stale for {stale}: run `{help_snapshot.REGENERATE}`"


def test_snapshot_does_not_depend_on_home_settings_or_directory(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "papersum.cli.help_snapshot", "--check"],
        env=help_snapshot.different_environment(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    ("prog_name", "args"),
    [
        ("papersum", ["--help"]),
        ("python -m papersum", ["summarize", "--help"]),
        ("papersum", ["cache", "stats", "-h"]),
    ],
)
def test_help_is_served_from_the_snapshot_byte_for_byte(prog_name: str, args: list[str]) -> None:
    command = [str(SCRIPT)] if prog_name == "papersum" else [sys.executable, "-m", "papersum"]
    out, imported_typer = run([*command, *args], columns="120")
    assert not imported_typer, "the snapshot was not used"
    assert out == typer_help(prog_name, args, columns="120")


def test_a_narrow_terminal_gets_typer_wrapping_it() -> None:
    out, imported_typer = run([sys.executable, "-m", "papersum", "summarize", "--help"], columns="60")
    assert imported_typer
    assert out == typer_help("python -m papersum", ["summarize", "--help"], columns="60")
    assert out != help_snapshot.shipped()["help"]["python -m papersum"]["summarize"]


@pytest.mark.parametrize(
    ("args", "environment", "served"),
    [
        (["--help"], {}, True),
        (["-h"], {}, True),
        (["cache", "stats", "--help"], {"COLUMNS": "80"}, True),
        (["cache", "stats", "--help"], {"COLUMNS": "79"}, False),  # click wraps at 77 there
        (["summarize", "--help", "--help"], {}, False),
        (["summarize", "x", "--help"], {}, False),
        (["", "--help"], {}, False),
        (["cache stats", "--help"], {}, False),
        (["nope", "--help"], {}, False),
        (["summarize"], {}, False),
        (["--help"], {"_PAPERSUM_COMPLETE": "bash_source"}, False),
        (["--help"], {"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}, False),
    ],
)
def test_snapshot_is_served_only_when_typer_would_print_it(
    args: list[str], environment: dict[str, str], served: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "argv", ["/somewhere/bin/papersum", *args])
    monkeypatch.setattr(sys.modules["__main__"], "__package__", None, raising=False)
    monkeypatch.setenv("COLUMNS", "100")
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    text = snapshot_help(args)
    assert (text is not None) == served
    if text is not None:
        path = " ".join(args[:-1])
        assert text == help_snapshot.render_help(help_snapshot.click_command(), path, "papersum")


def test_commands_whose_help_differs_elsewhere_are_left_to_typer() -> None:
    here = {
        "help": {"papersum": {"": "top", "cache path": "default: /home/a"}},
        "flags": {"": ["--help"], "cache path": ["--help"]},
        "varies": [],
    }
    elsewhere = {"help": {"papersum": {"": "top", "cache path": "default: /home/b"}}}
    varies = help_snapshot.varying_paths(here, elsewhere)
    assert varies == ["cache path"]
    assert help_snapshot.without(here, varies) == {
        "help": {"papersum": {"": "top"}},
        "flags": {"": ["--help"]},
        "varies": ["cache path"],
    }
