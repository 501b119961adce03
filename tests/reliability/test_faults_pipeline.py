"""Archive faults through the whole pipeline: fault-injecting mirror → harvest → catalog.

The unit tests (``tests/harvester/test_http_faults.py``) drive each fault against the HttpClient
alone; here the same faults hit real corpus files on their real GEO URL paths during a harvest of
several studies at once, one fault per study:

* a fault that clears within the retry budget leaves no trace: the catalog equals a clean run's;
* a fault that persists quarantines its study (step, error kind, message naming accession and URL),
  the other studies load, the run exits 1, ``rnacorpus status --json`` lists the study, and
  ``rnacorpus harvest --retry-quarantined`` loads it once the archive behaves again;
* E-utilities errors hidden in 200 answers are retried (rate limit) or stop discovery (esearch ERROR)
  without touching the catalog.
"""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from rnacorpus.config import Config
from rnacorpus.harvester.base import DiscoveryQuery
from rnacorpus.harvester.geo.urls import matrix_dir_url, ncbi_counts_file_url
from rnacorpus.pipeline.harvest import harvest
from rnacorpus.pipeline.report import RunReport
from tests.conftest import corpus_root, mirror_config
from tests.reliability.fault_mirror import ESEARCH_PATH, PASS, Fault, FaultMirror, soft_path
from tests.reliability.snapshot import (
    CatalogSnapshot,
    catalog_snapshot,
    diff_snapshots,
    open_catalog,
    seeded_folder,
)

#: small budget so that a persistent fault costs well under a second (read timeout aside)
FAST = {"read_timeout": 0.5, "max_attempts": 3, "backoff_base": 0.01, "backoff_max": 0.05, "retry_budget": 5.0}
SUBPROCESS_TIMEOUT = 120


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


COUNTS_FILE = "GSE164073_raw_counts_GRCh38.p13_NCBI.tsv.gz"
COUNTS_PATH = _path(ncbi_counts_file_url(COUNTS_FILE, "GSE164073"))
MATRIX_LISTING = _path(matrix_dir_url("GSE164073"))


@dataclass(frozen=True)
class Case:
    """One study and the faults its file gets; ``requests``: what the file must see in all."""

    accession: str
    target: str
    faults: tuple[Fault, ...]
    requests: int
    #: persistent cases: the quarantine row expected
    kind: str | None = None
    message: str = ""

    @property
    def id(self) -> str:
        return f"{self.accession}-{self.faults[0].label}"


def soft(accession: str) -> str:
    return soft_path(accession)


TRANSIENT = [
    Case("GSE105845", soft("GSE105845"), (Fault.rate_limited("1"), PASS), 2),
    Case("GSE1299", soft("GSE1299"), (Fault.rate_limited(), Fault.rate_limited(), PASS), 3),
    Case("GSE2122", soft("GSE2122"), (Fault.server_error(500), Fault.server_error(500), PASS), 3),
    Case("GSE235534", soft("GSE235534"), (Fault.server_error(502), Fault.server_error(502), PASS), 3),
    Case("GSE2388", soft("GSE2388"), (Fault.server_error(503), Fault.server_error(503), PASS), 3),
    Case("GSE29006", soft("GSE29006"), (Fault.reset(), Fault.reset(), PASS), 3),
    Case("GSE71229", soft("GSE71229"), (Fault.slow(1.5), PASS), 2),
    Case("GSE7774", soft("GSE7774"), (Fault.truncated(0.5), Fault.truncated(0.2), PASS), 3),
    Case("GSE2221", soft("GSE2221"), (Fault.cut_gzip(0.5), PASS), 2),
    Case("GSE164073", COUNTS_PATH, (Fault.truncated(0.3), Fault.reset(), PASS), 3),
    Case("GSE164073", MATRIX_LISTING, (Fault.server_error(503), PASS), 2),
]

PERSISTENT = [
    Case("GSE105845", soft("GSE105845"), (Fault.rate_limited(),), 3, "rate_limited", r"HTTP 429"),
    Case("GSE1299", soft("GSE1299"), (Fault.server_error(503),), 3, "server_error", r"HTTP 503"),
    Case("GSE2122", soft("GSE2122"), (Fault.reset(),), 3, "network", r"connection"),
    Case("GSE235534", soft("GSE235534"), (Fault.slow(1.5),), 3, "network", r"timed out"),
    Case("GSE2388", soft("GSE2388"), (Fault.truncated(),), 3, "truncated", r"before Content-Length"),
    Case("GSE29006", soft("GSE29006"), (Fault.cut_gzip(),), 3, "truncated", r"gzip stream ends early"),
    # an HTML page where a file belongs is an archive hiccup: retried, quarantined only when it persists
    Case("GSE71229", soft("GSE71229"), (Fault.html_200(),), 3, "html_page", r"HTML page"),
    Case("GSE7774", soft("GSE7774"), (Fault.html_200(labelled=False),), 3, "html_page", r"HTML page"),
    # permanent faults are not retried: one request each
    Case("GSE2221", soft("GSE2221"), (Fault.wrong_format_gzip(),), 1, "bad_content", r"not a SOFT file"),
    Case("GSE164073", COUNTS_PATH, (Fault.cut_gzip(),), 3, "truncated", r"gzip stream ends early"),
]
#: studies that get no fault: they must load whatever happens to the others
UNTOUCHED = ["GSE14618"]
STUDIES = sorted({c.accession for c in TRANSIENT} | set(UNTOUCHED))
assert sorted({c.accession for c in PERSISTENT} | set(UNTOUCHED)) == STUDIES


