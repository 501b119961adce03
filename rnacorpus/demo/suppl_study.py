"""The demo series whose values exist only in the authors' supplementary matrix (issue 16).

GSE990104 — mouse liver RNA-seq, wild type vs knockout after fasting. As for most sequencing series
outside GEO's own processing, its samples have no tables and GEO computed no counts: the values are
in ``suppl/GSE990104_gene_counts.txt.gz``, a featureCounts-style matrix (Ensembl IDs with versions, a
``Length`` column, no name over the ID column) whose headers are the lab's library names
(``Lib_KO2_S5``). They name neither the GSMs nor the titles; the sample descriptions (``KO2``) are
what ties them, in another order than GEO's. Values are simulated; IDs are real (pinned reference).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import numpy as np
from isal import igzip

from rnacorpus.demo.studies import demo_genes
from rnacorpus.fileio import atomic_write
from rnacorpus.harvester.geo.writer import write_family_soft
from rnacorpus.schemas import Characteristic, CrossRef, Platform, Sample, Study, StudyBundle

__all__ = ["SUPPL_STUDY", "write_suppl_study"]

SUPPL_STUDY = "GSE990104"
_PLATFORM = "GPL24247"
_FILE = f"{SUPPL_STUDY}_gene_counts.txt.gz"
_RELEASED = dt.date(2024, 5, 2)
_CONTACT = {"contact_name": ["Barbara,,McClintock"], "contact_institute": ["Example Institute of Genomics"]}


def _bundle(n_samples: int) -> StudyBundle:
    url = f"ftp://ftp.ncbi.nlm.nih.gov/geo/series/GSE990nnn/{SUPPL_STUDY}/suppl/{_FILE}"
    ids = [f"GSM99010{40 + i}" for i in range(n_samples)]
    samples = []
    for i, accession in enumerate(ids):
        genotype = "wild type" if i < n_samples // 2 else "Ppara knockout"
        label = f"{'WT' if i < n_samples // 2 else 'KO'}{i % (n_samples // 2) + 1}"
        samples.append(
            Sample(
                accession=accession,
                study_accession=SUPPL_STUDY,
                archive="geo",
                platform_accession=_PLATFORM,
                title=f"liver, {genotype}, fasted 24h, mouse {i + 1}",
                source_name="liver",
                organism_taxid=10090,
                organism_name="Mus musculus",
                molecule="polyA RNA",
                library_strategy="RNA-Seq",
                library_source="transcriptomic",
                library_selection="cDNA",
                instrument_model="Illumina NovaSeq 6000",
                sample_type="SRA",
                description=label,
                submission_date=_RELEASED - dt.timedelta(days=60),
                last_update_date=_RELEASED,
                characteristics=[
                    Characteristic(key="tissue", value="liver"),
                    Characteristic(key="genotype", value=genotype),
                    Characteristic(key="Sex", value="male"),
                    Characteristic(key="age", value="10 weeks"),
                ],
                xrefs=[CrossRef(db="SRA", accession=f"SRX9904{i:03d}", relation="SRA")],
                attributes={
                    "description": [label],
                    "data_processing": [
                        "Reads aligned to GRCm39 with STAR; gene counts by featureCounts",
                        "Supplementary files format and content: tab-delimited raw read counts per gene",
                    ],
                    **{k: list(v) for k, v in _CONTACT.items()},
                },
            )
        )
    study = Study(
        accession=SUPPL_STUDY,
        archive="geo",
        title="Hepatic transcriptome of Ppara knockout mice after fasting",
        summary="RNA-seq of livers from fasted wild-type and Ppara-null mice (simulated for the rnacorpus demo).",
        overall_design="3 wild-type and 3 knockout males, 24 h fast; libraries named by the core facility.",
        types=["Expression profiling by high throughput sequencing"],
        submission_date=_RELEASED - dt.timedelta(days=60),
        last_update_date=_RELEASED + dt.timedelta(days=30),
        public_date=_RELEASED,
        contributors=["Barbara,,McClintock"],
        platform_accessions=[_PLATFORM],
        organism_taxids=[10090],
        sample_accessions=ids,
        supplementary_files=[url],
        attributes={k: list(v) for k, v in _CONTACT.items()},
    )
    platform = Platform(
        accession=_PLATFORM,
        archive="geo",
        title="Illumina NovaSeq 6000 (Mus musculus)",
        technology="high-throughput sequencing",
        distribution="virtual",
        organism_taxid=10090,
        organism_name="Mus musculus",
    )
    return StudyBundle(study=study, platforms=[platform], samples=samples)


def _matrix_text(bundle: StudyBundle, seed: int) -> str:
    """The lab's matrix: library names as headers, columns in sequencing order (not GEO's)."""
    rng = np.random.default_rng(seed)
    genes = demo_genes(10090, 1000)
    means = np.exp(rng.normal(3.0, 2.0, len(genes.ensembl)))
    order = rng.permutation(len(bundle.samples))
    header = [f"Lib_{bundle.samples[j].description}_S{k + 1}" for k, j in enumerate(order)]
    knockout = np.array([str(bundle.samples[j].description).startswith("KO") for j in order])
    shift = np.where(knockout[:, None], np.r_[np.full(50, -2.0), np.zeros(len(means) - 50)][None, :], 0.0)
    lam = means[None, :] * rng.uniform(0.7, 1.3, (len(order), 1)) * np.exp(shift)
    counts = rng.negative_binomial(5, 5 / (5 + lam)).T
    lengths = rng.integers(500, 8000, len(genes.ensembl))
    out = io.StringIO()
    out.write("Length\t" + "\t".join(header) + "\n")  # no name over the IDs (R's write.table)
    for gene, length, row in zip(genes.ensembl, lengths, counts, strict=True):
        out.write(f"{gene}.{1 + int(length) % 9}\t{length}\t" + "\t".join(map(str, row)) + "\n")
    return out.getvalue()


def write_suppl_study(folder: Path, seed: int = 11) -> list[Path]:
    """The series' family SOFT (flat) and its matrix under GEO's ``suppl/`` layout."""
    bundle = _bundle(6)
    family = write_family_soft(bundle, folder / f"{SUPPL_STUDY}_family.soft.gz")
    suppl = folder / "geo/series/GSE990nnn" / SUPPL_STUDY / "suppl" / _FILE
    suppl.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(suppl) as handle:
        handle.write(igzip.compress(_matrix_text(bundle, seed).encode(), mtime=0))
    return [family, suppl]
