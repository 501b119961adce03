"""The unit step's calls from the evidence the parser took per row (``SpooledMatrix.row_evidence``)
are the calls it makes reading the matrix back: unit, is_log, confidence and evidence text (the
label notes and the FPKM refill's included), on every corpus SOFT and series matrix with values and
on generated matrices of every unit; a matrix whose rows were widened or reordered after they were
judged carries no evidence and is read as before."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pytest

from rnacorpus.harmonize.feature_stats import FeatureStats
from rnacorpus.harmonize.units import UnitCall
from rnacorpus.harmonize.units.detect import detect_units_from_evidence, detect_units_in_values
from rnacorpus.harmonize.units.labels import value_column_labels
from rnacorpus.harmonize.units.row_evidence import row_evidence
from rnacorpus.harvester.geo.expression import PlatformValues
from rnacorpus.harvester.geo.matrix import parse_series_matrix
from rnacorpus.harvester.geo.soft import parse_soft_records
from rnacorpus.pipeline.expression import detect_matrix_units, matrix_stats
from rnacorpus.schemas import ExpressionSource, SpooledMatrix, ValueSpool
from rnacorpus.schemas.row_judge import judging_rows
from tests.harmonize.unit_matrices import GENERATORS, MATRIX_GENERATORS, Profile

#: every corpus file of SOFT entities with sample tables (family, GSM, legacy, documentation examples)
SOFT_WITH_VALUES = [
    "soft/GSE11897_family.soft.gz",
    "soft/GSE1299_family.soft.gz",
    "soft/GSE14618.soft.gz",
    "soft/GSE2221_family.soft.gz",
    "soft/GSE2388_family.soft.gz",
    "soft/GSE7774_family.soft.gz",
    "soft_examples/soft_ex_affy.txt",
    "soft_examples/soft_ex_dual.txt",
    "soft_examples/soft_ex_family.txt",
    "gsm/GSM11805.txt.gz",
    "gsm/GSM32878.txt",
    "legacy/GSM645.txt",
    "legacy/GSM804.txt",
]
SERIES_MATRICES = [
    "GSE270705_series_matrix.txt.gz",
    "GSE273464_series_matrix.txt.gz",
    "GSE64489_series_matrix.txt.gz",
    "GSE99709_series_matrix.txt.gz",
]


def _calls_both_ways(matrix: SpooledMatrix, labels: dict[str, list[str]]) -> tuple[list[UnitCall], list[UnitCall]]:
    stats = matrix_stats(matrix)
    from_evidence = detect_matrix_units(matrix, stats, [matrix.source.file], labels)
    read_back = detect_matrix_units(dataclasses.replace(matrix, row_evidence=None), stats, [matrix.source.file], labels)
    return from_evidence, read_back


@pytest.mark.parametrize("rel", SOFT_WITH_VALUES)
def test_corpus_soft_calls_from_the_parsers_evidence_equal_the_read_back_calls(corpus: Path, rel: str) -> None:
    with judging_rows(row_evidence):  # as the pipeline parses
        records = parse_soft_records(corpus / "geo" / rel)
    labels = {
        s.accession: value_column_labels([(c.name, c.description) for c in s.table_columns]) for s in records.samples
    }
    assert records.expression
    for matrix in records.expression:
        assert isinstance(matrix, SpooledMatrix) and matrix.row_evidence is not None
        from_evidence, read_back = _calls_both_ways(matrix, labels)
        assert from_evidence == read_back


@pytest.mark.parametrize("name", SERIES_MATRICES)
def test_corpus_series_matrix_calls_from_row_evidence_equal_the_calls_from_the_values(corpus: Path, name: str) -> None:
    bundle = parse_series_matrix(corpus / "geo" / "series_matrix" / name)
    for matrix in bundle.expression:
        values = matrix.values
        stats = FeatureStats.of([values], values.shape[1])
        evidence = [row_evidence(row) for row in values]
        columns = matrix.sample_accessions
        from_evidence = detect_units_from_evidence(evidence, columns, stats, values.__getitem__, label_evidence=[name])
        assert from_evidence == detect_units_in_values(values, columns, label_evidence=[name], feature_stats=stats)


def _spooled(rows: list[tuple[list[str], npt.NDArray[np.float32]]], tmp_path: Path) -> SpooledMatrix:
    """The matrix the SOFT parser builds from these sample tables (IDs, values), each row judged as
    the parser's table workers judge it: on the values as the table gave them."""
    platform = PlatformValues("GPL1", spool_dir=tmp_path)
    for k, (ids, values) in enumerate(rows):
        platform.add(f"GSM{k}", pa.array(ids), values, row_evidence(values))
    source = ExpressionSource(study_accession="GSE1", platform_accession="GPL1", kind="sample_tables", file="x.soft")
    return platform.to_matrix(source)


