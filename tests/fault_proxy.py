"""A real HTTP proxy on loopback that injects faults between the openai client and a real server.

Each incoming request takes the next action from a script: "ok" forwards it; "429" and "500"
answer with that status (429 with Retry-After); "timeout" stalls past the client's timeout;
"truncate" forwards, then sends only half the body and drops the connection; "cut" forwards, then
sends half the body as if it were all of it (a 200 whose JSON is cut off, as a gateway does); "html"
answers 200 with an HTML page instead of JSON; "badjson" forwards, then swaps the model's answer for
JSON that violates the schema (usage kept, so it is billed like a real answer); "prose" does the
same with an answer that is not JSON at all;
"strip_format" forwards without response_format (a server that ignores it); "reject_schema"
answers 400 (a server without json_schema support); "echo_auth" answers 401 quoting the key.
With `fault_rate`, a request the script does not cover gets a fault drawn from `faults` (by
default what networks, gateways and servers do: TRANSPORT_FAULTS) with that probability, seeded so
a run is reproducible.
"""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

# What a flaky network, gateway or server does to a request: 429, 500, a stall, a body cut off
# (dropped connection or short 200), a 200 that is not JSON.
TRANSPORT_FAULTS = ("429", "500", "timeout", "truncate", "cut", "html")
# What a model gets wrong: schema-violating JSON, or an answer that is not JSON at all.
ANSWER_FAULTS = ("badjson", "prose")


def canned_answer(action: str, authorization: str | None) -> tuple[int, bytes, str, dict[str, str]] | None:
    """(status, body, content type, headers) for the actions answered without the upstream server."""

    def error(message: str) -> bytes:
        return json.dumps({"error": {"message": message, "type": "injected"}}).encode()

    if action in ("429", "500"):
        return (
            int(action),
            error(f"injected {action}"),
            "application/json",
            ({"Retry-After": "0.2"} if action == "429" else {}),
        )
    if action == "reject_schema":  # a server without json_schema support
        return 400, error("response_format json_schema unsupported"), "application/json", {}
    if action == "html":  # a gateway's error page, served with status 200
        return 200, b"<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html", {}
    if action == "echo_auth":  # a hostile server that reflects the credentials it got
        return 401, error(f"bad key {authorization}"), "application/json", {}
    return None


class FaultProxy:
    def __init__(
        self,
        upstream_base_url: str,
        script: Iterable[str] = (),
        stall_s: float = 3.0,
        fault_rate: float = 0.0,
        seed: int = 0,
        faults: tuple[str, ...] = TRANSPORT_FAULTS,
    ) -> None:
        parts = urlsplit(upstream_base_url)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.script = list(script)
        self.stall_s = stall_s
        self.lock = threading.Lock()
        self.log: list[dict[str, Any]] = []  # one entry per request received
        self.delivered_usage: list[dict[str, int]] = []  # usage of every answer delivered intact
        self.seen_headers: list[dict[str, str]] = []
        self.always: str | None = None  # an action applied after the script runs out
        self.fault_rate = fault_rate
        self.faults = faults
        self.rng = random.Random(seed)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:
                self._forward(b"", "ok")

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with proxy.lock:
                    action = proxy.script.pop(0) if proxy.script else (proxy.always or proxy.draw())
                    proxy.log.append({"path": self.path, "action": action, "body": json.loads(body or b"{}")})
                    proxy.seen_headers.append(dict(self.headers))
                canned = canned_answer(action, self.headers.get("Authorization"))
                if canned is not None:
                    self._reply(*canned)
                    return
                if action == "timeout":
                    time.sleep(proxy.stall_s)
                    self.close_connection = True
                    return
                if action == "strip_format":
                    data = json.loads(body)
                    data.pop("response_format", None)
                    body = json.dumps(data).encode()
                self._forward(body, action)

            def _reply(self, status: int, payload: bytes, content_type: str, headers: dict[str, str]) -> None:
                self.send_response(status)
                for name, value in {"Content-Type": content_type, **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _forward(self, body: bytes, action: str) -> None:
                conn = http.client.HTTPConnection(*proxy.upstream, timeout=600)
                headers = {"Content-Type": "application/json"}
                conn.request(self.command, self.path, body=body or None, headers=headers)
                response = conn.getresponse()
                payload = response.read()
                conn.close()
                if action in ("badjson", "prose") and response.status == 200:
                    data = json.loads(payload)
                    data["choices"][0]["message"]["content"] = (
                        json.dumps({"tldr": "", "tags": {"contribution": "x"}})
                        if action == "badjson"
                        else "Sure! Here is a summary of the paper: it is about transformers."
                    )
                    payload = json.dumps(data).encode()
                if action == "cut" and response.status == 200:
                    payload = payload[: len(payload) // 2]
                if response.status == 200 and action not in ("truncate", "cut") and self.command == "POST":
                    usage = json.loads(payload).get("usage") or {}
                    with proxy.lock:
                        proxy.delivered_usage.append(
                            {
                                "input": usage.get("prompt_tokens", 0),
                                "output": usage.get("completion_tokens", 0),
                            }
                        )
                if action != "truncate":
                    self._reply(response.status, payload, "application/json", {})
                    return
                self.send_response(response.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload[: len(payload) // 2])
                self.wfile.flush()
                self.close_connection = True

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def draw(self) -> str:
        """The action for a request the script does not cover (called under the lock)."""
        if self.fault_rate and self.rng.random() < self.fault_rate:
            return self.rng.choice(self.faults)
        return "ok"

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def actions(self) -> list[str]:
        return [entry["action"] for entry in self.log]

    def __enter__(self) -> FaultProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
