"""One token bucket per archive host for the whole cluster, kept by the Dask scheduler.

The driver downloads the studies' files, so their requests share its own buckets. But a build may
ask archives too (enrichment: ENA runs and BioSamples records of a study's samples, fetched where the
study is built), and each worker process has its own HTTP client: N workers would send N times an
archive's limit. With ``--scheduler``, every client of the run — the driver's and each worker's —
takes its tokens from the scheduler instead (:class:`SharedBuckets`, a scheduler plugin: the same
:class:`~rnacorpus.harvester.ratelimit.TokenBucket`, one per archive key, in the one process every
machine of the cluster already talks to). A request costs one round trip to the scheduler (about a
millisecond on a LAN, against 100 ms or more between two tokens of a 10 requests/s limit), and the
caller sleeps locally until its token is due; tokens are booked in arrival order, as on one machine.
The scheduler outlives any worker, so killing workers never lifts the limit.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from rnacorpus.config import Config, RateLimit
from rnacorpus.harvester.ratelimit import DEFAULT_HOST_LIMIT, TokenBucket

__all__ = ["HANDLER", "SharedBuckets", "SharedRateLimiter", "worker_limiter"]

HANDLER = "rnacorpus_rate_reserve"


class SharedBuckets:
    """Scheduler plugin: token buckets by (archive key, rate, burst), reserved through one RPC handler."""

    name = "rnacorpus-rate-limits"

    def __init__(self) -> None:
        self._buckets: dict[tuple[str, float, int], TokenBucket] = {}
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        return {}  # sent to the scheduler empty: buckets and lock are made there

    def __setstate__(self, state: dict[str, Any]) -> None:
        SharedBuckets.__init__(self)

    def start(self, scheduler: Any) -> None:
        scheduler.handlers[HANDLER] = self.reserve

    def reserve(self, key: str = "", rate: float = 1.0, burst: int = 1) -> float:
        """Book one token of ``key``'s bucket; the seconds the caller must wait before using it."""
        with self._lock:
            bucket = self._buckets.get((key, rate, burst))
            if bucket is None:
                bucket = self._buckets[(key, rate, burst)] = TokenBucket(RateLimit(rate, burst), time.monotonic)
        return bucket.reserve()


def install(client: Any) -> None:
    """Register the buckets on the scheduler (a later run replaces them by the same name: fresh, full buckets)."""
    from rnacorpus.pipeline.cluster_plugin import SharedBucketsPlugin

    client.register_plugin(SharedBucketsPlugin(), name=SharedBuckets.name)


class SharedRateLimiter:
    """An HTTP client's limiter that takes its tokens from the scheduler (a ``RateLimiter`` stand-in)."""

    def __init__(self, limits: Any, call: Any, sleep: Any = time.sleep) -> None:
        self._limits = dict(limits)
        self._call = call  # (key, rate, burst) -> seconds to wait
        self._sleep = sleep

    def limit_for(self, key: str) -> RateLimit:
        limit: RateLimit = self._limits.get(key, DEFAULT_HOST_LIMIT)
        return limit

    def acquire(self, key: str) -> float:
        limit = self.limit_for(key)
        if limit.unlimited:  # the user turned this archive's limit off: no round trip to the scheduler
            return 0.0
        wait = float(self._call(key, limit.rate, limit.burst))
        if wait > 0:
            self._sleep(wait)
        return wait


def driver_limiter(client: Any, config: Config) -> SharedRateLimiter:
    """The driver's limiter, through its ``distributed.Client``."""

    def call(key: str, rate: float, burst: int) -> float:
        rpc = getattr(client.scheduler, HANDLER)
        return float(client.sync(rpc, key=key, rate=rate, burst=burst))

    return SharedRateLimiter(config.limits, call)


def worker_limiter(config: Config) -> SharedRateLimiter | None:
    """In a Dask worker of a ``--scheduler`` run: a limiter through the worker's scheduler connection."""
    if config.scheduler is None:
        return None
    try:
        from distributed import get_worker
        from distributed.utils import sync

        worker = get_worker()
    except (ImportError, ValueError):  # not in a Dask worker (a local pool, the driver)
        return None

    def call(key: str, rate: float, burst: int) -> float:
        rpc = getattr(worker.scheduler, HANDLER)
        return float(sync(worker.loop, rpc, key=key, rate=rate, burst=burst))

    return SharedRateLimiter(config.limits, call)
