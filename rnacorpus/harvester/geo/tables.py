"""Parse GEO data tables (SOFT sample/platform/dataset tables, series-matrix tables) into columns.

Two paths give the same answer:

* the **fast path** hands the whole block to Arrow's CSV reader (C++, no per-row Python);
* the **reference path** splits rows in Python and knows the exact line of every row.

Any row the fast path does not like (ragged rows, an odd number, invalid UTF-8, an empty ID) sends
the table down the reference path, which either pads/accepts it or raises a
:class:`~rnacorpus.errors.ParseError` naming accession, file and line. So errors are always exact and
the common case stays vectorized.

Rules (contract):

* rows with *more* non-empty fields than the header are an error; trailing empty fields are padding;
  rows with fewer fields are padded with empty strings; blank lines are skipped;
* numbers are parsed by Arrow (``1``, ``-2.5``, ``1e-3``, ``.5``); surrounding spaces are ignored;
* :data:`MISSING_VALUE_TOKENS` (any letter case) mean "missing" and become NaN, and so does any
  non-finite number (``Inf``, or a value beyond float32's range);
* anything else in a numeric column is an error.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from rnacorpus.errors import ParseError
from rnacorpus.harvester.geo.soft_entities import SoftTable
from rnacorpus.harvester.geo.soft_lines import decode_text

__all__ = [
    "MISSING_VALUE_TOKENS",
    "NumericColumns",
    "ValueColumn",
    "float32_values",
    "int64_values",
    "read_numeric_columns",
    "read_value_column",
    "table_to_arrow",
    "unique_column_names",
]

logger = logging.getLogger(__name__)

#: cell texts (compared lower-cased, spaces stripped) that mean "no value"
MISSING_VALUE_TOKENS: frozenset[str] = frozenset(
    {
        "",
        "null",
        "na",
        "nan",
        "n/a",
        "#n/a",
        "none",
        "-",
        "--",
        ".",
        "inf",
        "-inf",
        "+inf",
        "infinity",
        "-infinity",
        "+infinity",
    }
)
# Arrow matches null tokens exactly, so list the spellings that occur; other spellings take the
# reference path, which compares case-insensitively.
_ARROW_NULLS = sorted(
    {variant for token in MISSING_VALUE_TOKENS for variant in (token, token.upper(), token.title())}
    | {"NaN", "N/A", "-Inf", "+Inf", "#N/A"}
)
_THREADED_BYTES = 8 << 20
_DEFAULT_BLOCK = 1 << 20  # Arrow's own default


@dataclass
class ValueColumn:
    """One sample table's feature IDs and its numeric column."""

    ids: pa.StringArray
    values: npt.NDArray[np.float32]


@dataclass
class NumericColumns:
    """A matrix-shaped table: feature IDs and one float32 row per value column (columns × rows)."""

    ids: pa.StringArray
    names: list[str]
    values: npt.NDArray[np.float32]


def float32_values(column: pa.Array | pa.ChunkedArray) -> npt.NDArray[np.float32]:
    """A float32 Arrow column as a numpy copy, nulls as NaN.

    Read from the Arrow buffers directly: ``Array.to_numpy`` imports pandas on first use, which
    costs a parser process ~0.3 s and ~40 MB for nothing.
    """
    array = _single_chunk(column)
    validity, data = array.buffers()[:2]
    start, length = array.offset, len(array)
    if data is None or length == 0:
        return np.full(length, np.nan, np.float32)
    values = np.frombuffer(data, dtype=np.float32, count=start + length)[start:].copy()
    if array.null_count:
        bits = np.unpackbits(np.frombuffer(validity, np.uint8), bitorder="little")[start : start + length]
        values[bits == 0] = np.nan
    return values


def int64_values(column: pa.Array | pa.ChunkedArray) -> npt.NDArray[np.int64]:
    """An integer Arrow column without nulls (dictionary codes, say) as int64, read from its buffer
    like :func:`float32_values`: ``numpy.asarray`` on it goes through ``to_numpy``, and the pandas
    import that sets off cost the first sample of a parse ~0.3 s while the table workers waited."""
    array = _single_chunk(column)
    if array.null_count or not pa.types.is_integer(array.type):
        raise ValueError(f"int64_values takes integers without nulls, not {array.type} with {array.null_count} null(s)")
    if len(array) == 0:
        return np.zeros(0, np.int64)
    dtype = np.dtype(f"{'i' if pa.types.is_signed_integer(array.type) else 'u'}{array.type.bit_width // 8}")
    data = np.frombuffer(array.buffers()[1], dtype=dtype, count=array.offset + len(array))
    return data[array.offset :].astype(np.int64)


