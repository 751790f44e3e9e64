"""Prompt economy: tokens per paper for the one-request TL;DR+tags prompt, and what a two-request
design (TL;DR, then tags) would cost instead. Offline: tiktoken with the bundled encodings.

    PYTHONPATH=src python benchmarks/prompt_tokens.py [--model gpt-4o-mini] [--dev scitldr_a_dev.jsonl]
        [--prompt summarize@1]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from synth_corpus import source_dirs  # noqa: E402

from papersum.llm_request import build_chat_body  # noqa: E402
from papersum.models import Paper  # noqa: E402
from papersum.offline import summarize_offline  # noqa: E402
from papersum.prompts import load_prompt  # noqa: E402
from papersum.tokens import TOKENS_PER_MESSAGE, TOKENS_PER_REPLY, count_text_tokens  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="gpt-4o-mini")
    parser.add_argument("--dev", default="scitldr_a_dev.jsonl")
    parser.add_argument("--prompt", default="summarize", help="template id (summarize@1: no draft)")
    args = parser.parse_args()
    path = next(d / args.dev for d in source_dirs() if (d / args.dev).is_file())
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    template = load_prompt(args.prompt)
    count = lambda text: count_text_tokens(text, args.model)  # noqa: E731

    system_tokens: list[int] = []
    user_tokens: list[int] = []
    abstract_tokens: list[int] = []
    answer_tokens: list[int] = []
    tldr_tokens: list[int] = []
    schema_tokens = 0
    for row in rows:
        paper = Paper(id=row["id"], title=row.get("title", ""), abstract=row["abstract"])
        body = build_chat_body(paper, args.model, template)
        system, user = body["messages"][0]["content"], body["messages"][1]["content"]
        system_tokens.append(count(system))
        user_tokens.append(count(user))
        abstract_tokens.append(count(paper.abstract))
        schema_tokens = count(json.dumps(body["response_format"], separators=(",", ":")))
        # Output size: a well-formed answer of the expected shape (the offline engine's, compact JSON).
        summary = summarize_offline(paper.title, paper.abstract)
        answer_tokens.append(count(summary.model_dump_json()))
        tldr_tokens.append(count(json.dumps({"tldr": summary.tldr})))
    mean = statistics.fmean
    overhead = 2 * TOKENS_PER_MESSAGE + TOKENS_PER_REPLY
    system = system_tokens[0]
    one_request = system + mean(user_tokens) + overhead
    # Two requests: each needs the paper again plus its own framing line and the rules line.
    lines = template.system.strip().splitlines()
    shared = count("\n".join(lines[:2] + lines[-1:]))
    two_requests = one_request + shared + mean(user_tokens) + overhead
    tags_only = mean(answer_tokens) - mean(tldr_tokens)
    output_two = mean(tldr_tokens) + tags_only + 2  # two JSON objects instead of one
    print(f"model encoding for {args.model}; {len(rows)} abstracts from {path.name}; prompt {template.hash}")
    print("| part | tokens per paper |\n|---|---:|")
    print(f"| system prompt (static, sent first: prompt-cacheable) | {system} |")
    print(f"| JSON schema in response_format (static; billed as input by OpenAI) | {schema_tokens} |")
    print(f"| user message (title + categories + abstract, and any draft), mean | {mean(user_tokens):.0f} |")
    print(f"| of which abstract, mean / max | {mean(abstract_tokens):.0f} / {max(abstract_tokens)} |")
    print(f"| chat framing overhead | {overhead} |")
    print(f"| output (TL;DR + tags JSON), mean | {mean(answer_tokens):.0f} |")
    total = one_request + schema_tokens + mean(answer_tokens)
    static = system + schema_tokens
    print(f"| **total, one request** | **{total:.0f}** (static prefix {static}) |")
    # Split schemas: the fields are not duplicated, only the envelope of the second schema.
    envelope = count(
        '{"type":"json_schema","json_schema":{"name":"tags","strict":true,"schema":'
        '{"type":"object","properties":{},"required":[],"additionalProperties":false}}}'
    )
    two_input = two_requests + schema_tokens + envelope
    print(f"| two requests (TL;DR, then tags): input | {two_input:.0f} |")
    print(f"| two requests: output | {output_two:.0f} |")
    saved = (two_input + output_two) - total
    share = saved / (total + saved)
    print(f"| **saved by one request** | **{saved:.0f} tokens/paper ({share:.0%})** and one round trip |")
    uncached = mean(user_tokens) + overhead + mean(answer_tokens)
    print(f"| tokens not covered by prompt caching (one request) | {uncached:.0f} |")


if __name__ == "__main__":
    main()
