"""A batch's manifest entries (:func:`sample_entries`) are each row's ``json.dumps`` text, whatever the
values: a batch of plain strings and nulls is joined by Arrow (and never goes row by row), a batch
holding a value ``json.dumps`` escapes (quote, backslash, control character, non-ASCII) or a column
that is not text goes row by row; the text is the same either way."""

from __future__ import annotations

import json
import string

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rnacorpus.catalog import export_manifest
from rnacorpus.catalog.export_manifest import SAMPLE_KEYS, sample_entries

PLAIN = "".join(c for c in map(chr, range(0x20, 0x7F)) if c not in '"\\')
plain = st.one_of(st.none(), st.text(alphabet=PLAIN))
rows_of = lambda values: st.lists(st.tuples(values, values, values, values), max_size=12)  # noqa: E731


def _batch(rows: list[tuple[object, ...]], type_: pa.DataType | None = None) -> pa.RecordBatch:
    columns = [pa.array([row[k] for row in rows], type_ or pa.string()) for k in range(len(SAMPLE_KEYS))]
    return pa.RecordBatch.from_arrays(columns, names=list(SAMPLE_KEYS))


def _dumps(rows: list[tuple[object, ...]]) -> list[str]:
    return [json.dumps(dict(zip(SAMPLE_KEYS, row, strict=True))) for row in rows]


@given(rows_of(plain))
def test_plain_strings_and_nulls_are_joined_by_arrow_into_json_dumps_text(rows: list[tuple[object, ...]]) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(export_manifest, "_row_by_row", lambda batch: pytest.fail("went row by row"))
        assert sample_entries(_batch(rows)) == _dumps(rows)
        assert sample_entries(_batch(rows, pa.large_string())) == _dumps(rows)


@given(rows_of(st.one_of(st.none(), st.text())))
def test_any_text_gives_json_dumps_text(rows: list[tuple[object, ...]]) -> None:
    assert sample_entries(_batch(rows)) == _dumps(rows)


@pytest.mark.parametrize("odd", ['say "hi"', "back\\slash", "tab\there", "caf\u00e9", "\x7f", "\U0001f600"])
def test_one_value_to_escape_sends_its_batch_row_by_row(odd: str) -> None:
    rows = [("GSM1", "GSE1", "train", "GSE1"), ("GSM2", None, "test", odd)]
    assert sample_entries(_batch(rows)) == _dumps(rows)


def test_a_column_that_is_not_text_goes_row_by_row() -> None:
    batch = pa.RecordBatch.from_arrays(
        [pa.array(["GSM1"]), pa.array([7]), pa.array([True]), pa.array([None], pa.string())], names=list(SAMPLE_KEYS)
    )
    assert sample_entries(batch) == _dumps([("GSM1", 7, True, None)])


def test_accession_like_values_are_joined_by_arrow() -> None:
    letters = string.ascii_uppercase + string.digits + "_-."
    rows = [(f"GSM{i}", f"GSE{i % 7}", "validation", f"study:{letters[i % len(letters)]}") for i in range(300)]
    assert sample_entries(_batch(rows)) == _dumps(rows)
