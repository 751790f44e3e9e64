"""Pydantic models: the contracts between ingest, providers, cache, pipeline and renderers."""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

# Bounds keep a small model from looping when the schema is grammar-enforced (maxLength/maxItems).
TLDR_MAX_CHARS = 400
PHRASE_MAX_CHARS = 80
MAX_KEYWORDS = 8
MAX_ENTITIES = 8
MAX_CATEGORIES = 5

# Validation context for values papersum itself validated before storing them (the result cache):
# their phrases are already clean, so the per-phrase cleaning validator passes them through.
STORED_VALUES: dict[str, bool] = {"stored": True}

_ARXIV_ID = re.compile(r"^(?:arxiv:)?(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(v\d+)?$", re.I)


class Contribution(StrEnum):
    """The kind of contribution a paper makes."""

    method = "method"
    theory = "theory"
    dataset = "dataset"
    benchmark = "benchmark"
    survey = "survey"
    analysis = "analysis"
    application = "application"
    system = "system"


def arxiv_id_base(paper_id: str) -> str | None:
    """The arXiv id without its version suffix, or None when `paper_id` is not an arXiv id."""
    match = _ARXIV_ID.match(paper_id.strip())
    return match.group(1) if match else None


def content_id(title: str, abstract: str) -> str:
    """A stable id for a paper that came without one: a hash of its normalised text."""
    text = " ".join(f"{title}\n{abstract}".lower().split())
    return "sha1-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


class Paper(BaseModel):
    """One input paper, after ingest normalisation."""

    model_config = ConfigDict(extra="forbid")

    id: str
    title: str = ""
    abstract: str = Field(min_length=1)
    url: str | None = None
    authors: list[str] = Field(default_factory=list)
    published: date | None = None
    categories: list[str] = Field(default_factory=list)
    source: str | None = Field(default=None, description="file:line the paper was read from")
    # What a source knows about the paper beyond its text (arXiv feeds, Hugging Face daily papers).
    # None when the source does not say; never part of the content hash (they do not change a summary).
    announce_type: str | None = Field(
        default=None, description="arXiv announcement: new, cross, replace or replace-cross"
    )
    version: int | None = Field(default=None, ge=1, description="arXiv version number")
    upvotes: int | None = Field(default=None, description="Hugging Face daily papers upvotes")
    ai_summary: str | None = Field(default=None, description="Hugging Face's own AI summary")
    ai_keywords: list[str] = Field(default_factory=list, description="Hugging Face's AI keywords")
    github_repo: str | None = Field(default=None, description="code repository URL")

    @property
    def arxiv_id(self) -> str | None:
        return arxiv_id_base(self.id)

    def content_hash(self) -> str:
        """Hash of everything in the paper that can change a summary."""
        payload = "\x1f".join([self.title, self.abstract, ",".join(self.categories)])
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class Tags(BaseModel):
    """Structured tags for one paper."""

    model_config = ConfigDict(extra="forbid")

    categories: list[str] = Field(
        default_factory=list, max_length=MAX_CATEGORIES, description="arXiv category ids, primary first"
    )
    keywords: list[str] = Field(default_factory=list, max_length=MAX_KEYWORDS)
    tasks: list[str] = Field(default_factory=list, max_length=MAX_ENTITIES)
    methods: list[str] = Field(default_factory=list, max_length=MAX_ENTITIES)
    datasets: list[str] = Field(default_factory=list, max_length=MAX_ENTITIES)
    contribution: Contribution = Contribution.method

    @field_validator("categories", "keywords", "tasks", "methods", "datasets")
    @classmethod
    def _clean_phrases(cls, values: list[str], info: ValidationInfo) -> list[str]:
        if info.context is STORED_VALUES:
            return values
        seen: set[str] = set()
        cleaned: list[str] = []
        for value in values:
            phrase = " ".join(value.split())
            if not phrase:
                continue
            if len(phrase) > PHRASE_MAX_CHARS:
                raise ValueError(f"phrase longer than {PHRASE_MAX_CHARS} characters: {phrase[:40]!r}...")
            if phrase.lower() not in seen:
                seen.add(phrase.lower())
                cleaned.append(phrase)
        return cleaned


