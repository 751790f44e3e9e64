"""Settings: command-line flags, then PAPERSUM_* environment variables, then a config file, then defaults.

The config file is TOML (`$PAPERSUM_CONFIG`, else `<user config dir>/papersum/config.toml`) with
top-level keys named like the settings below, e.g. `provider = "openai"`, `concurrency = 4`.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from platformdirs import user_cache_dir, user_config_dir, user_data_dir
from pydantic import BaseModel, Field, ValidationError

from papersum.errors import UsageError

ENV_PREFIX = "PAPERSUM_"


class Settings(BaseModel):
    """Every setting a command can take from the environment or the config file."""

    cache_dir: Path = Path(user_cache_dir("papersum"))
    data_dir: Path = Path(user_data_dir("papersum"))
    provider: str | None = None
    model: str | None = None
    base_url: str | None = None
    # Parallel requests for LLM providers, worker processes for the offline engine; "auto": 4
    # requests, or one worker per CPU core.
    concurrency: Annotated[int, Field(ge=1)] | Literal["auto"] = "auto"
    max_cost: float | None = None
    fallback: str | None = None
    prices_file: Path | None = None
    no_cache: bool = False
    schema_profile: str | None = None
    prompt: str | None = None
    rpm: float | None = None
    tpm: float | None = None
    # Sources (papersum fetch, arxiv:/hf: inputs). The endpoints are overridable for mirrors and tests.
    contact: str | None = None  # named in the User-Agent, e.g. an email address
    arxiv_rss_url: str = "https://rss.arxiv.org/rss/"
    arxiv_api_url: str = "https://export.arxiv.org/api/query"
    hf_api_url: str = "https://huggingface.co/api/daily_papers"
    arxiv_interval: float = Field(default=3.0, ge=0)  # arxiv.org itself never gets less than 3 s
    http_timeout: float = Field(default=30.0, gt=0)
    http_retries: int = Field(default=3, ge=0)


def config_path() -> Path:
    explicit = os.environ.get(f"{ENV_PREFIX}CONFIG")
    return Path(explicit) if explicit else Path(user_config_dir("papersum")) / "config.toml"


def _file_settings(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: not valid TOML ({exc})") from None
    unknown = sorted(set(data) - set(Settings.model_fields))
    if unknown:
        raise UsageError(f"{path}: unknown setting(s) {', '.join(unknown)}")
    return data


# Settings whose environment variable is not simply PAPERSUM_<NAME>.
ENV_NAMES = {"schema_profile": f"{ENV_PREFIX}SCHEMA", "prices_file": f"{ENV_PREFIX}PRICES"}


def _env_settings() -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in Settings.model_fields:
        value = os.environ.get(ENV_NAMES.get(name, ENV_PREFIX + name.upper()))
        if value not in (None, ""):
            values[name] = value
    return values


def load_settings(command_config: tuple[Path, Mapping[str, Any]] | None = None, **flags: Any) -> Settings:
    """Merge the layers; a flag left as None falls through to the next layer.

    `command_config` is a command's own config file (e.g. the newsletter's) with its settings: it
    takes the config file's place, over the user's config file and under the environment.
    """
    path = config_path()
    explicit = os.environ.get(f"{ENV_PREFIX}CONFIG")
    if explicit and not path.is_file():
        raise UsageError(f"{ENV_PREFIX}CONFIG={explicit}: no such file")
    merged: dict[str, Any] = {}
    merged.update(_file_settings(path))
    if command_config is not None:
        path = command_config[0]
        merged.update(command_config[1])
    merged.update(_env_settings())
    merged.update({k: v for k, v in flags.items() if v is not None})
    try:
        return Settings(**merged)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(p) for p in first["loc"])
        raise UsageError(f"setting '{name}': {first['msg']} (from flags, {ENV_PREFIX}* or {path})") from None
