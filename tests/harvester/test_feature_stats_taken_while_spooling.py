"""A streamed matrix's per-feature statistics are taken as its samples are spooled, and they are
exactly the ones a pass over the finished matrix gives (counts, sums, sums of squares bit for bit,
first present values), whatever the mix of ID orders, new IDs, prefixes and missing values; harmonize
uses them instead of reading the spool once more, and a selection of samples drops them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from rnacorpus.harvester.geo.expression import PlatformValues
from rnacorpus.harvester.geo.soft import parse_family_soft
from rnacorpus.pipeline.expression import matrix_stats
from rnacorpus.schemas import ExpressionSource, SpooledMatrix
from rnacorpus.schemas.feature_stats import FeatureStats

_IDS = st.lists(st.sampled_from(["a", "b", "c", "d", "e", "f", "1007_s_at"]), min_size=1, max_size=10)
_VALUE = st.one_of(st.just(float("nan")), st.floats(-1e6, 1e6, width=32))


def _assert_same(taken: FeatureStats | None, matrix: SpooledMatrix) -> None:
    assert taken is not None
    passed = FeatureStats.of((chunk.values for chunk in matrix.chunks(3)), len(matrix.feature_ids))
    assert taken.n_samples == passed.n_samples
    np.testing.assert_array_equal(taken.count, passed.count)
    assert taken.total.tobytes() == passed.total.tobytes()
    assert taken.total_sq.tobytes() == passed.total_sq.tobytes()
    np.testing.assert_array_equal(taken.first_present, passed.first_present)


@settings(max_examples=120, deadline=None)
@given(st.lists(st.one_of(_IDS, st.just(["a", "b", "c"]), st.just(["a", "b"])), min_size=1, max_size=7), st.data())
def test_statistics_taken_while_spooling_equal_a_pass_over_the_matrix(
    samples: list[list[str]], data: st.DataObject
) -> None:
    values = PlatformValues("GPL1")
    for k, ids in enumerate(samples):
        column = np.array(data.draw(st.lists(_VALUE, min_size=len(ids), max_size=len(ids))), np.float32)
        values.add(f"GSM{k}", pa.array(ids, pa.string()), column)
    source = ExpressionSource(study_accession="GSE1", platform_accession="GPL1", kind="sample_tables", file="x")
    matrix = values.to_matrix(source)
    _assert_same(matrix.feature_stats, matrix)


def test_a_corpus_family_softs_matrices_carry_their_statistics(corpus: Path) -> None:
    bundle = parse_family_soft(corpus / "geo/soft/GSE1299_family.soft.gz")
    spooled = [m for m in bundle.expression if isinstance(m, SpooledMatrix)]
    assert spooled
    for matrix in spooled:
        _assert_same(matrix.feature_stats, matrix)
        assert matrix_stats(matrix) is matrix.feature_stats  # harmonize reads no second pass


def test_a_selection_of_samples_takes_its_statistics_from_its_own_values(corpus: Path) -> None:
    bundle = parse_family_soft(corpus / "geo/soft/GSE14618.soft.gz")
    matrix = next(m for m in bundle.expression if isinstance(m, SpooledMatrix) and len(m.sample_accessions) > 2)
    assert matrix.select(range(len(matrix.sample_accessions))) is matrix
    chosen = matrix.select([2, 0])
    assert chosen.feature_stats is None
    stats = matrix_stats(chosen)
    assert stats.n_samples == 2
    first, second = chosen.values
    np.testing.assert_array_equal(stats.first_present, np.where(np.isnan(first), second, first))
