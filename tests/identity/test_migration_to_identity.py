"""A format-1 catalog (written before identities existed) upgrades in place to one sample_id per
physical sample, accessions filled from its samples and cross-references, study links from its
SuperSeries / SubSeries."""

from __future__ import annotations

from pathlib import Path

from rnacorpus.catalog.connection import writer
from tests.catalog.catalog_fixtures import restore_catalog


def test_every_sample_gets_a_sample_id_and_its_accessions(tmp_path: Path) -> None:
    path = restore_catalog(1, tmp_path / "old.duckdb")
    with writer(path) as con:
        assert con.execute("SELECT count(*) FROM samples WHERE sample_id IS NULL").fetchone() == (0,)
        # no two GEO samples of the demo share a run or BioSample: each is its own identity
        assert con.execute("SELECT count(DISTINCT sample_id) FROM samples").fetchone() == (27,)
        own = con.execute(
            "SELECT count(*) FROM accessions WHERE accession = record_accession AND kind = 'geo_sample'"
        ).fetchone()
        listed = con.execute("SELECT count(*) FROM study_samples").fetchone()
        assert own == listed  # one own-accession row per study that lists the sample
        srx = dict(
            con.execute(
                "SELECT accession, sample_id FROM accessions WHERE kind = 'experiment' ORDER BY accession"
            ).fetchall()
        )
        xrefs = dict(
            con.execute(
                "SELECT xref_accession, accession FROM xrefs WHERE db = 'SRA' AND accession LIKE 'GSM%'"
            ).fetchall()
        )
        assert srx == xrefs and len(srx) == 8
        archives = {
            r[0] for r in con.execute("SELECT DISTINCT archive FROM accessions WHERE kind = 'experiment'").fetchall()
        }
        assert archives == {"sra"}


def test_superseries_links_and_study_level_links_are_recorded(tmp_path: Path) -> None:
    path = restore_catalog(1, tmp_path / "old.duckdb")
    with writer(path) as con:
        links = set(con.execute("SELECT study_accession, linked_accession, relation FROM study_links").fetchall())
    assert ("GSE990100", "GSE990101", "superseries_of") in links
    assert ("GSE990100", "GSE990103", "superseries_of") in links
    assert ("GSE990101", "GSE990100", "subseries_of") in links
    assert ("GSE990101", "PRJNA990101", "bioproject") in links


def test_a_migrated_catalog_keeps_its_identities_when_a_study_reloads(tmp_path: Path) -> None:
    from rnacorpus.catalog.load import LoadPlan, load_study
    from rnacorpus.catalog.store import ExpressionStore
    from rnacorpus.schemas import CrossRef
    from tests.builders import make_bundle

    path = restore_catalog(1, tmp_path / "old.duckdb")
    bundle = make_bundle("GSE990777", ["GSM9909999"])  # a new series reusing a migrated sample's experiment
    bundle.samples[0].xrefs.append(CrossRef(db="SRA", accession="SRX9901001", relation="SRA"))
    with writer(path) as con:
        load_study(con, ExpressionStore(tmp_path / "store"), LoadPlan(bundle=bundle, content_sha256="x", run_id="r"))
        ids = dict(con.execute("SELECT accession, sample_id FROM samples WHERE sample_id = 'GSM9901002'").fetchall())
        assert ids == {"GSM9901002": "GSM9901002", "GSM9909999": "GSM9901002"}
        assert con.execute("SELECT count(*), count(DISTINCT sample_id) FROM samples").fetchone() == (28, 27)


def test_a_migrated_catalog_gets_the_identity_lookup_indexes(tmp_path: Path) -> None:
    from rnacorpus.catalog.ddl import IDENTITY_INDEXES

    path = restore_catalog(1, tmp_path / "old.duckdb")
    with writer(path) as con:
        held = {str(r[0]) for r in con.execute("SELECT index_name FROM duckdb_indexes()").fetchall()}
    wanted = {statement.split(" EXISTS ")[1].split()[0] for statement in IDENTITY_INDEXES}
    assert len(wanted) == len(IDENTITY_INDEXES) and wanted <= held
