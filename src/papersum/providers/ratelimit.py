"""Shared request pacing: an RPM/TPM limiter fed by tiktoken counts, and the retry/backoff policy.

The openai SDK's own retries are switched off (max_retries=0) so that this policy is the only one:
exponential backoff with full jitter on 429, 5xx, timeouts and dropped connections, honouring the
server's Retry-After / retry-after-ms headers.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime


class RateLimiter:
    """Token buckets for requests and tokens per minute, shared by all worker threads."""

    def __init__(
        self,
        rpm: float | None = None,
        tpm: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rpm, self.tpm = rpm, tpm
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()
        now = clock()
        self._requests = float(rpm) if rpm else 0.0
        self._tokens = float(tpm) if tpm else 0.0
        self._updated = now
        self.waited_s = 0.0

    def _refill(self, now: float) -> None:
        elapsed = now - self._updated
        self._updated = now
        if self.rpm:
            self._requests = min(float(self.rpm), self._requests + elapsed * self.rpm / 60.0)
        if self.tpm:
            self._tokens = min(float(self.tpm), self._tokens + elapsed * self.tpm / 60.0)

    def acquire(self, tokens: int) -> None:
        """Block until one request of `tokens` tokens fits in both budgets."""
        if not self.rpm and not self.tpm:
            return
        # A request larger than the whole TPM budget could never fit; let it pass on a full bucket.
        tokens = min(tokens, int(self.tpm)) if self.tpm else tokens
        while True:
            with self._lock:
                self._refill(self._clock())
                need_requests = 1.0 - self._requests if self.rpm else 0.0
                need_tokens = tokens - self._tokens if self.tpm else 0.0
                if need_requests <= 0 and need_tokens <= 0:
                    if self.rpm:
                        self._requests -= 1.0
                    if self.tpm:
                        self._tokens -= tokens
                    return
                wait = max(
                    need_requests * 60.0 / self.rpm if self.rpm and need_requests > 0 else 0.0,
                    need_tokens * 60.0 / self.tpm if self.tpm and need_tokens > 0 else 0.0,
                )
            self.waited_s += wait
            self._sleep(wait)


def parse_retry_after(headers: Mapping[str, str] | None, now: float | None = None) -> float | None:
    """Seconds to wait according to `retry-after-ms` or `Retry-After` (seconds or HTTP date)."""
    if not headers:
        return None
    lowered = {k.lower(): v for k, v in headers.items()}
    if "retry-after-ms" in lowered:
        try:
            return max(float(lowered["retry-after-ms"]) / 1000.0, 0.0)
        except ValueError:
            pass
    value = lowered.get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None
    return max(when - (time.time() if now is None else now), 0.0)


@dataclass
class RetryPolicy:
    """Exponential backoff with full jitter; a server's Retry-After wins when it is given."""

    max_retries: int = 5
    base_delay_s: float = 0.5
    max_delay_s: float = 30.0
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, retry_number: int, retry_after_s: float | None = None) -> float:
        if retry_after_s is not None:
            return min(retry_after_s, self.max_delay_s)
        ceiling = min(self.max_delay_s, self.base_delay_s * (2**retry_number))
        return self.rng.uniform(0.0, ceiling)
