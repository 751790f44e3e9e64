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
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
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
        page = next(t for t in self.call("Target.getTargets")["targetInfos"] if t["type"] == "page")
        self._session = self.call("Target.attachToTarget", {"targetId": page["targetId"], "flatten": True})[
            "sessionId"
        ]

    def call(
        self, method: str, params: dict[str, Any] | None = None, *, page: bool = False
    ) -> dict[str, Any]:
        """Send one command (to the page session when `page`) and return its result; events are skipped."""
        self._last_id += 1
        message: dict[str, Any] = {"id": self._last_id, "method": method, "params": params or {}}
        if page:
            message["sessionId"] = self._session
        self._commands.write(json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self._timeout
        while True:
            while b"\0" not in self._buffer:
                ready, _, _ = select.select([self._replies], [], [], max(0.0, deadline - time.monotonic()))
                if not ready:
                    raise DevToolsError(f"no answer to {method} within {self._timeout:.0f} s")
                chunk = self._replies.read(1 << 20)
                if not chunk:
                    raise DevToolsError(f"Chromium closed the DevTools pipe during {method}")
                self._buffer += chunk
            raw, self._buffer = self._buffer.split(b"\0", 1)
            reply = json.loads(raw)
            if reply.get("id") == self._last_id:
                if "error" in reply:
                    raise DevToolsError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply["result"]
                return result

    def evaluate(self, expression: str) -> Any:
        """The JSON value of a JavaScript expression evaluated in the page."""
        reply = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True}, page=True)
        if "exceptionDetails" in reply:
            raise DevToolsError(f"page script failed: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def open(self, url: str, width: int, height: int = 900) -> None:
        """Load `url` in a viewport `width` CSS pixels wide, then grow the viewport to the whole page."""
        self._viewport(width, height)
        self.call("Page.navigate", {"url": url}, page=True)
        deadline = time.monotonic() + self._timeout
        while self.evaluate("document.readyState") != "complete":
            if time.monotonic() > deadline:
                raise DevToolsError(f"{url} did not finish loading")
            time.sleep(0.05)
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
