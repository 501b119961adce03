"""Excel ``.xlsx`` supplementary tables, read as data only.

openpyxl opens the workbook read-only with cached cell values (``data_only``: formulas are never
evaluated), external links dropped (``keep_links=False``) and macros not loaded (``keep_vba=False``),
so a workbook's links and VBA are inert. Of its sheets, the one with the most rows is the table.

Multi-row headers are common: a band row (``Gene Information`` … ``FPKM``, merged cells) above the
column names. Header rows are the rows before the first row whose value cells are mostly numbers;
the last of them names the columns, and the band over the value columns is kept as the value label
(``FPKM``), evidence for the unit detector. The rows then go through the same column rules as text
files (:func:`rnacorpus.harvester.geo.suppl_table.table_to_suppl`).
"""

from __future__ import annotations

import numbers
import warnings
from pathlib import Path
from typing import IO, Any

import pandas as pd
import pyarrow as pa

from rnacorpus.errors import ParseError
from rnacorpus.harvester.geo.suppl_table import SupplTable, table_to_suppl

__all__ = ["read_xlsx"]

#: rows looked at to find where the header ends
_HEADER_SCAN = 20


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, bool)


def _numeric_positions(row: tuple[Any, ...]) -> frozenset[int]:
    return frozenset(i for i, cell in enumerate(row) if i and _is_number(cell))


def _data_start(rows: list[tuple[Any, ...]]) -> int:
    """The first row with a number beside its ID (header rows hold names, band rows labels)."""
    for i, row in enumerate(rows[:_HEADER_SCAN]):
        if _numeric_positions(row):
            return i
    raise ParseError(f"no row of numbers in the first {_HEADER_SCAN} rows of the sheet")


def _filled(row: tuple[Any, ...], width: int) -> list[tuple[str, int]]:
    """A band row with merged cells: each value carries over the empty cells to its right (with the
    column its run starts in)."""
    out: list[tuple[str, int]] = []
    last, start = "", 0
    for i, cell in enumerate(list(row) + [None] * (width - len(row))):
        if cell not in (None, ""):
            last, start = str(cell).strip(), i
        out.append((last, start))
    return out


def read_xlsx(data: str | Path | IO[bytes], *, name: str) -> SupplTable:
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise ParseError("reading .xlsx needs openpyxl", path=name) from exc
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it drops
        try:
            book = openpyxl.load_workbook(data, read_only=True, data_only=True, keep_links=False, keep_vba=False)
        except Exception as exc:  # openpyxl raises KeyError/zipfile/XML errors for a damaged file
            raise ParseError(f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})", path=name) from exc
        try:
            sheets = [(sheet.title, list(sheet.iter_rows(values_only=True))) for sheet in book.worksheets]
        finally:
            book.close()
    sheets = [(title, rows) for title, rows in sheets if rows]
    if not sheets:
        raise ParseError("the workbook has no rows", path=name)
    title, rows = max(sheets, key=lambda item: len(item[1]))
    try:
        start = _data_start(rows)
    except ParseError as exc:
        raise exc.with_context(path=f"{name} (sheet {title!r})") from exc
    width = max(len(row) for row in rows[: start + 50])
    header = rows[start - 1] if start else tuple(f"column_{i}" for i in range(width))
    names = [str(c).strip() if c is not None else "" for c in list(header) + [None] * (width - len(header))]
    bands = [_filled(row, width) for row in rows[: max(start - 1, 0)]]
    frame = pd.DataFrame.from_records(rows[start:], columns=names if len(set(names)) == len(names) else None)
    if len(set(names)) != len(names):
        frame.columns = _unique(names)
    for column in frame.columns:
        if frame[column].dtype == object or column == frame.columns[0]:
            # mixed cells (numbers and text) become text; the column rules then judge them
            values = frame[column]
            frame[column] = values.where(values.isna(), values.astype(str))
    table = pa.Table.from_pandas(frame, preserve_index=False)
    result = table_to_suppl(table, name=name, first_data_line=start + 1, has_header=start > 0)
    value_at = {i for i, column in enumerate(names) if column in result.columns}
    # a band names the values only when its run starts over a value column ("FPKM"), not over the IDs
    value_bands = {band[i][0] for band in bands for i in value_at if band[i][0] and band[i][1] in value_at}
    if value_bands:
        result.value_column = " / ".join(sorted(value_bands))
        result.notes.append(f"header band over the value columns: {result.value_column}")
    result.notes.append(f"sheet {title!r}, {start} header row(s)")
    return result


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n}.{seen[n] - 1}")
    return out
