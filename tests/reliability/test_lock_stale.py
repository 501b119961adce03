"""Stale-lock recovery: a lock left by a dead process never blocks the next run, and runs left
'running' by a killed process are marked 'interrupted' when the next one starts."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from rnacorpus.mirror import MirrorServer
from rnacorpus.pipeline.lock import RunLock, holder_of, lock_path, pid_alive
from rnacorpus.pipeline.refresh import refresh
from tests.reliability.refresh_support import Holder, clone_site, read_one


def dead_pid() -> int:
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, timeout=30, check=True
    )
    pid = int(child.stdout)
    assert not pid_alive(pid)
    return pid


def test_a_lock_file_left_by_a_killed_process_is_recovered(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    site = clone_site(tmp_path / "site")
    holder = Holder(site.catalog)
    holder.wait_locked()
    holder.kill()
    left = holder_of(site.catalog)
    assert left is not None and left.pid == holder.pid, "the killed holder's record stays in the file"

    with MirrorServer(site.archive) as mirror, caplog.at_level(logging.WARNING, logger="rnacorpus.pipeline.lock"):
        report = refresh(config=site.config(mirror.url))
    assert report.exit_code == 0, report.to_dict()
    assert report.recovered_lock is not None and f"pid {holder.pid}" in report.recovered_lock
    assert any("recovered a stale lock" in r.getMessage() and str(holder.pid) in r.getMessage() for r in caplog.records)
    assert not lock_path(site.catalog).exists(), "a clean release deletes the lock file"


def test_a_handwritten_lock_file_of_a_dead_pid_is_recovered(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    catalog = tmp_path / "catalog.duckdb"
    pid = dead_pid()
    lock_path(catalog).write_text(
        json.dumps({"pid": pid, "started": "2026-01-01T03:00:00+00:00", "command": "refresh"})
    )
    with caplog.at_level(logging.WARNING, logger="rnacorpus.pipeline.lock"), RunLock(catalog, "refresh") as lock:
        assert lock.recovered is not None and lock.recovered.pid == pid
        assert holder_of(catalog) is not None and holder_of(catalog).pid != pid  # type: ignore[union-attr]
    assert f"pid {pid}, started 2026-01-01T03:00:00+00:00" in caplog.text and "no longer running" in caplog.text


def test_a_run_killed_mid_way_is_marked_interrupted_by_the_next(tmp_path: Path) -> None:
    site = clone_site(tmp_path / "site")
    holder = Holder(site.catalog, open_run=True)
    holder.wait_locked()
    assert read_one(site.catalog, "SELECT status FROM runs WHERE run_id = 'holder-run'") == "running"
    holder.kill()

    with MirrorServer(site.archive) as mirror:
        report = refresh(config=site.config(mirror.url))
    assert report.exit_code == 0
    assert report.interrupted == ["holder-run"]
    assert read_one(site.catalog, "SELECT status FROM runs WHERE run_id = 'holder-run'") == "interrupted"
    assert read_one(site.catalog, "SELECT finished IS NOT NULL FROM runs WHERE run_id = 'holder-run'") is True
    assert read_one(site.catalog, "SELECT count(*) FROM runs WHERE status = 'running'") == 0
    assert report.to_dict()["refresh"]["interrupted_runs"] == ["holder-run"]
