"""A real HTTP server on loopback that replays recorded responses (tests/fixtures/sources/) by path.

Each route holds a script of replies; the last one repeats. A reply can be a normal answer, an error
status with Retry-After, a body cut short (Content-Length promises more than is sent, then the
connection closes), or gzip-encoded. Every request is logged with its path, query, headers and the
time it arrived, so tests can count requests and check what was sent.
"""

from __future__ import annotations

import contextlib
import gzip
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "sources"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@dataclass
class Reply:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    truncate: bool = False
    gzip: bool = False
    stall_s: float = 0.0  # wait this long before answering (a server that does not answer in time)


@dataclass
class Seen:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    at: float


class ReplayServer:
    def __init__(self) -> None:
        self.routes: list[tuple[str, dict[str, str], list[Reply]]] = []
        self.log: list[Seen] = []
        self._lock = threading.Lock()
        replay = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
                with replay._lock:
                    replay.log.append(Seen(parts.path, query, dict(self.headers), time.monotonic()))
                    reply = replay._next(parts.path, query)
                if reply.stall_s:
                    time.sleep(reply.stall_s)
                body = gzip.compress(reply.body) if reply.gzip else reply.body
                # The client may have given up first (a timeout test): nothing to answer then.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self._send(reply, body)

            def _send(self, reply: Reply, body: bytes) -> None:
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if reply.gzip:
                    self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(body)))
                if reply.truncate:
                    self.send_header("Connection", "close")
                self.end_headers()
                if reply.truncate:
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def _next(self, path: str, query: dict[str, str]) -> Reply:
        for route_path, match, replies in self.routes:
            if route_path == path and all(query.get(k) == v for k, v in match.items()):
                return replies.pop(0) if len(replies) > 1 else replies[0]
        return Reply(b"not found", status=404)

    def add(self, path: str, *replies: Reply, query: dict[str, str] | None = None) -> None:
        self.routes.append((path, query or {}, list(replies)))

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def requests_to(self, path: str) -> list[Seen]:
        return [seen for seen in self.log if seen.path == path]

    def __enter__(self) -> ReplayServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def serve() -> Iterator[ReplayServer]:
    with ReplayServer() as server:
        yield server
