"""A series matrix whose samples' values the family file already gave is not read into memory."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from rnacorpus.errors import ParseError
from rnacorpus.harvester.geo.assemble import assemble_bundle
from rnacorpus.harvester.geo.matrix import parse_series_matrix
from rnacorpus.harvester.geo.synthetic import synthetic_array_study
from rnacorpus.harvester.geo.writer import write_family_soft, write_series_matrix
from rnacorpus.schemas import SourceFile, SpooledMatrix


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    bundle = synthetic_array_study(n_samples=6, n_probes=50, seed=1)
    family = write_family_soft(bundle, tmp_path / "GSE990001_family.soft.gz")
    matrix = write_series_matrix(bundle, tmp_path / "GSE990001_series_matrix.txt.gz")
    return family, matrix


def test_a_covered_series_matrix_gives_records_but_no_values(files: tuple[Path, Path]) -> None:
    _, matrix = files
    everyone = {f"GSM{9900001 + k}" for k in range(6)}
    skipped = parse_series_matrix(matrix, values_held=everyone)
    assert skipped.expression == [] and len(skipped.samples) == 6
    assert all(sample.data_row_count is None for sample in skipped.samples)
    assert not [issue for issue in skipped.issues if issue.code.startswith("table_rows")]
    partly = parse_series_matrix(matrix, values_held=everyone - {"GSM9900003"})
    assert partly.expression[0].values.shape == (6, 50)  # one sample is not covered: the table is read


def test_a_harvested_series_takes_values_from_the_family_file_only(files: tuple[Path, Path]) -> None:
    family, matrix = files
    sources = [
        SourceFile(url=f"https://example.org/{path.name}", path=str(path), sha256="", size=0, role=role)
        for path, role in ((family, "family_soft"), (matrix, "series_matrix"))
    ]
    bundle = assemble_bundle("GSE990001", sources)
    assert [type(m) for m in bundle.expression] == [SpooledMatrix]
    assert bundle.expression[0].values.shape == (6, 50)


def test_a_skipped_table_must_still_be_closed(files: tuple[Path, Path], tmp_path: Path) -> None:
    _, matrix = files
    text = gzip.decompress(matrix.read_bytes()).replace(b"!series_matrix_table_end\n", b"")
    cut = tmp_path / "GSE990001_series_matrix.txt.gz"
    cut.write_bytes(gzip.compress(text))
    with pytest.raises(ParseError, match="truncated") as caught:
        parse_series_matrix(cut, values_held={f"GSM{9900001 + k}" for k in range(6)})
    assert caught.value.line == text.count(b"\n")
