"""Asking BioSamples for a study's records by accession block gives the catalog the one-by-one path
gives — every table row for row — on the corpus's SRA studies and on a generated series some of whose
BioSamples the archive does not hold, with far fewer requests.

What may differ, by design: which raw files the answers were read from (search pages instead of one
file per sample: ``studies.source_files`` and the content key that digests them) and the wording of
the one ``biosamples_link_failed`` issue (a 404 versus "BioSamples' search holds no …"); its code, the
accessions it names and their count are the same.
"""

from __future__ import annotations

from pathlib import Path

from rnacorpus import api
from rnacorpus.harvester.geo.synthetic_series import metadata_series
from tests.conftest import SEQUENTIAL_RUN, corpus_root, mirror_config
from tests.reliability.snapshot import catalog_snapshot, diff_snapshots, open_catalog
from tests.sources.generated_enrichment import CountingMirror, counting_mirror, generated_series_folder

#: SRA studies whose packages the corpus holds (sra/sra_test.xml): their BioSamples come in blocks
CORPUS_STUDIES = ["SRP014427", "SRP026198", "SRP049413", "SRP055039", "SRP064516", "SRP093364", "SRP149446",
                  "SRP228538", "SRP250832", "SRP251352"]  # fmt: skip
#: tables whose rows may differ between the two ways, compared below column by column instead
APART = ("studies", "parse_issues")


def harvest(
    mirror: CountingMirror, folder: Path, accessions: list[str], *, batch: bool, source: str
) -> tuple[int, int]:
    mirror.paths.clear()
    config = mirror_config(folder, mirror.url, batch_lookups=batch, **SEQUENTIAL_RUN)
    report = api.harvest(accessions, source=source, config=config)
    assert report.exit_code == 0 and report.counts["new"] == len(accessions), report.to_dict()
    return mirror.biosample_requests()


def same_catalog(batched: Path, single: Path) -> None:
    left = catalog_snapshot(batched / "catalog.duckdb", root=batched, references=False)
    right = catalog_snapshot(single / "catalog.duckdb", root=single, references=False)
    for name in APART:
        left.tables.pop(name), right.tables.pop(name)
    assert diff_snapshots(left, right) == []
    columns = {
        "studies": "accession, archive, title, n_samples, last_update, public_date, organism_taxids",
        "parse_issues": "study_accession, level, code, accession, path, line, "
        "CASE WHEN code LIKE '%_link_failed' THEN regexp_extract(message, '(\\d+ of \\d+ records)') ELSE message END",
    }
    for table, kept in columns.items():
        rows = []
        for folder in (batched, single):
            with open_catalog(folder / "catalog.duckdb") as con:
                rows.append(sorted(map(repr, con.execute(f"SELECT {kept} FROM {table}").fetchall())))
        assert rows[0] == rows[1], table


def test_the_corpus_sra_studies_load_the_same_with_fewer_requests(tmp_path: Path) -> None:
    with counting_mirror(corpus_root()) as mirror:
        batched = harvest(mirror, tmp_path / "batched", CORPUS_STUDIES, batch=True, source="ena")
        single = harvest(mirror, tmp_path / "single", CORPUS_STUDIES, batch=False, source="ena")
    same_catalog(tmp_path / "batched", tmp_path / "single")
    with open_catalog(tmp_path / "batched" / "catalog.duckdb") as con:
        merged = con.execute("SELECT count(DISTINCT sample_accession) FROM external_characteristics").fetchone()
    assert merged is not None and merged[0] >= 60  # the corpus's BioSamples were really merged
    assert single == (0, 66) and batched[0] + batched[1] <= 15, (batched, single)


def test_a_generated_series_with_missing_biosamples_loads_the_same(tmp_path: Path) -> None:
    bundle = metadata_series(3, n_samples=150)
    held = [x.accession for s in bundle.samples for x in s.xrefs if x.accession.startswith("SAMN")]
    missing = set(held[::17])  # scattered through the blocks: the archive does not hold these
    accession = generated_series_folder(tmp_path / "mirror", 150, skip=missing, index=3)
    with counting_mirror(tmp_path / "mirror") as mirror:
        batched = harvest(mirror, tmp_path / "batched", [accession], batch=True, source="geo")
        single = harvest(mirror, tmp_path / "single", [accession], batch=False, source="geo")
    same_catalog(tmp_path / "batched", tmp_path / "single")
    with open_catalog(tmp_path / "batched" / "catalog.duckdb") as con:
        merged = con.execute("SELECT count(DISTINCT origin) FROM external_characteristics").fetchone()
        (message,) = con.execute("SELECT message FROM parse_issues WHERE code = 'biosamples_link_failed'").fetchone()
    assert merged == (150 - len(missing),)
    assert f"{len(missing)} of 150 records" in message and min(missing) in message
    assert single == (0, 150) and batched == (2, 0), (batched, single)


def test_a_series_biosamples_does_not_hold_at_all_costs_no_per_sample_requests(tmp_path: Path) -> None:
    bundle = metadata_series(5, n_samples=40)
    held = {x.accession for s in bundle.samples for x in s.xrefs if x.accession.startswith("SAMN")}
    accession = generated_series_folder(tmp_path / "mirror", 40, skip=held, index=5)
    with counting_mirror(tmp_path / "mirror") as mirror:
        batched = harvest(mirror, tmp_path / "batched", [accession], batch=True, source="geo")
    with open_catalog(tmp_path / "batched" / "catalog.duckdb") as con:
        (message,) = con.execute("SELECT message FROM parse_issues WHERE code = 'biosamples_link_failed'").fetchone()
    assert "40 of 40 records" in message and "BioSamples' search holds no" in message
    assert batched[1] == 0 and 1 <= batched[0] <= 2
