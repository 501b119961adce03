"""The circuit breaker and the run loop's guard, without a network: which failures make an outage.

* a host that answers (any status below 500) ends its failure streak;
* ``threshold`` failed requests in a row to one host trip it; other hosts keep their own streak;
* rate limits and truncated bodies are the host answering, never an outage;
* the guard holds a failure back while its host's streak is open, releases it once the host answers
  (the study's own failure) and drops it when the breaker trips (not run, not quarantined).
"""

from __future__ import annotations

import pytest
import requests
import urllib3.exceptions

from rnacorpus.errors import (
    ArchiveDownError,
    HtmlPageError,
    NetworkError,
    RateLimitedError,
    ServerError,
    TruncatedError,
    UnreachableError,
)
from rnacorpus.harvester.breaker import CircuitBreaker
from rnacorpus.harvester.requests_transport import _unreachable
from rnacorpus.pipeline.outage import OutageGuard

A, B = "https://ftp.ncbi.nlm.nih.gov", "https://eutils.ncbi.nlm.nih.gov"


def test_threshold_failures_in_a_row_trip_and_an_answer_resets() -> None:
    breaker = CircuitBreaker(3)
    assert breaker.failed(A, ServerError("HTTP 503", status=503)) is None
    assert breaker.failed(A, NetworkError("timed out waiting")) is None
    breaker.answered(A)
    assert breaker.failed(A, HtmlPageError("got an HTML page")) is None
    assert breaker.failed(B, ServerError("HTTP 502", status=502)) is None  # another host, its own streak
    assert breaker.failed(A, ServerError("HTTP 503", status=503)) is None
    tripped = breaker.failed(A, ServerError("HTTP 504", status=504))
    assert isinstance(tripped, ArchiveDownError) and tripped.host == A
    assert str(tripped).startswith(f"{A} did not answer (3 requests in a row failed, the last with: HTTP 504)")
    with pytest.raises(ArchiveDownError):
        breaker.check()


@pytest.mark.parametrize(
    "error", [RateLimitedError("HTTP 429"), TruncatedError("body ended early")], ids=["429", "truncated"]
)
def test_the_host_answering_badly_is_not_an_outage(error: RateLimitedError | TruncatedError) -> None:
    breaker = CircuitBreaker(1)
    assert breaker.failed(A, error) is None and breaker.tripped is None


def test_unreachable_trips_at_once_and_names_the_mirror() -> None:
    breaker = CircuitBreaker(5, mirror="http://127.0.0.1:9/")
    raised = breaker.unreachable("http://127.0.0.1:9", UnreachableError("connection refused (details)"))
    assert str(raised).startswith("the mirror http://127.0.0.1:9 did not answer (connection refused) — is the mirror")
    assert breaker.tripped is not None and breaker.tripped is not raised, "each raise is a fresh error"


class Item:
    def __init__(self, name: str, error: BaseException | None = None) -> None:
        self.name, self.error = name, error


def names(items: list[Item]) -> list[str]:
    return [item.name for item in items]


def test_the_guard_releases_a_held_failure_once_the_host_answers() -> None:
    breaker = CircuitBreaker(3)
    guard: OutageGuard[Item] = OutageGuard(breaker, lambda item: item.error)
    failure = ServerError("HTTP 503", status=503)
    breaker.failed(A, failure)
    assert guard.settle(Item("s1", failure)) == []  # may be the start of an outage: held
    breaker.answered(A)
    assert names(guard.settle(Item("s2"))) == ["s1", "s2"]  # the host answered: s1 failed on its own
    assert guard.drain() == [] and guard.not_run == []


def test_the_guard_drops_held_failures_when_the_breaker_trips() -> None:
    breaker = CircuitBreaker(2)
    guard: OutageGuard[Item] = OutageGuard(breaker, lambda item: item.error)
    first = NetworkError("timed out")
    breaker.failed(A, first)
    assert guard.settle(Item("s1", first)) == []
    second = breaker.failed(A, NetworkError("timed out"))
    assert names(guard.settle(Item("s2", second))) == []
    assert names(guard.settle(Item("s3"))) == ["s3"]  # a study that got through before the trip still loads
    assert guard.drain() == [] and names(guard.not_run) == ["s1", "s2"]


def test_a_failure_still_held_at_the_end_is_the_studys_own() -> None:
    breaker = CircuitBreaker(3)
    guard: OutageGuard[Item] = OutageGuard(breaker, lambda item: item.error)
    failure = ServerError("HTTP 500", status=500)
    breaker.failed(A, failure)
    assert guard.settle(Item("last", failure)) == []
    assert names(guard.drain()) == ["last"]


def test_connection_failures_are_told_apart() -> None:
    refused = urllib3.exceptions.NewConnectionError(None, "Failed to establish a new connection")  # type: ignore[arg-type]
    refused.__cause__ = ConnectionRefusedError(111, "Connection refused")
    dns = urllib3.exceptions.NameResolutionError("no-such-host.invalid", None, OSError("Name or service not known"))  # type: ignore[arg-type]
    reset = urllib3.exceptions.ProtocolError("Connection aborted.", ConnectionResetError(104, "reset"))
    assert _unreachable(requests.exceptions.ConnectionError(urllib3.exceptions.MaxRetryError(None, "/", refused))) == (  # type: ignore[arg-type]
        "connection refused"
    )
    assert _unreachable(requests.exceptions.ConnectionError(urllib3.exceptions.MaxRetryError(None, "/", dns))) == (  # type: ignore[arg-type]
        "DNS lookup failed"
    )
    assert _unreachable(requests.exceptions.SSLError("handshake")) == "TLS handshake failed"
    assert _unreachable(requests.exceptions.ConnectionError(reset)) is None
