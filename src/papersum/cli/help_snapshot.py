"""Every command's `--help`, rendered ahead of time from the real Typer app (help_snapshot.json).

`papersum --help` rendered by Typer costs its import (4-6x a bare Python start), so `papersum.__main__`
prints the stored text instead, before Typer loads, when the output would be byte-for-byte the same:
same program name, a terminal at least SNAPSHOT_COLUMNS wide (click wraps help at min(columns, 80) - 2),
no shell-completion variables. Anything else goes through Typer as before.

    python -m papersum.cli.help_snapshot --write   # after changing any command, option or help text
    python -m papersum.cli.help_snapshot --check   # exit 1 when the shipped file is stale

The file is rendered in this process and again in a child process under a different HOME, XDG dirs,
PAPERSUM_* settings and working directory; a command whose help differs between the two (a default
that names a path or an environment value) is left out, listed under "varies", and always goes
through Typer.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from pathlib import Path
from typing import Any

SNAPSHOT_PATH = Path(__file__).with_name("help_snapshot.json")
# The width click uses for every terminal at least this wide (and when stdout is not a terminal).
SNAPSHOT_COLUMNS = 80
# The names click prints in "Usage:" for the installed script and for `python -m papersum`.
PROG_NAMES = ("papersum", "python -m papersum")
HELP_FLAGS = ("--help", "-h")
# Variables that change what `papersum ... --help` prints or does; rendering runs without them.
COMPLETION_VARIABLES = ("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION", "_PAPERSUM_COMPLETE")
REGENERATE = "python -m papersum.cli.help_snapshot --write"


def command_paths(cli: Any) -> list[str]:
    """Every command path, space-separated: "" (the top level), "summarize", "cache stats", ..."""
    paths: list[str] = []

    def walk(command: Any, prefix: list[str]) -> None:
        paths.append(" ".join(prefix))
        for name, sub in (getattr(command, "commands", None) or {}).items():
            walk(sub, [*prefix, name])

    walk(cli, [])
    return paths


def _set_environment(values: dict[str, str | None]) -> None:
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@contextmanager
def environment(**values: str | None) -> Iterator[None]:
    """os.environ with `values` set (None: removed), restored afterwards."""
    saved = {name: os.environ.get(name) for name in values}
    try:
        _set_environment(values)
        yield
    finally:
        _set_environment(saved)


def click_command() -> Any:
    """The click command Typer builds from the app (its completion options read the environment)."""
    from typer.main import get_command

    from papersum.cli import app

    with environment(**dict.fromkeys(COMPLETION_VARIABLES)):
        return get_command(app)


def render_help(
    cli: Any,
    path: str,
    prog_name: str,
    flag: str = "--help",
    columns: int = SNAPSHOT_COLUMNS,
    color: bool = False,
) -> str:
    """Exactly what `prog_name path flag` prints on stdout at `columns` wide, run through click's own main
    (not CliRunner, which forces an 80-column width that no terminal gets)."""
    args = [*path.split(), flag]
    out = io.StringIO()
    env = {"COLUMNS": str(columns), "FORCE_COLOR": "1" if color else None}
    with environment(**env, **dict.fromkeys(COMPLETION_VARIABLES)), redirect_stdout(out):
        try:
            cli.main(args=args, prog_name=prog_name, color=color or None)
        except SystemExit as exc:
            if exc.code not in (0, None):
                raise RuntimeError(f"`{prog_name} {' '.join(args)}` exited {exc.code}") from None
    return out.getvalue()


def render_snapshot() -> dict[str, Any]:
    """The snapshot as Typer renders it now, refusing what a terminal could render differently."""
    cli = click_command()
    help_texts: dict[str, dict[str, str]] = {}
    flags: dict[str, list[str]] = {}
    for prog_name in PROG_NAMES:
        help_texts[prog_name] = {}
        for path in command_paths(cli):
            text = render_help(cli, path, prog_name)
            # Wider terminals must render the same text, or no width is safe to serve from the file.
            if render_help(cli, path, prog_name, columns=SNAPSHOT_COLUMNS + 120) != text:
                raise RuntimeError(f"`{prog_name} {path} --help` is wider on terminals over 80 columns")
            # Plain click help has no styling; a terminal that takes colour must get the same bytes.
            if render_help(cli, path, prog_name, color=True) != text or "\x1b" in text:
                raise RuntimeError(f"`{prog_name} {path} --help` is styled; it cannot be served from a file")
            help_texts[prog_name][path] = text
            shown = flags.get(path, list(HELP_FLAGS))
            flags[path] = [flag for flag in shown if render_help(cli, path, prog_name, flag) == text]
    return {
        "generated_by": REGENERATE,
        "columns_at_least": SNAPSHOT_COLUMNS,
        "flags": flags,
        "help": help_texts,
        "varies": [],
    }


def different_environment(root: Path) -> dict[str, str]:
    """Another user's HOME, XDG dirs and every PAPERSUM_* setting, for a second rendering."""
    from papersum.config import ENV_NAMES, ENV_PREFIX, Settings

    env = {key: value for key, value in os.environ.items() if not key.startswith(ENV_PREFIX)}
    for name in ("HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "TMPDIR"):
        (root / name).mkdir()
        env[name] = str(root / name)
    for name in Settings.model_fields:
        env[ENV_NAMES.get(name, ENV_PREFIX + name.upper())] = str(root / "setting" / name)
    env.update(PAPERSUM_CONCURRENCY="3", PAPERSUM_MAX_COST="7", PAPERSUM_PROVIDER="offline")
    env.update(OPENAI_BASE_URL="http://127.0.0.1:9/v1", OPENAI_API_KEY="sk-elsewhere")
    env[ENV_PREFIX + "CONFIG"] = str(root / "config.toml")
    return env


def render_elsewhere() -> dict[str, Any]:
    """The snapshot rendered by a child process in `different_environment`."""
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            [sys.executable, "-m", "papersum.cli.help_snapshot", "--dump"],
            env=different_environment(Path(tmp)),
            cwd=tmp,
            capture_output=True,
            text=True,
            check=True,
        )
    rendered: dict[str, Any] = json.loads(done.stdout)
    return rendered


