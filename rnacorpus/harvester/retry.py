"""When to try again, and how long to wait first.

* Transient errors (:class:`~rnacorpus.errors.TransientError`: 429, 5xx, connection errors, read
  timeouts, truncated bodies) are retried; permanent ones never are.
* The wait is ``Retry-After`` when the server gave one (seconds or an HTTP date), otherwise
  exponential backoff with full jitter: ``uniform(0, min(backoff_max, backoff_base * 2**(n-1)))``.
* A request stops after ``max_attempts`` attempts, or as soon as the next wait would push its total
  waiting past ``retry_budget``; the last transient error is then raised as is.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import TypeVar

from rnacorpus.config import Config
from rnacorpus.errors import (
    HttpStatusError,
    NetworkError,
    NotFoundError,
    RateLimitedError,
    RnacorpusError,
    ServerError,
    TransientError,
)

__all__ = ["RetryPolicy", "error_for_status", "parse_retry_after", "retry_after_of", "run_with_retries"]

T = TypeVar("T")


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date); None if absent or bad."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:  # RFC 9110 dates are GMT; an unlabelled one is read as UTC
            when = when.replace(tzinfo=UTC)
        seconds = when.timestamp() - now
    if math.isnan(seconds) or math.isinf(seconds):
        return None
    return max(0.0, seconds)


def error_for_status(
    status: int, headers: Mapping[str, str], *, url: str, now: float, snippet: bytes = b""
) -> RnacorpusError | None:
    """The error an HTTP status means, or None for success (2xx and 304)."""
    if 200 <= status < 300 or status == 304:
        return None
    detail = snippet[:200].decode("utf-8", "replace").strip()
    message = f"HTTP {status}" + (f": {detail}" if detail else "")
    retry_after = parse_retry_after(headers.get("Retry-After"), now)
    if status in (404, 410):
        return NotFoundError(message, url=url)
    if status == 429:
        return RateLimitedError(message, retry_after=retry_after, url=url)
    if status >= 500:
        return ServerError(message, status=status, retry_after=retry_after, url=url)
    if status == 408:  # the server gave up waiting for us: a network hiccup, worth another try
        return NetworkError(message, url=url)
    return HttpStatusError(message, status=status, url=url)


def retry_after_of(error: BaseException) -> float | None:
    value = getattr(error, "retry_after", None)
    return float(value) if isinstance(value, int | float) else None


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    backoff_base: float = 1.0
    backoff_max: float = 60.0
    #: total seconds of waiting between attempts one request may spend
    budget: float = 300.0

    @classmethod
    def from_config(cls, config: Config) -> RetryPolicy:
        return cls(config.max_attempts, config.backoff_base, config.backoff_max, config.retry_budget)

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Full-jitter wait after failed attempt number ``attempt`` (1-based)."""
        cap = min(self.backoff_max, self.backoff_base * 2 ** (attempt - 1))
        return rng.uniform(0.0, cap)

    def wait_after(self, error: TransientError, attempt: int, rng: random.Random) -> float:
        server_said = retry_after_of(error)
        return server_said if server_said is not None else self.backoff(attempt, rng)


def run_with_retries(
    attempt_once: Callable[[int], T],
    policy: RetryPolicy,
    *,
    sleep: Callable[[float], None],
    rng: random.Random,
    on_retry: Callable[[TransientError, int, float], None] | None = None,
) -> T:
    """Call ``attempt_once(attempt_number)`` until it returns, a permanent error, or the policy gives up."""
    waited = 0.0
    attempt = 1
    while True:
        try:
            return attempt_once(attempt)
        except TransientError as error:
            if attempt >= policy.max_attempts:
                raise
            wait = policy.wait_after(error, attempt, rng)
            if waited + wait > policy.budget:
                raise
            if on_retry is not None:
                on_retry(error, attempt, wait)
            if wait > 0:
                sleep(wait)
            waited += wait
            attempt += 1
