"""A deterministic expression corpus for the export benchmarks: N samples × 20,000 genes.

Studies of 20–380 samples (about 200 on average, so 100,000 samples are ~500 studies) on eight
gene-level platforms: four RNA-seq platforms with counts, two with TPM and two with FPKM. Each
platform measures its own 20,000 of the human reference's genes (about 17,500 protein-coding, the
rest other biotypes), in its own column order, so an export over ``protein_coding`` gathers
columns and pads the genes a platform lacks with NaN, as it does for a real mix of platforms.

Every study goes through the product's own load path (:func:`rnacorpus.catalog.load.load_study`,
which writes the shard with :meth:`rnacorpus.catalog.store.ExpressionStore.write` and records its
sha256): the export reads exactly what a harvest writes. The same ``samples`` and ``seed`` give the
same catalog rows and the same shard bytes; a corpus of N samples is the first studies of a larger
one with the same seed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow.compute as pc

__all__ = ["PLATFORMS", "CorpusStats", "generate_corpus"]

#: (platform, unit, shard kind); the units are the ones log1p_tpm converts exactly
PLATFORMS = (
    ("GPL16791", "counts", "ncbi_counts"),
    ("GPL20301", "counts", "ncbi_counts"),
    ("GPL24676", "counts", "ncbi_counts"),
    ("GPL18573", "counts", "ncbi_counts"),
    ("GPL11154", "tpm", "sample_tables"),
    ("GPL21290", "tpm", "sample_tables"),
    ("GPL15520", "fpkm", "sample_tables"),
    ("GPL17021", "fpkm", "sample_tables"),
)
TISSUES = (
    ("UBERON:0002107", "liver"),
    ("UBERON:0000955", "brain"),
    ("UBERON:0002048", "lung"),
    ("UBERON:0002113", "kidney"),
    ("UBERON:0000948", "heart"),
)
PROTEIN_CODING_SHARE = 0.875


@dataclass
class CorpusStats:
    samples: int
    studies: int
    shards: int
    shard_bytes: int
    seconds: float


def _platform_genes(rng: np.random.Generator, coding: list[str], other: list[str], n_genes: int) -> list[str]:
    """The platform's genes, in the platform's own (shuffled) order."""
    n_coding = min(len(coding), round(n_genes * PROTEIN_CODING_SHARE))
    picked = rng.choice(len(coding), n_coding, replace=False).tolist()
    rest = rng.choice(len(other), n_genes - n_coding, replace=False).tolist()
    ids = [coding[i] for i in picked] + [other[i] for i in rest]
    return [ids[i] for i in rng.permutation(len(ids))]


def _reference_ids() -> tuple[list[str], list[str]]:
    from rnacorpus.harmonize.genes import load_reference

    table = load_reference(9606).table
    table = table.filter(pc.is_valid(table["ensembl_id"])).sort_by("ensembl_id")
    coding = pc.equal(table["biotype"], "protein_coding")
    return (
        table.filter(coding)["ensembl_id"].to_pylist(),
        table.filter(pc.invert(coding))["ensembl_id"].to_pylist(),
    )


def study_sizes(n_samples: int, seed: int) -> list[int]:
    rng = np.random.default_rng([seed, 1])
    sizes: list[int] = []
    while sum(sizes) < n_samples:
        sizes.append(int(rng.integers(20, 381)))
    sizes[-1] -= sum(sizes) - n_samples
    return sizes


def _values(rng: np.random.Generator, means: np.ndarray, n: int, unit: str) -> np.ndarray:
    """Counts-like integers (many small, a long tail); TPM/FPKM rescale them per sample."""
    depth = rng.uniform(0.5, 2.0, size=(n, 1)).astype(np.float32)
    noise = rng.random((n, means.size), dtype=np.float32) + np.float32(0.5)
    counts = np.floor(means[np.newaxis, :] * depth * noise)
    if unit == "counts":
        return counts
    scale = 1e6 if unit == "tpm" else 3e5
    return (counts / counts.sum(axis=1, keepdims=True) * np.float32(scale)).astype(np.float32)


def generate_corpus(
    folder: Path,
    n_samples: int,
    *,
    n_genes: int = 20_000,
    seed: int = 0,
    tick: Callable[[int, int], None] = lambda done, total: None,
) -> CorpusStats:
    """Write ``folder/catalog.duckdb`` and ``folder/store`` holding ``n_samples`` samples."""
    from rnacorpus.catalog.connection import writer
    from rnacorpus.catalog.load import LoadPlan, SampleUnit, ShardPlan, load_study
    from rnacorpus.catalog.store import ExpressionStore
    from rnacorpus.schemas import ExpressionMatrix, ExpressionSource, Platform, Sample, Study, StudyBundle

    start = time.perf_counter()
    coding, other = _reference_ids()
    prng = np.random.default_rng([seed, 0])
    genes = [_platform_genes(prng, coding, other, n_genes) for _ in PLATFORMS]
    means = [np.exp(prng.normal(3.0, 2.0, n_genes)).astype(np.float32) for _ in PLATFORMS]
    store = ExpressionStore(folder / "store")
    sizes = study_sizes(n_samples, seed)
    first = 0
    with writer(folder / "catalog.duckdb") as con:
        con.execute("INSERT OR REPLACE INTO catalog_versions VALUES ('store_dir', ?, now())", [str(store.root)])
        for k, size in enumerate(sizes):
            rng = np.random.default_rng([seed, 2, k])
            p = int(rng.integers(len(PLATFORMS)))
            platform, unit, kind = PLATFORMS[p]
            accession = f"GSE{700000 + k}"
            gsms = [f"GSM{20_000_000 + first + i}" for i in range(size)]
            first += size
            tissue_id, tissue_label = TISSUES[k % len(TISSUES)]
            study = Study(accession=accession, archive="geo", title=f"benchmark study {k}", sample_accessions=gsms)
            samples = [
                Sample(
                    accession=g,
                    study_accession=accession,
                    archive="geo",
                    platform_accession=platform,
                    organism_taxid=9606,
                    organism_name="Homo sapiens",
                    title=f"sample {g}",
                )
                for g in gsms
            ]
            source = ExpressionSource(
                study_accession=accession, platform_accession=platform, kind=kind, file="x.tsv.gz", unit=unit
            )
            matrix = ExpressionMatrix(source, gsms, genes[p], _values(rng, means[p], size, unit))
            bundle = StudyBundle(
                study=study, samples=samples, platforms=[Platform(accession=platform, archive="geo", title=platform)]
            )
            harmonized = {
                g: {"unit": unit, "is_log": False, "tissue_id": tissue_id, "tissue_label": tissue_label} for g in gsms
            }
            units = {g: SampleUnit(unit, False, "benchmark", 1.0) for g in gsms}
            shard = ShardPlan(matrix=matrix, level="gene", sample_units=units)
            plan = LoadPlan(bundle, f"bench-{seed}-{accession}", "bench", harmonized=harmonized, shards=[shard])
            load_study(con, store, plan)
            tick(first, n_samples)
        row = con.execute("SELECT count(*), coalesce(sum(bytes), 0) FROM expression_shards").fetchone()
    shards, shard_bytes = (int(row[0]), int(row[1])) if row else (0, 0)
    return CorpusStats(n_samples, len(sizes), shards, shard_bytes, time.perf_counter() - start)
