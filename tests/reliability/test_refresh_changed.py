"""After one study's files change on the mirror, a refresh updates exactly that study."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rnacorpus.mirror import MirrorServer
from rnacorpus.pipeline.refresh import RefreshRequest, refresh
from tests.reliability.refresh_support import (
    DEMO,
    TEMPLATE_WATERMARK,
    clone_site,
    edit_series,
    read_one,
    study_fingerprint,
)

NEW_DATE = dt.date(2024, 9, 2)


def test_an_edited_study_is_the_only_one_updated(tmp_path: Path) -> None:
    site = clone_site(tmp_path / "site")
    others = [a for a in DEMO if a != "GSE990102"]
    with MirrorServer(site.archive) as mirror:
        config = site.config(mirror.url)
        assert refresh(config=config).exit_code == 0  # settle the copied folder's new ETags
        before = {acc: study_fingerprint(site.catalog, acc) for acc in others}

        edit_series(site.archive, "GSE990102", last_update=NEW_DATE, title="Mouse brain regions, revised")
        report = refresh(config=config)

    assert report.exit_code == 0, report.to_dict()
    # the window (watermark - 3 days onwards) holds the edited study and the two dated Jul 20
    assert {r.accession: r.outcome for r in report.results} == {
        "GSE990102": "updated",
        "GSE990100": "unchanged",
        "GSE990103": "unchanged",
    }
    assert report.summary_line().endswith(": 0 new, 1 updated, 2 unchanged, 0 failed")
    title = read_one(site.catalog, "SELECT title FROM studies WHERE accession = 'GSE990102'")
    assert title == "Mouse brain regions, revised"
    assert read_one(site.catalog, "SELECT last_update FROM studies WHERE accession = 'GSE990102'") == NEW_DATE
    assert {acc: study_fingerprint(site.catalog, acc) for acc in others} == before, "another study's rows changed"
    assert report.watermark_after == NEW_DATE
    assert read_one(site.catalog, "SELECT last_update FROM watermarks WHERE source = 'geo'") == NEW_DATE


def test_a_wide_window_still_loads_only_the_changed_study(tmp_path: Path) -> None:
    site = clone_site(tmp_path / "site")
    with MirrorServer(site.archive) as mirror:
        config = site.config(mirror.url)
        edit_series(site.archive, "GSE990101", last_update=NEW_DATE, title="Liver RNA-seq, corrected")
        report = refresh(RefreshRequest(since=dt.date(2024, 1, 1)), config=config)
    assert {r.accession: r.outcome for r in report.results} == {
        "GSE990100": "unchanged",
        "GSE990101": "updated",
        "GSE990102": "unchanged",
        "GSE990103": "unchanged",
    }
    assert report.watermark_after == NEW_DATE > TEMPLATE_WATERMARK
