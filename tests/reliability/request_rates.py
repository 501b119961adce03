"""Per-archive request rates as the mirror saw them, checked against the limits of a run.

For each archive (rate-limit key) the arrivals the mirror recorded must fit one token bucket: no
one-second window holds more than ``burst + rate`` requests, and n requests take at least
``(n - burst) / rate`` seconds. Several processes with a bucket each would break the first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from rnacorpus.config import RateLimit
from tests.reliability.fault_mirror import archive_of

__all__ = ["JITTER", "SPAN_SLACK", "arrivals_by_archive", "assert_within_limits", "busiest_second"]

#: the server clock sees a request a little after the client's bucket released it
JITTER = 0.05
#: ... and the first request of a host later than the next ones (a new connection; a loaded machine):
#: the span of n arrivals may fall short of the bucket's (n - burst) / rate by that much
SPAN_SLACK = 0.5


def arrivals_by_archive(hits: Iterable[tuple[str, float]]) -> dict[str, list[float]]:
    """(request path, arrival time) pairs, sorted by time per archive."""
    arrivals: dict[str, list[float]] = defaultdict(list)
    for path, at in hits:
        arrivals[archive_of(path)].append(at)
    return {archive: sorted(times) for archive, times in arrivals.items()}


def busiest_second(times: list[float]) -> int:
    """The most arrivals in any one-second window (``times`` sorted)."""
    return max(sum(1 for t in times[i:] if t < start + 1.0) for i, start in enumerate(times))


def assert_within_limits(arrivals: Mapping[str, list[float]], limits: Mapping[str, RateLimit]) -> None:
    for archive, times in arrivals.items():
        limit = limits[archive]
        busiest = busiest_second(times)
        assert busiest <= limit.burst + limit.rate * (1.0 + JITTER), f"{archive}: {busiest} requests in one second"
        assert times[-1] - times[0] >= (len(times) - limit.burst) / limit.rate - SPAN_SLACK, archive
