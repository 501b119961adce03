"""Mirror over the real corpus → harvest every GEO series → the catalog holds what the files hold.

Expected numbers come from a plain line scan of each family SOFT (independent of our parser).
"""

from __future__ import annotations

import gzip
import re
from collections import Counter
from pathlib import Path

import pytest

from rnacorpus import api
from rnacorpus.catalog.api import Catalog
from rnacorpus.catalog.export import verify_export
from tests.conftest import corpus_root
from tests.e2e.conftest import mirror_config

FAMILY_SOFT = [
    "GSE105845_family.soft",
    "GSE11897_family.soft.gz",
    "GSE1299_family.soft.gz",
    "GSE14618.soft.gz",
    "GSE164073_family.soft.gz",
    "GSE2122.soft.gz",
    "GSE2221_family.soft.gz",
    "GSE235534_family.soft.gz",
    "GSE2388_family.soft.gz",
    "GSE29006_family.soft.gz",
    "GSE63966_family.soft.gz",
    "GSE71229_family.soft.gz",
    "GSE7774_family.soft.gz",
]
OTHER_SERIES = ["GSE171682", "GSE730", "GSE99709", "GSE64489", "GSE146583", "GSE146540", "GSE138657", "GSE180363"]
TABLES = (
    "studies",
    "samples",
    "sample_characteristics",
    "study_samples",
    "platforms",
    "expression_shards",
    "expression_samples",
    "xrefs",
    "parse_issues",
)


def corpus_series() -> list[str]:
    """Every GEO series of the corpus: those with a family SOFT, then those served otherwise."""
    return [scan(corpus_root() / "geo" / "soft" / name)[0] for name in FAMILY_SOFT] + OTHER_SERIES


