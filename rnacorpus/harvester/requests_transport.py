"""The real transport: a pooled ``requests.Session``. The only module in rnacorpus that imports requests.

Retries are deliberately off here (``max_retries=0``): urllib3 retrying underneath would hide
attempts from the client's budget, backoff and log. Every failure leaves as an
:mod:`rnacorpus.errors` class so the client never sees a requests or urllib3 exception.
"""

from __future__ import annotations

import http.client
import logging
import socket
import ssl
from collections.abc import Iterator

import requests
import requests.adapters
import urllib3.exceptions

from rnacorpus import __version__
from rnacorpus.errors import BadContentError, NetworkError, PermanentError, TruncatedError, UnreachableError
from rnacorpus.harvester.cachekeys import redact_text, redact_url
from rnacorpus.harvester.transport import HttpRequest, HttpResponse

__all__ = ["RequestsTransport"]


USER_AGENT = f"rnacorpus/{__version__} (python-requests)"


def _say(what: str, exc: BaseException) -> str:
    """requests quotes the whole URL, API key included, in its messages: redact before reuse."""
    return f"{what} ({redact_text(str(exc))})"


def _cause(exc: BaseException) -> BaseException | None:
    """Chain the original exception only when its text holds no secret (tracebacks print it)."""
    return exc if redact_text(str(exc)) == str(exc) else None


def _in_chain(exc: BaseException, kinds: type[BaseException] | tuple[type[BaseException], ...]) -> bool:
    """Whether ``exc`` wraps one of ``kinds`` anywhere: urllib3 and requests nest the socket error
    in args, ``reason``, ``__cause__`` and ``__context__``."""
    seen: set[int] = set()
    pending: list[object] = [exc]
    while pending:
        current = pending.pop()
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, kinds):
            return True
        pending.extend(current.args)
        pending.extend([getattr(current, "reason", None), current.__cause__, current.__context__])
    return False


def _is_incomplete_read(exc: BaseException) -> bool:
    """urllib3 wraps a short body as ProtocolError('Connection broken: IncompleteRead(...)', cause)."""
    return _in_chain(exc, http.client.IncompleteRead)


def _unreachable(exc: requests.exceptions.ConnectionError) -> str | None:
    """What kept the connection from being made, when it never was: refused, DNS or TLS."""
    if isinstance(exc, requests.exceptions.SSLError) or _in_chain(exc, ssl.SSLError):
        return "TLS handshake failed"
    if _in_chain(exc, urllib3.exceptions.NameResolutionError) or _in_chain(exc, socket.gaierror):
        return "DNS lookup failed"
    if _in_chain(exc, ConnectionRefusedError):
        return "connection refused"
    return None


class _Urllib3Body:
    """Streams a urllib3 response, mapping its failures onto rnacorpus errors."""

    def __init__(self, response: requests.Response, *, url: str, decode_content: bool) -> None:
        self._response = response
        self._url = redact_url(url)
        self._decode = decode_content

    @property
    def wire_bytes(self) -> int:
        return int(self._response.raw.tell())

    def chunks(self, size: int) -> Iterator[bytes]:
        raw, url = self._response.raw, self._url
        try:
            yield from raw.stream(size, decode_content=self._decode)
        except urllib3.exceptions.ReadTimeoutError as exc:
            raise NetworkError(_say("read timed out in the body", exc), url=url) from _cause(exc)
        except urllib3.exceptions.DecodeError as exc:
            raise BadContentError(_say("cannot undo Content-Encoding", exc), url=url) from _cause(exc)
        except urllib3.exceptions.ProtocolError as exc:
            if _is_incomplete_read(exc):
                what = f"body ended after {self.wire_bytes:,} bytes, before Content-Length"
                raise TruncatedError(_say(what, exc), url=url) from _cause(exc)
            raise NetworkError(_say("connection broken in the body", exc), url=url) from _cause(exc)
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise NetworkError(_say("body transfer failed", exc), url=url) from _cause(exc)

    def close(self) -> None:
        self._response.close()


class _RedactSecrets(logging.Filter):
    """urllib3 logs each request line with its full URL at DEBUG; keep API keys and emails out."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact_text(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact_text(record.msg)
        return True


def _guard_urllib3_log() -> None:
    pool_log = logging.getLogger("urllib3.connectionpool")
    if not any(isinstance(f, _RedactSecrets) for f in pool_log.filters):
        pool_log.addFilter(_RedactSecrets())


class RequestsTransport:
    """Connection-pooled HTTP over requests. Safe to share between worker threads for plain GETs."""

    def __init__(self, *, pool_size: int = 10, user_agent: str = USER_AGENT) -> None:
        _guard_urllib3_log()
        self._session = requests.Session()
        # max_retries=0: no hidden urllib3 retries; the client owns attempts and backoff.
        adapter = requests.adapters.HTTPAdapter(pool_connections=pool_size, pool_maxsize=pool_size, max_retries=0)
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        self._session.headers["User-Agent"] = user_agent

    def send(self, request: HttpRequest) -> HttpResponse:
        try:
            response = self._session.request(
                request.method,
                request.url,
                headers=dict(request.headers),
                timeout=request.timeout,
                stream=True,
                allow_redirects=True,
            )
        except (
            requests.exceptions.InvalidURL,
            requests.exceptions.MissingSchema,
            requests.exceptions.InvalidSchema,
        ) as exc:
            raise PermanentError(_say("unusable URL", exc), url=redact_url(request.url)) from _cause(exc)
        except requests.exceptions.TooManyRedirects as exc:
            raise PermanentError(_say("redirect loop", exc), url=redact_url(request.url)) from _cause(exc)
        except requests.exceptions.Timeout as exc:
            raise NetworkError(_say("timed out waiting", exc), url=redact_url(request.url)) from _cause(exc)
        except requests.exceptions.ConnectionError as exc:
            what = _unreachable(exc)
            error = UnreachableError if what is not None else NetworkError
            raise error(_say(what or "connection failed", exc), url=redact_url(request.url)) from _cause(exc)
        except requests.exceptions.RequestException as exc:
            raise NetworkError(_say("connection failed", exc), url=redact_url(request.url)) from _cause(exc)
        body = _Urllib3Body(response, url=request.url, decode_content=request.decode_content)
        return HttpResponse(response.status_code, response.headers.items(), body, url=response.url)

    def close(self) -> None:
        self._session.close()
