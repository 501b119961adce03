"""``rnacorpus harvest GSE…`` downloads the first series' family SOFT in a child process while the
command imports (:mod:`rnacorpus.harvester.head_start`), and the run's fetch uses that cache entry.

The child's download is the run's own: the mirror serves the file once. The entry it leaves is
unverified (its head checked, as the run's fetch checks it) until the run's parse proves it whole, so
a gzip stream cut past the head is still found by the parse, evicted and fetched again, and a cut
that persists quarantines the study with nothing kept. What the child's check refuses (an HTML page)
never reaches the cache: the run's fetch meets it again and quarantines the study. A child stopped
mid-download (the run ended first) leaves no temp file behind.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rnacorpus.harvester import head_start
from rnacorpus.pipeline.harvest import harvest
from tests.cli.harvest_until_the_run import harvest_until_the_run
from tests.conftest import mirror_config
from tests.pipeline.cut_gzip_bodies import FAST, STUDY, cached_soft, verified
from tests.reliability.fault_mirror import PASS, Fault, FaultMirror, soft_path
from tests.reliability.snapshot import open_catalog

pytestmark = pytest.mark.usefixtures("small_head")


def quarantined(folder: Path) -> list[tuple[str, str, str]]:
    with open_catalog(folder / "catalog.duckdb") as con:
        rows = con.execute("SELECT accession, step, error_kind FROM quarantine").fetchall()
        return [(str(a), str(s), str(k)) for a, s, k in rows]


def head_started(config: Any) -> int:
    """Run the head start to its end; the child's exit code."""
    with head_start.head_start([STUDY], config) as started:
        assert started is not None
        return started.process.wait(timeout=60)


def test_the_run_uses_the_child_s_download_and_its_parse_proves_it(tmp_path: Path, mirror: FaultMirror) -> None:
    config = mirror_config(tmp_path, mirror.url, **FAST)
    assert head_started(config) == 0
    path = cached_soft(tmp_path)
    assert path is not None and verified(path) is False  # its head checked, the rest left to the parse
    assert mirror.count(soft_path(STUDY)) == 1
    report = harvest([STUDY], config=config)
    assert report.exit_code == 0, [r.message for r in report.failed]
    assert mirror.count(soft_path(STUDY)) == 1  # the run asked nothing more for it
    assert verified(path) is True


def test_a_cut_the_child_stored_is_found_by_the_parse_and_fetched_again(tmp_path: Path, mirror: FaultMirror) -> None:
    mirror.script(soft_path(STUDY), Fault.cut_gzip(0.7), PASS)
    config = mirror_config(tmp_path, mirror.url, **FAST)
    assert head_started(config) == 0  # a complete HTTP answer whose head inflates: only the parse can tell
    report = harvest([STUDY], config=config)
    assert report.exit_code == 0, [r.message for r in report.failed]
    assert mirror.count(soft_path(STUDY)) == 2
    path = cached_soft(tmp_path)
    assert path is not None and verified(path) is True
    assert quarantined(tmp_path) == []


def test_a_cut_that_persists_quarantines_the_study_and_keeps_nothing(tmp_path: Path, mirror: FaultMirror) -> None:
    mirror.script(soft_path(STUDY), Fault.cut_gzip(0.7))
    config = mirror_config(tmp_path, mirror.url, **FAST)
    assert head_started(config) == 0
    report = harvest([STUDY], config=config)
    assert report.exit_code == 1
    # the child's download stands for the run's first: as many downloads in all as without the child
    assert mirror.count(soft_path(STUDY)) == FAST["max_attempts"]
    assert quarantined(tmp_path) == [(STUDY, "parse", "truncated")]
    assert cached_soft(tmp_path) is None


def test_an_html_page_never_reaches_the_cache_and_the_run_quarantines_it(tmp_path: Path, mirror: FaultMirror) -> None:
    mirror.script(soft_path(STUDY), Fault.html_200(labelled=False))
    config = mirror_config(tmp_path, mirror.url, **FAST)
    assert head_started(config) == 1
    assert cached_soft(tmp_path) is None
    report = harvest([STUDY], config=config)
    assert report.exit_code == 1
    assert quarantined(tmp_path) == [(STUDY, "fetch", "html_page")]
    assert cached_soft(tmp_path) is None


def test_a_child_stopped_mid_download_leaves_no_temp_file(tmp_path: Path, mirror: FaultMirror) -> None:
    mirror.script(soft_path(STUDY), Fault.stall(0.5))
    try:
        with head_start.head_start([STUDY], mirror_config(tmp_path, mirror.url, **FAST)) as started:
            assert started is not None
            assert mirror.wait_stalled(30)  # half the body is in the child's temp file
        assert started.process.returncode is not None  # stopped and reaped when the block ended
    finally:
        mirror.release()
    assert [p.name for p in (tmp_path / "cache").rglob("*") if p.is_file()] == []


def test_the_harvest_command_starts_it_before_the_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    events: list[str] = []
    monkeypatch.setattr(head_start, "_start", lambda accessions, config: events.append(f"head {accessions}"))
    harvest_until_the_run(monkeypatch, tmp_path, events, ["GSE1", "GSE2"])
    assert events == ["head ['GSE1', 'GSE2']", "run"]
