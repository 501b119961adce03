"""Sample columns land in one feature index: first-seen order, absent = NaN, repeated IDs first wins.

A property test against the plain definition (a dict per sample, one row per sample over the index
of every ID seen so far), whatever the mix of shared orders, new orders, new IDs and repeats.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from rnacorpus.harvester.geo.expression import PlatformValues
from rnacorpus.schemas import ExpressionSource

_IDS = st.lists(st.sampled_from(["a", "b", "c", "d", "e", "f", "1007_s_at", "é"]), min_size=1, max_size=12)


def _expected(samples: list[list[str]]) -> tuple[list[str], list[list[float]], list[int]]:
    features: list[str] = []
    rows, repeats = [], []
    for k, ids in enumerate(samples):
        first: dict[str, float] = {}
        for position, feature in enumerate(ids):
            first.setdefault(feature, float(k * 100 + position))
            if feature not in features:
                features.append(feature)
        rows.append(first)
        repeats.append(len(ids) - len(first))
    matrix = [[row.get(feature, np.nan) for feature in features] for row in rows]
    return features, matrix, repeats


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(_IDS, st.just(["a", "b", "c"])), min_size=1, max_size=6))
def test_samples_align_to_the_feature_index_as_defined(samples: list[list[str]]) -> None:
    values = PlatformValues("GPL1")
    repeats = []
    for k, ids in enumerate(samples):
        column = np.array([k * 100 + position for position in range(len(ids))], np.float32)
        repeats.append(values.add(f"GSM{k}", pa.array(ids, pa.string()), column))
    source = ExpressionSource(study_accession="GSE1", platform_accession="GPL1", kind="sample_tables", file="x")
    matrix = values.to_matrix(source)
    features, expected, expected_repeats = _expected(samples)
    assert matrix.feature_ids == features
    assert repeats == expected_repeats
    np.testing.assert_array_equal(matrix.values, np.array(expected, np.float32).reshape(len(samples), len(features)))
