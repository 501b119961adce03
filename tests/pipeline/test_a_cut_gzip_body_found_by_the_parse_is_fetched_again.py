"""One inflation per family SOFT through the whole harvest, and still no cut body loaded as whole.

The harvest's fetch checks a large gzip body's head only and stores it unverified; the parse proves it
whole as it reads it (the sidecar then says ``verified: true``). A body whose gzip stream is cut past
the checked head (a complete HTTP answer: only the inflation can tell) fails the parse, is evicted and
fetched again within the run; a cut that persists quarantines the study with the download's own error
and leaves nothing in the cache. An entry a killed run left unverified is proven by the next run's
parse without a new download.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rnacorpus.harvester.base import StudyRef
from rnacorpus.pipeline.harvest import harvest
from rnacorpus.pipeline.plan import pipeline_salt
from rnacorpus.pipeline.worker import Fetched, StudyTask, fetch_study
from tests.conftest import mirror_config
from tests.pipeline.cut_gzip_bodies import FAST, STUDY, cached_soft, verified
from tests.reliability.fault_mirror import PASS, Fault, FaultMirror, soft_path
from tests.reliability.snapshot import open_catalog

pytestmark = pytest.mark.usefixtures("small_head")


def quarantined(folder: Path) -> list[tuple[str, str, str, str]]:
    with open_catalog(folder / "catalog.duckdb") as con:
        rows = con.execute("SELECT accession, step, error_kind, message FROM quarantine").fetchall()
        return [(str(a), str(s), str(k), str(m)) for a, s, k, m in rows]


def test_a_whole_body_is_proven_by_its_parse(tmp_path: Path, mirror: FaultMirror) -> None:
    report = harvest([STUDY], config=mirror_config(tmp_path, mirror.url, **FAST))
    assert report.exit_code == 0, [r.message for r in report.failed]
    assert mirror.count(soft_path(STUDY)) == 1
    path = cached_soft(tmp_path)
    assert path is not None and verified(path) is True


def test_a_cut_gzip_stream_is_fetched_again_and_loads(tmp_path: Path, mirror: FaultMirror) -> None:
    mirror.script(soft_path(STUDY), Fault.cut_gzip(0.7), PASS)
    report = harvest([STUDY], config=mirror_config(tmp_path, mirror.url, **FAST))
    assert report.exit_code == 0, [r.message for r in report.failed]
    assert report.counts["new"] == 1
    assert mirror.count(soft_path(STUDY)) == 2
    path = cached_soft(tmp_path)
    assert path is not None and verified(path) is True
    assert quarantined(tmp_path) == []


def test_a_cut_that_persists_quarantines_the_study_and_keeps_nothing(tmp_path: Path, mirror: FaultMirror) -> None:
    mirror.script(soft_path(STUDY), Fault.cut_gzip(0.7))
    report = harvest([STUDY], config=mirror_config(tmp_path, mirror.url, **FAST))
    assert report.exit_code == 1
    assert mirror.count(soft_path(STUDY)) == FAST["max_attempts"]
    [(accession, step, kind, message)] = quarantined(tmp_path)
    # found by the parse's inflation (the download checked the head only), reported as the download's check does
    assert (accession, step, kind) == (STUDY, "parse", "truncated") and "gzip stream ends early" in message
    assert cached_soft(tmp_path) is None


def test_an_entry_a_killed_run_left_unverified_is_proven_by_the_next_parse(tmp_path: Path, mirror: FaultMirror) -> None:
    config = mirror_config(tmp_path, mirror.url, **FAST)
    fetched = fetch_study(StudyTask(StudyRef(accession=STUDY, source="geo"), config, pipeline_salt()))
    assert isinstance(fetched, Fetched) and len(fetched.unverified) == 1  # the run dies here, before its build
    path = cached_soft(tmp_path)
    assert path is not None and verified(path) is False
    report = harvest([STUDY], config=config)
    assert report.exit_code == 0, [r.message for r in report.failed]
    assert mirror.count(soft_path(STUDY)) == 1
    assert verified(path) is True