def _single_chunk(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(column, pa.ChunkedArray):
        return column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    return column


def _empty_strings() -> pa.StringArray:
    return pa.nulls(0, pa.string())


def unique_column_names(names: list[str]) -> list[str]:
    """Make header names unique the way pandas does (``GO:Function``, ``GO:Function.1``); name blanks."""
    seen: dict[str, int] = {}
    out = []
    for position, name in enumerate(names, start=1):
        base = name or f"column_{position}"
        candidate = base
        while candidate in seen:
            seen[base] += 1
            candidate = f"{base}.{seen[base]}"
        seen.setdefault(candidate, 0)
        out.append(candidate)
    return out


def table_to_arrow(table: SoftTable, *, accession: str | None, quoted: bool = False) -> pa.Table:
    """The whole table, every column as string, header names made unique, in deposited order."""
    names = _require_header(table, accession)
    if not table.body:
        return pa.table({name: _empty_strings() for name in names})
    fast = _arrow_read(table, names, dict.fromkeys(names, pa.string()), names, quoted)
    if fast is not None and not _has_empty_ids(fast.column(0)):
        return fast
    columns: list[list[str]] = [[] for _ in names]
    for _, fields in _reference_rows(table, len(names), accession, quoted):
        for column, text in zip(columns, fields, strict=True):
            column.append(text)
    return pa.table({name: pa.array(column, pa.string()) for name, column in zip(names, columns, strict=True)})


def read_value_column(table: SoftTable, column: str, *, accession: str | None) -> ValueColumn | None:
    """First column (the feature ID) and ``column`` as float32; None when the header lacks ``column``."""
    names = _require_header(table, accession)
    if column not in table.header or table.header.index(column) == 0:
        return None
    name = names[table.header.index(column)]
    result = read_numeric_columns(table, [name], accession=accession, names=names)
    return ValueColumn(result.ids, result.values[0])


def read_numeric_columns(
    table: SoftTable,
    value_names: list[str],
    *,
    accession: str | None,
    quoted: bool = False,
    names: list[str] | None = None,
) -> NumericColumns:
    """First column as IDs plus ``value_names`` (unique header names) as columns × rows float32."""
    names = names or _require_header(table, accession)
    if not table.body:
        return NumericColumns(_empty_strings(), value_names, np.empty((len(value_names), 0), np.float32))
    types = {names[0]: pa.string(), **dict.fromkeys(value_names, pa.float32())}
    fast = _arrow_read(table, names, types, [names[0], *value_names], quoted)
    if fast is not None and not _has_empty_ids(fast.column(0)):
        ids = _single_chunk(fast.column(0))
        values = np.empty((len(value_names), len(ids)), np.float32)
        for k, name in enumerate(value_names):
            values[k] = float32_values(fast.column(name))
    else:
        ids, values = _reference_numeric(table, names, value_names, accession, quoted)
    values[~np.isfinite(values)] = np.nan
    return NumericColumns(ids, value_names, values)


def _require_header(table: SoftTable, accession: str | None) -> list[str]:
    if not table.header:
        raise ParseError(
            f"the {table.kind} table has no header row",
            accession=accession,
            path=table.path,
            line=table.header_line,
        )
    return unique_column_names(table.header)


def _has_empty_ids(ids: pa.ChunkedArray | pa.Array) -> bool:
    """Any zero-length string, from the offsets buffer (no pyarrow.compute, see float32_values)."""
    array = _single_chunk(ids)
    if len(array) == 0:
        return False
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int32, count=array.offset + len(array) + 1)
    return bool((np.diff(offsets[array.offset :]) == 0).any())


def _arrow_read(
    table: SoftTable, names: list[str], types: dict[str, pa.DataType], include: list[str], quoted: bool
) -> pa.Table | None:
    """Arrow's CSV reader on the block; None when any row needs the reference path."""
    if not _is_utf8(table.body):
        return None  # the reference path reads legacy bytes; the reader is told not to check (check_utf8)
    threaded = len(table.body) > _THREADED_BYTES
    options = _csv_options(tuple(names), tuple(types.items()), tuple(include), quoted, threaded)
    try:
        # the block as an Arrow buffer (no copy): through io.BytesIO, Arrow read it with a Python call
        # that copied it again while holding the GIL the scanner needs
        return pacsv.read_csv(pa.py_buffer(table.body), *options)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:  # a ragged row, a cell that is no number …
        logger.debug("table at line %d takes the reference path: %s", table.header_line, exc)
        return None


