"""The `papersum` command line: thin commands over the library, one module per command group."""

from __future__ import annotations

from typing import Annotated

import typer

from papersum import __version__
from papersum.cli import batch as batch_commands
from papersum.cli import cache as cache_commands
from papersum.cli import digest as digest_commands
from papersum.cli import estimate as estimate_commands
from papersum.cli import fetch as fetch_commands
from papersum.cli import newsletter as newsletter_commands
from papersum.cli import rank as rank_commands
from papersum.cli import run as run_commands
from papersum.cli import send as send_commands
from papersum.cli.eval import eval_app

app = typer.Typer(
    name="papersum",
    help="Turn research-paper abstracts into one-line TL;DRs, validated tags and a digest.\n\n"
    "Example: papersum run seeds/ --out-dir out",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"papersum {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """papersum: research-paper abstracts to TL;DRs, tags and a newsletter-ready digest."""


app.command("run")(run_commands.run)
app.command("summarize")(run_commands.summarize)
app.command("digest")(digest_commands.digest)
app.command("estimate")(estimate_commands.estimate)
app.command("rank")(rank_commands.rank)
app.command("rate")(rank_commands.rate)
app.add_typer(cache_commands.cache_app, name="cache")
app.command("send")(send_commands.send)
app.command("newsletter")(newsletter_commands.newsletter)
app.add_typer(eval_app, name="eval")
app.add_typer(batch_commands.batch_app, name="batch")
app.add_typer(fetch_commands.fetch_app, name="fetch")


def main() -> None:
    app()
