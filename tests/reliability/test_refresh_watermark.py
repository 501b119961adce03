"""The watermark advances only after loads commit, and never past a study whose load failed.

The fault is injected inside the real load transaction (a hook that raises after the study's rows
were written), so the rollback, the quarantine and the watermark rule are all the product's own.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from rnacorpus.mirror import MirrorServer
from rnacorpus.pipeline.refresh import refresh
from tests.reliability.refresh_support import (
    TEMPLATE_WATERMARK,
    clone_site,
    edit_series,
    fail_inside_load,
    read_one,
    run_cli,
)

FAILING = "GSE990102"


def watermark(catalog: Path) -> object:
    return read_one(catalog, "SELECT last_update FROM watermarks WHERE source = 'geo'")


def test_a_failed_load_holds_the_watermark_until_it_succeeds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = clone_site(tmp_path / "site")
    with MirrorServer(site.archive) as mirror:
        config = site.config(mirror.url)
        edit_series(site.archive, FAILING, last_update=dt.date(2024, 9, 1), title="revised, fails to load")
        edit_series(site.archive, "GSE990103", last_update=dt.date(2024, 10, 1), title="revised, loads")

        fail_inside_load(monkeypatch, FAILING)
        first = refresh(config=config)
        outcomes = {r.accession: (r.outcome, r.step) for r in first.results}
        assert outcomes[FAILING] == ("failed", "load") and outcomes["GSE990103"] == ("updated", "load")
        assert first.exit_code == 1
        # rolled back: the catalog still holds the old version of the failed study
        assert read_one(site.catalog, f"SELECT title FROM studies WHERE accession = '{FAILING}'") != (
            "revised, fails to load"
        )
        # GSE990103 (Oct 1) loaded, but the watermark may not pass GSE990102 (Sep 1), which failed
        assert first.watermark_after == watermark(site.catalog) == TEMPLATE_WATERMARK
        quarantined = read_one(
            site.catalog, f"SELECT step || ':' || message FROM quarantine WHERE accession = '{FAILING}'"
        )
        assert quarantined == f"load:InjectedLoadFault: disk full while loading {FAILING}"

        status = run_cli("status", "--catalog", str(site.catalog), "--json", cwd=tmp_path)
        assert status.returncode == 0, status.stderr
        assert [q["accession"] for q in json.loads(status.stdout)["quarantine"]] == [FAILING]

        monkeypatch.undo()  # the disk has room again
        second = refresh(config=config)

    # the next window starts at or before the failed study, so it is retried without being asked
    assert {r.accession: r.outcome for r in second.results}[FAILING] == "updated"
    assert second.exit_code == 0
    assert (
        read_one(site.catalog, f"SELECT title FROM studies WHERE accession = '{FAILING}'") == "revised, fails to load"
    )
    assert read_one(site.catalog, "SELECT count(*) FROM quarantine") == 0
    assert second.watermark_after == watermark(site.catalog) == dt.date(2024, 10, 1)


def test_a_run_that_cannot_finish_never_moves_the_watermark(tmp_path: Path) -> None:
    """Discovery fails (the E-utilities host is gone): exit 2, the watermark stays, the run is logged."""
    site = clone_site(tmp_path / "site")
    with MirrorServer(site.archive) as mirror:
        config = site.config(mirror.url)
        edit_series(site.archive, "GSE990103", last_update=dt.date(2024, 10, 1))
    # the mirror is stopped: every request is refused
    report = refresh(config=config.with_(max_attempts=1))
    assert report.exit_code == 2 and report.fatal, report.to_dict()
    assert watermark(site.catalog) == TEMPLATE_WATERMARK and report.watermark_after is None
    assert read_one(site.catalog, "SELECT status FROM runs WHERE run_id = ?", [report.run_id]) == "error"
