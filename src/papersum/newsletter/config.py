"""The newsletter's TOML config: sources, SMTP, readers, provider settings (validated with Pydantic).

Relative paths (libraries, `data_dir`, `cache_dir`, `prices_file`, `smtp.cafile`) resolve against the
config file's directory, so a config and its libraries can move together. A bad config is a
UsageError naming the file and the key (exit 2).
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from papersum.config import Settings
from papersum.digest import GROUPINGS
from papersum.errors import UsageError
from papersum.rank.profile import check_reader_name
from papersum.render import RENDERERS
from papersum.send import PASSWORD_ENV, SendError, SmtpSettings, check_address
from papersum.sources.specs import check_categories

OWN_KEYS = ("title", "sources", "smtp", "readers")
ARXIV_CATEGORY = re.compile(r"^[a-z-]+(\.[A-Za-z-]+)?$")


class SourcesConfig(BaseModel):
    """Where today's papers come from; every configured source is fetched once per run."""

    model_config = ConfigDict(extra="forbid")

    arxiv: list[str] = Field(default_factory=list, description="arXiv categories, e.g. cs.CL")
    hf: bool = False
    replacements: bool = Field(
        default=False, description="also mail arXiv replacements (new versions) of papers never sent"
    )

    @field_validator("arxiv")
    @classmethod
    def _categories(cls, values: list[str]) -> list[str]:
        for value in values:
            if not ARXIV_CATEGORY.match(value):
                raise ValueError(f"{value!r} is not an arXiv category like 'cs.CL'")
        try:  # checked against arXiv's taxonomy now, not when the morning's fetch fails
            return list(check_categories(values)) if values else []
        except UsageError as error:
            raise ValueError(str(error)) from None

    @model_validator(mode="after")
    def _something(self) -> SourcesConfig:
        if not self.arxiv and not self.hf:
            raise ValueError("no source: set arxiv = [...] and/or hf = true")
        return self

    def specs(self) -> list[str]:
        """Source specs for `papersum.sources.fetch_source`, arXiv first."""
        specs = ["arxiv:" + "+".join(self.arxiv)] if self.arxiv else []
        return [*specs, "hf:"] if self.hf else specs


class SmtpConfig(BaseModel):
    """How to reach the mail server. The password comes only from the environment (`password_env`)."""

    model_config = ConfigDict(extra="forbid")

    host: str = "localhost"
    port: int | None = Field(default=None, ge=1, le=65535)
    sender: str
    starttls: bool = False
    ssl: bool = False
    username: str | None = None
    password_env: str = PASSWORD_ENV
    cafile: Path | None = None
    timeout: float = Field(default=30.0, gt=0)

    @field_validator("sender")
    @classmethod
    def _address(cls, value: str) -> str:
        return _valid_address(value, "sender")

    @model_validator(mode="after")
    def _one_tls_mode(self) -> SmtpConfig:
        if self.starttls and self.ssl:
            raise ValueError("choose either starttls or ssl, not both")
        return self

    def settings(self) -> SmtpSettings:
        """SmtpSettings with the password read from `password_env` (None when unset)."""
        return SmtpSettings(
            host=self.host,
            port=self.port,
            starttls=self.starttls,
            ssl=self.ssl,
            user=self.username,
            password=os.environ.get(self.password_env) if self.username else None,
            cafile=str(self.cafile) if self.cafile else None,
            timeout=self.timeout,
        )


