"""A harvest's first download, started in a child process before the command's own imports (issue 11).

``rnacorpus harvest GSE…`` spends ~0.7 s importing its libraries and ~0.2 s opening the catalog
before its first request, and then waits for the family SOFT: ~0.5 s for a 278 MB file even from a
mirror on loopback. :func:`head_start` (around the whole command) starts that download at
once, in a small child process that imports only the HTTP client, so it runs on the other core
while the command imports. A thread of the command itself does not hide it: each socket read gives
up the GIL and waits to get it back behind the imports' bytecode, so the download stretched to
~1.1 s and the imports slowed too (one run of each, interleaved, three rounds: thread 1.27–1.38 s,
child process 0.96–1.19 s, no download 0.83–1.06 s, download then imports 1.55–1.65 s).

The child makes the very request the source's fetch makes first (:func:`head_file`, for a GEO
series its family SOFT) into the same raw cache entry, under the cache's cross-process file lock
(:mod:`.cache_lock`) and inside a deferral (:mod:`.deferred_check`: the body's head is checked, the
rest is left to its parser). The run's own fetch of that file waits on the lock, finds the entry
and uses it: unverified, so the parse proves it whole or evicts it and the study is fetched again —
the one path every large gzip body takes. The child makes one attempt, with short timeouts, and
reports nothing: whatever fails there (an HTML page, a cut body, an unreachable host) leaves nothing
in the cache and is met again by the run's fetch, retried, counted by its circuit breaker and
reported there. The price: one request more for a file the child could not fetch, and a file left
in the cache (unverified, proven by whichever run reads it) when the run then stops before fetching
it — another run holds the catalog, say. A remote cache (object storage) or ``--offline`` never
starts one.
"""

from __future__ import annotations

import contextlib
import pickle
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from types import FrameType

from rnacorpus.config import Config
from rnacorpus.harvester.accessions import identify, invalid_study_accessions, normalize_accession

__all__ = ["CONNECT_TIMEOUT", "READ_TIMEOUT", "HeadFile", "HeadStart", "head_file", "head_start", "main"]

#: the child's timeouts: the run's fetch waits on the cache lock while the child holds it, so a
#: child stuck on a host that does not answer must give up long before the run's own timeouts would
CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 10.0


@dataclass(frozen=True)
class HeadFile:
    """The file a study's fetch downloads first, as that fetch asks for it (same URL, same expect)."""

    accession: str
    url: str
    expect: str


def head_file(accession: str, config: Config) -> HeadFile | None:
    """The first file of a study known from its accession alone, or None (pure).

    A GEO series: its family SOFT (:meth:`rnacorpus.harvester.geo.source.GeoSource.fetch` asks for it
    before anything else). Other archives list their files first, so there is nothing to start."""
    found = identify(accession)
    if found is None or not found.study or found.source != "geo":
        return None
    from rnacorpus.harvester.geo.urls import family_soft_url

    gse = normalize_accession(accession)
    return HeadFile(gse, family_soft_url(gse, config.base_urls), "soft")


@dataclass
class HeadStart:
    """The child downloading the head file; :meth:`close` when the run is over."""

    process: subprocess.Popen[bytes]

    def close(self) -> None:
        """Reap the child; one still running (the run ended before it needed the file) is stopped,
        and its temp file goes with it (the child turns SIGTERM into a clean exit)."""
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@contextlib.contextmanager
def head_start(accessions: list[str], config: Config) -> Iterator[HeadStart | None]:
    """The first study's head file downloading in a child process for the block (None: nothing to
    start); the child is reaped, or stopped, when the block ends."""
    started = _start(accessions, config)
    try:
        yield started
    finally:
        if started is not None:
            started.close()


def _start(accessions: list[str], config: Config) -> HeadStart | None:
    if not accessions or config.offline or not isinstance(config.cache_dir, Path):  # else a remote cache
        return None
    if invalid_study_accessions(accessions):  # the run refuses them all before it fetches anything
        return None
    head = head_file(accessions[0], config)
    if head is None:
        return None
    from rnacorpus.harvester import deferred_check

    # the child checks as much of the body's head as this process's fetch would (the same entry)
    order = pickle.dumps((config, head, deferred_check.PREFIX_BYTES))
    process = subprocess.Popen(
        # -P: the child imports the rnacorpus this process runs, never a folder of that name in the cwd
        [sys.executable, "-P", "-c", "from rnacorpus.harvester.head_start import main; main()"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert process.stdin is not None
    with contextlib.suppress(OSError):  # a child that died at once: the run fetches the file itself
        process.stdin.write(order)
    with contextlib.suppress(OSError):
        process.stdin.close()
    return HeadStart(process)


def _stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(1)


def main() -> None:
    """The child: fetch the head file given on stdin (pickled by :func:`head_start`), once."""
    signal.signal(signal.SIGTERM, _stop)  # unwinds through the cache's atomic write: no temp file left
    config, head, prefix_bytes = pickle.loads(sys.stdin.buffer.read())
    from rnacorpus.harvester.deferred_check import deferring_body_checks
    from rnacorpus.harvester.http import HttpClient

    single = replace(
        config,
        max_attempts=1,
        connect_timeout=min(config.connect_timeout, CONNECT_TIMEOUT),
        read_timeout=min(config.read_timeout, READ_TIMEOUT),
    )
    try:
        with HttpClient(single) as client, deferring_body_checks(prefix_bytes):
            client.fetch(head.url, expect=head.expect, accession=head.accession)
    except Exception:  # the run's own fetch meets it again and reports it
        raise SystemExit(1) from None