def fast_config(folder: Path, url: str) -> Config:
    return mirror_config(folder, url, **FAST)


@pytest.fixture(scope="module")
def mirror() -> Iterator[FaultMirror]:
    with FaultMirror(corpus_root()) as server:
        yield server


@pytest.fixture(scope="module")
def clean(mirror: FaultMirror, tmp_path_factory: pytest.TempPathFactory) -> CatalogSnapshot:
    """The catalog a fault-free harvest of the same studies gives."""
    folder = seeded_folder(tmp_path_factory, "faults-clean")
    mirror.clear()
    report = harvest(STUDIES, config=fast_config(folder, mirror.url))
    assert report.exit_code == 0, [r.message for r in report.failed]
    return catalog_snapshot(folder / "catalog.duckdb", root=folder)


def run_with(mirror: FaultMirror, cases: list[Case], folder: Path) -> RunReport:
    mirror.clear()
    mirror.reset_log()
    for case in cases:
        mirror.script(case.target, *case.faults)
    try:
        return harvest(STUDIES, config=fast_config(folder, mirror.url))
    finally:
        mirror.clear()


@pytest.fixture(scope="module")
def transient_run(
    mirror: FaultMirror, clean: CatalogSnapshot, tmp_path_factory: pytest.TempPathFactory
) -> tuple[RunReport, Path, FaultMirror]:
    folder = seeded_folder(tmp_path_factory, "faults-transient")
    return run_with(mirror, TRANSIENT, folder), folder, mirror


@pytest.fixture(scope="module")
def transient_log(transient_run: tuple[RunReport, Path, FaultMirror]) -> dict[str, list[float]]:
    """Arrival times of the requests each scripted file saw during the transient run."""
    _, _, mirror = transient_run
    return {case.target: mirror.times(case.target) for case in TRANSIENT}


def test_transient_faults_leave_the_catalog_as_a_clean_run_does(
    transient_run: tuple[RunReport, Path, FaultMirror], clean: CatalogSnapshot
) -> None:
    report, folder, _ = transient_run
    assert report.exit_code == 0, [r.message for r in report.failed]
    assert report.counts["new"] == len(STUDIES)
    assert diff_snapshots(catalog_snapshot(folder / "catalog.duckdb", root=folder), clean) == []


@pytest.mark.parametrize("case", TRANSIENT, ids=[c.id for c in TRANSIENT])
def test_transient_fault_is_retried_until_it_clears(case: Case, transient_log: dict[str, list[float]]) -> None:
    assert len(transient_log[case.target]) == case.requests


def test_retry_after_is_honoured_and_plain_429_backs_off_briefly(transient_log: dict[str, list[float]]) -> None:
    told = transient_log[soft("GSE105845")]  # Retry-After: 1
    untold = transient_log[soft("GSE1299")]  # no Retry-After: backoff_max 0.05 s
    assert told[1] - told[0] >= 0.95
    assert max(b - a for a, b in itertools.pairwise(untold)) < 0.9


@pytest.fixture(scope="module")
def persistent_run(
    mirror: FaultMirror, clean: CatalogSnapshot, tmp_path_factory: pytest.TempPathFactory
) -> tuple[RunReport, Path, dict[str, int]]:
    folder = seeded_folder(tmp_path_factory, "faults-persistent")
    report = run_with(mirror, PERSISTENT, folder)
    return report, folder, {case.target: mirror.count(case.target) for case in PERSISTENT}


def quarantine_rows(catalog: Path) -> dict[str, dict[str, object]]:
    with open_catalog(catalog) as con:
        cursor = con.execute("SELECT accession, step, error_kind, message, url, time, attempts FROM quarantine")
        names = [d[0] for d in cursor.description]
        return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


