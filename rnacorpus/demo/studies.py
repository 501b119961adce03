"""The demo's GEO studies: realistic records and values that the project generates itself.

Four series, chosen to exercise what a real harvest meets, with real gene identifiers from the
pinned gene reference (values are simulated, metadata is invented):

* GSE990101 — human liver RNA-seq, hepatocellular carcinoma vs adjacent normal; GEO computed raw
  counts (NCBI GeneIDs) and the family SOFT carries no tables, as for every sequencing series.
* GSE990102 — mouse brain regions on an Affymetrix-style array; log2 RMA signal, probe IDs mapped
  through the platform table's Gene Symbol / ENTREZ_GENE_ID columns.
* GSE990103 — human breast carcinoma vs normal breast tissue; MAS5 linear intensities.
* GSE990100 — a SuperSeries of GSE990101 and GSE990103 (its family file holds their samples too).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from rnacorpus.harmonize.genes import load_reference
from rnacorpus.schemas import (
    Characteristic,
    CrossRef,
    ExpressionMatrix,
    ExpressionSource,
    Platform,
    Sample,
    Study,
    StudyBundle,
    TableColumn,
)

__all__ = ["DemoGenes", "demo_genes", "demo_studies"]

_CONTACT = {
    "contact_name": ["Rosalind,,Franklin"],
    "contact_email": ["rosalind@example.org"],
    "contact_institute": ["Example Institute of Genomics"],
    "contact_city": ["London"],
    "contact_country": ["United Kingdom"],
}


@dataclass(frozen=True)
class DemoGenes:
    symbols: list[str]
    entrez: list[str]
    ensembl: list[str]


def demo_genes(taxid: int, n: int) -> DemoGenes:
    """``n`` protein-coding genes with a symbol and one Entrez ID, in a stable order."""
    table = load_reference(taxid).genes_table().to_pylist()
    rows = [
        r
        for r in table
        if r["biotype"] == "protein_coding" and r["symbol"] and r["entrez_id"] and ";" not in r["entrez_id"]
    ]
    rows.sort(key=lambda r: int(r["entrez_id"]))
    step = max(1, len(rows) // n)
    chosen = rows[::step][:n]
    return DemoGenes([r["symbol"] for r in chosen], [r["entrez_id"] for r in chosen], [r["ensembl_id"] for r in chosen])


def _study(
    accession: str,
    title: str,
    summary: str,
    design: str,
    kind: str,
    platforms: list[str],
    samples: list[str],
    taxid: int,
    released: dt.date,
    **extra: object,
) -> Study:
    return Study(
        accession=accession,
        archive="geo",
        title=title,
        summary=summary,
        overall_design=design,
        types=[kind],
        submission_date=released - dt.timedelta(days=60),
        last_update_date=released + dt.timedelta(days=30),
        public_date=released,
        contributors=["Rosalind,,Franklin", "Francis,,Crick"],
        institutions=["Example Institute of Genomics"],
        platform_accessions=platforms,
        organism_taxids=[taxid],
        sample_accessions=samples,
        attributes={k: list(v) for k, v in _CONTACT.items()},
        **extra,
    )


def _sample(
    accession: str,
    study: str,
    platform: str,
    title: str,
    source: str,
    taxid: int,
    organism: str,
    characteristics: Sequence[tuple[str, str]],
    released: dt.date,
    value_label: str | None,
    processing: str,
    n_rows: int,
    **extra: object,
) -> Sample:
    columns = [TableColumn(name="ID_REF"), TableColumn(name="VALUE", description=value_label)] if value_label else []
    return Sample(
        accession=accession,
        study_accession=study,
        archive="geo",
        platform_accession=platform,
        title=title,
        source_name=source,
        organism_taxid=taxid,
        organism_name=organism,
        molecule="total RNA",
        channel_count=1,
        submission_date=released - dt.timedelta(days=60),
        last_update_date=released,
        characteristics=[Characteristic(key=k, value=v) for k, v in characteristics],
        table_columns=columns,
        data_row_count_declared=n_rows,
        data_row_count=n_rows,
        attributes={"data_processing": [processing], **{k: list(v) for k, v in _CONTACT.items()}},
        **extra,
    )


def _counts(
    rng: np.random.Generator, n_samples: int, n_genes: int, shift: npt.NDArray[np.float64]
) -> npt.NDArray[np.float32]:
    means = np.exp(rng.normal(3.5, 2.0, n_genes))
    depth = rng.uniform(0.6, 1.4, (n_samples, 1))
    lam = means * depth * np.exp(shift)
    counts = rng.negative_binomial(5, 5 / (5 + lam))
    return counts.astype(np.float32)


def liver_rnaseq(genes: DemoGenes, rng: np.random.Generator) -> tuple[StudyBundle, ExpressionMatrix]:
    accession, platform, released = "GSE990101", "GPL16791", dt.date(2024, 3, 12)
    ids = [f"GSM99010{i:02d}" for i in range(1, 9)]
    samples = []
    for i, acc in enumerate(ids):
        tumor = i % 2 == 0
        samples.append(
            _sample(
                acc,
                accession,
                platform,
                f"{'HCC tumor' if tumor else 'adjacent normal liver'}, patient {i // 2 + 1}",
                "HCC tumor tissue" if tumor else "adjacent normal liver tissue",
                9606,
                "Homo sapiens",
                [
                    ("tissue", "liver"),
                    ("disease state", "hepatocellular carcinoma" if tumor else "normal"),
                    ("Sex", "male" if i // 2 % 2 == 0 else "female"),
                    ("age", f"{48 + 3 * (i // 2)} yrs"),
                ],
                released,
                None,
                "Reads aligned to GRCh38 with HISAT2; counts by featureCounts",
                0,
                library_strategy="RNA-Seq",
                library_source="transcriptomic",
                library_selection="cDNA",
                instrument_model="Illumina HiSeq 2500",
                xrefs=[CrossRef(db="SRA", accession=f"SRX9901{i:03d}", relation="SRA")],
            )
        )
    shift = np.zeros((len(ids), len(genes.entrez)))
    shift[::2, : len(genes.entrez) // 20] = 1.5  # tumors up-regulate a block of genes
    counts = _counts(rng, len(ids), len(genes.entrez), shift)
    study = _study(
        accession,
        "Transcriptomes of hepatocellular carcinoma and adjacent normal liver",
        "RNA-seq of paired tumour and adjacent non-tumour liver tissue (simulated for the rnacorpus demo).",
        "4 patients; tumour and adjacent normal tissue from each.",
        "Expression profiling by high throughput sequencing",
        [platform],
        ids,
        9606,
        released,
        super_series=["GSE990100"],
        xrefs=[CrossRef(db="BioProject", accession="PRJNA990101", relation="BioProject")],
    )
    platform_record = Platform(
        accession=platform,
        archive="geo",
        title="Illumina HiSeq 2500 (Homo sapiens)",
        technology="high-throughput sequencing",
        distribution="virtual",
        organism_taxid=9606,
        organism_name="Homo sapiens",
    )
    matrix = ExpressionMatrix(
        ExpressionSource(
            study_accession=accession,
            platform_accession=platform,
            kind="ncbi_counts",
            file=f"{accession}_raw_counts_GRCh38.p13_NCBI.tsv.gz",
            feature_id_kind="entrez",
        ),
        ids,
        genes.entrez,
        counts,
    )
    return StudyBundle(study=study, platforms=[platform_record], samples=samples), matrix


def _array_platform(
    accession: str, title: str, taxid: int, organism: str, genes: DemoGenes, prefix: int
) -> tuple[Platform, pa.Table, list[str]]:
    probes = [f"{prefix + k}_at" for k in range(len(genes.symbols))] + ["AFFX-BioB-5_at", "AFFX-BioB-M_at"]
    table = pa.table(
        {
            "ID": probes,
            "Gene Symbol": [*genes.symbols, "", ""],
            "ENTREZ_GENE_ID": [*genes.entrez, "", ""],
            "SPOT_ID": ["" for _ in probes],
        }
    )
    columns = [
        TableColumn(name="ID", description="Affymetrix Probe Set ID"),
        TableColumn(name="Gene Symbol", description="A gene symbol, when one is available"),
        TableColumn(name="ENTREZ_GENE_ID", description="Entrez Gene database UID"),
        TableColumn(name="SPOT_ID", description=None),
    ]
    platform = Platform(
        accession=accession,
        archive="geo",
        title=title,
        technology="in situ oligonucleotide",
        distribution="commercial",
        manufacturer="Affymetrix",
        organism_taxid=taxid,
        organism_name=organism,
        table_columns=columns,
        data_row_count_declared=len(probes),
        data_row_count=len(probes),
    )
    return platform, table, probes


def _array_bundle(
    study: Study,
    platform: Platform,
    table: pa.Table,
    samples: list[Sample],
    probes: list[str],
    values: npt.NDArray[np.float32],
) -> StudyBundle:
    """An array series as GEO's family SOFT holds it: one platform with its table, one VALUE per sample."""
    source = ExpressionSource(
        study_accession=study.accession,
        platform_accession=platform.accession,
        kind="sample_tables",
        file=f"{study.accession}_family.soft.gz",
        value_column="VALUE",
        feature_id_kind="probe",
    )
    matrix = ExpressionMatrix(source, [s.accession for s in samples], probes, values)
    return StudyBundle(
        study=study,
        platforms=[platform],
        samples=samples,
        expression=[matrix],
        platform_tables={platform.accession: table},
    )


