"""Harvesting the corpus's ArrayExpress studies through the mirror (BioStudies paths): one sample per
SDRF source, characteristics harmonized like GEO's, E-GEOD-44719 linked to GSE44719; a GEO series'
samples resolve to their SRA experiment and BioSample (as GEO states them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rnacorpus import api
from rnacorpus.catalog.api import Catalog
from rnacorpus.mirror import MirrorServer
from tests.conftest import corpus_root, load_manifest, mirror_config
from tests.sources.test_corpus_magetab_parses import naive_sources

SDRFS = {
    e.accession: e.path for e in load_manifest() if e.rel.startswith("arrayexpress/magetab/") and e.format == "sdrf"
}


@pytest.fixture(scope="module")
def harvested(corpus_mirror: MirrorServer, tmp_path_factory: pytest.TempPathFactory) -> tuple[Catalog, object]:
    tmp = tmp_path_factory.mktemp("ae-corpus")
    config = mirror_config(tmp, corpus_mirror.url)
    report = api.harvest([*sorted(SDRFS), "GSE63966"], config=config)
    return Catalog.open(config.catalog_path), report


def test_every_study_loads_with_one_sample_per_source(harvested) -> None:
    catalog, report = harvested
    assert not report.failed, [(r.accession, r.message) for r in report.failed]
    counts = dict(catalog.sql("SELECT study_accession, count(*) AS n FROM samples GROUP BY 1").to_pandas().values)
    for accession, path in SDRFS.items():
        assert counts[accession] == len(naive_sources(path)), accession
    sources = catalog.sql(
        "SELECT accession, source_name FROM samples WHERE study_accession = 'E-MTAB-3050' ORDER BY 1"
    ).to_pylist()
    assert sources == [
        {"accession": "E-MTAB-3050:donor A islets", "source_name": "donor A islets"},
        {"accession": "E-MTAB-3050:donor B islets", "source_name": "donor B islets"},
    ]


def test_characteristics_feed_the_same_harmonization(harvested) -> None:
    catalog, _ = harvested
    row = catalog.sql(
        "SELECT tissue_label, sex_label, age_value, age_unit, organism_taxid FROM samples "
        "WHERE accession = 'E-MTAB-3050:donor A islets'"
    ).to_pylist()[0]
    assert row["organism_taxid"] == 9606 and row["sex_label"] == "female"
    assert (row["age_value"], row["age_unit"]) == (54.0, "year")
    assert "islet" in (row["tissue_label"] or "")
    raw = catalog.sql(
        "SELECT key, value FROM sample_characteristics WHERE sample_accession = 'E-MTAB-3050:donor A islets' "
        "ORDER BY position"
    ).to_pylist()
    assert {"key": "age", "value": "54 year"} in raw


def test_the_geo_import_is_linked_to_its_series(harvested) -> None:
    catalog, _ = harvested
    links = catalog.sql(
        "SELECT relation, rule FROM study_links "
        "WHERE study_accession = 'E-GEOD-44719' AND linked_accession = 'GSE44719'"
    ).to_pylist()
    assert links == [{"relation": "same_study", "rule": "E-GEOD-n is GEO's GSEn"}]
    found = catalog.resolve("GSM1089365")
    assert found["sample_id"] == "E-GEOD-44719:GSM1089365 1"  # GEO's record is not loaded: the import stands in
    assert catalog.resolve("E-GEOD-44719")["study_accession"] == "E-GEOD-44719"


def test_processed_files_are_described(harvested) -> None:
    catalog, _ = harvested
    rows = catalog.sql(
        "SELECT kind, name, url FROM data_files "
        "WHERE sample_accession = 'E-MTAB-3050:donor A islets' ORDER BY kind, name"
    ).to_pylist()
    kinds = {r["kind"] for r in rows}
    assert {"raw", "processed", "image"} <= kinds
    assert any(r["url"] and r["url"].endswith("E-MTAB-3050.processed.1.zip") for r in rows)


def test_a_gsm_resolves_to_its_sra_experiment_and_biosample(harvested) -> None:
    catalog, _ = harvested
    gsm = (
        catalog.sql("SELECT accession FROM samples WHERE study_accession = 'GSE63966' ORDER BY accession LIMIT 1")
        .column("accession")[0]
        .as_py()
    )
    found = catalog.resolve(gsm)
    kinds = {a["kind"] for a in found["accessions"]}
    assert {"geo_sample", "experiment", "biosample"} <= kinds
    issues = catalog.sql("SELECT code FROM parse_issues WHERE study_accession = 'GSE63966'").column("code").to_pylist()
    assert "ena_no_runs" in issues  # the corpus holds no runs of SRP050954: ENA's empty answer is recorded
    assert Path(corpus_root()).exists()
