"""``tables.int64_values`` reads an integer Arrow column (any width, signed or not, sliced or chunked)
from its buffer, giving what ``numpy.asarray(column, dtype=int64)`` gives, without going through
``to_numpy``; a column with nulls (or not of integers) is refused rather than read as garbage."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rnacorpus.harvester.geo.tables import int64_values

_TYPES = [pa.int8(), pa.int16(), pa.int32(), pa.int64(), pa.uint8(), pa.uint16(), pa.uint32()]


@given(
    type_index=st.integers(0, len(_TYPES) - 1),
    data=st.data(),
)
def test_any_integer_column_reads_as_its_values(type_index: int, data: st.DataObject) -> None:
    arrow_type = _TYPES[type_index]
    info = np.iinfo(arrow_type.to_pandas_dtype())
    values = data.draw(st.lists(st.integers(int(info.min), int(info.max)), max_size=200))
    start = data.draw(st.integers(0, len(values)))
    stop = data.draw(st.integers(start, len(values)))
    column = pa.array(values, arrow_type).slice(start, stop - start)  # an offset into its buffer
    expected = np.array(values[start:stop], dtype=np.int64)
    got = int64_values(column)
    assert got.dtype == np.int64
    assert np.array_equal(got, expected)
    assert np.array_equal(int64_values(pa.chunked_array([column, column])), np.concatenate([expected, expected]))


def test_dictionary_codes_read_as_the_encoding_says() -> None:
    encoded = pa.array(["b", "a", "b", "c", "a"]).dictionary_encode()
    assert int64_values(encoded.indices).tolist() == [0, 1, 0, 2, 1]


@pytest.mark.parametrize("column", [pa.array([1, None, 3], pa.int32()), pa.array([1.5, 2.0]), pa.array(["1"])])
def test_nulls_or_non_integers_are_refused(column: pa.Array) -> None:
    with pytest.raises(ValueError, match="int64_values takes integers without nulls"):
        int64_values(column)