def mouse_brain(genes: DemoGenes, rng: np.random.Generator) -> StudyBundle:
    accession, gpl, released = "GSE990102", "GPL990102", dt.date(2024, 5, 2)
    platform, table, probes = _array_platform(
        gpl, "[Demo430] Affymetrix-style Mouse Genome Array", 10090, "Mus musculus", genes, 1_450_000
    )
    regions = ["hippocampus", "cerebellum", "spinal cord"]
    ids = [f"GSM99020{i:02d}" for i in range(1, 10)]
    samples = [
        _sample(
            acc,
            accession,
            gpl,
            f"{regions[i % 3]}, mouse {i // 3 + 1}",
            f"adult mouse {regions[i % 3]}",
            10090,
            "Mus musculus",
            [("strain", "C57BL/6J"), ("tissue", regions[i % 3]), ("age", "8 wk"), ("Sex", "male")],
            released,
            "RMA signal (log2)",
            "RMA normalized with the affy package (log2)",
            len(probes),
        )
        for i, acc in enumerate(ids)
    ]
    base = rng.normal(7.5, 1.8, len(probes))
    values = (base + rng.normal(0, 0.3, (len(ids), len(probes)))).astype(np.float32)
    study = _study(
        accession,
        "Gene expression across adult mouse brain regions",
        "Hippocampus, cerebellum and spinal cord of adult C57BL/6J mice (simulated for the demo).",
        "3 regions × 3 mice.",
        "Expression profiling by array",
        [gpl],
        ids,
        10090,
        released,
    )
    return _array_bundle(study, platform, table, samples, probes, values)