def _generated(kind: str, seed: int, n_samples: int, missing: float) -> npt.NDArray[np.float32]:
    rng = np.random.default_rng(seed)
    profile = Profile(rng, int(rng.integers(2_000, 12_000)))
    if kind in MATRIX_GENERATORS:
        values = MATRIX_GENERATORS[kind](rng, profile, n_samples)
    else:
        values = np.vstack([GENERATORS[kind][0](rng, profile) for _ in range(n_samples)])
    out = values.astype(np.float32)
    out[rng.random(out.shape) < missing] = np.nan  # cells a file left empty
    return out


@pytest.mark.parametrize("kind", sorted(GENERATORS) + sorted(MATRIX_GENERATORS))
def test_generated_matrices_of_every_unit_get_the_same_calls_from_evidence(kind: str, tmp_path: Path) -> None:
    for seed, missing in ((1, 0.0), (2, 0.01), (3, 0.05)):
        values = _generated(kind, seed, 5, missing)
        ids = [f"p{j}" for j in range(values.shape[1])]
        matrix = _spooled([(ids, row) for row in values], tmp_path)
        assert matrix.row_evidence is not None
        labels = {"GSM0": ["TPM"], "GSM1": ["log2 RMA signal"]}  # labels weighed the same both ways
        from_evidence, read_back = _calls_both_ways(matrix, labels)
        assert from_evidence == read_back


def test_an_fpkm_call_refilled_from_other_samples_is_the_same_from_evidence(tmp_path: Path) -> None:
    values = _generated("tpm", 8, 5, 0.0)
    # later samples lack the genes carrying a tenth of the first one's sum: their columns look like
    # FPKM until the first sample's values fill the gaps (the refill reads those rows back)
    top = np.argsort(values[0])[::-1]
    share = np.cumsum(values[0][top]) / values[0].sum()
    values[1:, top[: int(np.searchsorted(share, 0.1)) + 1]] = np.nan
    matrix = _spooled([([f"p{j}" for j in range(values.shape[1])], row) for row in values], tmp_path)
    from_evidence, read_back = _calls_both_ways(matrix, {})
    assert from_evidence == read_back
    assert any("missing cells filled" in call.evidence for call in from_evidence[1:])


def test_calls_from_evidence_read_back_only_the_rows_an_fpkm_refill_needs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    complete = _generated("log2_tpm", 4, 6, 0.0)
    matrix = _spooled([([f"p{j}" for j in range(complete.shape[1])], row) for row in complete], tmp_path)
    read: list[int] = []
    original = ValueSpool.read

    def counted(spool: ValueSpool, rows: list[int], width: int) -> npt.NDArray[np.float32]:
        read.extend(rows)
        return original(spool, rows, width)

    monkeypatch.setattr(ValueSpool, "read", counted)
    detect_matrix_units(matrix, matrix_stats(matrix), ["x.soft"], {})
    assert read == []
    detect_matrix_units(dataclasses.replace(matrix, row_evidence=None), matrix_stats(matrix), ["x.soft"], {})
    assert sorted(read) == list(range(6))


def test_rows_widened_or_reordered_after_they_were_judged_carry_no_evidence(tmp_path: Path) -> None:
    values = _generated("log2_counts", 5, 4, 0.01)
    ids = [f"p{j}" for j in range(values.shape[1])]
    # the last sample adds features: the rows before it read back with NaN where they had none
    widened = _spooled([(ids[:-50], row[:-50]) for row in values[:3]] + [(ids, values[3])], tmp_path)
    # the second sample lists the features in another order: its row is spooled rearranged
    reordered = _spooled([(ids, values[0]), (ids[::-1], values[1][::-1]), (ids, values[2])], tmp_path)
    for matrix in (widened, reordered):
        assert matrix.row_evidence is None
        calls = detect_matrix_units(matrix, matrix_stats(matrix), ["x.soft"], {})
        assert calls == detect_units_in_values(matrix.values, matrix.sample_accessions, label_evidence=["x.soft"])
