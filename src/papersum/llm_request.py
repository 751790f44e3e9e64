"""Pure builder of the chat-completions request for one paper (reused by the Batch API work).

The static system prompt comes first so providers' prompt caching can reuse it across papers; the
paper goes in the user message. The JSON schema is generated from the Pydantic `Summary` model and
made strict-compatible (every property required, nullable instead of optional, no additional
properties, no defaults) while keeping maxLength / maxItems so a grammar-constrained small model
cannot loop.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from papersum.models import PHRASE_MAX_CHARS, TLDR_MAX_CHARS, Paper, Summary
from papersum.prompts import PromptTemplate
from papersum.taxonomy import category_names

SCHEMA_NAME = "paper_summary"


class OutputMode(StrEnum):
    """How the model is asked for JSON, strongest first (the order providers degrade in)."""

    json_schema = "json_schema"
    json_object = "json_object"
    text = "text"


@dataclass(frozen=True)
class SchemaLimits:
    """Bounds written into the JSON schema, at most the model's own; tighter bounds keep a small
    grammar-constrained model short and fast. `tldr_prefix` makes the TL;DR start with fixed words
    (a grammar "prefill": the schema gets a pattern instead of a length bound)."""

    tldr_chars: int = TLDR_MAX_CHARS
    phrase_chars: int = PHRASE_MAX_CHARS
    max_items: int | None = None
    why_chars: int = TLDR_MAX_CHARS
    tldr_prefix: str | None = None
    category_ids: tuple[str, ...] | None = None  # an enum for tags.categories (valid arXiv ids only)

    def as_dict(self) -> dict[str, object]:
        return {
            "tldr_chars": self.tldr_chars,
            "phrase_chars": self.phrase_chars,
            "max_items": self.max_items,
            "why_chars": self.why_chars,
            "tldr_prefix": self.tldr_prefix,
            "category_ids": hashlib.sha256("\n".join(self.category_ids).encode()).hexdigest()[:16]
            if self.category_ids
            else None,
        }


DEFAULT_LIMITS = SchemaLimits()

# Current arXiv archives without subject classes; other dot-less ids are retired (e.g. comp-gas).
_UNDIVIDED_ARCHIVES = {
    "gr-qc",
    "hep-ex",
    "hep-lat",
    "hep-ph",
    "hep-th",
    "math-ph",
    "nucl-ex",
    "nucl-th",
    "quant-ph",
}
# For small models (SmolLM2): tight bounds keep answers short and categories are limited to current
# arXiv ids (free text got "1.1.1.1..." from SmolLM2). No "This paper" grammar prefill: measured here
# it lowered SmolLM2's SciTLDR ROUGE-1 (60 dev abstracts: 32.0 with, 33.8 without; the prompt
# already asks for "This paper ..."), see evals/providers-bench.md.
COMPACT_LIMITS = SchemaLimits(
    tldr_chars=300,
    phrase_chars=32,
    max_items=3,
    why_chars=200,
    tldr_prefix=None,
    category_ids=tuple(sorted(c for c in category_names() if "." in c or c in _UNDIVIDED_ARCHIVES)),
)
# With COMPACT_LIMITS the grammar caps an answer near 450 tokens; this leaves a safety margin
# (3 of 58 seed papers were cut off at 512 with looser bounds).
COMPACT_MAX_TOKENS = 640
SCHEMA_PROFILES = {"full": DEFAULT_LIMITS, "compact": COMPACT_LIMITS}
# Models below this size fill every list of the full schema and run out of tokens (SmolLM2-135M
# did on 12 of 58 seed papers); they get the compact profile when the schema is left on "auto".
SMALL_MODEL_PARAMS = 3_000_000_000
# A size in a model name: "SmolLM2-135M-Instruct", "qwen2.5:0.5b", "Llama-3.2-1B" (not "A3B", "8x7B").
_SIZE_IN_NAME = re.compile(r"(?<![A-Za-z0-9.])(\d+(?:\.\d+)?)([MmBb])(?![A-Za-z0-9])")


def params_from_name(name: str) -> int | None:
    """The parameter count a model name states ("135M" -> 135e6, "0.5b" -> 5e8), else None."""
    match = _SIZE_IN_NAME.search(name.replace("\\", "/").rsplit("/", 1)[-1])
    if match is None:
        return None
    scale = 1e6 if match[2] in "Mm" else 1e9
    return int(float(match[1]) * scale)


def is_small_model(n_params: int | None) -> bool:
    return n_params is not None and 0 < n_params < SMALL_MODEL_PARAMS


# Characters a JSON string can hold unescaped on one line: no quote, backslash or newline.
_PLAIN_CHARS = r'[^"\\\n]'


def _regex_literal(text: str) -> str:
    """Escape regex metacharacters only (llama.cpp's pattern parser rejects escaped spaces)."""
    return re.sub(r"([.^$*+?()\[\]{}|\\])", r"\\\1", text)


# Keywords that strict structured-output implementations reject or that only add noise.
_DROP_KEYS = frozenset({"title", "default"})


def _strictify(node: Any) -> Any:
    if isinstance(node, list):
        return [_strictify(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _strictify(value) for key, value in node.items() if key not in _DROP_KEYS}
    if out.get("type") == "object" and "properties" in out:
        out["required"] = list(out["properties"])
        out["additionalProperties"] = False
    return out


def _inline_refs(node: Any, defs: dict[str, Any]) -> Any:
    # Inlining $ref keeps the schema usable by servers whose grammar converters lack $defs support.
    if isinstance(node, list):
        return [_inline_refs(item, defs) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target = defs[node["$ref"].rsplit("/", 1)[-1]]
        merged = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        return _inline_refs(merged, defs)
    return {key: _inline_refs(value, defs) for key, value in node.items() if key != "$defs"}


def summary_json_schema(limits: SchemaLimits = DEFAULT_LIMITS) -> dict[str, Any]:
    """The strict-compatible JSON schema of `Summary` (self-contained, no $defs)."""
    raw = Summary.model_json_schema()
    defs = raw.get("$defs", {})
    schema: dict[str, Any] = _strictify(_inline_refs(copy.deepcopy(raw), defs))
    props = schema["properties"]
    tldr_chars = min(limits.tldr_chars, TLDR_MAX_CHARS)
    props["tldr"]["maxLength"] = tldr_chars
    if limits.tldr_prefix:
        rest = max(tldr_chars - len(limits.tldr_prefix) - 1, 1)
        prefix = _regex_literal(limits.tldr_prefix)
        props["tldr"] = {"type": "string", "pattern": f"^{prefix} {_PLAIN_CHARS}{{1,{rest}}}$"}
    for option in props["why_it_matters"]["anyOf"]:
        if option.get("type") == "string":
            option["maxLength"] = min(limits.why_chars, TLDR_MAX_CHARS)
    # Tags' phrase length is enforced by a validator, which the generated schema cannot express.
    for prop in props["tags"]["properties"].values():
        if prop.get("type") == "array":
            prop["items"]["maxLength"] = min(limits.phrase_chars, PHRASE_MAX_CHARS)
            if limits.max_items is not None:
                prop["maxItems"] = min(prop["maxItems"], limits.max_items)
    if limits.category_ids:
        props["tags"]["properties"]["categories"]["items"] = {
            "type": "string",
            "enum": list(limits.category_ids),
        }
    return schema


def response_format(mode: OutputMode, limits: SchemaLimits = DEFAULT_LIMITS) -> dict[str, Any] | None:
    if mode is OutputMode.json_schema:
        return {
            "type": "json_schema",
            "json_schema": {"name": SCHEMA_NAME, "strict": True, "schema": summary_json_schema(limits)},
        }
    if mode is OutputMode.json_object:
        return {"type": "json_object"}
    return None


def is_drafted(template: PromptTemplate) -> bool:
    """A draft-and-refine template: it shows the model the offline engine's draft."""
    from papersum.refine.draft import DRAFT_VARIABLES

    return any(name in DRAFT_VARIABLES for name in template.variables)


def render_variables(paper: Paper, template: PromptTemplate | None = None) -> dict[str, str]:
    variables = {
        "title": paper.title or "(untitled)",
        "categories": ", ".join(paper.categories) or "(none given)",
        "abstract": paper.abstract,
    }
    if template is not None and is_drafted(template):
        from papersum.refine.draft import draft_variables, make_draft

        variables |= draft_variables(make_draft(paper))
    return variables


def paper_limits(paper: Paper, template: PromptTemplate, limits: SchemaLimits) -> SchemaLimits:
    """The bounds for this paper's answer. With a draft-and-refine prompt they never keep the model
    from copying the draft (its TL;DR and phrases fit), and a schema that restricts categories to
    arXiv ids restricts them to the draft's shortlist (the paper's own and the predicted ones)."""
    if not is_drafted(template):
        return limits
    from papersum.refine.draft import make_draft

    draft = make_draft(paper)
    tags = draft.summary.tags
    phrases = [*tags.keywords, *tags.tasks, *tags.methods, *tags.datasets]
    return dataclasses.replace(
        limits,
        tldr_chars=max(limits.tldr_chars, len(draft.summary.tldr)),
        phrase_chars=max([limits.phrase_chars, *map(len, phrases)]),
        category_ids=draft.shortlist if limits.category_ids is not None else None,
    )


def build_messages(
    paper: Paper,
    template: PromptTemplate,
    mode: OutputMode = OutputMode.json_schema,
    feedback: Sequence[tuple[str, str]] = (),
    limits: SchemaLimits = DEFAULT_LIMITS,
) -> list[dict[str, str]]:
    """System then user; each (raw output, error) pair in `feedback` appends a re-ask turn."""
    rendered = template.render(**render_variables(paper, template))
    system = rendered.system
    if mode is not OutputMode.json_schema:
        # Without server-side enforcement the model must see the schema itself.
        system += "\n\nThe JSON object must validate against this JSON schema:\n" + json.dumps(
            summary_json_schema(limits), separators=(",", ":")
        )
    messages = [{"role": "system", "content": system}, {"role": "user", "content": rendered.user}]
    for raw_output, error in feedback:
        messages.append({"role": "assistant", "content": raw_output})
        messages.append(
            {
                "role": "user",
                "content": "Your answer was rejected: "
                + error
                + "\nAnswer again with one corrected JSON object only.",
            }
        )
    return messages


def build_chat_body(
    paper: Paper,
    model: str,
    template: PromptTemplate,
    mode: OutputMode | str = OutputMode.json_schema,
    *,
    feedback: Sequence[tuple[str, str]] = (),
    limits: SchemaLimits = DEFAULT_LIMITS,
    **params: Any,
) -> dict[str, Any]:
    """The complete `/v1/chat/completions` body for one paper; `params` (max_tokens, temperature,
    seed...) are copied in verbatim. The one place requests are built."""
    output_mode = OutputMode(mode)
    body: dict[str, Any] = {
        "model": model,
        # The system message stays the same for every paper (prompt caching): no per-paper schema in it.
        "messages": build_messages(paper, template, output_mode, feedback, limits),
    }
    fmt = response_format(output_mode, paper_limits(paper, template, limits))
    if fmt is not None:
        body["response_format"] = fmt
    body.update(params)
    return body
