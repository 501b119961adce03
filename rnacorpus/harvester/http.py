"""The one HTTP seam: every byte rnacorpus takes from an archive comes through :class:`HttpClient`.

Order of operations for :meth:`HttpClient.fetch` (files that land in the raw cache):

1. route the URL (archive key, ``--mirror``, NCBI etiquette) — :mod:`.routing`
2. find and verify the cached copy and its sidecar; plan use / revalidate / download /
   offline_miss before any network I/O — :func:`.cache.plan_fetch`
3. per attempt: wait for the archive's token bucket, send, map the status to an error, stream the
   body into a temp file while checking it (:mod:`.checks`), compare with ``Content-Length``, fsync,
   rename, write the sidecar (a large gzip body fetched inside :func:`.deferred_check.deferring_body_checks`
   is checked on its head and stored unverified, for its parser to prove whole; an unverified entry
   is inflated whole before any other use)
4. transient failures are retried with backoff and ``Retry-After`` within the budget — :mod:`.retry`;
   an unreachable host, or a run of failed requests to one host, trips the circuit breaker and every
   request from then on raises :class:`~rnacorpus.errors.ArchiveDownError` — :mod:`.breaker`

:meth:`~HttpClient.get_json` and :meth:`~HttpClient.get_text` serve small answers (E-utilities,
directory listings, the download page) the same way; E-utilities answers are not cached by default.

Errors are :mod:`rnacorpus.errors` classes whose ``url`` is the archive URL with secrets redacted
(never the mirror URL, never the API key) and whose ``accession`` is the caller's.
"""

from __future__ import annotations

import contextlib
import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from rnacorpus.config import Config
from rnacorpus.errors import (
    ArchiveDownError,
    BadContentError,
    HttpStatusError,
    LimitExceededError,
    OfflineMiss,
    RnacorpusError,
    TransientError,
)
from rnacorpus.harvester.breaker import CircuitBreaker
from rnacorpus.harvester.cache import RawCache, Verify
from rnacorpus.harvester.cache_entry import CachedFile, CacheEntry
from rnacorpus.harvester.cache_policy import NO_STORE, PINNED, SEARCH, STUDY, CachePolicy, default_policy, plan_fetch
from rnacorpus.harvester.cachekeys import cache_key, redact_url
from rnacorpus.harvester.checks import DEFERRABLE, EXPECTS, CheckLimits, StreamChecker, check_file
from rnacorpus.harvester.deferred_check import DeferredChecks, current_deferral, handed_out
from rnacorpus.harvester.ratelimit import Limiter, RateLimiter
from rnacorpus.harvester.retry import RetryPolicy, run_with_retries
from rnacorpus.harvester.routing import Params, Route, Router, with_params
from rnacorpus.harvester.transport import HttpResponse, Transport
from rnacorpus.harvester.wire import Wire, check_length, error_context

__all__ = [
    "MAX_IN_MEMORY_BYTES",
    "NO_STORE",
    "PINNED",
    "SEARCH",
    "STUDY",
    "CachePolicy",
    "CachedFile",
    "HttpClient",
    "default_policy",
]

log = logging.getLogger(__name__)

T = TypeVar("T")

#: answers returned as str/dict are held in memory; past this they belong in ``fetch``
MAX_IN_MEMORY_BYTES = 256 * 1024**2