def varying_paths(here: dict[str, Any], elsewhere: dict[str, Any]) -> list[str]:
    """Commands whose help differs between two renderings (for any program name)."""
    return sorted(
        {
            path
            for prog_name, texts in here["help"].items()
            for path, text in texts.items()
            if elsewhere["help"].get(prog_name, {}).get(path) != text
        }
    )


def without(snapshot: dict[str, Any], varies: list[str]) -> dict[str, Any]:
    """`snapshot` minus the commands in `varies` (which then always go through Typer)."""
    return {
        **snapshot,
        "flags": {path: flags for path, flags in snapshot["flags"].items() if path not in varies},
        "help": {
            prog_name: {path: text for path, text in texts.items() if path not in varies}
            for prog_name, texts in snapshot["help"].items()
        },
        "varies": sorted(varies),
    }


def shipped() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SNAPSHOT_PATH.read_text(encoding="utf-8"))
    return loaded


def stale_commands(current: dict[str, Any], snapshot: dict[str, Any]) -> list[str]:
    """Commands whose shipped help or flags are not what Typer renders now ("varies" ones excluded)."""
    expected = without(current, snapshot["varies"])
    stale = {
        f"{prog_name} {path}".strip()
        for prog_name in set(expected["help"]) | set(snapshot["help"])
        for path in set(expected["help"].get(prog_name, {})) | set(snapshot["help"].get(prog_name, {}))
        if expected["help"].get(prog_name, {}).get(path) != snapshot["help"].get(prog_name, {}).get(path)
    }
    stale |= {
        f"flags of {path!r}"
        for path in expected["flags"]
        if expected["flags"][path] != snapshot["flags"].get(path)
    }
    stale |= {key for key in ("columns_at_least", "generated_by") if expected[key] != snapshot.get(key)}
    return sorted(stale)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", action="store_true", help=f"write {SNAPSHOT_PATH.name}")
    action.add_argument("--check", action="store_true", help="exit 1 when the shipped file is stale")
    action.add_argument("--dump", action="store_true", help="print the rendering as JSON")
    args = parser.parse_args()
    current = render_snapshot()
    if args.dump:
        sys.stdout.write(json.dumps(current))
    elif args.write:
        snapshot = without(current, varying_paths(current, render_elsewhere()))
        SNAPSHOT_PATH.write_text(json.dumps(snapshot, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {SNAPSHOT_PATH} ({len(snapshot['flags'])} commands, varying: {snapshot['varies']})")
    else:
        stale = stale_commands(current, shipped())
        if stale:
            sys.exit(f"{SNAPSHOT_PATH.name} is stale ({', '.join(stale)}): run `{REGENERATE}`")


if __name__ == "__main__":
    main()