class ReaderConfig(BaseModel):
    """One person on the list: where to send, what they care about, what to attach."""

    model_config = ConfigDict(extra="forbid")

    name: str
    email: list[str]
    library: list[Path] = Field(default_factory=list, description="BibTeX/RIS/Zotero CSV/... files")
    interests: list[str] = Field(default_factory=list)
    top: int = Field(default=20, ge=1)
    min_score: float | None = None
    include: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    formats: list[str] = Field(default_factory=list, description="digest files to attach: md, csv, ...")
    group_by: str = "none"

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        try:
            return check_reader_name(value)
        except UsageError:
            raise ValueError("use 1-64 letters, digits, '.', '_' or '-' (it names a directory)") from None

    @field_validator("email", "library", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    @field_validator("email")
    @classmethod
    def _addresses(cls, values: list[str]) -> list[str]:
        if not values:
            raise ValueError("at least one address is needed")
        return [_valid_address(value, "recipient") for value in values]

    @field_validator("formats")
    @classmethod
    def _formats(cls, values: list[str]) -> list[str]:
        unknown = [value for value in values if value not in RENDERERS]
        if unknown:
            raise ValueError(f"unknown format {', '.join(unknown)}; choose from {', '.join(RENDERERS)}")
        return list(dict.fromkeys(values))

    @field_validator("group_by")
    @classmethod
    def _grouping(cls, value: str) -> str:
        if value not in GROUPINGS:
            raise ValueError(f"choose one of {', '.join(GROUPINGS)}")
        return value

    @model_validator(mode="after")
    def _something_to_rank_by(self) -> ReaderConfig:
        if not self.library and not self.interests:
            raise ValueError("give a library or interests: what to rank this reader's papers by")
        return self


class NewsletterConfig(BaseModel):
    """The whole file. Other top-level keys are papersum settings (`provider`, `model`, `data_dir`, ...)."""

    model_config = ConfigDict(extra="forbid")

    title: str = "Paper digest"
    sources: SourcesConfig
    smtp: SmtpConfig
    readers: list[ReaderConfig] = Field(min_length=1)
    settings: dict[str, Any] = Field(default_factory=dict, description="papersum settings this file sets")

    _path: Path = PrivateAttr(default=Path("newsletter.toml"))

    @property
    def path(self) -> Path:
        """The file this config was read from (for messages)."""
        return self._path

    @model_validator(mode="after")
    def _unique_names(self) -> NewsletterConfig:
        names = [reader.name for reader in self.readers]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise ValueError(f"reader name(s) used twice: {', '.join(twice)}")
        return self

    def settings_layer(self) -> tuple[Path, dict[str, Any]]:
        """This file's settings, as the config layer of `papersum.config.load_settings`."""
        return self.path, self.settings

    def reader(self, name: str) -> ReaderConfig:
        for reader in self.readers:
            if reader.name == name:
                return reader
        known = ", ".join(reader.name for reader in self.readers)
        raise UsageError(f"{self.path}: no reader named {name!r} (readers: {known})")


def _valid_address(value: str, role: str) -> str:
    try:
        return check_address(value, role)
    except SendError as error:
        raise ValueError(str(error)) from None


def _key_path(data: dict[str, Any], location: tuple[int | str, ...]) -> str:
    """A readable key: `readers[2] (bob).email` is the second [[readers]] table (1-based, as people count)."""
    parts: list[str] = []
    node: Any = data
    for step in location:
        if isinstance(step, int):
            name = node[step].get("name") if isinstance(node, list) and isinstance(node[step], dict) else None
            parts[-1] += f"[{step + 1}]" + (f" ({name})" if isinstance(name, str) else "")
        else:
            parts.append(step)
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            node = None
    return ".".join(parts) or "(top level)"


def _resolve(base: Path, value: Any) -> Any:
    if isinstance(value, str):
        path = Path(value).expanduser()
        return str(path if path.is_absolute() else base / path)
    return value


def _path_settings() -> list[str]:
    """Settings that hold a path (`Path` or `Path | None`): relative values mean relative to the file."""
    return [
        name
        for name, info in Settings.model_fields.items()
        if info.annotation is Path or (info.annotation is not None and Path in get_args(info.annotation))
    ]


def _resolve_paths(data: dict[str, Any], base: Path) -> None:
    """Relative paths mean relative to the config file, whatever the working directory."""
    for name in _path_settings():
        if name in data:
            data[name] = _resolve(base, data[name])
    smtp = data.get("smtp")
    if isinstance(smtp, dict) and "cafile" in smtp:
        smtp["cafile"] = _resolve(base, smtp["cafile"])
    for reader in data.get("readers") or []:
        if isinstance(reader, dict) and "library" in reader:
            library = reader["library"]
            if isinstance(library, list):
                reader["library"] = [_resolve(base, item) for item in library]
            else:
                reader["library"] = _resolve(base, library)


def _split_settings(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    """Take papersum's own settings out of `data`, checked by the Settings model itself."""
    settings = {key: data.pop(key) for key in list(data) if key not in OWN_KEYS}
    unknown = sorted(key for key in settings if key not in Settings.model_fields)
    if unknown:
        raise UsageError(f"{path}: {unknown[0]}: unknown key")
    try:
        Settings(**settings)
    except ValidationError as error:
        first = error.errors()[0]  # settings are flat: the first part of the location is the key
        raise UsageError(f"{path}: {first['loc'][0]}: {first['msg']}") from None
    return settings


def load_config(path: Path) -> NewsletterConfig:
    """Read and validate a newsletter config; UsageError names the file and the key on any problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise UsageError(f"{path}: cannot read ({error.strerror or error})") from None
    except UnicodeDecodeError as error:
        raise UsageError(f"{path}: not UTF-8 ({error.reason})") from None
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f"{path}: not valid TOML ({error})") from None
    _resolve_paths(data, path.resolve().parent)
    settings = _split_settings(path, data)
    try:
        config = NewsletterConfig.model_validate({**data, "settings": settings})
    except ValidationError as error:
        first = error.errors()[0]
        key = _key_path(data, tuple(first["loc"]))
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = "unknown key"
        raise UsageError(f"{path}: {key}: {message}") from None
    config._path = path
    for index, reader in enumerate(config.readers):
        for item in reader.library:
            if not item.is_file():
                key = _key_path(data, ("readers", index, "library"))
                raise UsageError(f"{path}: {key}: {item} does not exist")
    return config
