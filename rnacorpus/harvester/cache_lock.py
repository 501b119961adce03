"""Locks for the raw cache's files that hold across threads *and* processes.

Two processes can share one cache folder: a harvest's worker processes (``--workers N``), a scheduled
refresh beside a user's own run. A thread lock alone let them interleave on one file: one evicting a
download the other had just renamed into place, or recording a "verified" sidecar that described the
other's bytes. Each lock is striped (a thousand
stripes, not one per cached file) and is a thread lock plus an advisory ``flock`` on
``<tmp>/rnacorpus-locks-<uid>/<stripe>.lock``: the thread lock keeps two threads of one process from
sharing a descriptor's lock (``flock`` is per open file, so it would not exclude them). The stripe comes
from the file's resolved path, so every process naming the same cached file takes the same lock; the
lock files live outside the cache so that a failed download still leaves nothing in it.

Where ``flock`` does not exist (Windows) or the lock file cannot be made, the thread lock alone is
kept — what every release before this one did.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

#: stripes: two files share a lock with probability 1/1024 (a wait, never a deadlock: no caller nests)
STRIPES = 1024


class StripedFileLocks:
    """``lock(path)``: exclusive access to ``path`` among this process's threads and other processes
    on this machine."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.gettempdir()) / f"rnacorpus-locks-{_user()}"
        self._threads = [threading.Lock() for _ in range(STRIPES)]
        self._warned = False

    def stripe(self, path: Path) -> int:
        digest = hashlib.blake2b(os.path.realpath(path).encode(), digest_size=4).digest()
        return int.from_bytes(digest, "big") % STRIPES

    @contextlib.contextmanager
    def lock(self, path: Path) -> Iterator[None]:
        stripe = self.stripe(path)
        with self._threads[stripe]:
            fd = self._open(stripe)
            try:
                if fd is not None and fcntl is not None:
                    fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                if fd is not None:
                    os.close(fd)  # closing the descriptor releases its flock

    def _open(self, stripe: int) -> int | None:
        if fcntl is None:
            return None
        folder = self.folder
        try:
            folder.mkdir(mode=0o700, exist_ok=True)
            getuid = getattr(os, "getuid", None)
            if getuid is not None and folder.stat().st_uid != getuid():  # made by someone else: not ours to trust
                raise PermissionError(f"{folder} belongs to another user")
            return os.open(folder / f"{stripe:04d}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            if not self._warned:
                self._warned = True
                log.debug("cache: no lock file under %s (%s); locking within this process only", folder, exc)
            return None


def _user() -> str:
    """Who owns the lock folder: the uid where there is one (two users never share a lock file)."""
    getuid = getattr(os, "getuid", None)
    return str(getuid()) if getuid is not None else os.environ.get("USERNAME", "user")
