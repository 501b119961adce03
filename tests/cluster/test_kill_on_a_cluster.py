"""kill -9 on a cluster: a build worker mid-study, or the driver after a commit; the result equals a clean run.

The cluster is the session's scheduler and two worker processes on loopback; store and cache are on the
local S3 endpoint; the archive is the four demo series behind the fault mirror (harvesting three), and
the clean reference is the kill suite's sequential local run (:mod:`tests.reliability.test_kill_harvest`).

* A **worker** is killed while it builds a study (found through the scheduler: the worker processing a
  ``build_study`` task). Its nanny starts a new worker process, the scheduler gives the study to a
  worker again, and the same run ends with every study loaded, equal to the clean run, and no package or
  unreferenced file left in the store.
* The **driver** (a child process) is killed just after its first commit. The scheduler drops the dead
  client's tasks; a rerun finds the committed studies unchanged, loads the rest, and ends equal to the
  clean run, with only the files the catalog references left in the store.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from rnacorpus.catalog.package import PACKAGES_DIR
from rnacorpus.pipeline.harvest import harvest
from rnacorpus.pipeline.report import RunReport
from tests.cluster.conftest import START_TIMEOUT, worker_pids
from tests.conftest import mirror_config
from tests.reliability.fault_mirror import FaultMirror
from tests.reliability.snapshot import (
    catalog_snapshot,
    diff_snapshots,
    referenced_files,
    seeded_folder,
    store_snapshot,
)
from tests.reliability.test_kill_harvest import (  # the kill suite's archive, mirror and clean run
    HARVESTED,
    Clean,
    KillPoint,
    archive,  # noqa: F401
    clean,  # noqa: F401
    committed_studies,
    kill_at,
    mirror,  # noqa: F401
    outcomes,
)
from tests.s3 import S3Endpoint

pytestmark = pytest.mark.slow


def cluster_options(s3: S3Endpoint, dask_cluster: Any) -> dict[str, Any]:
    bucket = s3.new_bucket() + "/run"
    return {"store_dir": f"{bucket}/store", "cache_dir": f"{bucket}/cache", "scheduler": dask_cluster.scheduler_address}


def assert_equals_clean(folder: Path, options: dict[str, Any], clean_run: Clean) -> None:
    bucket = options["store_dir"].rsplit("/", 1)[0]
    mine = catalog_snapshot(folder / "catalog.duckdb", root=folder, also=[bucket])
    assert diff_snapshots(mine, clean_run.catalog) == []
    store = store_snapshot(options["store_dir"])
    assert not [rel for rel in store.files if rel.startswith(f"{PACKAGES_DIR}/")], "a load package was left"
    assert store.files == referenced_files(folder / "catalog.duckdb")  # every file referenced, intact
    assert store.files == clean_run.store.files


def wait_idle(client: Any, workers: int) -> None:
    """The cluster has ``workers`` workers again and runs nothing (bounded)."""
    client.wait_for_workers(workers, timeout=START_TIMEOUT)
    deadline = time.monotonic() + START_TIMEOUT
    while any(client.processing().values()):
        assert time.monotonic() < deadline, f"the cluster is still busy: {client.processing()}"
        time.sleep(0.05)


def test_a_worker_killed_mid_build_is_replaced_and_the_run_equals_a_clean_run(
    mirror: FaultMirror,  # noqa: F811
    clean: Clean,  # noqa: F811
    s3: S3Endpoint,
    dask_cluster: Any,
    dask_client: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    folder = seeded_folder(tmp_path_factory, "cluster-kill-worker")
    options = cluster_options(s3, dask_cluster)
    pids = worker_pids(dask_client)
    reports: list[RunReport] = []
    run = threading.Thread(
        target=lambda: reports.append(harvest(HARVESTED, config=mirror_config(folder, mirror.url, **options)))
    )
    run.start()
    victim = None
    deadline = time.monotonic() + START_TIMEOUT
    while victim is None and run.is_alive() and time.monotonic() < deadline:
        busy = [w for w, keys in dask_client.processing().items() if any("build_study" in str(k) for k in keys)]
        victim = busy[0] if busy else None
        time.sleep(0.01)
    assert victim is not None, "no worker was seen building a study"
    os.kill(pids[victim], signal.SIGKILL)
    run.join(timeout=START_TIMEOUT * 2)
    assert not run.is_alive()

    (report,) = reports
    assert report.exit_code == 0 and report.counts["new"] == len(HARVESTED), report.to_dict()
    wait_idle(dask_client, len(pids))
    assert set(worker_pids(dask_client).values()) != set(pids.values())  # the nanny started a new process
    assert_equals_clean(folder, options, clean)


def test_the_driver_killed_after_a_commit_and_rerun_equals_a_clean_run(
    mirror: FaultMirror,  # noqa: F811
    clean: Clean,  # noqa: F811
    s3: S3Endpoint,
    dask_cluster: Any,
    dask_client: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    folder = seeded_folder(tmp_path_factory, "cluster-kill-driver")
    options = {**cluster_options(s3, dask_cluster), "commit_batch": 1}
    point = KillPoint("driver-after-first-commit", "rnacorpus.pipeline.runner", "finish_applied", "before", call=1)
    spec = {"command": "harvest", "folder": str(folder), "mirror": mirror.url, "accessions": HARVESTED}
    kill_at(point, {**spec, "config": options}, folder, mirror)
    committed = committed_studies(folder / "catalog.duckdb")
    assert committed and committed < set(HARVESTED)
    wait_idle(dask_client, len(dask_cluster.workers))  # the dead driver's tasks are dropped or done

    rerun = harvest(HARVESTED, config=mirror_config(folder, mirror.url, **options))

    assert rerun.exit_code == 0, rerun.to_dict()
    assert {a for a, o in outcomes(rerun).items() if o == "unchanged"} == committed
    assert_equals_clean(folder, options, clean)
