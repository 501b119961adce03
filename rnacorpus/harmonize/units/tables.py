"""Read a deposited expression table (TSV/CSV, optionally gzip): gene IDs in the first column, one
column per sample. Used by ``rnacorpus units detect``; the harvest reads its files with its parsers.

Tolerated as GEO supplementary files come: ``#`` comment lines (featureCounts' ``# Program:``), an
R-style header one field short, quoted cells, featureCounts' annotation columns (Chr, Start, End,
Strand, Length) and any other column that is not numeric — those are set aside and named.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from rnacorpus.errors import ParseError
from rnacorpus.fileio import open_text

__all__ = ["ExpressionTable", "read_expression_table"]

_ANNOTATION_COLUMNS = {
    "chr",
    "start",
    "end",
    "strand",
    "length",
    "gene_name",
    "genename",
    "symbol",
    "description",
    "gene_type",
    "genetype",
    "biotype",
    "gene_biotype",
}
_MIN_NUMERIC = 0.5  # share of a column's non-empty cells that must be numbers for it to be a sample


@dataclass(frozen=True)
class ExpressionTable:
    columns: list[str]
    feature_ids: list[str]
    values: npt.NDArray[np.float32]  # columns × features
    set_aside: list[str]  # columns that are not samples


def _delimiter(header: str, path: Path) -> str:
    if path.name.lower().removesuffix(".gz").endswith(".csv") and header.count(",") >= header.count("\t"):
        return ","
    return "\t" if header.count("\t") >= header.count(",") else ","


def read_expression_table(path: str | Path) -> ExpressionTable:
    source = Path(path)
    with open_text(source) as handle:
        lines = [line for line in handle if not line.startswith("#") and line.strip()]
    if len(lines) < 2:
        raise ParseError("no header and data rows", path=source)
    sep = _delimiter(lines[0], source)
    frame = pd.read_csv(
        io.StringIO("".join(lines)),
        sep=sep,
        dtype=str,
        keep_default_na=False,
        quoting=csv.QUOTE_MINIMAL,
        index_col=None,
    )
    ids: list[str]
    if not isinstance(frame.index, pd.RangeIndex):
        ids = [str(i) for i in frame.index]  # R-style header: pandas took the first column as the index
    else:
        ids = [str(i) for i in frame.iloc[:, 0]]
        frame = frame.iloc[:, 1:]
    samples: list[str] = []
    set_aside: list[str] = []
    columns: list[npt.NDArray[np.float64]] = []
    for name in frame.columns:
        text = frame[name].str.strip().to_numpy(dtype=object)
        # "NA", "", "null" … become NaN; so does anything else that is no number
        numbers = np.asarray(pd.to_numeric(text, errors="coerce"), dtype=np.float64)
        filled = int((text != "").sum())
        is_annotation = str(name).strip().lower() in _ANNOTATION_COLUMNS
        if is_annotation or not filled or np.count_nonzero(~np.isnan(numbers)) < _MIN_NUMERIC * filled:
            set_aside.append(str(name))
            continue
        samples.append(str(name))
        columns.append(numbers)
    values = np.vstack(columns).astype(np.float32) if columns else np.zeros((0, len(ids)), dtype=np.float32)
    return ExpressionTable(columns=samples, feature_ids=ids, values=values, set_aside=set_aside)
