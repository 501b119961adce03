"""Reading author-deposited expression tables into one feature × column matrix, or saying why not.

Layouts covered (each recognized by what the file holds, never by who is assumed to have made it):

* delimited text — tab, comma, semicolon or runs of spaces, sniffed from the first lines; gzip, bz2,
  xz or zip; CR, CRLF or LF line ends; quoted fields; UTF-8 (BOM dropped) or, failing that, cp1252;
* a header with no name over the ID column (R's ``write.table``: one name fewer than fields), an
  empty first header cell, a header written as a comment (``#GENE …``), comment lines before it
  (featureCounts' ``# Program:…``), or no header at all (HTSeq, STAR ``ReadsPerGene``);
* tool outputs by their columns (:data:`TOOLS`): featureCounts, HTSeq, STAR ``ReadsPerGene``, RSEM,
  Salmon, kallisto — counts are chosen over TPM/FPKM where both are present, annotation columns
  (length, chromosome, strand, symbol …) are set aside, summary rows (HTSeq ``__no_feature`` and its
  older bare names, STAR ``N_unmapped`` …) are dropped and counted;
* Excel ``.xlsx`` (:mod:`.suppl_excel`), multi-row headers included.

The first column holds the feature IDs (read as text: Entrez IDs stay IDs). Anything not understood
raises :class:`ParseError` naming the file, and the line or column — it is never guessed. Columns
are converted with Arrow's C reader (pandas' C engine for whitespace-separated files); no Python
loop touches single values.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from rnacorpus.errors import ParseError, RnacorpusError
from rnacorpus.harvester.geo.suppl_discovery import sample_of
from rnacorpus.harvester.geo.suppl_io import SupplLimits, check_zip_member, open_decompressed, spool
from rnacorpus.harvester.geo.tables import MISSING_VALUE_TOKENS

__all__ = ["TOOLS", "SupplTable", "read_suppl_table", "tool_of"]

_HEAD_BYTES = 256 * 1024
_NULLS = sorted({*MISSING_VALUE_TOKENS, *(t.upper() for t in MISSING_VALUE_TOKENS), "NaN", "nan", "#N/A", "Inf"})
#: HTSeq's summary rows: ``__no_feature`` … and the bare names of HTSeq < 0.5 (GSE49712's files)
_HTSEQ_SUMMARY = frozenset({"no_feature", "ambiguous", "too_low_aqual", "not_aligned", "alignment_not_unique"})
_SUMMARY_ROW = re.compile(
    r"^(__\w+|N_(unmapped|multimapping|noFeature|ambiguous)|Unassigned_\w+|Assigned)$", re.IGNORECASE
)
#: annotation columns set aside by name (lower-case, separators removed)
_ANNOTATION = frozenset(
    {
        "chr", "chrom", "chromosome", "seqname", "start", "end", "stop", "strand", "length", "genelength",
        "efflength", "effectivelength", "txlength", "transcriptlength", "gene", "genename", "genesymbol",
        "symbol", "description", "genedescription", "biotype", "genebiotype", "genetype", "type", "locus",
        "transcriptid", "transcriptids", "transcripts", "geneid", "entrez", "entrezid", "entrezgeneid",
        "ensembl", "ensemblid", "ensemblgeneid", "name", "trackid", "product", "class", "status", "source",
        "position", "coordinates", "width", "gc", "gccontent", "tssposition", "mappability",
    }
)  # fmt: skip
#: per-sample tool outputs: required columns (normalized), counts column, other value columns
TOOLS: dict[str, tuple[frozenset[str], str, tuple[str, ...]]] = {
    "salmon": (frozenset({"name", "length", "effectivelength", "tpm", "numreads"}), "numreads", ("tpm",)),
    "kallisto": (frozenset({"targetid", "length", "efflength", "estcounts", "tpm"}), "estcounts", ("tpm",)),
    "rsem": (frozenset({"length", "effectivelength", "expectedcount", "tpm"}), "expectedcount", ("tpm", "fpkm")),
}
_FEATURECOUNTS = frozenset({"geneid", "chr", "start", "end", "strand", "length"})


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


@dataclass
class SupplTable:
    """One file's values: ``values[i]`` is column ``columns[i]`` over ``ids``."""

    file: str
    ids: list[str]
    id_column: str
    columns: list[str]
    values: npt.NDArray[np.float32]  # (n_columns, n_features)
    annotation: list[str] = field(default_factory=list)
    tool: str | None = None
    #: the named column chosen from a tool's output (``NumReads``), or the header band (``FPKM``)
    value_column: str | None = None
    dropped: dict[str, int] = field(default_factory=dict)
    #: how the file was read (informational)
    notes: list[str] = field(default_factory=list)
    #: what a reader of the values should know (repeated IDs, a strand chosen …): become parse issues
    warnings: list[str] = field(default_factory=list)

    @property
    def sample(self) -> str | None:
        return sample_of(self.file)


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


