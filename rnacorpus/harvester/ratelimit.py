"""Per-archive token buckets, shared by every worker thread of one client.

A bucket hands out *reservations*: a caller takes a token now or books the next one and sleeps
until it is due, outside the lock. Booking ahead (the count may go negative) keeps threads in
arrival order and means N threads can never beat ``rate`` together.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Protocol

from rnacorpus.config import RateLimit

__all__ = ["DEFAULT_HOST_LIMIT", "Limiter", "RateLimiter", "TokenBucket"]

#: hosts outside ``config.base_urls`` (e.g. a study's supplementary link elsewhere) still get a polite limit
DEFAULT_HOST_LIMIT = RateLimit(5.0, 2)


class Limiter(Protocol):
    """What an HTTP client asks before each request: this process's buckets (:class:`RateLimiter`) or a
    cluster's (:mod:`rnacorpus.pipeline.cluster_limits`)."""

    def acquire(self, key: str) -> float: ...


class TokenBucket:
    """``rate`` tokens per second, at most ``burst`` saved up; starts full."""

    def __init__(self, limit: RateLimit, clock: Callable[[], float]) -> None:
        if limit.rate <= 0 or limit.burst < 1:
            raise ValueError(f"a rate limit needs rate > 0 and burst >= 1, got {limit}")
        self.limit = limit
        self._clock = clock
        self._tokens = float(limit.burst)
        self._stamp = clock()
        self._lock = threading.Lock()

    def reserve(self) -> float:
        """Take one token; return how many seconds the caller must wait before using it."""
        with self._lock:
            now = self._clock()
            # a wall clock stepping backwards must not mint or burn tokens
            elapsed = max(0.0, now - self._stamp)
            self._stamp = max(self._stamp, now)
            self._tokens = min(float(self.limit.burst), self._tokens + elapsed * self.limit.rate)
            self._tokens -= 1.0
            if self._tokens >= 0.0:
                return 0.0
            return -self._tokens / self.limit.rate


class RateLimiter:
    """One bucket per key (archive name, or host for unknown hosts), created on first use."""

    def __init__(
        self,
        limits: Mapping[str, RateLimit],
        *,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
        default: RateLimit = DEFAULT_HOST_LIMIT,
    ) -> None:
        self._limits = dict(limits)
        self._default = default
        self._clock = clock
        self._sleep = sleep
        self._buckets: dict[str, TokenBucket] = {}
        self._lock = threading.Lock()

    def limit_for(self, key: str) -> RateLimit:
        return self._limits.get(key, self._default)

    def bucket(self, key: str) -> TokenBucket:
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = TokenBucket(self.limit_for(key), self._clock)
            return bucket

    def acquire(self, key: str) -> float:
        """Block until a request to ``key`` is allowed; return the seconds waited."""
        if self.limit_for(key).unlimited:  # the user turned this archive's limit off
            return 0.0
        wait = self.bucket(key).reserve()
        if wait > 0:
            self._sleep(wait)
        return wait
