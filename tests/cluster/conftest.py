"""A Dask cluster on loopback for the whole session: a scheduler and two worker processes.

Started after the local S3 endpoint (:func:`tests.conftest.s3`), so the worker processes inherit
its environment (``FSSPEC_S3_ENDPOINT_URL`` and credentials), as README "Running on a cluster"
tells a real deployment to do. Each worker is a separate process under a nanny, which restarts it
when it is killed; no dashboard. Every wait is bounded, and the cluster is closed at the end.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from tests.s3 import S3Endpoint

#: bounded waits: starting the workers, and the cluster going idle after a killed driver
START_TIMEOUT = 120.0


@pytest.fixture(scope="session")
def dask_cluster(s3: S3Endpoint) -> Iterator[Any]:
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        protocol="tcp",
        silence_logs=40,
        timeout=START_TIMEOUT,
    )
    try:
        yield cluster
    finally:
        cluster.close(timeout=60)


@pytest.fixture
def dask_client(dask_cluster: Any) -> Iterator[Any]:
    """A client of the session cluster (for the test's own look at it); the run under test opens its own."""
    import distributed

    client = distributed.Client(dask_cluster.scheduler_address, timeout=START_TIMEOUT, set_as_default=False)
    try:
        client.wait_for_workers(len(dask_cluster.workers), timeout=START_TIMEOUT)
        yield client
    finally:
        client.close(timeout=30)


def worker_pids(client: Any) -> dict[str, int]:
    return {address: int(pid) for address, pid in client.run(os.getpid).items()}