class HttpClient:
    """Built once from the Config and shared by all worker threads."""

    def __init__(
        self,
        config: Config,
        transport: Transport | None = None,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] | None = None,
        *,
        rng: random.Random | None = None,
        limiter: Limiter | None = None,
    ) -> None:
        self.config = config
        if transport is None:
            from rnacorpus.harvester.requests_transport import RequestsTransport

            transport = RequestsTransport(pool_size=max(10, 2 * config.workers))
        self._transport = transport
        self._clock = clock or time.time
        self._sleep = sleep or time.sleep
        self._rng = rng or random.Random()
        self._router = Router(config)
        self._limiter: Limiter = limiter or RateLimiter(config.limits, clock=self._clock, sleep=self._sleep)
        self._retry = RetryPolicy.from_config(config)
        self._limits = CheckLimits.from_config(config)
        self.cache = RawCache(config.cache_dir)
        #: trips when an archive host (or the mirror) stops answering; see :mod:`.breaker`
        self.breaker = CircuitBreaker(config.outage_threshold, mirror=config.mirror)

    def use_limiter(self, limiter: Limiter) -> Limiter:
        """Take request tokens from ``limiter`` from now on (a cluster's shared buckets); returns the old one."""
        previous, self._limiter = self._limiter, limiter
        return previous

    @property
    def outage(self) -> ArchiveDownError | None:
        """Why this client refuses every request (an archive stopped answering), or None."""
        return self.breaker.tripped

    # -- public API ---------------------------------------------------------------------------

    def fetch(
        self,
        url: str,
        *,
        expect: str,
        accession: str | None = None,
        revalidate: bool = False,
        policy: CachePolicy | None = None,
        verify: Verify = "cheap",
    ) -> CachedFile:
        """The file at ``url`` in the raw cache, downloaded, revalidated or reused as planned."""
        if expect not in EXPECTS:
            raise ValueError(f"unknown expect={expect!r}; known: {', '.join(sorted(EXPECTS))}")
        with error_context(redact_url(url), accession):
            route = self._router.route(url)
            policy = policy or default_policy(route.archive)
            return self._fetch_route(route, expect, policy, revalidate, verify, may_defer=True)

    def get_json(
        self,
        url: str,
        params: Params | None = None,
        *,
        accession: str | None = None,
        policy: CachePolicy | None = None,
    ) -> dict[str, Any]:
        """A JSON object (E-utilities error objects raise, see :mod:`.checks`)."""
        with error_context(redact_url(with_params(url, params)), accession):
            route = self._router.route(url, params)
            body, checker = self._get(route, "json", policy)
            value = checker.json_value if checker is not None else _parse_json(body, route)
            if not isinstance(value, dict):
                raise BadContentError(f"expected a JSON object, got {type(value).__name__}")
            return value

    def get_text(
        self,
        url: str,
        params: Params | None = None,
        *,
        expect: str = "text",
        accession: str | None = None,
        policy: CachePolicy | None = None,
        revalidate: bool = False,
    ) -> str:
        """A small text answer (HTML listing, download page, XML, plain text), decoded as UTF-8.

        ``revalidate`` asks the archive whether a cached answer is still current, as in :meth:`fetch`."""
        if expect not in EXPECTS:
            raise ValueError(f"unknown expect={expect!r}; known: {', '.join(sorted(EXPECTS))}")
        with error_context(redact_url(with_params(url, params)), accession):
            route = self._router.route(url, params)
            body, _ = self._get(route, expect, policy, revalidate)
            return body.decode("utf-8", "replace")

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- cached files -------------------------------------------------------------------------

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), UTC)

    def _fetch_route(
        self, route: Route, expect: str, policy: CachePolicy, revalidate: bool, verify: Verify, *, may_defer: bool
    ) -> CachedFile:
        target = self.cache.path_for(route.archive, route.url)
        key = cache_key(route.url)
        deferral = current_deferral() if may_defer and expect in DEFERRABLE and self.cache.remote is None else None
        with self.cache.lock(target):
            entry = self._usable_for(self.cache.load(target, key, verify=verify), expect, deferral)
            plan = plan_fetch(entry, policy, self._now(), offline=self.config.offline, revalidate=revalidate)
            if plan.action == "use" and entry is not None:
                log.debug("GET %s -> cached (%s)", route.public_url, plan.reason)
                return handed_out(entry, deferral, from_cache=True, changed=False)
            if plan.action == "offline_miss":
                raise OfflineMiss(f"--offline and not in the cache ({target})", path=target)
            self.cache.remove_stale_parts(target)
            conditional = entry if plan.action == "revalidate" else None
            return self._download(route, target, key, expect, policy, entry, conditional, deferral)

    def _usable_for(self, entry: CacheEntry | None, expect: str, deferral: DeferredChecks | None) -> CacheEntry | None:
        """A file cached under a looser expectation, or left unverified where no reader will prove it
        whole (outside a deferral), is checked (locally) before reuse; failing, it is a miss."""
        if entry is None:
            return None
        unproven = not entry.verified and deferral is None
        if expect in ("any", entry.expect) and not unproven:
            return entry
        try:
            check_file(entry.path, expect if expect != "any" else entry.expect, url=entry.url, limits=self._limits)
        except RnacorpusError as exc:
            log.warning("cache: %s does not pass expect=%s (%s); treating as a miss", entry.path, expect, exc)
            return None
        entry = replace(entry, expect=expect if expect != "any" else entry.expect, verified=True)
        with contextlib.suppress(OSError):
            self.cache.write_sidecar(entry)
        return entry

    def _download(
        self,
        route: Route,
        target: Path,
        key: str,
        expect: str,
        policy: CachePolicy,
        previous: CacheEntry | None,
        conditional: CacheEntry | None,
        deferral: DeferredChecks | None,
    ) -> CachedFile:
        # identity: store the archive's bytes as they are, and keep Content-Length comparable (GEOparse#80)
        headers = {"Accept-Encoding": "identity"}
        if conditional is not None and conditional.etag:
            headers["If-None-Match"] = conditional.etag
        if conditional is not None and conditional.last_modified:
            headers["If-Modified-Since"] = conditional.last_modified
        verdict = "revalidate" if conditional is not None else "download"

        def attempt(number: int) -> CachedFile:
            opened = self._open(route, headers, decode_content=False, attempt=number, verdict=verdict)
            with opened as response:
                if response.status == 304:
                    if conditional is None:
                        raise HttpStatusError("HTTP 304 to an unconditional request", status=304)
                    return self._mark_validated(conditional, response, policy, deferral)
                return self._store(response, route, target, key, expect, policy, previous, deferral)

        return self._retrying(route, attempt)

    def _store(
        self,
        response: HttpResponse,
        route: Route,
        target: Path,
        key: str,
        expect: str,
        policy: CachePolicy,
        previous: CacheEntry | None,
        deferral: DeferredChecks | None,
    ) -> CachedFile:
        checker = StreamChecker(
            expect,
            url=route.public_url,
            limits=self._limits,
            content_type=response.content_type,
            defer_after=deferral.prefix_bytes if deferral is not None else None,
        )

        def before_commit() -> None:
            check_length(response)
            checker.finish()

        size, sha256, mtime_ns = self.cache.write_stream(
            target, response.iter_bytes(), on_chunk=checker.feed, before_commit=before_commit
        )
        now = self._now()
        entry = CacheEntry(
            path=target,
            url=route.public_url,
            cache_key=key,
            archive=route.archive,
            size=size,
            sha256=sha256,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            content_type=response.content_type,
            expect=expect,
            policy=policy.name,
            fetched_at=now,
            validated_at=now,
            expires=now + policy.max_age if policy.max_age is not None else None,
            mtime_ns=mtime_ns,
            verified=checker.complete,
        )
        self.cache.write_sidecar(entry)
        changed = previous is None or previous.sha256 != sha256
        log.info("downloaded %s (%d bytes%s)", route.public_url, size, "" if changed else ", unchanged")
        return handed_out(entry, deferral, from_cache=False, changed=changed)

    def _mark_validated(
        self, entry: CacheEntry, response: HttpResponse, policy: CachePolicy, deferral: DeferredChecks | None
    ) -> CachedFile:
        now = self._now()
        refreshed = replace(
            entry,
            etag=response.headers.get("ETag") or entry.etag,
            last_modified=response.headers.get("Last-Modified") or entry.last_modified,
            policy=policy.name,
            validated_at=now,
            expires=now + policy.max_age if policy.max_age is not None else None,
        )
        self.cache.write_sidecar(refreshed)
        return handed_out(refreshed, deferral, from_cache=True, changed=False)

    # -- small answers ------------------------------------------------------------------------

    def _get(
        self, route: Route, expect: str, policy: CachePolicy | None, revalidate: bool = False
    ) -> tuple[bytes, StreamChecker | None]:
        """Body bytes, plus the checker when the body came from the network (it holds parsed JSON)."""
        policy = policy or default_policy(route.archive)
        if policy.store or self.config.offline:
            # read whole here, by a reader that does not report back: never deferred
            cached = self._fetch_route(route, expect, policy, revalidate, "cheap", may_defer=False)
            return self._read_small(cached.path), None
        return self._get_uncached(route, expect)

    def _read_small(self, path: Path) -> bytes:
        limits, cap = self._limits, MAX_IN_MEMORY_BYTES
        with limits.open(path) as handle:
            data = handle.read(cap + 1)
        if len(data) > cap:
            raise LimitExceededError(f"answer larger than {cap:,} bytes; use fetch()", path=path)
        return data

    def _get_uncached(self, route: Route, expect: str) -> tuple[bytes, StreamChecker]:
        def attempt(number: int) -> tuple[bytes, StreamChecker]:
            with self._open(route, {}, decode_content=True, attempt=number, verdict="no-store") as response:
                if response.status == 304:
                    raise HttpStatusError("HTTP 304 to an unconditional request", status=304)
                checker = StreamChecker(
                    expect, url=route.public_url, limits=self._limits, content_type=response.content_type
                )
                body = bytearray()
                for chunk in response.iter_bytes():
                    checker.feed(chunk)
                    body += chunk
                    if len(body) > MAX_IN_MEMORY_BYTES:
                        raise LimitExceededError(f"answer larger than {MAX_IN_MEMORY_BYTES:,} bytes")
                check_length(response)
                checker.finish()
                return bytes(body), checker

        return self._retrying(route, attempt)

    # -- one request --------------------------------------------------------------------------

    def _open(
        self, route: Route, headers: dict[str, str], *, decode_content: bool, attempt: int, verdict: str
    ) -> HttpResponse:
        """Send one request (after the rate limit); a non-success status becomes its error."""
        timeout = (self.config.connect_timeout, self.config.read_timeout)
        wire = Wire(self._transport, self.breaker, self._limiter, timeout, self._retry.max_attempts)
        return wire.open(
            route, headers, decode_content=decode_content, attempt=attempt, verdict=verdict, now=self._clock
        )

    def _retrying(self, route: Route, attempt: Callable[[int], T]) -> T:
        try:
            return run_with_retries(attempt, self._retry, sleep=self._sleep, rng=self._rng, on_retry=_log_retry)
        except TransientError as exc:  # out of retries: one more failed request to this host
            outage = self.breaker.failed(route.send_host, exc)
            if outage is not None:
                raise outage from exc
            raise


def _parse_json(body: bytes, route: Route) -> Any:
    try:
        return json.loads(body)
    except ValueError as exc:
        raise BadContentError(f"cached answer is not valid JSON ({exc})", url=route.public_url) from exc


def _log_retry(error: TransientError, attempt: int, wait: float) -> None:
    log.debug("retrying in %.2fs after attempt %d: %s", wait, attempt, error)