def scan(path: Path) -> tuple[str, dict[str, int]]:
    """Series accession and, per ^SAMPLE, how many non-empty characteristics lines it carries."""
    opener = gzip.open if path.suffix == ".gz" else open
    series, samples, current = "", Counter[str](), None
    with opener(path, "rt", encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if line.startswith("^SERIES") and not series:
                series = line.split("=", 1)[1].strip()
            elif line.startswith("^SAMPLE"):
                current = line.split("=", 1)[1].strip()
                samples[current] += 0
            elif current and re.match(r"!Sample_characteristics_ch\d+ = \S", line):
                samples[current] += 1
    return series, dict(samples)


@pytest.fixture(scope="module")
def harvested(corpus_mirror, tmp_path_factory: pytest.TempPathFactory) -> tuple[Catalog, object, Path]:
    tmp = tmp_path_factory.mktemp("corpus-harvest")
    config = mirror_config(tmp, corpus_mirror.url)
    accessions = [scan(corpus_root() / "geo" / "soft" / name)[0] for name in FAMILY_SOFT] + OTHER_SERIES
    report = api.harvest(accessions, config=config)
    return Catalog.open(config.catalog_path), report, tmp


def table_counts(catalog: Catalog) -> dict[str, int]:
    return {t: catalog.sql(f"SELECT count(*) AS n FROM {t}").column("n")[0].as_py() for t in TABLES}


@pytest.mark.slow
def test_every_series_loads(harvested) -> None:
    _, report, _ = harvested
    assert report.failed == [], [f"{r.accession}: {r.message}" for r in report.failed]
    assert report.counts["new"] == len(FAMILY_SOFT) + len(OTHER_SERIES)


@pytest.mark.parametrize("name", FAMILY_SOFT)
def test_samples_and_characteristics_match_the_family_soft(harvested, name: str) -> None:
    catalog, _, _ = harvested
    series, expected = scan(corpus_root() / "geo" / "soft" / name)
    rows = catalog.sql(
        """SELECT ss.sample_accession AS accession, count(c.position) AS n
           FROM study_samples ss LEFT JOIN sample_characteristics c ON c.sample_accession = ss.sample_accession
           WHERE ss.study_accession = ? GROUP BY 1""",
        [series],
    ).to_pylist()
    assert {r["accession"]: r["n"] for r in rows} == expected


def test_superseries_samples_belong_to_their_subseries(harvested) -> None:
    catalog, _, _ = harvested
    rows = catalog.sql(
        "SELECT study_accession, count(*) AS n FROM samples WHERE accession IN "
        "(SELECT sample_accession FROM study_samples WHERE study_accession = 'GSE11897') GROUP BY 1"
    ).to_pylist()
    owners = {r["study_accession"] for r in rows}
    assert "GSE7774" in owners  # the SubSeries held in the corpus claims its samples


def test_ncbi_counts_are_the_expression_source_for_rnaseq(harvested) -> None:
    catalog, _, _ = harvested
    rows = catalog.sql(
        "SELECT study_accession, kind, level, unit, n_genes FROM expression_shards "
        "WHERE study_accession IN ('GSE63966', 'GSE164073') ORDER BY 1, level"
    ).to_pylist()
    assert [(r["study_accession"], r["kind"], r["level"]) for r in rows] == [
        ("GSE164073", "ncbi_counts", "feature"),
        ("GSE164073", "ncbi_counts", "gene"),
        ("GSE63966", "ncbi_counts", "feature"),
        ("GSE63966", "ncbi_counts", "gene"),
    ]
    assert {r["unit"] for r in rows} == {"counts"}
    assert all(r["n_genes"] == 39376 for r in rows if r["level"] == "feature")
    assert all(20_000 < r["n_genes"] < 39376 for r in rows if r["level"] == "gene")


def test_second_harvest_changes_nothing(harvested, corpus_mirror) -> None:
    catalog, first, tmp = harvested
    before = table_counts(catalog)
    report = api.harvest([r.accession for r in first.results], config=mirror_config(tmp, corpus_mirror.url))
    assert report.counts["unchanged"] == len(first.results) and report.counts["failed"] == 0
    assert table_counts(catalog) == before


def test_export_of_the_corpus_verifies(harvested) -> None:
    catalog, _, tmp = harvested
    result = catalog.export(tmp / "export", where="organism_taxid = 9606", allow_mixed=True)
    assert result.n_samples > 0
    assert verify_export(tmp / "export") == []


def test_a_series_record_without_sample_records_loads_with_the_gap_recorded(harvested) -> None:
    """GSE180363: the corpus holds only GEO's acc.cgi series record (no family file, no sample
    records). The study loads; every sample it lists is a ``declared_sample_missing`` issue."""
    catalog, _, _ = harvested
    xml = (corpus_root() / "geo" / "miniml" / "GSE180363.miniml.xml").read_text(encoding="utf-8")
    listed = set(re.findall(r'<Sample-Ref ref="(GSM\d+)"', xml))
    assert len(listed) == 16
    study = catalog.sql("SELECT title FROM studies WHERE accession = 'GSE180363'").to_pylist()
    assert study == [{"title": "Genome-wide chromatin accessibility of founder mice pancreatic islets"}]
    missing = catalog.sql(
        "SELECT accession FROM parse_issues WHERE study_accession = 'GSE180363' AND code = 'declared_sample_missing'"
    ).column("accession")
    assert set(missing.to_pylist()) == listed


def test_every_rna_sample_has_an_assay_and_ages_give_stages(harvested) -> None:
    """Issue 15: ``samples.assay_id`` filled for RNA samples (arrays, SAGE, bulk and single-cell
    sequencing); a sample with an age in years or days gets the stage it implies."""
    catalog, _, _ = harvested
    rna = catalog.sql(
        """SELECT count(*) AS n, count(assay_id) AS with_assay FROM samples WHERE regexp_matches(
           coalesce(molecule, '') || ' ' || coalesce(library_source, ''), '(?i)rna|transcriptom')"""
    ).to_pylist()[0]
    assert rna["n"] > 400 and rna["with_assay"] == rna["n"]
    aged = catalog.sql(
        "SELECT study_accession, count(*) AS n, count(development_stage_id) AS staged FROM samples "
        "WHERE age_value IS NOT NULL GROUP BY 1 ORDER BY 1"
    ).to_pylist()
    by_study = {r["study_accession"]: (r["n"], r["staged"]) for r in aged}
    assert by_study["GSE171682"][0] == by_study["GSE171682"][1] == 174  # human ages in years
    assert by_study["GSE29006"][1] == 0  # average ages of pooled donors state no one's stage
