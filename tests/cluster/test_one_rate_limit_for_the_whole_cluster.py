"""Four workers, one rate limit: requests to each archive host stay within its limit for the whole cluster.

A generated corpus of RNA-seq series is harvested on the session's cluster scaled to four worker
processes, with the real limits of a run that has an NCBI API key (E-utilities and www.ncbi 10
requests/s, the NCBI FTP host 5/s with bursts of 2, each EBI service 10/s with bursts of 2). The driver
downloads the series (NCBI); the four workers, building them, ask ENA and BioSamples about their
samples (enrichment) — those requests take their tokens from the scheduler's shared buckets. The
mirror records when each request arrives; per archive, no one-second window holds more than
``burst + rate`` requests, and n requests take at least ``(n - burst) / rate`` seconds — four workers
with a bucket each would have sent up to four times as many.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rnacorpus import api
from rnacorpus.config import Config
from rnacorpus.harvester.geo.synthetic_series import CorpusSpec, write_metadata_corpus
from tests.cluster.conftest import START_TIMEOUT
from tests.conftest import mirror_config
from tests.reliability.fault_mirror import FaultMirror
from tests.reliability.request_rates import arrivals_by_archive, assert_within_limits
from tests.reliability.snapshot import seeded_folder

SPEC = CorpusSpec(n_series=16, n_samples=10, seed=14)
#: the limits a run with an API key uses (Config's defaults)
LIMITS = Config(ncbi_api_key="a-key").limits


@pytest.fixture
def four_workers(dask_cluster: Any, dask_client: Any) -> Iterator[Any]:
    dask_cluster.scale(4)
    dask_client.wait_for_workers(4, timeout=START_TIMEOUT)
    try:
        yield dask_cluster
    finally:
        dask_cluster.scale(2)
        dask_client.wait_for_workers(2, timeout=START_TIMEOUT)


@pytest.mark.slow
def test_four_workers_stay_within_each_hosts_limit(
    four_workers: Any, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    write_metadata_corpus(tmp_path / "archive", SPEC)
    folder = seeded_folder(tmp_path_factory, "rate-cap")  # references loaded already: the run is all requests
    with FaultMirror(tmp_path / "archive") as mirror:
        config = mirror_config(
            folder, mirror.url, rate_limits=LIMITS, scheduler=four_workers.scheduler_address, workers=4
        )
        report = api.harvest(SPEC.accessions, config=config)
        assert report.exit_code == 0 and report.counts["new"] == SPEC.n_series, report.to_dict()
        arrivals = arrivals_by_archive((hit.path, hit.at) for hit in mirror.log)

    assert len(arrivals["ncbi_ftp"]) == 3 * SPEC.n_series and len(arrivals["ncbi_www"]) == SPEC.n_series
    assert len(arrivals["ena_portal"]) >= SPEC.n_series  # the workers' own requests (enrichment)
    assert_within_limits(arrivals, LIMITS)
    ftp = arrivals["ncbi_ftp"]
    assert ftp[-1] - ftp[0] < 2 * (len(ftp) / LIMITS["ncbi_ftp"].rate)  # the limit, not something else, paced it
