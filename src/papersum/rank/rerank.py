"""Optional LLM rerank: the offline ranker's top N go to the configured LLM, a few per request.

The model answers one JSON object keyed by paper id ({"<id>": {"score": 1-10, "reason": ...}}), so
an answer can never be matched to papers by position; a JSON schema with every id required (a
grammar for llama.cpp) makes small models answer every paper exactly once. Answers are validated
and re-asked with the error, like summaries; each paper's judgement is cached under the provider
identity, the prompt hash, the reader profile and the paper's content. The LLM only reorders the
shortlist: the shortlist's offline scores are handed out again in the LLM's order, so scores stay
monotone with the order and keep their meaning (standard deviations above the feed's average).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import BaseModel, Field, ValidationError

from papersum.models import Annotation
from papersum.prompts import PromptTemplate, load_prompt
from papersum.providers.structured import (
    ChatReply,
    RequestFailedError,
    ResponseFormatRejectedError,
    strip_think,
    validation_message,
)
from papersum.rank.profile import ReaderProfile

CACHE_PREFIX = "rerank-v1"
REASON_CHARS = 200
TOKENS_PER_PAPER = 90  # an answer's share: the id, the score and a sentence
ABSTRACT_CHARS = 1200  # the start of an abstract says what the paper is about; bounds the prompt
PROFILE_TITLES = 15


class Judgement(BaseModel):
    score: int = Field(ge=1, le=10)
    reason: str = Field(min_length=1, max_length=REASON_CHARS)


class ChatClient(Protocol):
    """What the rerank needs from a provider (OpenAIProvider and LocalProvider have it)."""

    @property
    def model(self) -> str: ...

    @property
    def params(self) -> dict[str, Any]: ...

    def identity(self) -> dict[str, Any]: ...

    def chat(self, body: dict[str, Any]) -> ChatReply: ...


class JudgementStore(Protocol):
    def get_json(self, key: str) -> Any: ...

    def put_json(self, key: str, value: Any) -> None: ...


@dataclass(frozen=True)
class RerankSettings:
    top: int = 30
    batch_size: int = 10
    max_attempts: int = 3
    abstract_chars: int = ABSTRACT_CHARS


@dataclass
class RerankResult:
    ranked: list[Annotation]
    judged: int = 0
    cached: int = 0
    failed: dict[str, str] = field(default_factory=dict)  # paper id -> why it kept its offline place
    requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0


def profile_text(profile: ReaderProfile, shortlist: Sequence[Annotation]) -> str:
    """The reader, in a few lines: interests, the library titles the shortlist matched, ratings."""
    lines = []
    if profile.interests:
        lines.append("Interests: " + "; ".join(profile.interests))
    matched = [title for item in shortlist if item.relevance for title in item.relevance.matched]
    library = [entry.title for entry in profile.library if entry.title]
    titles = list(dict.fromkeys([t for t in matched if t in set(library)] + library))[:PROFILE_TITLES]
    if titles:
        lines.append("Papers in their library include:\n" + "\n".join(f"- {t}" for t in titles))
    if profile.ratings is not None:
        for label, rated in (
            ("They liked", profile.ratings.liked),
            ("They did not like", profile.ratings.disliked),
        ):
            names = [r.title for r in rated if r.title][:5]
            if names:
                lines.append(f"{label}:\n" + "\n".join(f"- {t}" for t in names))
    return "\n".join(lines) or "(no profile given)"


def papers_text(batch: Sequence[Annotation], abstract_chars: int) -> str:
    blocks = []
    for item in batch:
        abstract = " ".join(item.abstract.split())
        if len(abstract) > abstract_chars:
            abstract = abstract[:abstract_chars].rsplit(" ", 1)[0] + " ..."
        blocks.append(f"id: {item.paper_id}\ntitle: {item.title}\nabstract: {abstract}")
    return "\n\n".join(blocks)


def answer_schema(ids: Sequence[str]) -> dict[str, Any]:
    """Every id required, nothing else: a grammar-constrained model answers each paper once."""
    judgement = {
        "type": "object",
        "properties": {
            "score": {"type": "integer", "minimum": 1, "maximum": 10},
            "reason": {"type": "string", "minLength": 1, "maxLength": REASON_CHARS},
        },
        "required": ["score", "reason"],
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "properties": dict.fromkeys(ids, judgement),
        "required": list(ids),
        "additionalProperties": False,
    }


def parse_answer(raw: str, ids: Sequence[str]) -> dict[str, Judgement]:
    """Validate one answer; raises ValueError naming what is wrong (missing, unknown ids, fields)."""
    text = strip_think(raw)
    if not text:
        raise ValueError("the answer is empty")
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("the answer must be a JSON object keyed by paper id")
    missing = [i for i in ids if i not in data]
    unknown = [key for key in data if key not in ids]
    if missing or unknown:
        parts = ([f"missing ids: {', '.join(missing)}"] if missing else []) + (
            [f"unknown ids: {', '.join(unknown)}"] if unknown else []
        )
        raise ValueError("; ".join(parts) + " (use exactly the ids given, once each)")
    judgements = {}
    for paper_id in ids:
        try:
            judgements[paper_id] = Judgement.model_validate(data[paper_id])
        except ValidationError as error:
            raise ValueError(f"paper {paper_id}: {validation_message(error)}") from None
    return judgements


def build_body(
    client: ChatClient,
    template: PromptTemplate,
    profile: str,
    batch: Sequence[Annotation],
    settings: RerankSettings,
    json_schema: bool = True,
    feedback: Sequence[tuple[str, str]] = (),
) -> dict[str, Any]:
    ids = [item.paper_id for item in batch]
    rendered = template.render(profile=profile, papers=papers_text(batch, settings.abstract_chars))
    system = rendered.system
    if not json_schema:
        system += "\n\nThe JSON object must validate against this JSON schema:\n" + json.dumps(
            answer_schema(ids)
        )
    messages = [{"role": "system", "content": system}, {"role": "user", "content": rendered.user}]
    for raw, error in feedback:
        messages.append({"role": "assistant", "content": raw})
        messages.append({"role": "user", "content": f"Your answer was rejected: {error}\nAnswer again."})
    budget = TOKENS_PER_PAPER * len(batch) + 40
    params = dict(client.params)
    token_key = "max_completion_tokens" if "max_completion_tokens" in params else "max_tokens"
    params[token_key] = budget
    body: dict[str, Any] = {"model": client.model, "messages": messages, **params}
    if json_schema:
        schema = {"name": "paper_judgements", "strict": True, "schema": answer_schema(ids)}
        body["response_format"] = {"type": "json_schema", "json_schema": schema}
    else:
        body["response_format"] = {"type": "json_object"}
    return body


def judgement_key(identity: dict[str, Any], profile: str, item: Annotation) -> str:
    payload = json.dumps(
        {"identity": identity, "profile": profile, "paper": [item.paper_id, item.title, item.abstract]},
        sort_keys=True,
        default=str,
    )
    return f"{CACHE_PREFIX}:{hashlib.sha256(payload.encode('utf-8')).hexdigest()}"


def _ask(
    client: ChatClient,
    template: PromptTemplate,
    profile: str,
    batch: Sequence[Annotation],
    settings: RerankSettings,
    result: RerankResult,
) -> dict[str, Judgement]:
    """One batch: degrade json_schema -> json_object when refused, re-ask invalid answers."""
    ids = [item.paper_id for item in batch]
    json_schema = True
    feedback: list[tuple[str, str]] = []
    error = "no attempt made"
    for _attempt in range(settings.max_attempts):
        body = build_body(client, template, profile, batch, settings, json_schema, feedback)
        try:
            reply = client.chat(body)
        except ResponseFormatRejectedError as exc:
            if not json_schema:
                raise RequestFailedError(str(exc)) from None
            json_schema, error = False, f"server rejected json_schema: {exc}"
            continue
        result.requests += 1
        result.input_tokens += reply.input_tokens
        result.output_tokens += reply.output_tokens
        raw = reply.content or ""
        try:
            return parse_answer(raw, ids)
        except ValueError as exc:
            error = str(exc) + (" (cut off at the token limit)" if reply.finish_reason == "length" else "")
            feedback = [(raw, error)]  # only the last exchange: the prompt stays bounded
    raise RequestFailedError(f"no valid answer after {settings.max_attempts} attempts: {error}")


def estimate_requests(
    client: ChatClient, profile: ReaderProfile, shortlist: Sequence[Annotation], settings: RerankSettings
) -> list[tuple[int, int]]:
    """(prompt tokens, max output tokens) of every request the rerank would send, before any is."""
    from papersum.tokens import count_chat_tokens

    template = load_prompt("rerank")
    text = profile_text(profile, shortlist)
    requests = []
    for start in range(0, len(shortlist), settings.batch_size):
        body = build_body(client, template, text, shortlist[start : start + settings.batch_size], settings)
        out = int(body.get("max_tokens") or body.get("max_completion_tokens") or 0)
        requests.append((count_chat_tokens(body["messages"], client.model), out))
    return requests


def rerank(
    ranked: Sequence[Annotation],
    profile: ReaderProfile,
    client: ChatClient,
    store: JudgementStore | None = None,
    settings: RerankSettings | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> RerankResult:
    """Reorder the top `settings.top` of an offline ranking by the LLM's scores (see module doc)."""
    settings = settings or RerankSettings()
    shortlist, rest = list(ranked[: settings.top]), list(ranked[settings.top :])
    template = load_prompt("rerank")
    text = profile_text(profile, shortlist)
    identity = {**client.identity(), "prompt": template.hash, "task": "rerank"}
    result = RerankResult(ranked=[])
    judged: dict[str, Judgement] = {}
    pending = []
    for item in shortlist:
        cached = store.get_json(judgement_key(identity, text, item)) if store is not None else None
        if cached is not None:
            judged[item.paper_id] = Judgement.model_validate(cached)
            result.cached += 1
        else:
            pending.append(item)
    for start in range(0, len(pending), settings.batch_size):
        batch = pending[start : start + settings.batch_size]
        try:
            answers = _ask(client, template, text, batch, settings, result)
        except RequestFailedError as exc:
            result.failed.update({item.paper_id: str(exc) for item in batch})
        else:
            judged.update(answers)
            if store is not None:
                for item in batch:
                    store.put_json(judgement_key(identity, text, item), answers[item.paper_id].model_dump())
        if on_batch is not None:
            on_batch(len(batch))
    result.judged = len(judged)
    result.ranked = _reorder(shortlist, judged, client.model) + rest
    return result


def _reorder(shortlist: list[Annotation], judged: dict[str, Judgement], model: str) -> list[Annotation]:
    """Judged papers swap places among themselves by LLM score (ties: offline order); the others stay."""
    slots = [i for i, item in enumerate(shortlist) if item.paper_id in judged]
    by_llm = sorted(slots, key=lambda i: -judged[shortlist[i].paper_id].score)  # stable: offline order
    reordered = list(shortlist)
    for slot, source in zip(slots, by_llm, strict=True):
        item = shortlist[source]
        judgement = judged[item.paper_id]
        relevance = item.relevance
        if relevance is not None:
            place = shortlist[slot].relevance  # the slot's offline score: scores stay monotone
            score = place.score if place is not None else relevance.score
            reason = f"{model}: {judgement.score}/10, {judgement.reason}"
            relevance = relevance.model_copy(update={"score": score, "reasons": [reason, *relevance.reasons]})
        reordered[slot] = item.model_copy(update={"relevance": relevance})
    return reordered
