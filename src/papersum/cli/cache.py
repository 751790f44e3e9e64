"""`papersum cache stats|clear|path`."""

from __future__ import annotations

from typing import Annotated

import typer

from papersum.cli.common import say, user_errors

cache_app = typer.Typer(help="Inspect or clear the result cache.", no_args_is_help=True)


@cache_app.command()
@user_errors
def stats() -> None:
    """Entries and size of the result cache.

    Example:

        papersum cache stats
    """
    from papersum.cache import ResultCache
    from papersum.config import load_settings

    with ResultCache.open(load_settings().cache_dir) as cache:
        info = cache.stats()
    typer.echo(
        f"directory: {info.directory}\nentries:   {info.entries}\nsize:      {info.size_bytes:,} bytes"
    )


@cache_app.command()
@user_errors
def clear(
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete every cached result (the next run pays again).

    Example:

        papersum cache clear --yes
    """
    from papersum.cache import ResultCache
    from papersum.config import load_settings

    settings = load_settings()
    if not yes and not typer.confirm(f"Delete all cached results in {settings.cache_dir}?"):
        raise typer.Exit(1)
    with ResultCache.open(settings.cache_dir) as cache:
        removed = cache.clear()
    say(f"Removed {removed} cached results.")


@cache_app.command()
def path() -> None:
    """Print the cache directory.

    Example:

        papersum cache path
    """
    from papersum.config import load_settings

    typer.echo(str(load_settings().cache_dir))
