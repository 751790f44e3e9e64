"""`python -m papersum` and the `papersum` command."""

import os
import sys

from papersum import __version__

HELP_SNAPSHOT = os.path.join(os.path.dirname(__file__), "cli", "help_snapshot.json")


def _program_name() -> str:
    """The name click puts in "Usage:" (click.utils._detect_program_name, POSIX part)."""
    path = sys.argv[0]
    package = getattr(sys.modules["__main__"], "__package__", None)
    if package in (None, ""):
        return os.path.basename(path)
    name = os.path.splitext(os.path.basename(path))[0]
    module = package if name == "__main__" else f"{package}.{name}"
    return f"python -m {module.lstrip('.')}"


def _terminal_columns() -> int:
    """shutil.get_terminal_size().columns, without importing shutil (and what it imports)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return 80


def snapshot_help(args: list[str]) -> str | None:
    """The help text Typer would print for `args` (a command path, then --help or -h), from the
    pre-rendered snapshot; None whenever Typer could print anything else (see cli/help_snapshot.py)."""
    if not args or args[-1] not in ("--help", "-h"):
        return None
    if not all(part and part.split() == [part] for part in args[:-1]):
        return None  # an empty argument, or one with spaces in it: not a command path
    path = " ".join(args[:-1])
    prog_name = _program_name()
    completion = "_{}_COMPLETE".format(prog_name.replace("-", "_").upper())
    if completion in os.environ or "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION" in os.environ:
        return None
    try:
        import json

        with open(HELP_SNAPSHOT, encoding="utf-8") as file:
            snapshot = json.load(file)
    except (OSError, ValueError):
        return None
    if _terminal_columns() < snapshot["columns_at_least"] or args[-1] not in snapshot["flags"].get(path, ()):
        return None
    text: str | None = snapshot["help"].get(prog_name, {}).get(path)
    if (
        text is not None
        and not text.isascii()
        and (sys.stdout.encoding or "").lower() not in ("utf-8", "utf8")
    ):
        return None  # click re-encodes text for a misconfigured (ASCII) stdout; a plain write would fail
    return text


def main() -> None:
    # Answered before the command-line framework loads (importing Typer costs 4-6x Python's own
    # start): `papersum --version`, and `--help` when the stored rendering is exactly Typer's.
    if sys.argv[1:] == ["--version"]:
        sys.stdout.write(f"papersum {__version__}\n")
        return
    help_text = snapshot_help(sys.argv[1:])
    if help_text is not None:
        try:
            sys.stdout.write(help_text)
            sys.stdout.flush()
        except BrokenPipeError:  # `papersum --help | head -1`: quiet, exit 1, as click does
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        return
    try:
        from papersum.cli import main as run_cli

        run_cli()
    except KeyboardInterrupt:
        # Commands handle Ctrl-C themselves; this catches it while the CLI is still loading.
        sys.stderr.write("papersum: interrupted\n")
        sys.exit(130)


# Guarded: worker processes import this module again (as __mp_main__) and must not run the CLI.
if __name__ == "__main__":
    main()
