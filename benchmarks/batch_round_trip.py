"""The batch round trip by hand, timed: prepare -> run every request line on an engine -> ingest ->
prepare again (writes nothing) -> `papersum summarize --provider openai` (sends no request).

    PYTHONPATH=src python benchmarks/batch_round_trip.py --papers 600                 # harness engine
    PYTHONPATH=src python benchmarks/batch_round_trip.py --papers 20 --engine llama   # real SmolLM2

The engine loop is what a batch runner does (POST each line's body to its url, write the OpenAI
Batch output format). `harness` is latency_server.py (a benchmark harness answering with the
offline engine's structured summary); `llama` is a real llama.cpp server (xllamacpp + SmolLM2).
Every request reaching the engine is counted by a loopback proxy.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from latency_server import LatencyServer  # noqa: E402
from synth_corpus import source_dirs  # noqa: E402


class CountingProxy:
    """Forwards POSTs to `upstream` and counts them."""

    def __init__(self, upstream: str) -> None:
        self.count = 0
        lock = threading.Lock()
        proxy = self
        base = upstream.rstrip("/").removesuffix("/v1")

        class Handler(BaseHTTPRequestHandler):
            disable_nagle_algorithm = True

            def log_message(self, *args: object) -> None:
                return

            def do_POST(self) -> None:
                with lock:
                    proxy.count += 1
                data = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                request = urllib.request.Request(
                    base + self.path, data=data, headers={"Content-Type": "application/json"}
                )
                try:
                    with urllib.request.urlopen(request, timeout=900) as response:
                        status, payload = response.status, response.read()
                except urllib.error.HTTPError as exc:
                    status, payload = exc.code, exc.read()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()


@contextmanager
def engine(kind: str, parallel: int) -> Iterator[str]:
    if kind == "harness":
        with LatencyServer(0.0) as server:
            yield server.base_url
        return
    from papersum.providers.local import LlamaServer, default_model_path

    llama = LlamaServer(default_model_path(), n_ctx=2048, n_parallel=parallel)
    try:
        yield llama.base_url
    finally:
        llama.close()


def papersum(*args: str, env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "papersum", *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode not in (0, 1):
        raise SystemExit(f"papersum {' '.join(args)} failed: {done.stderr}")
    return time.perf_counter() - started, done.stderr.strip()


def execute(line: dict[str, Any], base_url: str, number: int) -> str:
    request = urllib.request.Request(
        base_url.removesuffix("/v1") + line["url"],
        data=json.dumps(line["body"]).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=900) as response:
        status, body = response.status, json.load(response)
    record = {
        "id": f"batch_req_{number}",
        "custom_id": line["custom_id"],
        "response": {"status_code": status, "request_id": f"req_{number}", "body": body},
        "error": None,
    }
    return json.dumps(record) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=600)
    parser.add_argument("--engine", choices=["harness", "llama"], default="harness")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--model", default="SmolLM2-135M-Instruct")
    args = parser.parse_args()
    dev = next(d / "scitldr_a_dev.jsonl" for d in source_dirs() if (d / "scitldr_a_dev.jsonl").is_file())
    with tempfile.TemporaryDirectory(prefix="papersum-rt-") as tmp:
        work = Path(tmp)
        corpus = work / "corpus.jsonl"
        rows = [json.loads(line) for line in dev.read_text(encoding="utf-8").splitlines()][: args.papers]
        corpus.write_text(
            "".join(json.dumps({k: r[k] for k in ("id", "title", "abstract")}) + "\n" for r in rows)
        )
        env = {
            **os.environ,
            "PYTHONPATH": str(HERE.parent / "src"),
            "PAPERSUM_CACHE_DIR": str(work / "cache"),
        }
        out = work / "batch"
        parallel = args.concurrency if args.engine == "llama" else 1
        with engine(args.engine, min(parallel, 4)) as upstream:
            proxy = CountingProxy(upstream)
            common = ("--model", args.model, "--base-url", proxy.base_url)
            seconds, log = papersum("batch", "prepare", str(corpus), *common, "--out", str(out), env=env)
            print(f"prepare: {seconds:.1f} s; {log.splitlines()[-1]}")
            lines = [
                json.loads(line)
                for path in sorted(out.glob("requests-*.jsonl"))
                for line in path.read_text(encoding="utf-8").splitlines()
            ]
            results = out / "results" / "all.output.jsonl"
            results.parent.mkdir()
            started = time.perf_counter()
            with ThreadPoolExecutor(args.concurrency) as pool:
                answers = list(pool.map(execute, lines, [proxy.base_url] * len(lines), range(len(lines))))
            results.write_text("".join(answers), encoding="utf-8")
            print(f"engine: {len(lines)} requests in {time.perf_counter() - started:.1f} s ({args.engine})")
            seconds, log = papersum("batch", "ingest", str(results), env=env)
            summary = next((line for line in log.splitlines() if "results cached" in line), log)
            print(f"ingest: {seconds:.1f} s; {summary}")
            failed = [line for line in log.splitlines() if line.startswith("failed:")]
            for line in failed:
                print(f"  {line[:300]}")
            seconds, log = papersum("batch", "prepare", str(corpus), *common, "--out", str(out), env=env)
            print(f"second prepare: {seconds:.1f} s; {log.splitlines()[-1]}")
            before = proxy.count
            seconds, log = papersum(
                "summarize",
                str(corpus),
                "--provider",
                "openai",
                *common,
                "--out",
                str(work / "a.jsonl"),
                env=env,
            )
            sent = proxy.count - before
            print(f"summarize --provider openai: {seconds:.1f} s; {log.splitlines()[-2]}")
            print(f"requests sent by summarize: {sent} (papers whose batch result failed: {len(failed)})")
            proxy.close()


if __name__ == "__main__":
    main()
