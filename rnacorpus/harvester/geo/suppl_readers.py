"""Reading author-deposited expression tables into one feature × column matrix, or saying why not.

Layouts covered (each recognized by what the file holds, never by who is assumed to have made it):

* delimited text — tab, comma, semicolon or runs of spaces, sniffed from the first lines; gzip, bz2,
  xz or zip; CR, CRLF or LF line ends; quoted fields; UTF-8 (BOM dropped) or, failing that, cp1252;
* a header with no name over the ID column (R's ``write.table``: one name fewer than fields), an
  empty first header cell, a header written as a comment (``#GENE …``), comment lines before it
  (featureCounts' ``# Program:…``), or no header at all (HTSeq, STAR ``ReadsPerGene``);
* Excel ``.xlsx`` (:mod:`.suppl_excel`), multi-row headers included.

The columns read then go through the rules of :mod:`.suppl_table` (feature IDs, tool outputs,
set-aside annotation, summary rows). Anything not understood raises :class:`ParseError` naming the
file, and the line or column — it is never guessed. Columns are converted with Arrow's C reader
(pandas' C engine for whitespace-separated files); no Python loop touches single values.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from rnacorpus.errors import ParseError, RnacorpusError
from rnacorpus.harvester.geo.suppl_io import SupplLimits, check_zip_member, open_decompressed, spool
from rnacorpus.harvester.geo.suppl_table import SupplTable, table_to_suppl
from rnacorpus.harvester.geo.tables import MISSING_VALUE_TOKENS

__all__ = ["read_suppl_table"]

_HEAD_BYTES = 256 * 1024
_NULLS = sorted({*MISSING_VALUE_TOKENS, *(t.upper() for t in MISSING_VALUE_TOKENS), "NaN", "nan", "#N/A", "Inf"})


def read_suppl_table(source: str | Path | IO[bytes], *, name: str, limits: SupplLimits | None = None) -> SupplTable:
    """Read one supplementary table (delimited text or ``.xlsx``); ``name`` is the archive's file name."""
    limits = limits or SupplLimits()
    try:
        if _is_xlsx(source, name, limits):
            from rnacorpus.harvester.geo.suppl_excel import read_xlsx

            return read_xlsx(source, name=name)
        stream = open_decompressed(source, name=name, limits=limits)
        with stream:
            data = spool(stream, name=name, limit=limits.max_bytes)
        with data:
            head = data.read(_HEAD_BYTES)
            data.seek(0)
            if head.startswith(b"\xd0\xcf\x11\xe0"):
                raise ParseError("an Excel 97-2003 (.xls) workbook: only .xlsx is read", path=name)
            return _read_delimited(data, head, name)
    except RnacorpusError as exc:
        raise exc.with_context(path=name) from exc
    except (OSError, EOFError, ValueError, pa.ArrowException) as exc:
        raise ParseError(f"unreadable table ({exc})", path=name) from exc


def _is_xlsx(source: str | Path | IO[bytes], name: str, limits: SupplLimits) -> bool:
    """A zip holding a workbook (checked member by member against the zip-bomb limits first)."""
    handle = Path(source).open("rb") if isinstance(source, str | Path) else source  # noqa: SIM115 - closed below
    try:
        if handle.read(4) != b"PK\x03\x04":
            return False
        handle.seek(0)
        with zipfile.ZipFile(handle) as archive:
            infos = archive.infolist()
            if not any(info.filename == "xl/workbook.xml" for info in infos):
                return False
            for info in infos:
                check_zip_member(info, name, limits)
            return True
    except zipfile.BadZipFile:
        return False
    finally:
        if isinstance(source, str | Path):
            handle.close()
        else:
            handle.seek(0)


# -- delimited text -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    encoding: str
    delimiter: str  # "\t", ",", ";" or " " (runs of whitespace)
    skip: int  # physical lines before the header (or before the first row without one)
    names: list[str]
    has_header: bool


def _decode_head(head: bytes) -> tuple[str, str]:
    body = head.removeprefix(b"\xef\xbb\xbf")
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(body) - 3:  # a character cut by the head's end
            return body[: exc.start].decode("utf-8"), "utf-8"
        return body.decode("cp1252", "replace"), "cp1252"


def _split(line: str, delimiter: str) -> list[str]:
    if delimiter == " ":
        return line.split()
    return next(csv.reader([line], delimiter=delimiter, quotechar='"'), [])


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return text.strip() in _NULLS
    return True