# -- from columns to a matrix -------------------------------------------------------------------


def _numeric(column: pa.ChunkedArray) -> pa.ChunkedArray | None:
    """The column as float64 when every non-missing value is a number; None otherwise."""
    if pa.types.is_integer(column.type) or pa.types.is_floating(column.type) or pa.types.is_null(column.type):
        return column.cast(pa.float64())
    if pa.types.is_boolean(column.type) or not pa.types.is_string(column.type):
        return None
    trimmed = pc.utf8_trim_whitespace(column)
    converted = pc.cast(trimmed, pa.float64(), safe=False) if _all_numeric(trimmed) else None
    return converted


def _all_numeric(column: pa.ChunkedArray) -> bool:
    pattern = r"^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|[Nn]a[Nn]|[+-]?[Ii]nf(inity)?)?$"
    ok = pc.match_substring_regex(column, pattern=pattern)
    return bool(pc.all(pc.fill_null(ok, True)).as_py())


def _first_bad_row(column: pa.ChunkedArray) -> int:
    pattern = r"^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|[Nn]a[Nn]|[+-]?[Ii]nf(inity)?)?$"
    ok = pc.fill_null(pc.match_substring_regex(pc.utf8_trim_whitespace(column), pattern=pattern), True)
    return int(pc.index(ok, False).as_py())


def tool_of(names: Sequence[str]) -> tuple[str | None, str | None]:
    """The tool whose output these columns are, and the column its counts are in."""
    normalized = {_norm(n) for n in names}
    if normalized >= _FEATURECOUNTS:
        return "featurecounts", None
    for tool, (required, counts, _others) in TOOLS.items():
        if required <= normalized:
            return tool, counts
    return None, None


def table_to_suppl(
    table: pa.Table,
    *,
    name: str,
    first_data_line: int,
    has_header: bool = True,
    value_column: str | None = None,
) -> SupplTable:
    """Columns → IDs, value columns and set-aside annotation, by the rules in the module docstring."""
    names = table.column_names
    if len(names) < 2:
        raise ParseError("one column only: no values beside the IDs", path=name)
    ids = pc.utf8_trim_whitespace(table.column(0).cast(pa.string()))
    tool, counts_column = tool_of(names)
    annotation: list[str] = []
    chosen: list[tuple[str, pa.ChunkedArray]] = []
    notes: list[str] = []
    warnings: list[str] = []
    for column_name in names[1:]:
        key = _norm(column_name)
        column = table.column(column_name)
        if tool in TOOLS:
            if key != counts_column:
                annotation.append(column_name)
                continue
        elif (tool == "featurecounts" and key in _FEATURECOUNTS) or (has_header and key in _ANNOTATION):
            annotation.append(column_name)
            continue
        numeric = _numeric(column)
        if numeric is None:
            if has_header and not _mostly_numeric(column):
                annotation.append(column_name)  # a text column: gene names, descriptions …
                continue
            row = _first_bad_row(column)
            raise ParseError(
                f"column {column_name!r} holds a value that is not a number ({column[row].as_py()!r})",
                path=name,
                line=first_data_line + row,
            )
        chosen.append((column_name, numeric))
    if tool in TOOLS:
        value_column = next(n for n in names if _norm(n) == counts_column)
        notes.append(f"{tool} output: {value_column} chosen; {', '.join(annotation)} set aside")
    if not has_header and len(chosen) == 3 and _star_like(ids):
        tool = "star"
        chosen, note = _star_strand(chosen)
        warnings.append(note)
    elif not has_header and len(chosen) == 1:
        tool = tool or ("htseq" if _has_summary(ids) else None)
    if not chosen:
        raise ParseError("no numeric value columns", path=name)
    keep, dropped = _keep_rows(ids)
    if dropped.get("summary_rows"):
        warnings.append(f"{dropped['summary_rows']} counting summary rows (HTSeq __no_feature …, STAR N_…) dropped")
    id_list = pc.filter(ids, keep).to_pylist() if dropped else ids.to_pylist()
    values = np.empty((len(chosen), len(id_list)), np.float32)
    mask = np.asarray(keep) if dropped else None
    for i, (_, column) in enumerate(chosen):
        array = column.to_numpy()
        values[i] = array[mask] if mask is not None else array
    id_list, values, duplicates = _first_of_duplicates(id_list, values)
    if duplicates:
        warnings.append(f"{duplicates} repeated feature IDs: the first row of each kept")
    return SupplTable(
        file=name,
        ids=id_list,
        id_column=names[0],
        columns=[n for n, _ in chosen],
        values=values,
        annotation=annotation,
        tool=tool,
        value_column=value_column,
        dropped=dropped,
        notes=notes,
        warnings=warnings,
    )


