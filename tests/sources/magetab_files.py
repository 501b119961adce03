"""Small MAGE-TAB files the tests write themselves (never copies of archive files)."""

from __future__ import annotations

from pathlib import Path

SDRF_HEADER = [
    "Source Name",
    "Characteristics[organism]",
    "Term Source REF",
    "Term Accession Number",
    "Characteristics[organism part]",
    "Characteristics[age]",
    "Unit[time unit]",
    "Protocol REF",
    "Extract Name",
    "Material Type",
    "Assay Name",
    "Technology Type",
    "Comment[ENA_RUN]",
    "Comment[BioSD_SAMPLE]",
    "Array Data File",
    "Factor Value[disease]",
]


def sdrf_row(
    source: str, run: str, *, tissue: str = "liver", age: str = "54", sample: str = "", disease: str = "normal"
) -> list[str]:
    organism = ["Homo sapiens", "NCBITaxon", "NCBITaxon_9606"]
    assay = [f"{run} assay", "sequencing assay", run, sample, f"{run}.fastq.gz"]
    return [source, *organism, tissue, age, "year", "P-1", f"{source} RNA", "total RNA", *assay, disease]


def sdrf_text(rows: list[list[str]], header: list[str] = SDRF_HEADER, newline: str = "\n") -> str:
    return newline.join("\t".join(cells) for cells in [header, *rows]) + newline


def idf_text(
    accession: str, title: str, *, sdrf: str | None = None, secondary: str = "", released: str = "2024-03-01"
) -> str:
    lines = [
        ("MAGE-TAB Version", "1.1"),
        ("Investigation Title", title),
        ("Experiment Description", f"{title}, described"),
        ("Public Release Date", released),
        ("Person Last Name", "Franklin"),
        ("Person First Name", "Rosalind"),
        ("Protocol Name", "P-1"),
        ("Protocol Type", "nucleic acid extraction protocol"),
        ("Comment[AEExperimentType]", "RNA-seq of coding RNA"),
        ("Comment[SecondaryAccession]", secondary),
        ("Comment[ArrayExpressAccession]", accession),
        ("SDRF File", sdrf or f"{accession}.sdrf.txt"),
    ]
    return "\n".join(f"{tag}\t{value}" for tag, value in lines) + "\n"


def write_study(folder: Path, accession: str, rows: list[list[str]], *, title: str = "a test study", **kw: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{accession}.idf.txt").write_text(idf_text(accession, title, **kw), encoding="utf-8")
    (folder / f"{accession}.sdrf.txt").write_text(sdrf_text(rows), encoding="utf-8")