def test_persistent_faults_quarantine_their_study_and_the_run_goes_on(
    persistent_run: tuple[RunReport, Path, dict[str, int]],
) -> None:
    report, folder, _ = persistent_run
    assert report.exit_code == 1
    assert {r.accession for r in report.failed} == {c.accession for c in PERSISTENT}
    loaded = {r.accession for r in report.results if r.outcome == "new"}
    assert loaded == set(UNTOUCHED)
    assert set(quarantine_rows(folder / "catalog.duckdb")) == {c.accession for c in PERSISTENT}


@pytest.mark.parametrize("case", PERSISTENT, ids=[c.id for c in PERSISTENT])
def test_persistent_fault_is_quarantined_with_its_kind(
    case: Case, persistent_run: tuple[RunReport, Path, dict[str, int]]
) -> None:
    _, folder, requests = persistent_run
    row = quarantine_rows(folder / "catalog.duckdb")[case.accession]
    assert (row["step"], row["error_kind"]) == ("fetch", case.kind)
    message = str(row["message"])
    assert re.search(case.message, message), message
    assert message.startswith(case.accession) and "ncbi.nlm.nih.gov/geo/" in message
    assert str(row["url"]).startswith("https://") and "127.0.0.1" not in str(row["url"])  # the archive's URL
    assert row["time"] is not None and row["attempts"] == 1
    assert requests[case.target] == case.requests  # transient kinds used the whole budget, permanent ones one try


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The real ``rnacorpus`` command in a child process (bounded)."""
    return subprocess.run(
        [sys.executable, "-c", "from rnacorpus.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
        env={"PATH": "/usr/bin:/bin", "HOME": str(Path.home())},
    )


@pytest.mark.slow
def test_status_lists_quarantined_studies_and_retry_loads_them(
    persistent_run: tuple[RunReport, Path, dict[str, int]], mirror: FaultMirror, clean: CatalogSnapshot
) -> None:
    _, folder, _ = persistent_run
    paths = ["--catalog", str(folder / "catalog.duckdb"), "--store", str(folder / "store")]
    status = cli("status", "--json", *paths)
    assert status.returncode == 0, status.stderr
    listed = {row["accession"]: row for row in json.loads(status.stdout)["quarantine"]}
    assert set(listed) == {c.accession for c in PERSISTENT}
    assert {a: r["error_kind"] for a, r in listed.items()} == {c.accession: c.kind for c in PERSISTENT}

    mirror.clear()  # the archive behaves again
    online = ["--cache", str(folder / "cache"), "--mirror", mirror.url]
    retry = cli("harvest", "--retry-quarantined", "--json", *paths, *online)
    assert retry.returncode == 0, retry.stdout + retry.stderr
    outcome = json.loads(retry.stdout)
    assert sorted(r["accession"] for r in outcome["results"]) == sorted(c.accession for c in PERSISTENT)
    assert quarantine_rows(folder / "catalog.duckdb") == {}
    assert diff_snapshots(catalog_snapshot(folder / "catalog.duckdb", root=folder), clean) == []


def test_eutils_rate_limit_object_in_a_200_is_retried(
    mirror: FaultMirror, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = seeded_folder(tmp_path_factory, "faults-eutils-retry")
    mirror.clear()
    mirror.reset_log()
    mirror.script(ESEARCH_PATH, Fault.eutils_rate_limit_200(), PASS)
    # the count below is exact, so no request may time out: the 0.5 s of FAST is for the hang cases,
    # and a loaded machine can take longer than that to answer a plain one
    config = mirror_config(folder, mirror.url, **{**FAST, "read_timeout": 10.0})
    try:
        report = harvest(config=config, query=_query("GSE1299[ACCN]"))
    finally:
        mirror.clear()
    assert report.exit_code == 0, report.fatal
    assert [(r.accession, r.outcome) for r in report.results] == [("GSE1299", "new")]
    assert mirror.count(ESEARCH_PATH) == 2


def test_esearch_error_object_stops_discovery_and_touches_no_study(
    mirror: FaultMirror, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = seeded_folder(tmp_path_factory, "faults-eutils-error")
    before = catalog_snapshot(folder / "catalog.duckdb", root=folder)
    mirror.clear()
    mirror.script(ESEARCH_PATH, Fault.esearch_error())
    try:
        report = harvest(config=fast_config(folder, mirror.url), query=_query("GSE1299[ACCN]"))
    finally:
        mirror.clear()
    assert report.exit_code == 2 and report.results == []
    assert report.fatal is not None and "esearch error: Invalid query syntax" in report.fatal
    after = catalog_snapshot(folder / "catalog.duckdb", root=folder)
    # only what every run stamps (the store folder) may differ; no study, no quarantine row
    assert [p for p in diff_snapshots(before, after) if not p.startswith("catalog_versions")] == []


def _query(text: str) -> DiscoveryQuery:
    return DiscoveryQuery(text=text)
