"""A loopback server speaking the OpenAI Files + Batches wire protocol, executing each batch against
a real chat server (as vLLM's run_batch does), so `papersum batch submit/status/collect` run through
the real openai SDK. Counts uploads, batch creations and downloads to check idempotence.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def _multipart_file(content_type: str, body: bytes) -> tuple[str, bytes]:
    boundary = content_type.split("boundary=", 1)[1].strip('"').encode()
    for part in body.split(b"--" + boundary):
        head, _, content = part.partition(b"\r\n\r\n")
        if b'name="file"' in head:
            filename = head.split(b'filename="', 1)[1].split(b'"', 1)[0].decode()
            return filename, content.removesuffix(b"\r\n")
    raise ValueError("no file part")


class BatchAPIServer:
    def __init__(self, upstream_base_url: str) -> None:
        self.upstream = upstream_base_url.rstrip("/").removesuffix("/v1")
        self.files: dict[str, bytes] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self.counts = {"uploads": 0, "creates": 0, "downloads": 0}
        self.lock = threading.Lock()
        self.runners: list[threading.Thread] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                return

            def _reply(self, status: int, payload: bytes, kind: str = "application/json") -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.path == "/v1/files":
                    filename, content = _multipart_file(self.headers["Content-Type"], body)
                    with api.lock:
                        api.counts["uploads"] += 1
                        file_id = f"file-{len(api.files) + 1}"
                        api.files[file_id] = content
                    self._reply(200, json.dumps(api.file_object(file_id, filename)).encode())
                elif self.path == "/v1/batches":
                    request = json.loads(body)
                    with api.lock:
                        api.counts["creates"] += 1
                        batch_id = f"batch_{len(api.batches) + 1}"
                        batch = {
                            "id": batch_id,
                            "object": "batch",
                            "endpoint": request["endpoint"],
                            "input_file_id": request["input_file_id"],
                            "completion_window": request["completion_window"],
                            "status": "in_progress",
                            "created_at": int(time.time()),
                            "output_file_id": None,
                            "error_file_id": None,
                            "request_counts": {"total": 0, "completed": 0, "failed": 0},
                            "metadata": request.get("metadata"),
                        }
                        api.batches[batch_id] = batch
                    runner = threading.Thread(target=api.run, args=(batch_id,), daemon=True)
                    api.runners.append(runner)
                    runner.start()
                    self._reply(200, json.dumps(batch).encode())
                else:
                    self._reply(404, b'{"error": {"message": "not found"}}')

            def do_GET(self) -> None:
                parts = self.path.strip("/").split("/")
                if parts[:2] == ["v1", "batches"] and len(parts) == 3 and parts[2] in api.batches:
                    with api.lock:
                        payload = json.dumps(api.batches[parts[2]]).encode()
                    self._reply(200, payload)
                elif parts[:2] == ["v1", "files"] and len(parts) == 4 and parts[3] == "content":
                    with api.lock:
                        api.counts["downloads"] += 1
                        content = api.files[parts[2]]
                    self._reply(200, content, "application/octet-stream")
                else:
                    self._reply(404, b'{"error": {"message": "not found"}}')

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def file_object(self, file_id: str, filename: str) -> dict[str, Any]:
        return {
            "id": file_id,
            "object": "file",
            "bytes": len(self.files[file_id]),
            "created_at": int(time.time()),
            "filename": filename,
            "purpose": "batch",
            "status": "processed",
        }

    def run(self, batch_id: str) -> None:
        """Execute every line against the upstream chat server; write the Batch output file."""
        with self.lock:
            batch = self.batches[batch_id]
            lines = self.files[batch["input_file_id"]].decode().splitlines()
        out: list[str] = []
        for number, line in enumerate(lines):
            item = json.loads(line)
            request = urllib.request.Request(
                self.upstream + item["url"],
                data=json.dumps(item["body"]).encode(),
                headers={"Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=600) as response:
                body = json.load(response)
                record = {
                    "id": f"batch_req_{number}",
                    "custom_id": item["custom_id"],
                    "response": {"status_code": response.status, "request_id": f"req_{number}", "body": body},
                    "error": None,
                }
            out.append(json.dumps(record) + "\n")
        with self.lock:
            output_id = f"file-{len(self.files) + 1}"
            self.files[output_id] = "".join(out).encode()
            batch.update(
                status="completed",
                output_file_id=output_id,
                request_counts={"total": len(lines), "completed": len(lines), "failed": 0},
            )

    def __enter__(self) -> BatchAPIServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        # Let running batches finish: the upstream server must not be stopped mid-request.
        for runner in self.runners:
            runner.join(timeout=600)
        self.server.shutdown()
        self.server.server_close()
