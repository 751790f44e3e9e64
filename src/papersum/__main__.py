"""`python -m papersum` and the `papersum` command."""

import sys

from papersum import __version__


def main() -> None:
    # Answered before the command-line framework loads: `papersum --version` starts as fast as Python.
    if sys.argv[1:] == ["--version"]:
        sys.stdout.write(f"papersum {__version__}\n")
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
