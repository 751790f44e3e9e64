"""Eval suites: which dev file, how its records become Papers plus gold labels, where the data lives.

Gold labels never reach the provider: Papers are built from id, title and abstract only, so the
arXiv suites' categories are predicted, not copied.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from papersum.errors import PapersumError
from papersum.evals.specs import SCIERC_TYPES, SUITES, SuiteSpec
from papersum.models import Paper

__all__ = ["SCIERC_TYPES", "SUITES", "SuiteSpec"]  # and the names defined below

DATA_DIR_ENV = "PAPERSUM_EVAL_DATA"


class EvalDataError(PapersumError):
    """Eval data is missing or malformed; the message names the file, line and field."""


class Gold(BaseModel):
    """Human labels for one paper; each suite fills the fields it scores."""

    tldrs: list[str] = Field(default_factory=list)
    keyphrases: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)
    primary_category: str | None = None
    # Keyed by our Tags field: tasks <- Task, methods <- Method, datasets <- Material.
    entities: dict[str, list[str]] = Field(default_factory=dict)


class SuiteItem(BaseModel):
    paper: Paper
    gold: Gold


def _repo_data_dir() -> Path:
    # src/papersum/evals/suites.py -> repository root is three levels above the package.
    return Path(__file__).resolve().parents[3] / "evals" / "data"


def candidate_data_dirs(data_dir: Path | None = None) -> list[Path]:
    """Where eval data is looked for, in order: the flag, $PAPERSUM_EVAL_DATA, ./evals/data, the repo."""
    if data_dir is not None:
        return [data_dir]
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return [Path(env)]
    candidates = [Path.cwd() / "evals" / "data"]
    repo = _repo_data_dir()
    if repo.resolve() != candidates[0].resolve():
        candidates.append(repo)
    return candidates


def find_data_file(spec: SuiteSpec, data_dir: Path | None = None) -> Path:
    """The suite's dev file, or an EvalDataError saying where it was looked for and how to fix it."""
    tried = candidate_data_dirs(data_dir)
    for directory in tried:
        path = directory / spec.filename
        if path.is_file():
            return path
    where = ", ".join(str(d) for d in tried)
    raise EvalDataError(
        f"eval data file {spec.filename} for suite '{spec.name}' not found (looked in: {where}); "
        f"pass --data-dir or set {DATA_DIR_ENV} to the directory holding evals/data"
    )


def _field(record: dict[str, Any], name: str, kind: type, where: str) -> Any:
    if name not in record:
        raise EvalDataError(f"{where}: missing field '{name}'")
    value = record[name]
    if not isinstance(value, kind):
        raise EvalDataError(f"{where}: field '{name}' must be {kind.__name__}, got {type(value).__name__}")
    return value


def _string_list(record: dict[str, Any], name: str, where: str) -> list[str]:
    values = _field(record, name, list, where)
    if not all(isinstance(v, str) for v in values):
        raise EvalDataError(f"{where}: field '{name}' must be a list of strings")
    return list(values)


def _gold(spec: SuiteSpec, record: dict[str, Any], where: str) -> Gold:
    if spec.name == "scitldr":
        tldrs = _string_list(record, "tldrs", where)
        if not tldrs:
            raise EvalDataError(f"{where}: field 'tldrs' is empty")
        return Gold(tldrs=tldrs)
    if spec.name == "inspec":
        return Gold(keyphrases=_string_list(record, "keyphrases", where))
    if spec.name in ("arxiv", "arxiv-all"):
        categories = _string_list(record, "categories", where)
        primary = _field(record, "primary_category", str, where)
        return Gold(categories=categories, primary_category=primary)
    entities = _field(record, "entities", dict, where)
    gold_entities: dict[str, list[str]] = {}
    for ours, theirs in SCIERC_TYPES.items():
        gold_entities[ours] = (
            _string_list(entities, theirs, f"{where} entities") if theirs in entities else []
        )
    return Gold(entities=gold_entities)


def parse_record(spec: SuiteSpec, record: dict[str, Any], where: str) -> SuiteItem:
    """One dev-file record -> the Paper the provider sees (no labels) plus its gold labels."""
    paper_id = _field(record, "id", str, where)
    abstract = _field(record, "abstract", str, where)
    title = record.get("title") or ""
    if not isinstance(title, str):
        raise EvalDataError(f"{where}: field 'title' must be str")
    try:
        # categories left empty on purpose: the provider must predict them.
        paper = Paper(id=paper_id, title=title, abstract=abstract, source=where)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise EvalDataError(f"{where}: field '{first['loc'][0]}': {first['msg']}") from exc
    return SuiteItem(paper=paper, gold=_gold(spec, record, where))


def load_suite(
    name: str, *, data_dir: Path | None = None, limit: int | None = None, skip: int = 0
) -> list[SuiteItem]:
    """The first `limit` items (all when None) of a suite after the first `skip`, in file order."""
    if name not in SUITES:
        raise EvalDataError(f"unknown suite '{name}'; choose one of {', '.join(SUITES)}")
    spec = SUITES[name]
    path = find_data_file(spec, data_dir)
    items: list[SuiteItem] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if limit is not None and len(items) >= limit:
                break
            if not line.strip():
                continue
            if skip > 0:
                skip -= 1
                continue
            where = f"{path}:{number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise EvalDataError(f"{where}: invalid JSON ({exc.msg})") from exc
            if not isinstance(record, dict):
                raise EvalDataError(f"{where}: expected a JSON object")
            items.append(parse_record(spec, record, where))
    return items
