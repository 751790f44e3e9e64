"""`papersum newsletter`: the daily run for many readers (see papersum.newsletter)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from papersum.cli.common import QuietOpt, say, user_errors
from papersum.errors import PapersumError, UsageError

# The newsletter's stages (sources, ranker, renderers, SMTP) load when the command runs, not at start-up.
if TYPE_CHECKING:
    from papersum.models import Annotation, Paper
    from papersum.newsletter.config import NewsletterConfig


def _check_password(config: NewsletterConfig) -> None:
    smtp = config.smtp
    if smtp.username and os.environ.get(smtp.password_env) is None:
        raise UsageError(
            f"{config.path}: smtp.password_env: {smtp.password_env} is not set (the SMTP password for "
            f"{smtp.username!r} is read only from it)"
        )


@user_errors
def newsletter(
    config_file: Annotated[
        Path, typer.Option("--config", "-c", help="Newsletter TOML: [sources], [smtp], [[readers]].")
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Write each email as an .eml file; send and record nothing.")
    ] = False,
    readers: Annotated[
        list[str] | None, typer.Option("--reader", help="Only this reader (repeatable).")
    ] = None,
    out_dir: Annotated[
        Path, typer.Option("--out-dir", "-o", help="Where --dry-run writes <date>-<reader>.eml.")
    ] = Path("out/newsletter"),
    quiet: QuietOpt = False,
) -> None:
    """Fetch today's papers, summarise them once, rank them for each reader and email each one.

    A paper a reader was sent is never sent to them again (arXiv id without version). What was
    sent is recorded in the data directory only after the server accepted the message; a run that
    was killed or failed is safe to run again. Exit 0: "sent N emails", "arXiv announced no new
    papers ...", "nothing new for reader X"; exit 1: a source or the SMTP server failed (what could
    be sent was sent); exit 2: a bad config.

    Example:

        PAPERSUM_SMTP_PASSWORD=... papersum newsletter --config newsletter.toml
    """

    from papersum.cli.run import summarise_stream
    from papersum.config import load_settings
    from papersum.newsletter.config import load_config
    from papersum.newsletter.run import Newsletter
    from papersum.newsletter.stages import fetcher, ranker, shown_papers
    from papersum.newsletter.state import StateDir
    from papersum.pipeline import RunStats

    config = load_config(config_file)
    settings = load_settings(config.settings_layer())
    chosen = [config.reader(name) for name in dict.fromkeys(readers)] if readers else config.readers
    if not dry_run:
        _check_password(config)
    stats = RunStats()
    log = (lambda line: None) if quiet else say

    def summarise(papers: list[Paper]) -> list[Annotation]:
        return list(summarise_stream(papers, settings, quiet=quiet, stats=stats, total=len(papers)))

    job = Newsletter(
        config=config,
        readers=chosen,
        states=StateDir(settings.data_dir),
        fetch=fetcher(config, settings),
        summarise=summarise,
        rank=ranker(settings, log),
        day=date.today(),
        dry_run_dir=out_dir if dry_run else None,
        remember=shown_papers(settings),
    )
    if dry_run:
        report = job.run(log)
    else:
        with job.states.lock():
            report = job.run(log)
    if stats.total and not quiet:
        say(f"summarised {stats.total} papers ({stats.cached} from cache, {stats.failed} failed)")
    if report.problems:
        raise PapersumError(report.summary())
    if not quiet:
        say(report.summary())
