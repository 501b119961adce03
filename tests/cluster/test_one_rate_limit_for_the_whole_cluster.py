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

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rnacorpus import api
from rnacorpus.config import Config
from rnacorpus.harvester.geo.synthetic_series import CorpusSpec, write_metadata_corpus
from tests.cluster.conftest import START_TIMEOUT
from tests.conftest import mirror_config
from tests.reliability.fault_mirror import FaultMirror, archive_of
from tests.reliability.snapshot import seeded_folder

SPEC = CorpusSpec(n_series=16, n_samples=10, seed=14)
#: the limits a run with an API key uses (Config's defaults)
LIMITS = Config(ncbi_api_key="a-key").limits
#: the server clock sees a request a little after the client's bucket released it
JITTER = 0.05
#: ... and the first request of a host later than the next ones (a new connection; a loaded machine):
#: the span of n arrivals may fall short of the bucket's (n - burst) / rate by that much
SPAN_SLACK = 0.5


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
        arrivals: dict[str, list[float]] = defaultdict(list)
        for hit in mirror.log:
            arrivals[archive_of(hit.path)].append(hit.at)

    assert len(arrivals["ncbi_ftp"]) == 3 * SPEC.n_series and len(arrivals["ncbi_www"]) == SPEC.n_series
    assert len(arrivals["ena_portal"]) >= SPEC.n_series  # the workers' own requests (enrichment)
    for archive, times in arrivals.items():
        limit = LIMITS[archive]
        times.sort()
        busiest = max(sum(1 for t in times[i:] if t < start + 1.0) for i, start in enumerate(times))
        assert busiest <= limit.burst + limit.rate * (1.0 + JITTER), f"{archive}: {busiest} requests in one second"
        # n requests through a bucket of `burst` tokens refilled at `rate` take at least (n - burst) / rate
        assert times[-1] - times[0] >= (len(times) - limit.burst) / limit.rate - SPAN_SLACK, archive
    ftp = sorted(arrivals["ncbi_ftp"])
    assert ftp[-1] - ftp[0] < 2 * (len(ftp) / LIMITS["ncbi_ftp"].rate)  # the limit, not something else, paced it
