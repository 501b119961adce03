"""Counts per cell are summed per sample (pseudo-bulk) with the number of cells, or skipped with the reason."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import numpy as np

from rnacorpus.harvester.geo.suppl_assemble import add_supplementary
from rnacorpus.schemas import Sample, SourceFile, Study, StudyBundle
from tests.conftest import corpus_root

SUPPL = corpus_root() / "geo_suppl" / "series"


def _bundle(gse: str, samples: list[Sample]) -> StudyBundle:
    return StudyBundle(study=Study(accession=gse, archive="geo"), samples=samples)


def _file(path: Path, gse: str) -> SourceFile:
    stub = gse[:-3] + "nnn"
    return SourceFile(
        f"https://ftp.ncbi.nlm.nih.gov/geo/series/{stub}/{gse}/suppl/{path.name}", str(path), "", 0, "suppl"
    )


def test_a_drop_seq_dge_of_one_sample_is_summed_over_its_barcodes() -> None:
    path = SUPPL / "GSE111nnn/GSE111527/suppl/GSM3032676_an003F_dge.txt.gz"
    bundle = _bundle("GSE111527", [Sample(accession="GSM3032676", study_accession="GSE111527", archive="geo")])
    add_supplementary(bundle, [_file(path, "GSE111527")])
    (matrix,) = bundle.expression
    assert matrix.source.kind == "supplementary_pseudobulk" and matrix.sample_accessions == ["GSM3032676"]
    (match,) = matrix.source.column_matches
    assert match.n_cells == 1117 and match.combine == "sum"
    # an independent sum of the text: the gene on line 2 (0610005C13Rik) over every barcode
    with gzip.open(path, "rt") as handle:
        handle.readline()
        first = handle.readline().rstrip("\n").split("\t")
    assert matrix.feature_ids[0] == first[0] and matrix.values[0, 0] == sum(int(x) for x in first[1:])


def test_barcodes_in_a_file_of_no_known_sample_are_skipped_with_the_reason() -> None:
    path = SUPPL / "GSE111nnn/GSE111527/suppl/GSM3032676_an003F_dge.txt.gz"
    bundle = _bundle("GSE111527", [Sample(accession="GSM1", study_accession="GSE111527", archive="geo")])
    add_supplementary(bundle, [_file(path, "GSE111527")])
    assert bundle.expression == []
    assert [i.code for i in bundle.issues] == ["suppl_cells_unassigned"] and "GSM3032676" in bundle.issues[0].message


def test_a_plate_with_one_gsm_per_cell_is_recognized_by_its_numbers() -> None:
    with (SUPPL / "GSE127nnn/GSE127235/suppl/GSE127235_geo_sample_list.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    samples = [
        Sample(accession=r["Accession"], study_accession="GSE127235", archive="geo", title=r["Title"]) for r in rows
    ]
    bundle = _bundle("GSE127235", samples)
    path = SUPPL / "GSE127nnn/GSE127235/suppl/GSE127235_exp1_counts.txt.gz"
    add_supplementary(bundle, [_file(path, "GSE127235")])
    (matrix,) = bundle.expression
    assert matrix.source.kind == "supplementary_pseudobulk" and len(matrix.sample_accessions) == 800
    assert {m.n_cells for m in matrix.source.column_matches} == {1}
    evidence = [i.message for i in bundle.issues if i.code == "suppl_single_cell"]
    assert evidence and "zeros" in evidence[0]
    unmatched = [i for i in bundle.issues if i.code == "suppl_columns_unmatched"]
    assert unmatched == []


def test_a_10x_triplet_is_summed_per_sample(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    dense = rng.poisson(0.3, (5, 40))  # 5 genes × 40 cells
    rows, cols = np.nonzero(dense)
    mtx = ["%%MatrixMarket matrix coordinate integer general", "%metadata_json: {}", f"5 40 {len(rows)}"]
    mtx += [f"{r + 1} {c + 1} {dense[r, c]}" for r, c in zip(rows, cols, strict=True)]
    files = {
        "GSM7_s1_matrix.mtx.gz": "\n".join(mtx) + "\n",
        "GSM7_s1_features.tsv.gz": "".join(f"ENSG{i:011d}\tG{i}\tGene Expression\n" for i in range(5)),
        "GSM7_s1_barcodes.tsv.gz": "".join(f"AAACCTGAGAAG{i:04d}-1\n" for i in range(40)),
    }
    for name, text in files.items():
        (tmp_path / name).write_bytes(gzip.compress(text.encode()))
    bundle = _bundle("GSE7", [Sample(accession="GSM7", study_accession="GSE7", archive="geo")])
    add_supplementary(bundle, [_file(tmp_path / name, "GSE7") for name in files])
    (matrix,) = bundle.expression
    assert matrix.source.kind == "supplementary_pseudobulk" and matrix.source.column_matches[0].n_cells == 40
    assert matrix.feature_ids == [f"ENSG{i:011d}" for i in range(5)]
    assert matrix.values[0].tolist() == dense.sum(axis=1).tolist()
