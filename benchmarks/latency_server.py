"""Benchmark harness (not a test double for correctness): a loopback OpenAI-compatible chat server
that waits a fixed latency and answers with a valid structured summary.

It lets the online path's throughput be measured against a known latency: with concurrency c and
latency L the ideal is c / L requests per second. The answer is a schema-valid summary built from
the paper's title; the response_format probe gets the value it asks for, so the provider keeps
json_schema mode exactly as with a real enforcing server.
"""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from papersum.models import Summary, Tags

_TITLE = re.compile(r"Title: (.*)")


def _answer(body: dict[str, Any]) -> str:
    fmt = body.get("response_format") or {}
    schema = (fmt.get("json_schema") or {}).get("schema") or {}
    answer = schema.get("properties", {}).get("answer", {})
    if "enum" in answer:  # the provider's response_format probe
        return json.dumps({"answer": answer["enum"][0]})
    # Cheap on purpose (the server must not compete for the client's CPU): a valid summary made
    # from the title, validated by the same Pydantic model the client checks against.
    title = _TITLE.search(body["messages"][-1]["content"])
    words = (title.group(1) if title else "untitled").split()
    summary = Summary(
        tldr="This paper studies " + " ".join(words),
        tags=Tags(keywords=words[:4], methods=words[:1]),
        why_it_matters=None,
    )
    return summary.model_dump_json()


class LatencyServer:
    """Threaded server; every POST sleeps `latency_s`, then returns a chat completion."""

    def __init__(self, latency_s: float) -> None:
        self.latency_s = latency_s
        self.requests = 0
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body are two writes: avoid 40 ms ACK delays

            def log_message(self, *args: object) -> None:
                return

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                time.sleep(server.latency_s)
                with server._lock:
                    server.requests += 1
                content = _answer(body)
                payload = json.dumps(
                    {
                        "id": "chatcmpl-bench",
                        "object": "chat.completion",
                        "created": int(time.time()),
                        "model": body.get("model", "bench"),
                        "choices": [
                            {
                                "index": 0,
                                "message": {"role": "assistant", "content": content},
                                "finish_reason": "stop",
                            }
                        ],
                        "usage": {"prompt_tokens": 400, "completion_tokens": 120, "total_tokens": 520},
                    }
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.request_queue_size = 128
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> LatencyServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def main() -> None:
    """Serve in this process (the benchmark starts it as a child so it does not share the GIL)."""
    import argparse

    parser = argparse.ArgumentParser(description="Fixed-latency OpenAI-compatible benchmark server")
    parser.add_argument("--latency-ms", type=float, default=100.0)
    args = parser.parse_args()
    with LatencyServer(args.latency_ms / 1000) as server:
        print(server.base_url, flush=True)
        threading.Event().wait()  # until the benchmark terminates this process


if __name__ == "__main__":
    main()
