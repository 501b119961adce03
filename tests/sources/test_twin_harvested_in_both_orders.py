"""A GEO series and its ArrayExpress import, harvested in either order, are one study with the same
samples, the same sample ids and the same runs (the demo's GSE990101 and E-GEOD-990101)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rnacorpus import api
from rnacorpus.catalog.api import Catalog
from rnacorpus.demo.archives import SERIES, TWIN, write_archive_twins
from rnacorpus.demo.files import write_demo_archive
from rnacorpus.mirror import MirrorServer
from tests.conftest import mirror_config


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("twins") / "archive"
    write_demo_archive(folder)
    write_archive_twins(folder)
    return folder


def snapshot(catalog: Catalog) -> dict[str, object]:
    return {
        "studies": catalog.sql("SELECT accession FROM studies ORDER BY 1").column("accession").to_pylist(),
        "samples": catalog.sql("SELECT accession, sample_id, study_accession FROM samples ORDER BY 1").to_pylist(),
        "ids": catalog.sql("SELECT DISTINCT accession, sample_id FROM accessions ORDER BY 1, 2").to_pylist(),
        "runs": catalog.sql("SELECT run_accession, sample_id FROM runs_sequencing ORDER BY 1").to_pylist(),
        "absorbed": catalog.sql(
            "SELECT accession, absorbed_into, n_samples, n_matched FROM absorbed_studies"
        ).to_pylist(),
    }


@pytest.mark.parametrize("order", [[SERIES, TWIN], [TWIN, SERIES]], ids=["gse-first", "egeod-first"])
def test_one_study_whatever_the_order(archive: Path, tmp_path: Path, order: list[str]) -> None:
    with MirrorServer(archive) as mirror:
        config = mirror_config(tmp_path, mirror.url, enrich=("ena",))
        for accession in order:
            assert api.harvest([accession], config=config).exit_code == 0
    state = snapshot(Catalog.open(config.catalog_path))
    assert state["studies"] == [SERIES]
    assert len(state["samples"]) == 8 and {s["sample_id"] for s in state["samples"]} == {
        s["accession"] for s in state["samples"]
    }
    assert state["absorbed"] == [{"accession": TWIN, "absorbed_into": SERIES, "n_samples": 8, "n_matched": 8}]
    assert len(state["runs"]) == 8 and all(r["sample_id"] for r in state["runs"])


def test_both_orders_leave_the_same_catalog(archive: Path, tmp_path: Path) -> None:
    states = []
    for order in ([SERIES, TWIN], [TWIN, SERIES]):
        folder = tmp_path / order[0]
        with MirrorServer(archive) as mirror:
            config = mirror_config(folder, mirror.url, enrich=("ena",))
            for accession in order:
                api.harvest([accession], config=config)
        states.append(snapshot(Catalog.open(config.catalog_path)))
    assert states[0] == states[1]
