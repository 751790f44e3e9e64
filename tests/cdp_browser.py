"""A real headless Chromium driven over the DevTools protocol (`--remote-debugging-pipe`).

One browser process lays a page out at a given width, answers JavaScript questions about that
layout (element geometry) and screenshots the very same layout, so pixels and DOM boxes agree.
Nothing of ours is injected into the page: the probe expressions run from outside.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import select
import subprocess
import time
from pathlib import Path
from types import TracebackType
from typing import Any

PIPE_READ_FD, PIPE_WRITE_FD = 3, 4  # where Chromium reads commands and writes replies
# A quiet, offline, throwaway browser: no sandbox (containers), no GPU, no network of its own.
HEADLESS_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
)


class DevToolsError(RuntimeError):
    """Chromium closed the pipe, timed out, or answered a command with an error."""


class Chromium:
    """`with Chromium(path, profile) as browser: browser.open(url, width); browser.evaluate(...)`."""

    def __init__(self, executable: str, profile: Path, timeout: float = 30.0) -> None:
        commands_read, commands_write = os.pipe()
        replies_read, replies_write = os.pipe()
        # Above 10 so the child's dup2 onto 3 and 4 cannot clobber one end with the other.
        child_read = fcntl.fcntl(commands_read, fcntl.F_DUPFD, 10)
        child_write = fcntl.fcntl(replies_write, fcntl.F_DUPFD, 10)
        for fd in (commands_read, replies_write):
            os.close(fd)

        def wire_pipe() -> None:
            os.dup2(child_read, PIPE_READ_FD)
            os.dup2(child_write, PIPE_WRITE_FD)

        self._process = subprocess.Popen(
            [
                executable,
                *HEADLESS_FLAGS,
                "--hide-scrollbars",
                "--remote-debugging-pipe",
                f"--user-data-dir={profile}",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(PIPE_READ_FD, PIPE_WRITE_FD),
            preexec_fn=wire_pipe,
        )
        os.close(child_read)
        os.close(child_write)
        self._commands = os.fdopen(commands_write, "wb", buffering=0)
        self._replies = os.fdopen(replies_read, "rb", buffering=0)
        self._buffer = b""
        self._last_id = 0
        self._timeout = timeout
        self._events: list[str] = []  # names of the events seen since the last navigation
        page = next(t for t in self.call("Target.getTargets")["targetInfos"] if t["type"] == "page")
        self._session = self.call("Target.attachToTarget", {"targetId": page["targetId"], "flatten": True})[
            "sessionId"
        ]
        self.call("Page.enable", page=True)

    def call(
        self, method: str, params: dict[str, Any] | None = None, *, page: bool = False
    ) -> dict[str, Any]:
        """Send one command (to the page session when `page`) and return its result."""
        self._last_id += 1
        message: dict[str, Any] = {"id": self._last_id, "method": method, "params": params or {}}
        if page:
            message["sessionId"] = self._session
        self._commands.write(json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self._timeout
        while True:
            reply = self._next_message(method, deadline)
            if reply.get("id") == self._last_id:
                if "error" in reply:
                    raise DevToolsError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply["result"]
                return result
            if "method" in reply:
                self._events.append(reply["method"])

    def _wait_for_event(self, event: str, waiting_for: str) -> None:
        deadline = time.monotonic() + self._timeout
        while event not in self._events:
            message = self._next_message(waiting_for, deadline)
            if "method" in message:
                self._events.append(message["method"])

    def _next_message(self, waiting_for: str, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._replies], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise DevToolsError(f"{waiting_for}: no answer within {self._timeout:.0f} s")
            chunk = self._replies.read(1 << 20)
            if not chunk:
                raise DevToolsError(f"{waiting_for}: Chromium closed the DevTools pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message

    def evaluate(self, expression: str) -> Any:
        """The JSON value of a JavaScript expression evaluated in the page."""
        reply = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True}, page=True)
        if "exceptionDetails" in reply:
            raise DevToolsError(f"page script failed: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def open(self, url: str, width: int, height: int = 900) -> None:
        """Load `url` in a viewport `width` CSS pixels wide, then grow the viewport to the whole page."""
        self._viewport(width, height)
        self._events.clear()
        self.call("Page.navigate", {"url": url}, page=True)
        self._wait_for_event("Page.loadEventFired", f"loading {url}")
        self._viewport(width, int(self.evaluate("document.documentElement.scrollHeight")))

    def prefer_dark(self, dark: bool) -> None:
        """Emulate the reader's `prefers-color-scheme` (what `--force-dark-mode` sets)."""
        scheme = {"name": "prefers-color-scheme", "value": "dark" if dark else "light"}
        self.call("Emulation.setEmulatedMedia", {"features": [scheme]}, page=True)

    def screenshot(self, path: Path) -> Path:
        """The whole (grown) viewport as a PNG at one device pixel per CSS pixel."""
        data = self.call("Page.captureScreenshot", {"format": "png", "optimizeForSpeed": True}, page=True)[
            "data"
        ]
        path.write_bytes(base64.b64decode(data))
        return path

    def _viewport(self, width: int, height: int) -> None:
        metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}
        self.call("Emulation.setDeviceMetricsOverride", metrics, page=True)

    def close(self) -> None:
        with contextlib.suppress(DevToolsError, OSError):
            self.call("Browser.close")
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._commands.close()
        self._replies.close()

    def __enter__(self) -> Chromium:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
