"""Errors that reach the user as one clear line, never a traceback."""

from __future__ import annotations


class PapersumError(Exception):
    """Base class: a failure with a message fit for the user."""

    exit_code = 1


class UsageError(PapersumError):
    """The command was called wrongly (exit code 2)."""

    exit_code = 2


class InputError(PapersumError):
    """One bad input record: names the file, the line (or record number) and the field."""

    def __init__(self, path: str, line: int | None, field: str | None, message: str) -> None:
        self.path = path
        self.line = line
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        what = f" field '{self.field}':" if self.field else ""
        return f"{where}:{what} {self.message}"


class BadInputError(PapersumError):
    """Ingest found bad records and `--skip-bad` was not given."""

    def __init__(self, errors: list[InputError], good: int) -> None:
        self.errors = errors
        shown = "\n".join(f"  {error}" for error in errors[:20])
        more = f"\n  ... and {len(errors) - 20} more" if len(errors) > 20 else ""
        super().__init__(
            f"{len(errors)} bad input record(s); nothing was processed:\n{shown}{more}\n"
            f"Fix them, or pass --skip-bad to process the other {good} paper(s) and list the bad ones."
        )


class ProviderError(Exception):
    """A provider cannot run at all (bad configuration, server unreachable): stops the run."""
