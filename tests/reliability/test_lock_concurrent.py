"""One run at a time: while another process holds the catalog's run lock, refresh and harvest exit 2
at once with a message naming the holder, and write nothing."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from rnacorpus import api
from rnacorpus.errors import ConfigError, LockedError
from rnacorpus.mirror import MirrorServer
from rnacorpus.pipeline.lock import RunLock, lock_path
from tests.reliability.refresh_support import Holder, clone_site, run_cli


def test_a_second_run_exits_2_naming_the_holder(tmp_path: Path) -> None:
    site = clone_site(tmp_path / "site")
    before = (hashlib.sha256(site.catalog.read_bytes()).hexdigest(), site.catalog.stat().st_mtime_ns)
    with MirrorServer(site.archive) as mirror, Holder(site.catalog) as holder:
        done = run_cli("refresh", *site.cli_paths(), "--mirror", mirror.url, cwd=tmp_path, timeout=60)
        assert done.returncode == 2, done.stdout + done.stderr
        message = f"another rnacorpus run (pid {holder.pid}, started "
        assert message in done.stderr and f") holds {site.catalog}" in done.stderr, done.stderr
        assert re.match(r"^refresh \S+: 0 new, 0 updated, 0 unchanged, 0 failed — could not run: ", done.stdout)

        harvest = api.harvest(["GSE990101"], config=site.config(mirror.url))
        assert harvest.exit_code == 2 and harvest.fatal is not None and message in harvest.fatal

    # the runs that could not start did not even open the catalog: not a byte changed, no run-log row
    assert (hashlib.sha256(site.catalog.read_bytes()).hexdigest(), site.catalog.stat().st_mtime_ns) == before
    assert not site.catalog.with_name("catalog.duckdb.wal").exists()


def test_the_lock_is_free_again_once_the_holder_finishes(tmp_path: Path) -> None:
    site = clone_site(tmp_path / "site")
    holder = Holder(site.catalog)
    holder.wait_locked()
    with pytest.raises(LockedError):
        RunLock(site.catalog, "refresh").acquire()
    holder.release()
    assert not lock_path(site.catalog).exists(), "a clean release deletes the lock file"
    with MirrorServer(site.archive) as mirror:
        assert api.refresh(config=site.config(mirror.url)).exit_code == 0


def test_the_lock_also_excludes_a_second_run_in_the_same_process(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.duckdb"
    with RunLock(catalog, "harvest"):
        with pytest.raises(LockedError, match=r"another rnacorpus run \(pid \d+, started .*\) holds") as caught:
            RunLock(catalog, "refresh").acquire()
        assert isinstance(caught.value, ConfigError)  # the CLI maps it to exit code 2
    with RunLock(catalog, "refresh") as again:
        assert again.held and again.recovered is None