def breast_cancer(genes: DemoGenes, rng: np.random.Generator) -> StudyBundle:
    accession, gpl, released = "GSE990103", "GPL990103", dt.date(2024, 6, 20)
    platform, table, probes = _array_platform(
        gpl, "[DemoU133] Affymetrix-style Human Genome Array", 9606, "Homo sapiens", genes, 2_000_000
    )
    ids = [f"GSM99030{i:02d}" for i in range(1, 11)]
    samples = [
        _sample(
            acc,
            accession,
            gpl,
            f"{'breast tumor' if i < 6 else 'normal breast'} {i + 1}",
            "primary breast tumor" if i < 6 else "normal breast tissue",
            9606,
            "Homo sapiens",
            [
                ("tissue", "breast"),
                ("disease state", "breast carcinoma" if i < 6 else "healthy"),
                ("gender", "female"),
                ("age (yrs)", str(41 + 2 * i)),
            ],
            released,
            "MAS5-calculated signal intensity",
            "MAS5 with target intensity 500",
            len(probes),
        )
        for i, acc in enumerate(ids)
    ]
    log2 = rng.normal(7.0, 2.0, len(probes)) + rng.normal(0, 0.35, (len(ids), len(probes)))
    values = np.round(np.exp2(log2), 1).astype(np.float32)
    study = _study(
        accession,
        "Expression profiles of breast carcinoma and normal breast tissue",
        "Primary breast tumours and normal breast tissue on an Affymetrix-style array (simulated).",
        "6 tumours, 4 normal tissues.",
        "Expression profiling by array",
        [gpl],
        ids,
        9606,
        released,
        super_series=["GSE990100"],
    )
    return _array_bundle(study, platform, table, samples, probes, values)


def superseries(parts: Sequence[StudyBundle]) -> StudyBundle:
    released = dt.date(2024, 6, 20)
    samples = [s.model_copy(update={"study_accession": "GSE990100"}) for part in parts for s in part.samples]
    study = _study(
        "GSE990100",
        "Liver and breast cancer transcriptomes (SuperSeries)",
        "This SuperSeries is composed of the SubSeries listed below.",
        "Refer to individual Series.",
        "Expression profiling by high throughput sequencing",
        [p.accession for b in parts for p in b.platforms],
        [s.accession for s in samples],
        9606,
        released,
        sub_series=[b.study.accession for b in parts],
    )
    study.types = ["Expression profiling by high throughput sequencing", "Expression profiling by array"]
    return StudyBundle(
        study=study,
        platforms=[p for b in parts for p in b.platforms],
        samples=samples,
        expression=[m for b in parts for m in b.expression],
        platform_tables={k: v for b in parts for k, v in b.platform_tables.items()},
    )


def demo_studies(seed: int = 7) -> tuple[list[StudyBundle], dict[str, ExpressionMatrix]]:
    """The demo series and, for sequencing series, the counts GEO would have computed."""
    rng = np.random.default_rng(seed)
    human, mouse = demo_genes(9606, 1500), demo_genes(10090, 1200)
    liver, liver_counts = liver_rnaseq(human, rng)
    brain = mouse_brain(mouse, rng)
    breast = breast_cancer(human, rng)
    return [superseries([liver, breast]), liver, brain, breast], {liver.study.accession: liver_counts}
