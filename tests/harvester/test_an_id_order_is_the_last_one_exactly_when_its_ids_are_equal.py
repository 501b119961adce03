"""A sample table's IDs are taken for the previous sample's order exactly when Arrow calls them equal:
the whole-buffer comparison that spares the string-by-string one never says "same" for IDs that
differ — split differently over the same characters, sliced out of a longer array, or with nulls."""

from __future__ import annotations

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from rnacorpus.harvester.geo.expression import _same_ids

_ID = st.one_of(st.sampled_from(["a", "b", "ab", "", "1007_s_at", "é"]), st.none())
_IDS = st.lists(_ID, max_size=8)


def _array(ids: list[str | None], head: list[str | None]) -> pa.Array:
    """``ids`` as an Arrow array, sliced out of a longer one when ``head`` is not empty."""
    return pa.array(head + ids, pa.string())[len(head) :]


@settings(max_examples=300, deadline=None)
@given(_IDS, _IDS, st.lists(_ID, max_size=3), st.lists(_ID, max_size=3), st.booleans())
def test_same_ids_is_arrows_equality(
    first: list[str | None], second: list[str | None], head: list[str | None], other_head: list[str | None], copy: bool
) -> None:
    second = first if copy else second
    a, b = _array(first, head), _array(second, other_head)
    assert _same_ids(a, b) == a.equals(b)


def test_the_same_characters_split_differently_are_other_ids() -> None:
    assert not _same_ids(pa.array(["ab", "c"]), pa.array(["a", "bc"]))
    assert _same_ids(pa.array(["ab", "c"]), pa.array(["ab", "c"]))
