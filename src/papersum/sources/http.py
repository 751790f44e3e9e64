"""One polite HTTP client for every fetcher: a pace per host, bounded retries, a cache for the day.

Built on the standard library (urllib): papersum makes a handful of sequential GETs a day, so it needs
no connection pool, and it avoids depending on the HTTP library the openai SDK happens to pull in
(openai 3.x brings `httpx2`, not `httpx`). urllib gives what politeness needs: timeouts, status and
headers for Retry-After, redirects, proxies from the environment, and `IncompleteRead` for a body
cut short.
"""

from __future__ import annotations

import email.utils
import gzip
import http.client
import random
import threading
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from papersum import __version__
from papersum.errors import PapersumError
from papersum.sources.daycache import DayCache

# arXiv asks for at most one request every 3 seconds, on a single connection, for RSS, API and OAI.
ARXIV_MIN_INTERVAL_S = 3.0
OTHER_HOSTS_INTERVAL_S = 1.0
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER_S = 300.0  # a server asking for longer than this is treated as down for today
BACKOFF_BASE_S = 1.0
BACKOFF_CAP_S = 30.0


class SourceError(PapersumError):
    """A source could not be read: network error, HTTP error or 5xx after retries, malformed answer."""


@dataclass(frozen=True)
class Pace:
    """Requests sharing `key` are made one at a time, at least `interval` seconds apart (start to start)."""

    key: str
    interval: float


def arxiv_pace(url: str, interval: float) -> Pace:
    """arXiv's hosts (rss., export., arxiv.org) share one pace that never drops below 3 s; the
    configured interval applies as such only to mirrors and test servers (one pace per host)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host == "arxiv.org" or host.endswith(".arxiv.org"):
        return Pace("arxiv.org", max(interval, ARXIV_MIN_INTERVAL_S))
    return Pace(parts.netloc.lower(), interval)


def host_pace(url: str, interval: float = OTHER_HOSTS_INTERVAL_S) -> Pace:
    return Pace(urlsplit(url).netloc.lower(), interval)


def user_agent(contact: str | None) -> str:
    """`papersum/<version> (mailto:you@example.org)`: arXiv and Hugging Face can tell who is asking."""
    if not contact:
        return f"papersum/{__version__}"
    if "@" in contact and ":" not in contact:
        contact = "mailto:" + contact
    return f"papersum/{__version__} ({contact})"


class HostLimiter:
    """One lock and one clock reading per pace key; the clock and sleep are injectable for tests."""

    def __init__(
        self, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self.clock = clock
        self.sleep = sleep
        self._locks: dict[str, threading.Lock] = {}
        self._last_start: dict[str, float] = {}
        self._guard = threading.Lock()

    @contextmanager
    def slot(self, pace: Pace) -> Iterator[None]:
        with self._guard:
            lock = self._locks.setdefault(pace.key, threading.Lock())
        with lock:  # held for the whole request: one connection per host at a time
            last = self._last_start.get(pace.key)
            if last is not None:
                wait = last + pace.interval - self.clock()
                if wait > 0:
                    self.sleep(wait)
            self._last_start[pace.key] = self.clock()
            yield


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds: a number, or an HTTP date (RFC 9110)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass
class _Answer:
    status: int
    reason: str
    retry_after: str | None
    body: bytes


class PoliteClient:
    """GET with a per-host pace, Retry-After, bounded retries with full jitter, timeouts and a day cache.

    `validate` checks a 200 body before it is cached or returned (raise SourceError when malformed),
    so a broken answer is never served from the cache the next time.
    """

    def __init__(
        self,
        *,
        contact: str | None = None,
        cache: DayCache | None = None,
        refresh: bool = False,
        timeout: float = 30.0,
        retries: int = 3,
        limiter: HostLimiter | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.user_agent = user_agent(contact)
        self.cache = cache
        self.refresh = refresh  # fetch again even when today's answer is cached (then cache the new one)
        self.timeout = timeout
        self.retries = retries
        self.limiter = limiter or HostLimiter()
        self.rng = rng or random.Random()
        self.requests = 0  # network requests made, retries included
        self.cache_hits = 0
        self._opener = urllib.request.build_opener()

    def get(self, url: str, pace: Pace, validate: Callable[[bytes], None] | None = None) -> bytes:
        if self.cache is not None and not self.refresh and (cached := self.cache.get(url)) is not None:
            self.cache_hits += 1
            return cached
        attempts = self.retries + 1
        for attempt in range(attempts):
            with self.limiter.slot(pace):
                self.requests += 1
                try:
                    answer = self._fetch_once(url)
                except SourceError as exc:
                    problem, wait = str(exc), self._backoff(attempt)
                else:
                    if answer.status == 200:
                        if validate is not None:
                            validate(answer.body)
                        if self.cache is not None:
                            self.cache.put(url, answer.body)
                        return answer.body
                    if answer.status not in RETRY_STATUSES:
                        raise SourceError(f"{url}: HTTP {answer.status} {answer.reason}".rstrip())
                    problem = f"HTTP {answer.status} {answer.reason}".rstrip()
                    asked = retry_after_seconds(answer.retry_after)
                    if asked is not None and asked > MAX_RETRY_AFTER_S:
                        raise SourceError(f"{url}: {problem}, server asks to retry in {asked:.0f} s")
                    wait = asked if asked is not None else self._backoff(attempt)
            if attempt + 1 < attempts:
                self.limiter.sleep(wait)
        raise SourceError(f"{url}: {problem} (gave up after {attempts} attempt{'s' if attempts > 1 else ''})")

    def _backoff(self, attempt: int) -> float:
        return self.rng.uniform(0.0, min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2**attempt))  # full jitter

    def _fetch_once(self, url: str) -> _Answer:
        request = urllib.request.Request(
            url, headers={"User-Agent": self.user_agent, "Accept-Encoding": "gzip"}
        )
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                body = response.read()
                encoding = response.headers.get("Content-Encoding", "")
                return _Answer(response.status, response.reason or "", None, _decode_body(body, encoding))
        except urllib.error.HTTPError as exc:
            with exc:
                return _Answer(exc.code, str(exc.reason or ""), exc.headers.get("Retry-After"), b"")
        except http.client.IncompleteRead as exc:
            raise SourceError(f"response cut short ({len(exc.partial)} bytes received)") from None
        except TimeoutError:
            raise SourceError(f"no answer within {self.timeout:g} s") from None
        except urllib.error.URLError as exc:
            raise SourceError(f"cannot connect ({_reason(exc.reason)})") from None
        except (http.client.HTTPException, ConnectionError) as exc:
            raise SourceError(f"connection failed ({_reason(exc)})") from None


def _decode_body(body: bytes, encoding: str) -> bytes:
    if encoding.strip().lower() != "gzip":
        return body
    try:
        return gzip.decompress(body)
    except (OSError, EOFError, zlib.error):
        raise SourceError("response cut short (incomplete gzip body)") from None


def _reason(reason: object) -> str:
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return str(reason) or type(reason).__name__
