"""A spooled matrix reads back exactly what was written, in any chunking, and leaves nothing on disk."""

from __future__ import annotations

import copy
import pickle
from pathlib import Path

import numpy as np
import pytest

from rnacorpus.schemas import ExpressionMatrix, ExpressionSource, SpooledMatrix, ValueSpool


def _source() -> ExpressionSource:
    return ExpressionSource(study_accession="GSE1", kind="sample_tables", file="GSE1_family.soft.gz")


def _spooled(values: np.ndarray, directory: Path) -> SpooledMatrix:
    spool = ValueSpool(directory)
    rows = [spool.append(row) for row in values]
    samples = [f"GSM{k}" for k in range(len(values))]
    return SpooledMatrix(_source(), samples, [f"f{j}" for j in range(values.shape[1])], spool, rows)


@pytest.mark.parametrize("size", [1, 3, 64])
def test_chunks_of_a_spooled_matrix_are_the_rows_written(tmp_path: Path, size: int) -> None:
    values = np.random.default_rng(0).normal(size=(10, 7)).astype(np.float32)
    values[2, 3] = np.nan
    matrix = _spooled(values, tmp_path)
    chunks = list(matrix.chunks(size))
    assert [c.start for c in chunks] == list(range(0, 10, size))
    np.testing.assert_array_equal(np.vstack([c.values for c in chunks]), values)
    np.testing.assert_array_equal(matrix.values, values)


def test_a_row_shorter_than_the_matrix_reads_back_padded_with_nan(tmp_path: Path) -> None:
    # the first sample had 3 features, a later one added two: the first row stays 3 wide on disk
    spool = ValueSpool(tmp_path)
    rows = [spool.append(np.array([1, 2, 3], np.float32)), spool.append(np.array([4, 5, 6, 7, 8], np.float32))]
    matrix = SpooledMatrix(_source(), ["GSM1", "GSM2"], ["a", "b", "c", "d", "e"], spool, rows)
    expected = np.array([[1, 2, 3, np.nan, np.nan], [4, 5, 6, 7, 8]], np.float32)
    np.testing.assert_array_equal(matrix.values, expected)
    np.testing.assert_array_equal(next(matrix.select([1, 0]).chunks()).values, expected[[1, 0]])


def test_selecting_samples_keeps_their_order_and_their_values(tmp_path: Path) -> None:
    values = np.arange(40, dtype=np.float32).reshape(8, 5)
    spooled = _spooled(values, tmp_path).select([6, 1, 2, 3])
    in_memory = ExpressionMatrix(_source(), [f"GSM{k}" for k in range(8)], spooled.feature_ids, values).select(
        [6, 1, 2, 3]
    )
    assert spooled.sample_accessions == in_memory.sample_accessions == ["GSM6", "GSM1", "GSM2", "GSM3"]
    assert spooled.source.n_samples == in_memory.source.n_samples == 4
    for a, b in zip(spooled.chunks(3), in_memory.chunks(3), strict=True):
        assert a.start == b.start
        np.testing.assert_array_equal(a.values, b.values)


def test_the_spool_leaves_no_file_behind(tmp_path: Path) -> None:
    matrix = _spooled(np.ones((4, 1000), np.float32), tmp_path)
    assert list(tmp_path.iterdir()) == []  # anonymous from the start: a crash cannot leave it behind
    assert matrix.values.sum() == 4000
    matrix.spool.close()
    assert list(tmp_path.iterdir()) == []


def test_a_spool_cannot_be_sent_to_another_process_but_copies_share_it(tmp_path: Path) -> None:
    matrix = _spooled(np.ones((1, 2), np.float32), tmp_path)
    with pytest.raises(TypeError, match="one process"):
        pickle.dumps(matrix)
    twin = copy.deepcopy(matrix)
    assert twin.spool is matrix.spool and twin is not matrix
    np.testing.assert_array_equal(twin.values, matrix.values)