@functools.lru_cache(maxsize=256)
def _csv_options(
    names: tuple[str, ...],
    types: tuple[tuple[str, pa.DataType], ...],
    include: tuple[str, ...],
    quoted: bool,
    threaded: bool,
) -> tuple[pacsv.ReadOptions, pacsv.ParseOptions, pacsv.ConvertOptions]:
    """The reader's options, made once per table layout: a family SOFT's sample tables share one, and
    making them per table cost ~0.03 ms of each table's ~3 ms. No invalid-row handler: a row with the
    wrong number of fields raises, which sends the table down the reference path at once."""
    read = pacsv.ReadOptions(
        column_names=list(names),
        use_threads=threaded,
        # one block when the read is not threaded (every such table fits one): columns come back in one
        # chunk, and joining Arrow's 1 MB chunks again (IDs and values) cost ~0.25 ms per sample table
        block_size=_DEFAULT_BLOCK if threaded else _THREADED_BYTES + 1,
    )
    parse = pacsv.ParseOptions(delimiter="\t", quote_char='"' if quoted else False)
    convert = pacsv.ConvertOptions(
        column_types=dict(types),
        include_columns=list(include),
        null_values=_ARROW_NULLS,
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
        check_utf8=False,  # _is_utf8 said so before each read
    )
    return read, parse, convert


def _is_utf8(data: bytes) -> bool:
    if data.isascii():
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _reference_rows(table: SoftTable, width: int, accession: str | None, quoted: bool) -> list[tuple[int, list[str]]]:
    """(line number, fields padded to ``width``) for every non-blank row; ragged rows raise."""
    rows = []
    first_line = table.header_line + 1
    for offset, raw in enumerate(decode_text(table.body).split("\n")):
        text = raw[:-1] if raw.endswith("\r") else raw
        if not text.strip():
            continue
        fields = text.split("\t")
        if quoted:
            fields = [_unquote(value) for value in fields]
        if len(fields) > width:
            if any(value.strip() for value in fields[width:]):
                raise ParseError(
                    f"ragged {table.kind} table: this row has {len(fields)} fields but the header has "
                    f"{width} columns ({text[:80]!r})",
                    accession=accession,
                    path=table.path,
                    line=first_line + offset,
                )
            fields = fields[:width]
        elif len(fields) < width:
            fields += [""] * (width - len(fields))
        rows.append((first_line + offset, fields))
    return rows


def _unquote(value: str) -> str:
    stripped = value.strip()
    if len(stripped) >= 2 and stripped[0] == stripped[-1] == '"':
        return stripped[1:-1].replace('""', '"')
    return value


def _reference_numeric(
    table: SoftTable, names: list[str], value_names: list[str], accession: str | None, quoted: bool
) -> tuple[pa.StringArray, npt.NDArray[np.float32]]:
    rows = _reference_rows(table, len(names), accession, quoted)
    ids = pa.array([fields[0] for _, fields in rows], pa.string())
    values = np.empty((len(value_names), len(rows)), np.float32)
    lines = [line for line, _ in rows]
    for k, name in enumerate(value_names):
        position = names.index(name)
        texts = [fields[position] for _, fields in rows]
        values[k] = _parse_numbers(texts, lines, name, table, accession)
    return ids, values


def _parse_numbers(
    texts: list[str], lines: list[int], column: str, table: SoftTable, accession: str | None
) -> npt.NDArray[np.float32]:
    stripped = [raw.strip() for raw in texts]
    cleaned = [None if text.lower() in MISSING_VALUE_TOKENS else text for text in stripped]
    try:
        return float32_values(pc.cast(pa.array(cleaned, pa.string()), pa.float32()))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    for cell, line in zip(cleaned, lines, strict=True):
        if cell is None:
            continue
        try:
            pc.cast(pa.array([cell], pa.string()), pa.float32())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            raise ParseError(
                f"non-numeric value {cell[:40]!r} in numeric column {column!r} of the {table.kind} table "
                f"(missing values may be written {', '.join(sorted(t for t in MISSING_VALUE_TOKENS if t))} "
                "or left empty)",
                accession=accession,
                path=table.path,
                line=line,
            ) from None
    raise ParseError(
        f"cannot parse numeric column {column!r} of the {table.kind} table",
        accession=accession,
        path=table.path,
        line=table.header_line,
    )
