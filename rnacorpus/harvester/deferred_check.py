"""One inflation for a large gzip body: the download checks its head, the parser proves the rest.

Checking that a gzip download is complete means inflating all of it (to reach the trailer's CRC and
length), and the parser inflates it again to read it: for a 278 MB family SOFT that is ~1.1–1.5
CPU-s spent twice. Inside :func:`deferring_body_checks` (the harvest's fetch step opens it), a gzip
body larger than :data:`PREFIX_BYTES` whose expectation needs only its head
(:data:`~rnacorpus.harvester.checks.DEFERRABLE`) is checked as before on its first
:data:`PREFIX_BYTES` (HTML page, format, bomb limits, ``Content-Length``, sha256, atomic rename), then
stored with ``verified: false`` in its sidecar and listed in the context as an
:class:`UnverifiedBody`. A cached entry left unverified (by a killed run) is handed out the same way
inside the context; outside it, :class:`~rnacorpus.harvester.http.HttpClient` inflates it whole
before use (or downloads it again when that fails), so no other reader trusts an unverified entry.

:func:`settle_unverified` turns the reader's pass into the verdict: a body the parser read to its end
(:func:`rnacorpus.fileio.recording_whole_reads`: every member's CRC and length matched) is marked
verified; any other is checked whole as the download would have checked it, and one that fails is
evicted from the cache and its error (the download's own: truncated, bad content, bomb) returned,
so the study fails with that kind and a new fetch downloads it again.

A cache on object storage never defers: its entries are shared by machines that could not settle
them (:class:`~rnacorpus.harvester.cache.RawCache` ``.remote``).
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from rnacorpus.errors import RnacorpusError
from rnacorpus.fileio import FileIdentity, file_identity
from rnacorpus.harvester.cache import RawCache
from rnacorpus.harvester.cache_entry import CachedFile, CacheEntry
from rnacorpus.harvester.checks import CheckLimits, check_file

__all__ = [
    "PREFIX_BYTES",
    "DeferredChecks",
    "UnverifiedBody",
    "current_deferral",
    "deferring_body_checks",
    "handed_out",
    "mark_proven",
    "settle_unverified",
]

log = logging.getLogger(__name__)

#: raw bytes of a deferred gzip body inflated at download: its head settles the HTML and format checks
PREFIX_BYTES = 1 << 20


@dataclass(frozen=True)
class UnverifiedBody:
    """A stored body whose end is still to be proven (plain data: it travels to build processes)."""

    path: str
    sha256: str
    expect: str
    url: str


@dataclass
class DeferredChecks:
    """The bodies stored or handed out unverified inside one :func:`deferring_body_checks`."""

    prefix_bytes: int = PREFIX_BYTES
    bodies: list[UnverifiedBody] = field(default_factory=list)

    def note(self, body: UnverifiedBody) -> None:
        if body not in self.bodies:
            self.bodies.append(body)


_current: ContextVar[DeferredChecks | None] = ContextVar("rnacorpus_deferred_checks", default=None)


@contextlib.contextmanager
def deferring_body_checks(prefix_bytes: int | None = None) -> Iterator[DeferredChecks]:
    """Large gzip bodies fetched in this context (this thread) are checked on their head only and
    listed in the yielded :class:`DeferredChecks`; the caller must :func:`settle_unverified` them."""
    deferral = DeferredChecks(PREFIX_BYTES if prefix_bytes is None else prefix_bytes)
    token = _current.set(deferral)
    try:
        yield deferral
    finally:
        _current.reset(token)


def current_deferral() -> DeferredChecks | None:
    """The deferral the calling code runs in, or None (every body is checked whole)."""
    return _current.get()


def handed_out(entry: CacheEntry, deferral: DeferredChecks | None, *, from_cache: bool, changed: bool) -> CachedFile:
    """What a fetch returns for ``entry``; an unverified one is listed in the deferral whose reader must
    prove it whole (outside a deferral no unverified entry is handed out: the client checks it first)."""
    if not entry.verified and deferral is not None:
        deferral.note(UnverifiedBody(str(entry.path), entry.sha256, entry.expect, entry.url))
    return CachedFile.from_entry(entry, from_cache=from_cache, changed=changed)


def settle_unverified(
    bodies: Sequence[UnverifiedBody],
    cache_dir: str | os.PathLike[str],
    read_whole: set[FileIdentity],
    limits: CheckLimits,
) -> RnacorpusError | None:
    """Mark each body verified, or evict it; returns the first failed body's check error (None: all whole).

    ``read_whole``: the files a reader inflated to their end (:func:`rnacorpus.fileio.recording_whole_reads`);
    any other body is inflated here, under ``limits``, exactly as its download's check would have."""
    if not bodies:
        return None
    cache = RawCache(Path(cache_dir))
    failed: RnacorpusError | None = None
    for body in bodies:
        path = Path(body.path)
        try:
            identity = file_identity(path.stat())
        except OSError:
            continue  # evicted or replaced meanwhile: whoever did it carries the verdict
        if identity not in read_whole:
            try:
                check_file(path, body.expect, url=body.url, limits=limits)
            except RnacorpusError as exc:
                cache.evict(path, body.sha256)
                failed = failed or exc
                continue
        cache.mark_verified(path, body.sha256, read_as=(identity[2], identity[3]))
    return failed


def mark_proven(bodies: Sequence[UnverifiedBody], cache_dir: str | os.PathLike[str]) -> None:
    """Mark bodies verified without reading them: the caller knows these very bytes (same sha256)
    were proven whole before (a study whose stored content key they match was built from them)."""
    cache = RawCache(Path(cache_dir))
    for body in bodies:
        cache.mark_verified(Path(body.path), body.sha256)
