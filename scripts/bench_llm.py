"""Measure LLM providers on the first N seed papers: seconds/paper, tokens/paper, valid rate, modes.

    PYTHONPATH=src python scripts/bench_llm.py --papers 5 --which local openai-local
    PYTHONPATH=src python scripts/bench_llm.py --papers 58 --which openai-local --faults 0.3 --concurrency 4

`openai-local` runs the `openai` provider with its default settings against an xllamacpp server on
loopback (one slot per --concurrency); `local` is the in-process provider. `--faults RATE` puts the
test suite's fault proxy (tests/fault_proxy.py: 429, 500, stalls, truncated and cut-off bodies,
HTML pages; with --answer-faults also schema-violating and non-JSON answers) between them, seeded.
Results print as one JSON line per setup, with every error.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

from papersum.ingest import read_papers
from papersum.models import Paper
from papersum.pipeline import summarize_papers
from papersum.providers.base import Provider
from papersum.providers.local import LlamaServer, LocalProvider, default_model_path
from papersum.providers.openai_provider import OpenAIProvider

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from fault_proxy import ANSWER_FAULTS, TRANSPORT_FAULTS, FaultProxy  # the test suite's proxy, not shipped


def bench(
    name: str, provider: Provider, papers: list[Paper], out: Path | None, concurrency: int = 1
) -> dict[str, object]:
    started = time.perf_counter()
    annotations = list(summarize_papers(papers, provider, cache=None, concurrency=concurrency))
    elapsed = time.perf_counter() - started
    ok = [a for a in annotations if a.ok]
    modes = Counter(a.provenance.mode for a in annotations if a.provenance)
    tokens_in = sum(a.provenance.input_tokens or 0 for a in annotations if a.provenance)
    tokens_out = sum(a.provenance.output_tokens or 0 for a in annotations if a.provenance)
    attempts = sum(a.provenance.attempts for a in annotations if a.provenance)
    if out is not None:
        with out.open("w", encoding="utf-8") as handle:
            for annotation in annotations:
                handle.write(annotation.model_dump_json(exclude_none=True) + "\n")
    return {
        "setup": name,
        "papers": len(annotations),
        "schema_valid": len(ok),
        "seconds_per_paper": round(elapsed / len(annotations), 2),
        "input_tokens_per_paper": round(tokens_in / len(annotations), 1),
        "output_tokens_per_paper": round(tokens_out / len(annotations), 1),
        "requests_per_paper": round(attempts / len(annotations), 2),
        "modes": dict(modes),
        "errors": [f"{a.paper_id}: {a.error}" for a in annotations if a.error],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--papers", type=int, default=5)
    parser.add_argument("--which", nargs="+", default=["local", "openai-local"])
    parser.add_argument("--seeds", default="seeds")
    parser.add_argument("--out-dir", type=Path, default=None)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--faults", type=float, default=0.0, help="share of requests given a fault")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--answer-faults", action="store_true", help="also corrupt model answers (badjson, prose)"
    )
    parser.add_argument(
        "--model", default="smollm2", help="name sent to the server (no size in it: the server is asked)"
    )
    args = parser.parse_args()
    papers = read_papers([args.seeds], skip_bad=True).papers[: args.papers]
    if args.out_dir:
        args.out_dir.mkdir(parents=True, exist_ok=True)
    for which in args.which:
        out = args.out_dir / f"{which}.jsonl" if args.out_dir else None
        if which == "local":
            with LocalProvider() as provider:
                print(json.dumps(bench(which, provider, papers, out)), flush=True)
        elif which == "openai-local":
            server = LlamaServer(default_model_path(), threads=1, n_parallel=args.concurrency)
            kinds = TRANSPORT_FAULTS + (ANSWER_FAULTS if args.answer_faults else ())
            proxy = FaultProxy(
                server.base_url, fault_rate=args.faults, seed=args.seed, stall_s=3.0, faults=kinds
            )
            try:
                with (
                    proxy,
                    OpenAIProvider(
                        args.model,
                        base_url=proxy.base_url if args.faults else server.base_url,
                        api_key="sk-local",
                    ) as provider,
                ):
                    result = bench(which, provider, papers, out, args.concurrency)
                    result["probe_enforced"] = provider.mode.value == "json_schema"
                    result["schema"] = "compact" if provider.limits.max_items else "full"
                    if args.faults:
                        actions = proxy.actions()
                        result["requests"] = len(actions)
                        result["faults"] = {a: actions.count(a) for a in sorted(set(actions)) if a != "ok"}
                    print(json.dumps(result), flush=True)
            finally:
                server.close()


if __name__ == "__main__":
    main()
