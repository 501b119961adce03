"""The raw cache's per-file lock excludes other processes sharing the cache folder, not only threads.

A harvest's worker processes and a scheduled refresh beside a user's run share one cache: while one
process holds a file's lock (downloading, verifying or evicting it), another waits for it.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

from rnacorpus.harvester.cache import RawCache

HOLDER = """
import sys, time
from pathlib import Path
from rnacorpus.harvester.cache import RawCache
cache = RawCache(Path(sys.argv[1]))
with cache.lock(Path(sys.argv[2])):
    Path(sys.argv[3]).write_text("held")
    deadline = time.monotonic() + 30
    while not Path(sys.argv[4]).exists() and time.monotonic() < deadline:
        time.sleep(0.01)
"""


def _wait_for(path: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.01)


def test_a_lock_held_by_another_process_makes_this_one_wait(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    target = root / "geo" / "GSE1_family.soft.gz"
    held, release = tmp_path / "held", tmp_path / "release"
    child = subprocess.Popen([sys.executable, "-c", HOLDER, str(root), str(target), str(held), str(release)])
    try:
        _wait_for(held)
        acquired = threading.Event()

        def take() -> None:
            with RawCache(root).lock(target):
                acquired.set()

        taker = threading.Thread(target=take, daemon=True)
        taker.start()
        assert not acquired.wait(0.5), "took the lock while another process held it"
        release.write_text("go")
        assert acquired.wait(30), "never took the lock after the other process released it"
        taker.join(5)
    finally:
        release.write_text("go")
        child.wait(30)
    assert child.returncode == 0


def test_another_file_does_not_wait_and_a_released_lock_is_taken_again(tmp_path: Path) -> None:
    cache = RawCache(tmp_path / "cache")
    a, b = tmp_path / "cache" / "a", tmp_path / "cache" / "b"
    if cache._locks.stripe(a) == cache._locks.stripe(b):  # pick a file on another stripe
        b = next(p for i in range(1000) if cache._locks.stripe(p := tmp_path / f"f{i}") != cache._locks.stripe(a))
    with cache.lock(a), cache.lock(b):
        pass
    with cache.lock(a):  # released: taken again
        pass


def test_where_no_lock_file_can_be_made_the_lock_still_holds_within_the_process(tmp_path: Path) -> None:
    cache = RawCache(tmp_path / "cache")
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the lock folder belongs")
    cache._locks.folder = blocked
    target = tmp_path / "cache" / "x"
    with cache.lock(target):
        other = threading.Thread(target=lambda: cache.lock(target).__enter__(), daemon=True)
        other.start()
        other.join(0.3)
        assert other.is_alive(), "a second thread took the lock"


def test_the_cache_folder_holds_no_lock_files(tmp_path: Path) -> None:
    cache = RawCache(tmp_path / "cache")
    with cache.lock(tmp_path / "cache" / "geo" / "x.soft.gz"):
        pass
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").rglob("*"))