def _mostly_numeric(column: pa.ChunkedArray) -> bool:
    if not pa.types.is_string(column.type):
        return False
    pattern = r"^\s*[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+)\s*$"
    valid = pc.drop_null(column)
    if len(valid) == 0:
        return False
    share = pc.mean(pc.cast(pc.match_substring_regex(valid, pattern=pattern), pa.int8())).as_py()
    return bool(share is not None and share >= 0.9)


def _star_like(ids: pa.ChunkedArray) -> bool:
    head = ids.slice(0, 4).to_pylist()
    return sum(bool(x and x.startswith("N_")) for x in head) >= 3


def _star_strand(chosen: list[tuple[str, pa.ChunkedArray]]) -> tuple[list[tuple[str, pa.ChunkedArray]], str]:
    """STAR ``ReadsPerGene``: column 2 unstranded, 3 and 4 the two strandednesses (STAR manual).

    A stranded library puts nearly all reads on one strand: when one of columns 3/4 holds over five
    times the other's total, that column is the library's; otherwise the unstranded column.
    """
    totals = [float(pc.sum(column.slice(4)).as_py() or 0.0) for _, column in chosen]
    forward, reverse = totals[1], totals[2]
    if max(forward, reverse) > 5 * max(min(forward, reverse), 1.0):
        pick = 1 if forward > reverse else 2
        why = f"stranded library (strand totals {forward:.0f} vs {reverse:.0f})"
    else:
        pick, why = 0, f"unstranded library (strand totals {forward:.0f} vs {reverse:.0f})"
    name = ("unstranded", "read 1 strand", "read 2 strand")[pick]
    return [(name, chosen[pick][1])], f"STAR ReadsPerGene: {name} column chosen, {why}"


def _has_summary(ids: pa.ChunkedArray) -> bool:
    return bool(pc.any(pc.match_substring_regex(ids, pattern=r"^__")).as_py())


def _keep_rows(ids: pa.ChunkedArray) -> tuple[pa.ChunkedArray, dict[str, int]]:
    """Summary rows and rows without an ID are dropped, and counted by kind."""
    summary = pc.fill_null(pc.match_substring_regex(ids, pattern=_SUMMARY_ROW.pattern, ignore_case=True), False)
    bare = pc.is_in(pc.utf8_lower(ids), value_set=pa.array(sorted(_HTSEQ_SUMMARY)))
    bare = pc.fill_null(bare, False)
    n_bare = int(pc.sum(bare).as_py() or 0)
    if n_bare < 3:  # the bare names are HTSeq's only when they come together
        bare = pc.and_(bare, pa.scalar(False))
        n_bare = 0
    empty = pc.fill_null(pc.equal(pc.utf8_length(ids), 0), True)
    drop = pc.or_(pc.or_(summary, bare), empty)
    dropped = {
        key: n
        for key, n in (
            ("summary_rows", int(pc.sum(summary).as_py() or 0) + n_bare),
            ("rows_without_id", int(pc.sum(empty).as_py() or 0)),
        )
        if n
    }
    return pc.invert(drop), dropped


def _first_of_duplicates(
    ids: list[str], values: npt.NDArray[np.float32]
) -> tuple[list[str], npt.NDArray[np.float32], int]:
    index = pd.Index(ids)
    repeated = index.duplicated(keep="first")
    n = int(repeated.sum())
    if not n:
        return ids, values, 0
    keep = ~repeated
    return list(index[keep]), np.ascontiguousarray(values[:, keep]), n
