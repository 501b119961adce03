"""Keep an outage from being written down as study failures.

A study that failed with an outage-like error (no connection, a timeout, a 5xx, an HTML page) while
its host is in a failure streak may be the first sign of an archive going down rather than a fault
of its own. The run loop passes each finished study through an :class:`OutageGuard`, which holds
such a study back until the host answers again (then it is the study's own failure: quarantined as
usual) or the circuit breaker trips (then it is not run at all: no quarantine, the next run retries).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from rnacorpus.errors import ArchiveDownError
from rnacorpus.harvester.breaker import CircuitBreaker

__all__ = ["OutageGuard"]

T = TypeVar("T")


class OutageGuard(Generic[T]):
    """Orders a run's finished studies: which to load or quarantine now, which to hold, which to drop."""

    def __init__(self, breaker: CircuitBreaker, error_of: Callable[[T], BaseException | None]) -> None:
        self._breaker = breaker
        self._error_of = error_of
        self._held: list[T] = []
        #: studies the outage interrupted: neither loaded nor quarantined
        self.not_run: list[T] = []

    @property
    def outage(self) -> ArchiveDownError | None:
        """Set once the breaker tripped: the run must stop taking studies."""
        return self._breaker.tripped

    def settle(self, item: T) -> list[T]:
        """``item`` just finished its fetch/parse: the studies to load or quarantine now, in order."""
        implicated = self._breaker.implicates(self._error_of(item))
        if self.outage is not None:
            self.not_run.extend(self._held)
            self._held.clear()
            if implicated:
                self.not_run.append(item)
                return []
            return [item]
        still: list[T] = []
        released: list[T] = []
        for held in self._held:  # a host that answered since clears its streak: those failures were their own
            (still if self._breaker.implicates(self._error_of(held)) else released).append(held)
        self._held = still
        if implicated:
            self._held.append(item)
            return released
        return [*released, item]

    def drain(self) -> list[T]:
        """At the end of the run: what is still held fails on its own unless the breaker tripped."""
        held, self._held = self._held, []
        if self.outage is not None:
            self.not_run.extend(held)
            return []
        return held
