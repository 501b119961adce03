"""An archive (or the mirror) that stops answering is an outage, not a string of study failures.

A refused connection stops the run at once — no retries, no backoff — and a run of requests to one
host that each fail after their retries (5xx here) stops it after ``outage_threshold`` of them. Either
way the run exits 2 naming the host ("is the mirror running?" under ``--mirror``), quarantines no
study, and the next run simply does the rest.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from rnacorpus.harvester.http import HttpClient
from rnacorpus.pipeline.harvest import harvest
from tests.conftest import corpus_root, mirror_config
from tests.reliability.fault_mirror import PASS, Fault, FaultMirror, soft_path
from tests.reliability.snapshot import open_catalog, seeded_folder
from tests.reliability.test_faults_pipeline import FAST, cli

STUDIES = ["GSE1299", "GSE2221", "GSE7774"]


def closed_port() -> int:
    with socket.socket() as probe:  # free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def held(catalog: Path) -> dict[str, list[str]]:
    with open_catalog(catalog) as con:
        return {
            "quarantine": [r[0] for r in con.execute("SELECT accession FROM quarantine").fetchall()],
            "studies": sorted(r[0] for r in con.execute("SELECT accession FROM studies").fetchall()),
            "run_items": [r[0] for r in con.execute("SELECT accession FROM run_items").fetchall()],
        }


def test_a_refused_connection_stops_the_run_at_once_without_retries(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    folder = seeded_folder(tmp_path_factory, "outage-refused")
    url = f"http://127.0.0.1:{closed_port()}"
    config = mirror_config(folder, url, max_attempts=5, backoff_base=1.0)
    waits: list[float] = []
    with HttpClient(config, sleep=waits.append) as client:
        report = harvest(STUDIES, config=config, client=client)
    assert report.exit_code == 2
    assert report.fatal is not None
    assert f"the mirror {url} did not answer (connection refused) — is the mirror running?" in report.fatal
    assert waits == [], "a refused connection is not retried with backoff"
    assert report.results == []
    assert held(folder / "catalog.duckdb") == {"quarantine": [], "studies": [], "run_items": []}


def test_the_cli_says_which_host_did_not_answer_on_one_line(tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = seeded_folder(tmp_path_factory, "outage-cli")
    url = f"http://127.0.0.1:{closed_port()}"
    paths = ["--catalog", str(folder / "catalog.duckdb"), "--store", str(folder / "store")]
    done = cli("harvest", *STUDIES, *paths, "--cache", str(folder / "cache"), "--mirror", url)
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("rnacorpus: could not run: the mirror") and "is the mirror running?" in lines[0]
    assert "Traceback" not in done.stderr and "HTTPConnectionPool" not in done.stderr
    assert held(folder / "catalog.duckdb")["quarantine"] == []
    assert list(folder.rglob("*.lock")) == []


class StopAfterFirst:
    """A progress sink that takes the mirror down once the first study is loaded."""

    def __init__(self, mirror: FaultMirror) -> None:
        self.mirror = mirror
        self.seen: list[tuple[str, str]] = []

    def start(self, total: int | None) -> None:
        return None

    def advance(self, accession: str, outcome: str) -> None:
        self.seen.append((accession, outcome))
        if len(self.seen) == 1:
            self.mirror.die()

    def close(self) -> None:
        return None


def test_a_mirror_that_dies_mid_run_stops_it_and_the_next_run_does_the_rest(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    folder = seeded_folder(tmp_path_factory, "outage-mid-run")
    mirror = FaultMirror(corpus_root()).start()
    # downloads run ahead of loads (the run is pipelined): hold the second study's download in flight so
    # that the mirror dies mid-run, while it is still needed, as a crashing server would
    mirror.script(soft_path("GSE2221"), Fault.stall())
    progress = StopAfterFirst(mirror)
    try:
        # a read timeout longer than the stall, so that the download is still in flight when the mirror dies
        patient = {**FAST, "read_timeout": 30.0}
        report = harvest(STUDIES, config=mirror_config(folder, mirror.url, **patient), progress=progress)
    finally:
        mirror.stop()
    assert report.exit_code == 2 and report.fatal is not None and "is the mirror running?" in report.fatal
    assert [(r.accession, r.outcome) for r in report.results] == [("GSE1299", "new")]
    assert held(folder / "catalog.duckdb") == {"quarantine": [], "studies": ["GSE1299"], "run_items": ["GSE1299"]}

    with FaultMirror(corpus_root()) as again:
        second = harvest(STUDIES, config=mirror_config(folder, again.url, **FAST))
    assert second.exit_code == 0, second.fatal
    assert {r.accession: r.outcome for r in second.results} == {
        "GSE1299": "unchanged",
        "GSE2221": "new",
        "GSE7774": "new",
    }


def test_consecutive_server_errors_trip_the_breaker_and_quarantine_nothing(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    folder = seeded_folder(tmp_path_factory, "outage-5xx")
    studies = [*STUDIES, "GSE2122"]
    with FaultMirror(corpus_root()) as mirror:
        for accession in studies:
            mirror.script(soft_path(accession), Fault.server_error(503))
        report = harvest(studies, config=mirror_config(folder, mirror.url, **FAST, outage_threshold=3))
        asked = {accession: mirror.count(soft_path(accession)) for accession in studies}
    assert report.exit_code == 2 and report.fatal is not None
    assert "3 requests in a row failed, the last with: HTTP 503" in report.fatal
    # three studies spent their retries (3 attempts each), the fourth was never asked for
    assert asked == {"GSE1299": 3, "GSE2221": 3, "GSE7774": 3, "GSE2122": 0}
    assert held(folder / "catalog.duckdb") == {"quarantine": [], "studies": [], "run_items": []}


def test_a_failure_the_host_recovers_from_is_the_studys_own(tmp_path_factory: pytest.TempPathFactory) -> None:
    """One study's file keeps failing while the next study is served: that one is quarantined (exit 1)."""
    folder = seeded_folder(tmp_path_factory, "outage-isolated")
    with FaultMirror(corpus_root()) as mirror:
        mirror.script(soft_path("GSE1299"), Fault.server_error(503))
        mirror.script(soft_path("GSE2221"), Fault.server_error(502), PASS)
        report = harvest(STUDIES, config=mirror_config(folder, mirror.url, **FAST))
    assert report.exit_code == 1 and report.fatal is None
    assert {r.accession: r.outcome for r in report.results} == {"GSE1299": "failed", "GSE2221": "new", "GSE7774": "new"}
    assert held(folder / "catalog.duckdb")["quarantine"] == ["GSE1299"]
