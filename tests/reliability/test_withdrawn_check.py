"""``--check-withdrawn``: a held study whose files are gone from the archive is tombstoned (rows kept,
left out of exports), a bounded number of studies is re-checked per run in rotation, and a study that
comes back is visible again."""

from __future__ import annotations

from pathlib import Path

import pytest

from rnacorpus import api
from rnacorpus.catalog.api import Catalog
from rnacorpus.errors import EmptyExportError
from rnacorpus.mirror import MirrorServer
from rnacorpus.pipeline.refresh import RefreshRequest, refresh
from tests.reliability.refresh_support import clone_site, read_one, study_fingerprint

GONE = "GSE990102"  # the mouse array series: the demo's only mouse samples (nine)
WINDOW = {"GSE990100", "GSE990103"}  # what the nightly window (Jul 17 onwards) lists anyway


def mouse_export(catalog: Path, out: Path) -> int:
    result = Catalog.open(catalog).export(out, where="organism_taxid = 10090", overwrite=True)
    return int(result.n_samples)


def test_a_study_gone_from_the_archive_is_tombstoned_and_can_return(tmp_path: Path) -> None:
    site = clone_site(tmp_path / "site")
    assert mouse_export(site.catalog, tmp_path / "export") == 9
    files = {path: path.read_bytes() for path in site.archive.glob(f"{GONE}[_-]*")}
    assert len(files) == 2  # family SOFT and series matrix
    for path in files:
        path.unlink()
    with MirrorServer(site.archive) as mirror:
        config = site.config(mirror.url)
        nightly = refresh(config=config)
        assert GONE not in {r.accession for r in nightly.results}, "withdrawn series are not in searches"
        assert read_one(site.catalog, f"SELECT withdrawn FROM studies WHERE accession = '{GONE}'") is False

        checked = refresh(RefreshRequest(check_withdrawn=True), config=config)
        assert {r.accession: r.outcome for r in checked.results} == {
            "GSE990100": "unchanged",
            "GSE990101": "unchanged",
            GONE: "withdrawn",
            "GSE990103": "unchanged",
        }
        assert checked.exit_code == 0 and checked.summary_line().endswith(", 0 failed, 1 withdrawn")
        assert read_one(site.catalog, f"SELECT withdrawn FROM studies WHERE accession = '{GONE}'") is True
        samples = f"SELECT count(*) FROM study_samples WHERE study_accession = '{GONE}'"
        assert read_one(site.catalog, samples) == 9, "a tombstone keeps the rows"
        assert read_one(site.catalog, "SELECT count(*) FROM quarantine") == 0
        with pytest.raises(
            EmptyExportError, match=r"not withdrawn removed all 9"
        ):  # exports leave them out, and say so
            mouse_export(site.catalog, tmp_path / "export")
        assert [row["accession"] for row in api.status(catalog=site.catalog)["withdrawn"]] == [GONE]

        tombstone = study_fingerprint(site.catalog, GONE)
        again = refresh(RefreshRequest(check_withdrawn=True), config=config)
        assert {r.accession: (r.outcome, r.message) for r in again.results}[GONE] == ("unchanged", "still withdrawn")
        assert study_fingerprint(site.catalog, GONE) == tombstone

        for path, data in files.items():
            path.write_bytes(data)
        back = refresh(RefreshRequest(check_withdrawn=True), config=config)

    assert {r.accession: r.outcome for r in back.results}[GONE] == "updated"
    assert read_one(site.catalog, f"SELECT withdrawn FROM studies WHERE accession = '{GONE}'") is False
    assert mouse_export(site.catalog, tmp_path / "export") == 9


def test_rechecks_are_bounded_and_rotate(tmp_path: Path) -> None:
    site = clone_site(tmp_path / "site")
    rechecked = []
    with MirrorServer(site.archive) as mirror:
        config = site.config(mirror.url)
        for _ in range(3):
            report = refresh(RefreshRequest(check_withdrawn=True, check_limit=1), config=config)
            assert report.exit_code == 0
            rechecked.append({r.accession for r in report.results} - WINDOW)
    # the template's last refresh saw GSE990102 before GSE990101; after that, whichever a run looked at
    # longest ago comes first
    assert rechecked == [{"GSE990102"}, {"GSE990101"}, {"GSE990102"}]
