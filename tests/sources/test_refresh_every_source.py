"""``refresh`` covers every registered source, each with its own watermark: new ArrayExpress studies
are harvested, runs ENA adds later reach the series that states them, and a source the catalog holds
nothing of is left out (naming it with ``--since`` starts following it)."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

from rnacorpus import api
from rnacorpus.catalog.api import Catalog
from rnacorpus.demo.archives import SERIES, SRA_STUDY, write_archive_twins
from rnacorpus.demo.files import write_demo_archive
from rnacorpus.mirror import MirrorServer
from rnacorpus.pipeline.refresh import RefreshRequest, refresh
from tests.conftest import mirror_config
from tests.sources.magetab_files import sdrf_row, write_study

TODAY = dt.date(2024, 9, 1)


def watermarks(path: Path) -> dict[str, dt.date]:
    return dict(Catalog.open(path).sql("SELECT source, last_update FROM watermarks").to_pandas().values)


def test_each_source_moves_its_own_watermark(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    write_study(archive, "E-MTAB-21", [sdrf_row("donor 1", "ERR1")], released="2024-03-01")
    with MirrorServer(archive) as mirror:
        config = mirror_config(tmp_path, mirror.url)
        assert api.harvest(["E-MTAB-21"], config=config).exit_code == 0
        quiet = refresh(RefreshRequest(), config=config, today=TODAY)
        assert quiet.exit_code == 0 and list(quiet.sources) == ["arrayexpress"]  # nothing else is held
        assert quiet.sources["arrayexpress"].window is not None
        write_study(archive, "E-MTAB-22", [sdrf_row("donor 9", "ERR9")], released="2024-08-20")
        later = refresh(RefreshRequest(), config=config, today=TODAY)
    assert sorted((r.accession, r.outcome) for r in later.results) == [("E-MTAB-21", "unchanged"), ("E-MTAB-22", "new")]
    assert watermarks(tmp_path / "catalog.duckdb") == {"arrayexpress": dt.date(2024, 8, 20)}


def test_runs_ena_adds_later_reach_the_series_that_states_them(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    write_demo_archive(archive)
    with MirrorServer(archive) as mirror:
        config = mirror_config(tmp_path, mirror.url, enrich=("ena",))
        assert api.harvest([SERIES], config=config).exit_code == 0
        catalog = Catalog.open(config.catalog_path)
        assert catalog.sql("SELECT count(*) AS n FROM runs_sequencing").column("n")[0].as_py() == 0
        write_archive_twins(archive)  # SRA now holds the series' runs (and ArrayExpress its twin)
        sra = archive / f"{SRA_STUDY}.sra.xml"
        os.utime(sra, (time.time(), time.time()))
        first = refresh(RefreshRequest(source="ena", since=dt.date(2024, 1, 1)), config=config, today=TODAY)
        assert first.exit_code == 0, first.to_dict()
        assert [(r.accession, r.outcome) for r in first.results] == [(SERIES, "updated")]
        runs = catalog.sql(
            "SELECT run_accession, catalog_sample, sample_id FROM runs_sequencing ORDER BY 1"
        ).to_pylist()
        assert len(runs) == 8 and all(r["catalog_sample"] and r["sample_id"] for r in runs)
        assert watermarks(config.catalog_path)["ena"] == dt.date(2024, 3, 14)
        again = refresh(RefreshRequest(), config=config, today=TODAY)
        assert "ena" in again.sources and again.exit_code == 0
        # ENA's window re-reads its last day: the series is re-enriched and found unchanged
        assert ("GSE990101", "unchanged") in [(r.accession, r.outcome) for r in again.results]
        assert again.sources["ena"].watermark_after == dt.date(2024, 3, 14)
    found = catalog.resolve("GSM9901001")
    assert {a["kind"] for a in found["accessions"]} >= {"geo_sample", "experiment", "run", "biosample", "sra_sample"}
