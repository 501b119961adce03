"""The run's commits use the cores the local build workers leave free (DuckDB's own threads would
only take CPU from the builds); with builds on a cluster, DuckDB keeps its default."""

from __future__ import annotations

import os
from pathlib import Path

from rnacorpus.catalog.connection import WriterSession
from rnacorpus.config import Config
from rnacorpus.pipeline.runner import commit_threads


def test_the_session_caps_duckdbs_threads(tmp_path: Path) -> None:
    with WriterSession(tmp_path / "catalog.duckdb", threads=1) as session:
        threads = session.connection().execute("SELECT current_setting('threads')").fetchone()
    assert threads == (1,)


def test_the_session_leaves_duckdbs_default_when_not_told(tmp_path: Path) -> None:
    with WriterSession(tmp_path / "catalog.duckdb") as session:
        threads = session.connection().execute("SELECT current_setting('threads')").fetchone()
    assert threads is not None and threads[0] >= 1


def test_local_builds_leave_the_commits_the_other_cores(tmp_path: Path) -> None:
    cores = os.cpu_count() or 1
    assert commit_threads(Config(cache_dir=tmp_path, workers=2)) == max(1, cores - 2)
    assert commit_threads(Config(cache_dir=tmp_path, workers=cores + 4)) == 1


def test_builds_on_a_cluster_leave_duckdb_its_default(tmp_path: Path) -> None:
    assert commit_threads(Config(cache_dir=tmp_path, workers=2, scheduler="tcp://127.0.0.1:8786")) is None
