"""``--workers 4`` on one machine: the four build processes and the driver share one bucket per archive.

Enrichment (ENA runs, BioSamples records of each study's samples) runs inside the builds, in local
processes each with its own HTTP client; they take their tokens from the driver's buckets
(:mod:`rnacorpus.pipeline.pool_limits`). With the real limits of a run with an API key, the mirror
sees every archive within ``burst + rate`` requests in any second — a bucket per process let four
builds send up to four times as many (19 BioSamples requests in one second against a cap of 12,
``benchmarks/bench_cluster.py``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from rnacorpus import api
from rnacorpus.config import Config
from rnacorpus.harvester.geo.synthetic_series import CorpusSpec, write_metadata_corpus
from tests.conftest import mirror_config
from tests.reliability.fault_mirror import FaultMirror
from tests.reliability.request_rates import arrivals_by_archive, assert_within_limits
from tests.reliability.snapshot import seeded_folder

SPEC = CorpusSpec(n_series=6, n_samples=8, seed=15)
LIMITS = Config(ncbi_api_key="a-key").limits


@pytest.mark.slow
def test_four_local_build_processes_stay_within_each_hosts_limit(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    write_metadata_corpus(tmp_path / "archive", SPEC)
    folder = seeded_folder(tmp_path_factory, "local-rate-cap")
    with FaultMirror(tmp_path / "archive") as mirror:
        # one request per BioSample (not by accession block): enough requests in flight to test the cap
        config = mirror_config(
            folder, mirror.url, rate_limits=LIMITS, workers=4, executor="processes", batch_lookups=False
        )
        report = api.harvest(SPEC.accessions, config=config)
        assert report.exit_code == 0 and report.counts["new"] == SPEC.n_series, report.to_dict()
        arrivals = arrivals_by_archive((hit.path, hit.at) for hit in mirror.log)

    assert len(arrivals["biosamples"]) >= SPEC.n_series * SPEC.n_samples  # the build processes' own requests
    assert_within_limits(arrivals, LIMITS)


def test_a_build_process_and_the_driver_draw_from_one_bucket_until_the_service_closes() -> None:
    from rnacorpus.config import RateLimit
    from rnacorpus.errors import TransientError
    from rnacorpus.pipeline import pool_limits

    config = Config(rate_limits={"biosamples": RateLimit(1.0, 2)})
    service = pool_limits.BucketService(config)
    pool_limits.join(service.address)  # as a build process's initializer does
    try:
        worker = pool_limits.pool_limiter(config)
        assert worker is not None
        sleeps: list[float] = []
        worker._sleep = sleeps.append  # record the waits instead of sleeping
        driver = service.limiter()
        driver._sleep = sleeps.append
        # a burst of 2 shared: the third token, whoever asks, waits about a second
        assert [worker.acquire("biosamples"), driver.acquire("biosamples")] == [0.0, 0.0]
        assert worker.acquire("biosamples") > 0.9
        service.close()
        assert not service._accepter.is_alive()
        # a process that asks once the run is over (a new connection) gets a transient error, not a hang
        late = pool_limits.pool_limiter(config)
        assert late is not None
        errors: list[BaseException] = []
        asking = threading.Thread(target=lambda: _record(errors, lambda: late.acquire("biosamples")))
        asking.start()
        asking.join(timeout=10)
        assert [type(e) for e in errors] == [TransientError] and "rate limits are unreachable" in str(errors[0])
    finally:
        pool_limits.join(None)
        service.close()


def _record(errors: list[BaseException], call: Callable[[], object]) -> None:
    try:
        call()
    except BaseException as exc:
        errors.append(exc)
