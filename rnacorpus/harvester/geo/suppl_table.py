"""One supplementary table's columns → feature IDs, value columns and set-aside annotation.

The rules every reader shares (delimited text in :mod:`.suppl_readers`, Excel in :mod:`.suppl_excel`),
each recognizing what the file holds, never who is assumed to have made it:

* the first column holds the feature IDs (read as text: Entrez IDs stay IDs);
* tool outputs by their columns (:data:`TOOLS`): featureCounts, HTSeq, STAR ``ReadsPerGene``, RSEM,
  Salmon, kallisto — counts are chosen over TPM/FPKM where both are present, annotation columns
  (length, chromosome, strand, symbol …) are set aside, summary rows (HTSeq ``__no_feature`` and its
  older bare names, STAR ``N_unmapped`` …) are dropped and counted;
* a column holding a value that is not a number raises :class:`ParseError` naming the file and line,
  unless it is a text column (gene names, descriptions) beside a header.

Columns are converted with Arrow compute kernels; no Python loop touches single values.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from rnacorpus.errors import ParseError
from rnacorpus.harvester.geo.suppl_discovery import sample_of

__all__ = ["TOOLS", "SupplTable", "table_to_suppl", "tool_of"]

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
#: a number, NaN or an infinity, or empty (missing), after trimming
_NUMBER = r"^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|[Nn]a[Nn]|[+-]?[Ii]nf(inity)?)?$"
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
    ok = pc.match_substring_regex(column, pattern=_NUMBER)
    return bool(pc.all(pc.fill_null(ok, True)).as_py())


def _first_bad_row(column: pa.ChunkedArray) -> int:
    ok = pc.fill_null(pc.match_substring_regex(pc.utf8_trim_whitespace(column), pattern=_NUMBER), True)
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
