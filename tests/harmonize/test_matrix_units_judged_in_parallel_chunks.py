"""A matrix's unit calls, judged a chunk of samples at a time in two threads, are the serial calls in
sample order (chunks of different units, a spooled matrix several chunks long)."""

from __future__ import annotations

import numpy as np
import pytest

from rnacorpus.harmonize.feature_stats import FeatureStats
from rnacorpus.pipeline import expression
from rnacorpus.schemas import CHUNK_SAMPLES, ExpressionMatrix, ExpressionSource


def _matrix() -> ExpressionMatrix:
    """Three and a half chunks: raw counts, then log2 intensities, then TPM, then counts again."""
    rng = np.random.default_rng(7)
    n_features, per_chunk = 400, CHUNK_SAMPLES
    counts = rng.negative_binomial(2, 0.01, size=(per_chunk, n_features)).astype(np.float32)
    logs = rng.normal(8, 2, size=(per_chunk, n_features)).astype(np.float32)
    tpm = rng.gamma(0.5, 40, size=(per_chunk, n_features))
    tpm = (tpm / tpm.sum(axis=1, keepdims=True) * 1e6).astype(np.float32)
    values = np.vstack([counts, logs, tpm, counts[: per_chunk // 2]])
    names = [f"GSM{k}" for k in range(values.shape[0])]
    source = ExpressionSource(study_accession="GSE1", platform_accession="GPL1", kind="sample_tables", file="x.txt")
    return ExpressionMatrix(source, names, [f"f{k}" for k in range(n_features)], values)


def test_units_judged_in_parallel_chunks_equal_the_serial_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    matrix = _matrix()
    stats = FeatureStats.of((chunk.values for chunk in matrix.chunks()), len(matrix.feature_ids))
    parallel = expression.detect_matrix_units(matrix, stats, ["x.txt"], {})
    monkeypatch.setattr(expression, "_UNIT_WORKERS", 1)
    serial = expression.detect_matrix_units(matrix, stats, ["x.txt"], {})
    assert parallel == serial
    assert [call.column for call in parallel] == matrix.sample_accessions
    assert len({call.unit for call in parallel}) >= 2  # the chunks really differ
