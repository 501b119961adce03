"""Writing the demo studies as the archive files GEO serves (into a folder the mirror replays)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
from isal import igzip

from rnacorpus.demo.studies import demo_studies
from rnacorpus.fileio import atomic_write
from rnacorpus.harmonize.genes import load_reference
from rnacorpus.harvester.geo.writer import write_family_soft, write_series_matrix
from rnacorpus.schemas import ExpressionMatrix, StudyBundle

__all__ = ["write_demo_archive"]

_ANNOTATION_COLUMNS = (
    "GeneID",
    "Symbol",
    "Description",
    "TaxID",
    "Status",
    "Synonyms",
    "GeneType",
    "EnsemblGeneID",
)


def _write_gzip_text(path: Path, text: str) -> None:
    # mtime=0: the same content gives the same bytes, so re-running the demo changes no checksum
    with atomic_write(path) as raw:
        raw.write(igzip.compress(text.encode("utf-8"), mtime=0))


def write_ncbi_counts(matrix: ExpressionMatrix, path: Path) -> None:
    """GEO's raw-counts layout: ``GeneID`` then one integer column per GSM."""
    out = io.StringIO()
    out.write("\t".join(["GeneID", *matrix.sample_accessions]) + "\n")
    counts = np.rint(matrix.values).astype(np.int64).T
    for gene, row in zip(matrix.feature_ids, counts, strict=True):
        out.write(gene + "\t" + "\t".join(map(str, row)) + "\n")
    _write_gzip_text(path, out.getvalue())


def write_ncbi_annotation(taxid: int, path: Path) -> None:
    """An annotation table in the layout GEO offers beside its counts, from the pinned gene reference."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(_ANNOTATION_COLUMNS)
    for row in load_reference(taxid).genes_table().to_pylist():
        if not row["entrez_id"] or ";" in row["entrez_id"]:
            continue
        writer.writerow(
            [
                row["entrez_id"],
                row["symbol"] or "",
                "",
                taxid,
                "live",
                "",
                row["biotype"] or "",
                row["ensembl_id"] or "",
            ]
        )
    _write_gzip_text(path, out.getvalue())


def _write_matrices(bundle: StudyBundle, folder: Path) -> list[Path]:
    platforms = [p.accession for p in bundle.platforms]
    if len(platforms) == 1:
        path = folder / f"{bundle.study.accession}_series_matrix.txt.gz"
        return [write_series_matrix(bundle, path)]
    return [
        write_series_matrix(bundle, folder / f"{bundle.study.accession}-{gpl}_series_matrix.txt.gz", platform=gpl)
        for gpl in platforms
    ]


def write_demo_archive(folder: Path, seed: int = 7) -> list[Path]:
    """Write every demo file under ``folder`` (flat: the mirror finds files by name and content)."""
    folder.mkdir(parents=True, exist_ok=True)
    bundles, counts = demo_studies(seed)
    written: list[Path] = []
    for bundle in bundles:
        accession = bundle.study.accession
        written.append(write_family_soft(bundle, folder / f"{accession}_family.soft.gz"))
        written += _write_matrices(bundle, folder)
    for matrix in counts.values():
        path = folder / matrix.source.file
        write_ncbi_counts(matrix, path)
        written.append(path)
    annotation = folder / "Human.GRCh38.p13.annot.tsv.gz"
    write_ncbi_annotation(9606, annotation)
    written.append(annotation)
    return written
