"""A study that failed outside the refresh window stays quarantined until ``--retry-quarantined``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from rnacorpus.mirror import MirrorServer
from rnacorpus.pipeline.refresh import RefreshRequest, refresh
from tests.reliability.refresh_support import (
    TEMPLATE_WATERMARK,
    clone_site,
    edit_series,
    fail_inside_load,
    read_one,
    run_cli,
)

OLD = "GSE990101"  # last updated in April, months before the watermark


def test_retry_quarantined_reaches_studies_the_window_does_not(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = clone_site(tmp_path / "site")
    with MirrorServer(site.archive) as mirror:
        config = site.config(mirror.url)
        edit_series(site.archive, OLD, last_update=dt.date(2024, 4, 20), title="liver, re-annotated")

        fail_inside_load(monkeypatch, OLD)
        backfill = refresh(RefreshRequest(since=dt.date(2024, 1, 1)), config=config)
        monkeypatch.undo()
        assert [(r.accession, r.step) for r in backfill.failed] == [(OLD, "load")]
        assert backfill.watermark_after == TEMPLATE_WATERMARK  # an earlier --since never rewinds it

        listed = run_cli("status", "--catalog", str(site.catalog), cwd=tmp_path)
        assert listed.returncode == 0 and OLD in listed.stdout and "quarantined studies" in listed.stdout

        nightly = refresh(config=config)
        assert OLD not in {r.accession for r in nightly.results}, "April is outside the nightly window"
        assert read_one(site.catalog, "SELECT count(*) FROM quarantine") == 1

        retried = refresh(RefreshRequest(retry_quarantined=True), config=config)

    assert {r.accession: r.outcome for r in retried.results}[OLD] == "updated"
    assert read_one(site.catalog, f"SELECT title FROM studies WHERE accession = '{OLD}'") == "liver, re-annotated"
    assert read_one(site.catalog, "SELECT count(*) FROM quarantine") == 0
    # retried studies do not move the watermark: it follows the window's studies only
    assert retried.watermark_after == TEMPLATE_WATERMARK
    assert "--retry-quarantined" in str(
        read_one(site.catalog, "SELECT command FROM runs WHERE run_id = ?", [retried.run_id])
    )
