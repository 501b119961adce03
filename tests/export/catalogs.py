"""Small catalogs for export tests: studies loaded through the real loader, with chosen harmonized
fields, units and gene-level shards keyed by real Ensembl IDs of the pinned reference."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow.compute as pc

from rnacorpus.catalog.api import Catalog
from rnacorpus.catalog.connection import writer
from rnacorpus.catalog.load import LoadPlan, SampleUnit, ShardPlan, load_study
from rnacorpus.catalog.store import ExpressionStore
from rnacorpus.harmonize.genes import load_reference
from rnacorpus.schemas import CrossRef, ExpressionMatrix, ExpressionSource, Platform, Sample, Study, StudyBundle


@functools.lru_cache(maxsize=4)
def reference_genes(taxid: int, biotype: str, n: int) -> list[str]:
    table = load_reference(taxid).table
    table = table.filter(pc.and_(pc.is_valid(table["ensembl_id"]), pc.equal(table["biotype"], biotype)))
    table = table.filter(pc.is_valid(table["length"])).sort_by("ensembl_id")
    return table["ensembl_id"].to_pylist()[:n]


@dataclass
class StudySpec:
    accession: str
    samples: list[str]
    genes: list[str]
    unit: str = "counts"
    is_log: bool = False
    taxid: int = 9606
    platform: str = "GPL1"
    tissue: tuple[str, str] | None = ("UBERON:0002107", "liver")
    level: str = "gene"
    kind: str = "ncbi_counts"
    seed: int = 0
    nan_cells: list[tuple[int, int]] = field(default_factory=list)
    #: sample → accessions its archive links it to (SRX, SAMN …): shared ones make one physical sample
    links: dict[str, list[str]] = field(default_factory=dict)


def values_for(spec: StudySpec) -> np.ndarray:
    rng = np.random.default_rng(spec.seed)
    values = rng.integers(1, 500, size=(len(spec.samples), len(spec.genes))).astype(np.float32)
    if spec.is_log:
        values = np.log2(values + 1)
    for row, col in spec.nan_cells:
        values[row, col] = np.nan
    return values


def add_study(catalog_path: Path, store: ExpressionStore, spec: StudySpec) -> None:
    organism = {9606: "Homo sapiens", 10090: "Mus musculus"}.get(spec.taxid, "Rattus norvegicus")
    study = Study(accession=spec.accession, archive="geo", title=spec.accession, sample_accessions=spec.samples)
    samples = [
        Sample(
            accession=s,
            study_accession=spec.accession,
            archive="geo",
            platform_accession=spec.platform,
            organism_taxid=spec.taxid,
            organism_name=organism,
            title=f"sample {s}",
            xrefs=[CrossRef(db="SRA", accession=a, relation="SRA") for a in spec.links.get(s, [])],
        )
        for s in spec.samples
    ]
    matrix = ExpressionMatrix(
        source=ExpressionSource(
            study_accession=spec.accession, platform_accession=spec.platform, kind=spec.kind, file="x.tsv.gz"
        ),
        sample_accessions=list(spec.samples),
        feature_ids=list(spec.genes),
        values=values_for(spec),
    )
    bundle = StudyBundle(
        study=study, samples=samples, platforms=[Platform(accession=spec.platform, archive="geo", title="p")]
    )
    units = {s: SampleUnit(spec.unit, spec.is_log, "test", 0.9) for s in spec.samples}
    harmonized = {
        s: {"unit": spec.unit, "is_log": spec.is_log}
        | ({"tissue_id": spec.tissue[0], "tissue_label": spec.tissue[1]} if spec.tissue else {})
        for s in spec.samples
    }
    plan = LoadPlan(
        bundle=bundle,
        content_sha256=f"{spec.accession}-{spec.level}-{spec.seed}-{spec.unit}",
        run_id="r",
        harmonized=harmonized,
        shards=[ShardPlan(matrix=matrix, level=spec.level, sample_units=units)],
    )
    with writer(catalog_path) as con:
        con.execute("INSERT OR REPLACE INTO catalog_versions VALUES ('store_dir', ?, now())", [str(store.root)])
        load_study(con, store, plan)


def build_catalog(folder: Path, specs: list[StudySpec], *, ontology: bool = False) -> Catalog:
    store = ExpressionStore(folder / "store")
    for spec in specs:
        add_study(folder / "catalog.duckdb", store, spec)
    if ontology:
        from rnacorpus.catalog.ontology_tables import load_ontology_tables

        with writer(folder / "catalog.duckdb") as con:
            load_ontology_tables(con, store.root)
    return Catalog.open(folder / "catalog.duckdb", store.root)
