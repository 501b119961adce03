"""A clean release deletes ``<catalog>.lock`` — without reopening the unlink race.

The holder unlinks the file while it still holds the flock; an acquirer whose flock is granted
checks that the path still names the inode it locked and starts over when it does not. So whatever
the interleaving, two holders never overlap; and a catalog at rest has no lock file beside it.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from rnacorpus.errors import LockedError
from rnacorpus.pipeline.lock import RunLock, holder_of, lock_path, run_lock


def test_release_deletes_the_lock_file(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.duckdb"
    with run_lock(catalog, "harvest") as lock:
        assert lock.held and lock_path(catalog).exists()
        assert holder_of(catalog) is not None and holder_of(catalog).pid == os.getpid()  # type: ignore[union-attr]
    assert not lock_path(catalog).exists() and holder_of(catalog) is None


def test_release_on_an_exception_deletes_it_too(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.duckdb"
    with pytest.raises(ZeroDivisionError), run_lock(catalog, "harvest"):
        _ = 1 / 0
    assert not lock_path(catalog).exists()


def test_an_acquirer_that_locked_a_released_inode_starts_over(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Opened before the holder's release, flocked after: it must not believe it holds the lock."""
    import rnacorpus.pipeline.lock as lock_module

    catalog = tmp_path / "catalog.duckdb"
    first = RunLock(catalog, "harvest")
    first.acquire()
    stale_fd = os.open(lock_path(catalog), os.O_RDWR)  # the second run's open, before the release
    first.release()  # unlinks while holding, then unlocks: stale_fd now names a file no path names
    opens = iter([stale_fd])
    real_open = os.open
    monkeypatch.setattr(lock_module.os, "open", lambda *a, **k: next(opens, None) or real_open(*a, **k))
    second = RunLock(catalog, "refresh")
    second.acquire()  # flocks the stale inode, sees the path does not name it, opens the new file
    monkeypatch.undo()
    assert lock_path(catalog).exists() and holder_of(catalog) is not None
    with pytest.raises(LockedError):
        RunLock(catalog, "refresh").acquire()
    second.release()
    assert not lock_path(catalog).exists()


def test_holders_never_overlap_under_contention(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.duckdb"
    inside = 0
    overlaps: list[int] = []
    taken = 0
    guard = threading.Lock()
    deadline = time.monotonic() + 2.0

    def worker() -> None:
        nonlocal inside, taken
        while time.monotonic() < deadline:
            lock = RunLock(catalog, "contender")
            try:
                lock.acquire()
            except LockedError:
                continue
            with guard:
                inside += 1
                taken += 1
                if inside > 1:
                    overlaps.append(inside)
            time.sleep(0.0005)
            with guard:
                inside -= 1
            lock.release()

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert overlaps == [] and taken > 20
    assert not lock_path(catalog).exists()
