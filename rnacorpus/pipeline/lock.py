"""One harvest or refresh at a time per catalog: an advisory lock file beside it.

``<catalog>.lock`` is taken with ``fcntl.flock(LOCK_EX | LOCK_NB)``. The kernel drops a flock when
the process that holds it dies, however it dies (SIGKILL, OOM, power-off of a container), so the
flock is the truth and the file's content — pid, start time, command — only tells a second run who
is in the way. A file left behind by a killed process therefore needs no cleanup: the next run takes
the flock, sees the old holder's record, logs that it recovered a stale lock, and writes its own.

A clean release deletes the file, so a catalog at rest has no ``.lock`` beside it. Deleting a lock
file races with a process that has opened it but not yet locked it: that process would then hold a
flock on an inode no path names, while a third one creates and locks a new file. Two rules close
the race: the holder unlinks the file *while still holding* the flock, and an acquirer, once its
flock is granted, checks that the path still names the inode it locked (``fstat`` of its descriptor
against ``stat`` of the path) — if not, the file it locked was released under it, and it starts over
with a fresh open. So whoever holds a flock on the file the path names holds the lock.

Readers (``query``, ``export``, ``status``) never take this lock; see ``docs/decisions.md``
("Concurrency and refresh") for how they share the DuckDB file with a running refresh.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import json
import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rnacorpus.errors import LockedError

__all__ = ["LockHolder", "RunLock", "holder_of", "lock_path", "pid_alive", "run_lock"]

log = logging.getLogger(__name__)

_MAX_RECORD_BYTES = 4096
#: a holder writes its record right after taking the flock; a reader that finds the file empty in
#: that instant looks again a few times before reporting an unknown holder
_READ_ATTEMPTS = 5
_READ_PAUSE = 0.02
#: fresh opens after finding the file released under us; each needs a holder to finish in between
_ACQUIRE_ATTEMPTS = 100


@dataclass(frozen=True)
class LockHolder:
    """What the lock file says about the run holding (or last holding) the catalog."""

    pid: int | None
    started: str | None
    command: str | None

    def describe(self) -> str:
        pid = self.pid if self.pid is not None else "?"
        return f"pid {pid}, started {self.started or '?'}"

    @classmethod
    def parse(cls, raw: bytes) -> LockHolder | None:
        """The record in a lock file; None for an empty file, a placeholder for an unreadable one."""
        if not raw.strip():
            return None
        try:
            data: Any = json.loads(raw)
        except ValueError:
            return cls(None, None, None)
        if not isinstance(data, dict):
            return cls(None, None, None)
        pid = data.get("pid")
        return cls(
            pid if isinstance(pid, int) else None,
            str(data["started"]) if data.get("started") else None,
            str(data["command"]) if data.get("command") else None,
        )


def lock_path(catalog: Path) -> Path:
    return catalog.with_name(catalog.name + ".lock")


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists (on this host). EPERM means it exists but is not ours."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except OSError as exc:
        return exc.errno == errno.EPERM
    return True


def _read_all(fd: int) -> bytes:
    return os.pread(fd, _MAX_RECORD_BYTES, 0)


def _names_inode(path: Path, fd: int) -> bool:
    """Whether ``path`` still names the file open as ``fd`` (same device and inode)."""
    try:
        on_disk = path.stat()
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (on_disk.st_dev, on_disk.st_ino) == (mine.st_dev, mine.st_ino)


class RunLock:
    """The catalog's run lock. ``acquire`` raises :class:`LockedError` when another run holds it."""

    def __init__(self, catalog: Path, command: str) -> None:
        self.catalog = Path(catalog)
        self.path = lock_path(self.catalog)
        self.command = command
        self._fd: int | None = None
        #: the record of a holder that died without releasing (set by ``acquire``), for the run log
        self.recovered: LockHolder | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        if self._fd is not None:
            raise RuntimeError("RunLock.acquire called twice")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(_ACQUIRE_ATTEMPTS):
            fd = self._lock_current_file()
            if fd is None:  # released (unlinked) between our open and our flock: open the new one
                continue
            try:
                self._take_over(fd)
            except BaseException:
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)
                raise
            self._fd = fd
            return
        raise LockedError(f"could not take the run lock {self.path}: it kept being released and re-created")

    def _lock_current_file(self) -> int | None:
        """The descriptor of the lock file the path names, flocked by us; None when the file we
        opened was released and unlinked before our flock was granted."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = self._wait_for_record(fd)
            os.close(fd)
            # no path= on purpose: the message already names the catalog, and cron mail should
            # read exactly "another rnacorpus run (pid N, started …) holds <catalog>"
            raise LockedError(self._busy_message(holder)) from None
        except BaseException:
            os.close(fd)
            raise
        if _names_inode(self.path, fd):
            return fd
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
        return None

    def release(self) -> None:
        """Delete the lock file, then drop the flock: the unlink happens while we still hold it, so no
        one can be mid-way through taking this inode as theirs (see the module docstring)."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            if _names_inode(self.path, fd):
                with contextlib.suppress(FileNotFoundError):
                    self.path.unlink()
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()

    # -- internals ----------------------------------------------------------------------------

    def _take_over(self, fd: int) -> None:
        previous = LockHolder.parse(_read_all(fd))
        if previous is not None:
            self.recovered = previous
            state = (
                "no longer running" if previous.pid is None or not pid_alive(previous.pid) else "alive (pid reused?)"
            )
            log.warning(
                "recovered a stale lock on %s left by a run that did not finish (%s, command %s; process %s)",
                self.catalog,
                previous.describe(),
                previous.command or "?",
                state,
            )
        record = {
            "pid": os.getpid(),
            "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "command": self.command,
        }
        data = (json.dumps(record) + "\n").encode()
        os.ftruncate(fd, 0)
        os.pwrite(fd, data, 0)
        os.fsync(fd)

    @staticmethod
    def _wait_for_record(fd: int) -> LockHolder | None:
        holder = None
        for _ in range(_READ_ATTEMPTS):
            holder = LockHolder.parse(_read_all(fd))
            if holder is not None:
                return holder
            time.sleep(_READ_PAUSE)
        return holder

    def _busy_message(self, holder: LockHolder | None) -> str:
        holder = holder or LockHolder(None, None, None)
        message = f"another rnacorpus run ({holder.describe()}) holds {self.catalog}"
        if holder.pid is not None and not pid_alive(holder.pid):
            # flock is held by the open file, which a child process may have inherited
            message += f"; pid {holder.pid} is gone, so a process it started must still hold {self.path}"
        return message


@contextlib.contextmanager
def run_lock(catalog: Path, command: str) -> Iterator[RunLock]:
    """Hold the catalog's run lock for the ``with`` block."""
    lock = RunLock(catalog, command)
    lock.acquire()
    try:
        yield lock
    finally:
        lock.release()


def holder_of(catalog: Path) -> LockHolder | None:
    """Who holds (or last held, if it died) the catalog's lock, as its file says; None if released
    (a clean release deletes the file)."""
    try:
        return LockHolder.parse(lock_path(catalog).read_bytes()[:_MAX_RECORD_BYTES])
    except FileNotFoundError:
        return None
