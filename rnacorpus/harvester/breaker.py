"""The circuit breaker: an archive that stops answering ends the run; its studies are not failures.

A study fails on its own files (a 404, a bad file, a page that stays broken); an archive that does
not answer at all fails every study alike, and quarantining them all would be wrong and slow (each
would spend its whole retry budget). So the :class:`~rnacorpus.harvester.http.HttpClient` reports
what each host does to one :class:`CircuitBreaker`, keyed by the host it actually sends to (the
mirror when ``--mirror`` is set):

* a connection refused, a name that does not resolve or a TLS handshake that fails
  (:class:`~rnacorpus.errors.UnreachableError`) trips it at once — no retries;
* ``threshold`` consecutive requests to one host that each failed after their retries with an
  outage-like error (no connection, a timeout, a 5xx, an HTML page where a file belongs) trip it;
* any answer from the host below 500 (200, 304, 404, 429 …) ends its streak.

Once tripped, every request of the client raises the same :class:`~rnacorpus.errors.ArchiveDownError`
without touching the network, the run loop stops taking studies, and the studies whose failure was
part of the streak are not quarantined (:meth:`CircuitBreaker.implicates`). The next run retries.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from rnacorpus.errors import (
    ArchiveDownError,
    HtmlPageError,
    NetworkError,
    ServerError,
    TransientError,
)

__all__ = ["DEFAULT_THRESHOLD", "CircuitBreaker", "counts_as_outage"]

#: consecutive failed requests to one host (each after its own retries) that make an outage
DEFAULT_THRESHOLD = 3


def counts_as_outage(error: BaseException) -> bool:
    """Errors that say the host is not serving (as opposed to one file being bad or throttled)."""
    return isinstance(error, NetworkError | ServerError | HtmlPageError)


@dataclass
class _Streak:
    errors: list[TransientError] = field(default_factory=list)


class CircuitBreaker:
    """Per-host failure streaks of one run's HTTP client (thread-safe)."""

    def __init__(self, threshold: int = DEFAULT_THRESHOLD, *, mirror: str | None = None) -> None:
        if threshold < 1:
            raise ValueError("threshold must be at least 1")
        self.threshold = threshold
        self.mirror = mirror
        self._lock = threading.Lock()
        self._streaks: dict[str, _Streak] = {}
        self._tripped: ArchiveDownError | None = None

    @property
    def tripped(self) -> ArchiveDownError | None:
        """Why the run stops (host and reason, no request context), or None while the circuit is closed."""
        return self._tripped

    def check(self) -> None:
        """Before a request: raise the trip error if the run is stopping."""
        if self._tripped is not None:
            raise self._copy()

    def _copy(self) -> ArchiveDownError:
        # a fresh instance per raise: callers add their request's context (URL, accession) to it
        assert self._tripped is not None
        return ArchiveDownError(self._tripped.message, host=self._tripped.host)

    def answered(self, host: str) -> None:
        """The host sent a status line below 500: it is up; its streak ends."""
        with self._lock:
            self._streaks.pop(host, None)

    def unreachable(self, host: str, error: NetworkError) -> ArchiveDownError:
        """No connection at all: trip now and return the error to raise instead of ``error``."""
        with self._lock:
            self._trip(host, _reason(error))
            return self._copy()

    def failed(self, host: str, error: TransientError) -> ArchiveDownError | None:
        """A request failed after its retries. Returns the trip error when this failure completes an
        outage (raise it instead of ``error``), else None (``error`` stands, and may be implicated later)."""
        if not counts_as_outage(error):
            return None
        with self._lock:
            if self._tripped is None:
                streak = self._streaks.setdefault(host, _Streak())
                streak.errors.append(error)
                if len(streak.errors) < self.threshold:
                    return None
                self._trip(host, f"{len(streak.errors)} requests in a row failed, the last with: {_reason(error)}")
            return self._copy()

    def implicates(self, error: BaseException | None) -> bool:
        """Whether a study's error may belong to an outage rather than to the study: the trip error
        itself, or a failure in a host's current streak (which an answer from that host would clear)."""
        if error is None:
            return False
        if isinstance(error, ArchiveDownError):
            return True
        with self._lock:
            return any(error is seen for streak in self._streaks.values() for seen in streak.errors)

    def _trip(self, host: str, reason: str) -> None:
        if self._tripped is None:
            self._tripped = ArchiveDownError(self._message(host, reason), host=host)

    def _message(self, host: str, reason: str) -> str:
        if self.mirror is not None:
            who = f"the mirror {self.mirror.rstrip('/')} did not answer ({reason}) — is the mirror running?"
        else:
            who = f"{host} did not answer ({reason})"
        return f"{who} The run stopped; studies it could not reach were not quarantined. Run it again to retry them."


def _reason(error: BaseException) -> str:
    text = getattr(error, "message", None) or str(error)
    return text.split(" (", 1)[0] if isinstance(error, NetworkError) else text