class Summary(BaseModel):
    """What a provider returns for one paper: the TL;DR and tags (the LLM structured-output schema)."""

    model_config = ConfigDict(extra="forbid")

    tldr: str = Field(min_length=1, max_length=TLDR_MAX_CHARS)
    tags: Tags
    why_it_matters: str | None = Field(default=None, max_length=TLDR_MAX_CHARS)

    @field_validator("tldr")
    @classmethod
    def _one_line(cls, value: str) -> str:
        line = " ".join(value.split())
        if not line:
            raise ValueError("TL;DR is empty")
        return line


class Provenance(BaseModel):
    """Where an annotation came from and what it cost."""

    provider: str
    model: str
    prompt_id: str | None = None
    prompt_hash: str | None = None
    engine_version: str | None = None
    mode: str | None = Field(
        default=None, description="e.g. extractive, json_schema, json_object, reask, fallback"
    )
    attempts: int = 1
    input_tokens: int | None = None
    output_tokens: int | None = None
    cost_usd: float | None = None
    cached: bool = False
    created_at: datetime
    duration_s: float | None = None
    # Draft-and-refine prompts: where each field came from (draft, model, model+draft, paper) and
    # what of the model's answer a guard did not keep, and why.
    fields: dict[str, str] | None = None
    rejected: dict[str, str] | None = None


class Relevance(BaseModel):
    """Why a paper was picked for one reader: a score (higher first) and reasons a person understands."""

    score: float
    reasons: list[str] = Field(
        default_factory=list, description="e.g. \"matches your interest 'view synthesis'\""
    )
    matched: list[str] = Field(
        default_factory=list, description="what matched: interest terms, library titles, include terms"
    )


class Annotation(BaseModel):
    """One line of `papersum summarize` output: the paper's metadata plus its summary or error."""

    paper_id: str
    title: str = ""
    url: str | None = None
    authors: list[str] = Field(default_factory=list)
    published: date | None = None
    abstract: str = ""
    source: str | None = None
    tldr: str | None = None
    tags: Tags | None = None
    why_it_matters: str | None = None
    provenance: Provenance | None = None
    error: str | None = None
    announce_type: str | None = None
    version: int | None = None
    upvotes: int | None = None
    ai_summary: str | None = None
    ai_keywords: list[str] = Field(default_factory=list)
    github_repo: str | None = None
    relevance: Relevance | None = Field(
        default=None, description="relevance to one reader, for ranking a digest (higher first)"
    )

    @field_validator("relevance", mode="before")
    @classmethod
    def _score_only(cls, value: object) -> object:
        # Annotations written before relevance carried reasons stored a bare score.
        if isinstance(value, int | float) and not isinstance(value, bool):
            return {"score": float(value)}
        return value

    @property
    def ok(self) -> bool:
        return self.error is None and self.tldr is not None and self.tags is not None

    @classmethod
    def from_paper(cls, paper: Paper, **fields: object) -> Annotation:
        return cls(
            paper_id=paper.id,
            title=paper.title,
            url=paper.url,
            authors=paper.authors,
            published=paper.published,
            abstract=paper.abstract,
            source=paper.source,
            announce_type=paper.announce_type,
            version=paper.version,
            upvotes=paper.upvotes,
            ai_summary=paper.ai_summary,
            ai_keywords=paper.ai_keywords,
            github_repo=paper.github_repo,
            **fields,
        )


class DigestGroup(BaseModel):
    key: str
    label: str
    annotations: list[Annotation]


class TagCount(BaseModel):
    tag: str
    label: str
    count: int


class Digest(BaseModel):
    """A rendered-ready digest: grouped annotations plus summary statistics."""

    title: str
    date: date
    intro: str | None = None
    group_by: str
    groups: list[DigestGroup]
    total: int
    failed: list[Annotation] = Field(default_factory=list)
    top_categories: list[TagCount] = Field(default_factory=list)
    top_keywords: list[TagCount] = Field(default_factory=list)
    contributions: list[TagCount] = Field(default_factory=list)
