"""NCBI-generated RNA-seq count matrices."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from rnacorpus.errors import BadContentError, ParseError
from rnacorpus.harvester.geo.ncbi_counts import parse_ncbi_counts_name, read_ncbi_counts
from rnacorpus.harvester.geo.soft import parse_family_soft


@pytest.mark.parametrize("gse", ["GSE63966", "GSE164073"])
def test_corpus_counts_line_up_with_the_family_samples(corpus: Path, gse: str) -> None:
    matrix = read_ncbi_counts(corpus / f"geo/ncbi_counts/{gse}_raw_counts_GRCh38.p13_NCBI.tsv.gz")
    source = matrix.source
    assert (source.kind, source.feature_id_kind, source.reference, source.unit) == (
        "ncbi_counts",
        "entrez",
        "GRCh38.p13",
        "unknown",
    )
    assert source.study_accession == gse and source.file == f"{gse}_raw_counts_GRCh38.p13_NCBI.tsv.gz"
    assert matrix.values.shape == (source.n_samples, source.n_features) and source.n_features == 39376
    assert matrix.values.dtype == np.float32 and not np.isnan(matrix.values).any()
    assert np.array_equal(matrix.values, np.round(matrix.values)) and matrix.values.min() >= 0
    family = parse_family_soft(corpus / f"geo/soft/{gse}_family.soft.gz")
    assert set(matrix.sample_accessions) <= set(family.study.sample_accessions)
    assert all(feature.isdigit() for feature in matrix.feature_ids[:100])


def test_first_values_as_in_the_file(corpus: Path) -> None:
    path = corpus / "geo/ncbi_counts/GSE63966_raw_counts_GRCh38.p13_NCBI.tsv.gz"
    header, first, *_ = gzip.decompress(path.read_bytes()).decode().split("\n", 2)
    matrix = read_ncbi_counts(path)
    gene, *counts = first.split("\t")
    assert matrix.sample_accessions == header.split("\t")[1:] and matrix.feature_ids[0] == gene
    assert matrix.values[:, 0].tolist() == [float(c) for c in counts]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("GSE63966_raw_counts_GRCh38.p13_NCBI.tsv.gz", ("GSE63966", "raw_counts", "GRCh38.p13")),
        ("GSE1_norm_counts_TPM_GRCh38.p13_NCBI.tsv.gz", ("GSE1", "norm_counts_TPM", "GRCh38.p13")),
        ("GSE2_raw_counts_GRCm39_NCBI.tsv.gz", ("GSE2", "raw_counts", "GRCm39")),
        ("counts.tsv.gz", None),
    ],
)
def test_file_names(name: str, expected: tuple[str, str, str] | None) -> None:
    assert parse_ncbi_counts_name(name) == expected


def _write(tmp_path: Path, text: str, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(gzip.compress(text.encode()))
    return path


def test_cached_file_needs_its_archive_name_or_an_accession(tmp_path: Path) -> None:
    path = _write(tmp_path, "GeneID\tGSM1\tGSM2\n1\t3\t4\n2\t0\t\n", "index@4f2a")
    with pytest.raises(ParseError, match="cannot tell the series"):
        read_ncbi_counts(path)
    matrix = read_ncbi_counts(path, file_name="GSE9_raw_counts_GRCm39_NCBI.tsv.gz")
    assert (matrix.source.study_accession, matrix.source.reference) == ("GSE9", "GRCm39")
    np.testing.assert_array_equal(matrix.values, np.array([[3, 0], [4, np.nan]], np.float32))
    assert read_ncbi_counts(path, accession="GSE9").source.reference is None


def test_wrong_first_column(tmp_path: Path) -> None:
    path = _write(tmp_path, "Symbol\tGSM1\nA1BG\t3\n", "GSE9_raw_counts_GRCh38.p13_NCBI.tsv.gz")
    with pytest.raises(ParseError, match=r"line 1: the first column must be 'GeneID'"):
        read_ncbi_counts(path)


def test_non_numeric_count(tmp_path: Path) -> None:
    path = _write(tmp_path, "GeneID\tGSM1\n1\tmany\n", "GSE9_raw_counts_GRCh38.p13_NCBI.tsv.gz")
    with pytest.raises(ParseError, match="malformed counts table"):
        read_ncbi_counts(path)


def test_html_saved_as_gz(tmp_path: Path) -> None:
    path = tmp_path / "GSE9_raw_counts_GRCh38.p13_NCBI.tsv.gz"
    path.write_text("<html>rate limited</html>")
    with pytest.raises(BadContentError):
        read_ncbi_counts(path)
