"""One request on the wire, as :class:`~rnacorpus.harvester.http.HttpClient` sends it.

Kept apart from the client's cache and retry logic because it is the one place that touches the
transport: it waits for the archive's token bucket, asks the circuit breaker first (a tripped
breaker refuses before any I/O), sends, and turns a non-success status into its
:mod:`rnacorpus.errors` class — reading only a short snippet of an error page, so a misbehaving
server cannot make an error cost a whole body. :func:`check_length` and :func:`error_context` are
the two checks every caller of a response applies after it.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from rnacorpus.errors import ArchiveDownError, HttpStatusError, RnacorpusError, TruncatedError, UnreachableError
from rnacorpus.harvester.breaker import CircuitBreaker
from rnacorpus.harvester.cachekeys import redact_url
from rnacorpus.harvester.ratelimit import Limiter
from rnacorpus.harvester.retry import error_for_status
from rnacorpus.harvester.routing import Route
from rnacorpus.harvester.transport import HttpRequest, HttpResponse, Transport

__all__ = ["Wire", "check_length", "error_context"]

#: the requests are the HTTP client's: users (and tests) filter its log by that name
log = logging.getLogger("rnacorpus.harvester.http")

#: bytes of an error page kept for the error's message (and read at all)
_ERROR_SNIPPET = 2048


@dataclass(frozen=True)
class Wire:
    """What one request needs: the transport, the breaker, the rate limiter and the timeouts."""

    transport: Transport
    breaker: CircuitBreaker
    limiter: Limiter
    timeout: tuple[float, float]
    max_attempts: int

    def open(
        self,
        route: Route,
        headers: dict[str, str],
        *,
        decode_content: bool,
        attempt: int,
        verdict: str,
        now: Callable[[], float],
    ) -> HttpResponse:
        """Send one request (after the rate limit); a non-success status becomes its error."""
        self.breaker.check()
        self.limiter.acquire(route.archive)
        request = HttpRequest("GET", route.send_url, headers, timeout=self.timeout, decode_content=decode_content)
        shown = redact_url(route.send_url)
        of = f"attempt {attempt}/{self.max_attempts}, cache {verdict}"
        try:
            response = self.transport.send(request)
        except UnreachableError as exc:
            log.debug("GET %s -> %s (%s)", shown, exc.kind, of)
            raise self.breaker.unreachable(route.send_host, exc) from exc
        except RnacorpusError as exc:
            log.debug("GET %s -> %s (%s)", shown, exc.kind, of)
            raise
        log.debug("GET %s -> %d (%s)", shown, response.status, of)
        if response.status < 500:
            self.breaker.answered(route.send_host)
        if 200 <= response.status < 300 or response.status == 304:
            return response
        with response:
            try:
                snippet = response.read_prefix(_ERROR_SNIPPET)
            except RnacorpusError:
                snippet = b""
        error = error_for_status(response.status, response.headers, url=route.public_url, now=now(), snippet=snippet)
        raise error or HttpStatusError(f"HTTP {response.status}", status=response.status)


def check_length(response: HttpResponse) -> None:
    """Content-Length counts bytes on the wire (compressed ones under Content-Encoding), so compare it
    with wire bytes, never with decoded ones (GEOparse#80)."""
    announced = response.content_length
    received = response.wire_bytes
    if announced is not None and received < announced:
        raise TruncatedError(f"body ended after {received:,} of {announced:,} announced bytes")


@contextlib.contextmanager
def error_context(public_url: str, accession: str | None) -> Iterator[None]:
    """Errors raised inside name the archive URL (redacted) and the caller's accession."""
    try:
        yield
    except RnacorpusError as exc:
        # the transport saw the wire URL (mirror host, API key); callers get the archive URL, redacted
        if isinstance(exc, ArchiveDownError):
            raise  # the run is stopping: no request's context belongs in that message
        exc.url = public_url
        exc.accession = exc.accession or accession
        raise