def _sniff_layout(head: bytes, name: str) -> _Layout:
    text, encoding = _decode_head(head)
    lines = text.splitlines()
    if len(head) >= _HEAD_BYTES and lines:
        lines = lines[:-1]  # the last line may be cut
    lines = lines[:200]
    comments = 0
    while comments < len(lines) and (not lines[comments].strip() or lines[comments].startswith("#")):
        comments += 1
    body = [line for line in lines[comments:] if line.strip()][:50]
    if not body:
        raise ParseError("no table rows", path=name)
    delimiter, width = _delimiter(body, name)
    first = _split(body[0], delimiter)
    # a header written as a comment (``#GENE\tA\tB``): the last comment line, as wide as the rows
    if comments and lines[comments - 1].startswith("#"):
        candidate = _split(lines[comments - 1].lstrip("#"), delimiter)
        if len(candidate) == width and not all(_is_number(c) for c in candidate[1:]):
            return _Layout(encoding, delimiter, comments, _names(candidate, width, name), True)
    has_header = not all(_is_number(cell) for cell in first[1:]) if len(first) > 1 else False
    if not has_header:
        return _Layout(encoding, delimiter, comments, [f"column_{i}" for i in range(width)], False)
    rows_width = max((len(_split(line, delimiter)) for line in body[1:]), default=width)
    return _Layout(encoding, delimiter, comments + 1, _names(first, rows_width, name), True)


def _delimiter(body: Sequence[str], name: str) -> tuple[str, int]:
    for delimiter in ("\t", ",", ";", " "):
        widths = [len(_split(line, delimiter)) for line in body]
        rows = widths[1:] or widths
        common = max(set(rows), key=rows.count)
        if common > 1 and rows.count(common) >= 0.9 * len(rows):
            return delimiter, common
    raise ParseError("cannot tell the delimiter: rows do not split into the same number of fields", path=name, line=1)


def _names(header: list[str], width: int, name: str) -> list[str]:
    cells = [cell.strip() for cell in header]
    if len(cells) == width - 1:  # R write.table: no name over the row names
        cells = ["", *cells]
    while len(cells) > width and not cells[-1]:
        cells.pop()  # trailing delimiter on the header line
    if len(cells) != width:
        raise ParseError(f"the header has {len(cells)} fields, the rows have {width}", path=name, line=1)
    seen: dict[str, int] = {}
    unique = []
    for cell in cells:
        seen[cell] = seen.get(cell, 0) + 1
        unique.append(cell if seen[cell] == 1 else f"{cell}.{seen[cell] - 1}")
    return unique


def _read_delimited(data: IO[bytes], head: bytes, name: str) -> SupplTable:
    layout = _sniff_layout(head, name)
    if layout.delimiter == " ":
        table = _read_whitespace(data, layout)
    else:
        types = {layout.names[0]: pa.string()}
        try:
            table = pacsv.read_csv(
                data,
                read_options=pacsv.ReadOptions(
                    skip_rows=layout.skip,
                    column_names=layout.names,
                    encoding=layout.encoding,
                    block_size=1 << 22,
                ),
                parse_options=pacsv.ParseOptions(delimiter=layout.delimiter, quote_char='"', double_quote=True),
                convert_options=pacsv.ConvertOptions(
                    column_types=types, null_values=_NULLS, strings_can_be_null=True, quoted_strings_can_be_null=True
                ),
            )
        except pa.ArrowInvalid as exc:
            line = _line_of(str(exc))
            raise ParseError(f"malformed row ({exc})", path=name, line=line + layout.skip if line else None) from exc
    return table_to_suppl(table, name=name, first_data_line=layout.skip + 1, has_header=layout.has_header)


def _line_of(message: str) -> int | None:
    match = re.search(r"[Rr]ow #?(\d+)", message)
    return int(match.group(1)) if match else None


def _read_whitespace(data: IO[bytes], layout: _Layout) -> pa.Table:
    frame = pd.read_csv(
        io.TextIOWrapper(data, encoding=layout.encoding, newline=""),
        sep=r"\s+",
        engine="c",
        skiprows=layout.skip,
        header=None,
        names=layout.names,
        dtype={layout.names[0]: str},
        na_values=_NULLS,
        keep_default_na=True,
    )
    return pa.Table.from_pandas(frame, preserve_index=False)
