"""The entity scanner reads runs of ``!name = value`` lines in bulk (``SoftByteReader.read_field_lines``):
it must find exactly the entities, fields, first line numbers, column descriptions, tables and errors
that reading the same file one line at a time finds, whatever the chunk size and line ends, with stray
legacy bytes (Windows-1252) in values, tables between fields and ``_table_begin`` inside a value."""

from __future__ import annotations

import io
from typing import Any
from unittest import mock

from hypothesis import example, given, settings
from hypothesis import strategies as st

from rnacorpus.errors import RnacorpusError
from rnacorpus.harvester.geo import soft_lines
from rnacorpus.harvester.geo.soft_entities import _EntityScanner
from rnacorpus.harvester.geo.soft_lines import SoftByteReader


class _OneLineAtATime(SoftByteReader):
    """The reader as it was before runs: every line through ``readline``."""

    def read_field_lines(self) -> list[str]:
        return []


def _entities(data: bytes, chunk: int, reader_class: type[SoftByteReader] = SoftByteReader) -> list[Any]:
    reader = reader_class(io.BytesIO(data), path="mem", chunk_size=chunk)
    out: list[Any] = []
    try:
        for e in _EntityScanner(reader, "GSE1").scan():
            table = None if e.table is None else (e.table.kind, e.table.header, e.table.body, e.table.end_line)
            out.append((e.kind, e.name, e.line, e.fields, e.field_lines, e.columns, table))
    except RnacorpusError as exc:
        out.append(("error", type(exc).__name__, str(exc)))
    out.append(("lines", reader.line_no))
    return out


_line = st.one_of(
    st.sampled_from(
        [
            b"^SAMPLE = GSM1",
            b"^SAMPLE = GSM2",
            b"^SERIES = GSE1",
            b"!Sample_title = a",
            b"!Sample_characteristics_ch1 = tissue: liver",
            b"!Sample_characteristics_ch1 = age: 3 \xe9t\xe9s",  # legacy bytes: read as Windows-1252
            b"!Sample_description = caf\xc3\xa9 \xe2\x82",  # UTF-8, then a cut sequence
            b"!Sample_note = has _table_begin inside",
            b"!Sample_flag",  # a marker line without "="
            b"#ID_REF = probe",
            b"!sample_table_begin",
            b"ID_REF\tVALUE",
            b"p1\t1.5",
            b"!sample_table_end",
            b"",
            b"  ",
        ]
    ),
    st.tuples(st.sampled_from([b"!", b"!Sample_x =", b"^", b"#"]), st.binary(max_size=6)).map(
        lambda t: (t[0] + t[1]).replace(b"\n", b"")
    ),
)


_field = st.sampled_from(
    [b"!Sample_title = a", b"!Sample_source_name_ch1 = liver", b"!Sample_x = \xe9", b"!Sample_y = caf\xc3\xa9"]
)
#: single lines, and runs of field lines as a metadata file has them (several a record)
_piece = st.one_of(_line.map(lambda line: [line]), st.lists(_field, min_size=2, max_size=8))


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(_piece, max_size=12).map(lambda pieces: [line for piece in pieces for line in piece]),
    crlf=st.booleans(),
    chunk=st.sampled_from([1, 3, 7, 16, 40, 1 << 20]),
    final_newline=st.booleans(),
)
@example(
    lines=[b"^SAMPLE = GSM1", b"!Sample_title = a", b"!Sample_x = \xe9", b"^SAMPLE = GSM2", b"!Sample_title = b"],
    crlf=True,
    chunk=1 << 20,
    final_newline=False,
)
def test_field_runs_give_what_single_lines_give(
    lines: list[bytes], crlf: bool, chunk: int, final_newline: bool
) -> None:
    end = b"\r\n" if crlf else b"\n"
    data = end.join(lines) + (end if final_newline and lines else b"")
    assert _entities(data, chunk) == _entities(data, chunk, _OneLineAtATime)


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(_piece, max_size=12).map(lambda pieces: [line for piece in pieces for line in piece]),
    crlf=st.booleans(),
    window=st.integers(2, 64),
)
def test_a_run_whose_end_lies_past_the_search_window_is_read_whole(lines: list[bytes], crlf: bool, window: int) -> None:
    """The run's end is looked for in a window first (a few KB in use; here a few bytes, so that runs,
    tables and markers cut by the window's edge all lie past it): the same entities as line by line."""
    end = b"\r\n" if crlf else b"\n"
    data = end.join(lines) + end
    with mock.patch.object(soft_lines, "_FIELD_SCAN_WINDOW", window):
        assert _entities(data, 1 << 20) == _entities(data, 1 << 20, _OneLineAtATime)


def test_a_run_stops_before_a_table_and_a_header() -> None:
    data = b"^SAMPLE = GSM1\n!Sample_a = 1\n!Sample_b = x\n!sample_table_begin\nID\tV\n"
    reader = SoftByteReader(io.BytesIO(data), path="mem")
    assert reader.readline() == b"^SAMPLE = GSM1"
    assert reader.read_field_lines() == ["!Sample_a = 1", "!Sample_b = x"]
    assert reader.line_no == 3
    assert reader.read_field_lines() == []
    assert reader.readline() == b"!sample_table_begin"
