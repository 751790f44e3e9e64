"""Versioned prompt templates: load by id, render with explicit missing-variable errors, stable hash.

Templates live in `prompts/<id>-v<version>.toml` at the repository root; the wheel ships them as
`papersum/prompts/` (hatch force-include), so both locations are searched.
"""

from __future__ import annotations

import hashlib
import json
import re
import string
import tomllib
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

_FILE_NAME = re.compile(r"^(?P<id>[a-z0-9][a-z0-9_\-]*?)-v(?P<version>\d+)\.toml$")
DEFAULT_PROMPT_ID = "summarize"


class PromptError(Exception):
    """A template cannot be found or is malformed."""


class MissingVariableError(PromptError, KeyError):
    """A template variable was not supplied when rendering."""

    def __init__(self, template_id: str, variable: str) -> None:
        super().__init__(f"prompt {template_id!r} needs variable {variable!r}, which was not supplied")
        self.template_id = template_id
        self.variable = variable

    def __str__(self) -> str:  # KeyError would otherwise repr() the message
        return str(self.args[0])


@dataclass(frozen=True)
class RenderedPrompt:
    system: str
    user: str


@dataclass(frozen=True)
class PromptTemplate:
    """One versioned template: a static system part and a per-paper user part."""

    id: str
    version: int
    system: str
    user: str
    description: str = ""

    @property
    def hash(self) -> str:
        """`v<version>-<sha256 prefix>` of the template content: part of provenance and cache keys."""
        canonical = json.dumps(
            {"id": self.id, "version": self.version, "system": self.system, "user": self.user},
            sort_keys=True,
            ensure_ascii=False,
        )
        return f"v{self.version}-{hashlib.sha256(canonical.encode('utf-8')).hexdigest()[:16]}"

    @property
    def variables(self) -> list[str]:
        names: list[str] = []
        for part in (self.system, self.user):
            for name in string.Template(part).get_identifiers():
                if name not in names:
                    names.append(name)
        return names

    def render(self, **variables: str) -> RenderedPrompt:
        for name in self.variables:
            if name not in variables:
                raise MissingVariableError(self.id, name)
        return RenderedPrompt(
            system=string.Template(self.system).substitute(variables).strip(),
            user=string.Template(self.user).substitute(variables).strip(),
        )


def parse_template(text: str, origin: str) -> PromptTemplate:
    """Parse the TOML text of a template; `origin` names the file in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PromptError(f"{origin}: invalid TOML: {exc}") from exc
    for field, kind in (("id", str), ("version", int), ("system", str), ("user", str)):
        if not isinstance(data.get(field), kind):
            raise PromptError(f"{origin}: field {field!r} missing or not a {kind.__name__}")
    template = PromptTemplate(
        id=data["id"],
        version=data["version"],
        system=data["system"],
        user=data["user"],
        description=str(data.get("description", "")),
    )
    for part in (template.system, template.user):
        if not string.Template(part).is_valid():
            raise PromptError(f"{origin}: invalid ${{...}} placeholder")
    return template


def source_prompts_dir() -> Path:
    """`prompts/` at the repository root, for source checkouts (editable install, PYTHONPATH=src)."""
    return Path(__file__).resolve().parents[2] / "prompts"


def packaged_prompts_dir() -> Traversable:
    """`papersum/prompts/` inside an installed wheel."""
    return resources.files("papersum") / "prompts"


def prompt_dirs() -> list[Traversable]:
    """Where templates are looked up, installed package first; only existing directories."""
    candidates: list[Traversable] = [packaged_prompts_dir(), source_prompts_dir()]
    return [c for c in candidates if c.is_dir()]


def available_templates(directories: list[Traversable] | None = None) -> dict[str, dict[int, Traversable]]:
    found: dict[str, dict[int, Traversable]] = {}
    for directory in directories if directories is not None else prompt_dirs():
        for entry in directory.iterdir():
            match = _FILE_NAME.match(entry.name)
            if match:
                found.setdefault(match["id"], {}).setdefault(int(match["version"]), entry)
    return found


def load_prompt(
    prompt_id: str = DEFAULT_PROMPT_ID,
    version: int | None = None,
    directories: list[Traversable] | None = None,
) -> PromptTemplate:
    """Load a template by id (`summarize`, or `summarize@1` / version= for a pinned version)."""
    if "@" in prompt_id:
        prompt_id, _, pinned = prompt_id.partition("@")
        version = int(pinned.lstrip("v"))
    dirs = directories if directories is not None else prompt_dirs()
    versions = available_templates(dirs).get(prompt_id)
    if not versions:
        searched = ", ".join(str(d) for d in dirs) or "no prompt directory found"
        raise PromptError(f"no prompt template {prompt_id!r} (searched: {searched})")
    chosen = max(versions) if version is None else version
    if chosen not in versions:
        raise PromptError(f"prompt {prompt_id!r} has no version {chosen} (have {sorted(versions)})")
    entry = versions[chosen]
    template = parse_template(entry.read_text(encoding="utf-8"), origin=str(entry))
    if template.id != prompt_id or template.version != chosen:
        raise PromptError(f"{entry}: id/version inside the file do not match its name")
    return template
