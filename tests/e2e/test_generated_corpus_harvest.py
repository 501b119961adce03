"""A generated metadata-only GEO corpus (RNA-seq family SOFT files: characteristics, no tables) is
harvested through the mirror end to end: every series and sample loads with what its file says.

CI-sized form of the metadata-load benchmark (``benchmarks/bench_metadata_load.py``): 20 series × 100
samples, the generator's own records as the expectation.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from rnacorpus import api
from rnacorpus.catalog.api import Catalog
from rnacorpus.harvester.geo.synthetic_series import CorpusSpec, metadata_series, write_metadata_corpus
from rnacorpus.mirror import MirrorServer
from tests.conftest import mirror_config

SPEC = CorpusSpec(n_series=20, n_samples=100, seed=3)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, MirrorServer]]:
    folder = tmp_path_factory.mktemp("generated-archive")
    write_metadata_corpus(folder, SPEC)
    with MirrorServer(folder) as mirror:
        yield folder, mirror


@pytest.fixture(scope="module")
def harvested(generated: tuple[Path, MirrorServer], tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    _, mirror = generated
    tmp = tmp_path_factory.mktemp("generated-harvest")
    config = mirror_config(tmp, mirror.url)
    report = api.harvest(SPEC.accessions, config=config)
    assert report.exit_code == 0, report.to_dict()
    assert report.counts["new"] == SPEC.n_series
    again = api.harvest(SPEC.accessions, config=config)
    assert again.counts["unchanged"] == SPEC.n_series  # idempotent: nothing is loaded twice
    return Catalog.open(config.catalog_path)


def one(catalog: Catalog, sql: str) -> object:
    return catalog.sql(sql).to_pylist()[0]["n"]


def test_every_generated_sample_loads_with_its_characteristics(harvested: Catalog) -> None:
    bundles = [metadata_series(i, n_samples=SPEC.n_samples, seed=SPEC.seed) for i in range(SPEC.n_series)]
    assert one(harvested, "SELECT count(*) AS n FROM studies") == SPEC.n_series
    assert one(harvested, "SELECT count(*) AS n FROM samples") == SPEC.n_series * SPEC.n_samples
    expected = Counter((s.accession, c.key, c.value) for b in bundles for s in b.samples for c in s.characteristics)
    rows = harvested.sql("SELECT sample_accession, key, value FROM sample_characteristics").to_pylist()
    assert Counter((r["sample_accession"], r["key"], r["value"]) for r in rows) == expected
    organisms = harvested.sql("SELECT accession, organism_taxid FROM samples").to_pylist()
    assert {r["accession"]: r["organism_taxid"] for r in organisms} == {
        s.accession: s.organism_taxid for b in bundles for s in b.samples
    }
    # two xrefs per sample (BioSample, SRA) and one per series (BioProject)
    assert one(harvested, "SELECT count(*) AS n FROM xrefs") == SPEC.n_series * (2 * SPEC.n_samples + 1)


def test_generated_samples_are_harmonized(harvested: Catalog) -> None:
    fields = harvested.sql("SELECT DISTINCT field FROM annotations").column("field").to_pylist()
    assert {"tissue", "sex", "assay"} <= set(fields)
    mapped = one(harvested, "SELECT count(*) AS n FROM samples WHERE tissue_id IS NOT NULL OR cell_line_id IS NOT NULL")
    assert isinstance(mapped, int) and mapped > SPEC.n_samples  # many series name a tissue or a cell line


def test_series_are_the_same_whatever_the_corpus_size(generated: tuple[Path, MirrorServer], tmp_path: Path) -> None:
    folder, _ = generated
    small = write_metadata_corpus(tmp_path, CorpusSpec(n_series=2, n_samples=SPEC.n_samples, seed=SPEC.seed))
    for path in small:
        assert path.read_bytes() == (folder / path.name).read_bytes()
