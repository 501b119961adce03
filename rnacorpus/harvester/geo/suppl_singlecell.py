"""Counts per cell are not a sample profile: recognize them and sum each sample's cells (pseudo-bulk).

A table is per-cell when (first rule that holds):

1. its columns are cell barcodes (``ACGTACGTACGT``, ``AAACCTGAGAAGGCCT-1``): a Drop-seq DGE or a
   dense 10x export — all its cells belong to the sample the file is named after;
2. it is a 10x Matrix Market triplet (``matrix.mtx`` + ``barcodes.tsv`` + ``features.tsv``/``genes.tsv``):
   likewise one sample's cells;
3. its columns were matched one GSM each and the samples' records say single-cell (library source
   ``transcriptomic single cell``, or "single cell" / "scRNA" in the series type, title or
   description), or — when records are silent — the numbers look like single cells: at least
   :data:`MIN_CELLS` columns, over :data:`MIN_ZERO_FRACTION` of the values zero and a median column
   total below :data:`MAX_CELL_TOTAL` (plate-based data such as Smart-seq: one GSM per cell).

The pseudo-bulk of a sample is the sum of its cells' counts (vectorized), stored as
``kind = 'supplementary_pseudobulk'`` with the number of cells. Cells that cannot be assigned to
samples (barcodes in a file not named after one sample) are skipped with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from rnacorpus.errors import ParseError
from rnacorpus.harvester.geo.suppl_io import SupplLimits, open_decompressed
from rnacorpus.schemas import Sample, Study

__all__ = [
    "MAX_CELL_TOTAL",
    "MIN_CELLS",
    "MIN_ZERO_FRACTION",
    "barcode_columns",
    "per_cell_evidence",
    "read_mtx_pseudobulk",
    "records_say_single_cell",
]

MIN_CELLS = 48
MIN_ZERO_FRACTION = 0.8
MAX_CELL_TOTAL = 200_000.0
_BARCODE = re.compile(r"^[ACGTN]{8,}([-_.]\d+)?$")
_SINGLE_CELL_TEXT = re.compile(r"single[\s_-]?cell|sc[\s_-]?rna[\s_-]?seq|\bscrna\b|drop-?seq|smart-?seq", re.I)


def barcode_columns(columns: Sequence[str]) -> bool:
    """Most column names are cell barcodes."""
    return len(columns) >= 2 and sum(bool(_BARCODE.match(c)) for c in columns) >= 0.9 * len(columns)


def records_say_single_cell(samples: Sequence[Sample], study: Study | None = None) -> str | None:
    """Why the records call these samples single-cell, or None."""
    for sample in samples:
        if sample.library_source and _SINGLE_CELL_TEXT.search(sample.library_source):
            return f"library source {sample.library_source!r}"
    if study is not None:
        for text in [*study.types, study.title or "", study.overall_design or ""]:
            if _SINGLE_CELL_TEXT.search(text):
                return f"the series says {_SINGLE_CELL_TEXT.search(text).group(0)!r}"  # type: ignore[union-attr]
    for sample in samples[:50]:
        for text in (sample.title or "", sample.description or ""):
            found = _SINGLE_CELL_TEXT.search(text)
            if found:
                return f"sample {sample.accession} says {found.group(0)!r}"
    return None


def per_cell_evidence(values: npt.NDArray[np.float32]) -> str | None:
    """The numbers look like single cells (many sparse, small columns), with the figures; else None."""
    n_columns = values.shape[0]
    if n_columns < MIN_CELLS or values.size == 0:
        return None
    zeros = float(np.count_nonzero(values == 0)) / values.size
    median_total = float(np.median(np.nansum(values, axis=1)))
    if zeros >= MIN_ZERO_FRACTION and median_total < MAX_CELL_TOTAL:
        return f"{n_columns} columns, {zeros:.0%} zeros, median column total {median_total:,.0f}"
    return None


@dataclass
class MtxPseudobulk:
    feature_ids: list[str]
    values: npt.NDArray[np.float32]  # (n_features,)
    n_cells: int


def read_mtx_pseudobulk(
    matrix: IO[bytes], features: IO[bytes], *, barcodes: IO[bytes] | None, name: str, limits: SupplLimits
) -> MtxPseudobulk:
    """Sum a 10x Matrix Market file (features × cells, coordinate format) over its cells."""
    stream = open_decompressed(matrix, name=name, limits=limits)
    with stream:
        first = stream.readline()
        if not first.startswith(b"%%MatrixMarket") or b"coordinate" not in first:
            raise ParseError("not a Matrix Market coordinate file", path=name, line=1)
        header = b""
        skip = 1
        while True:
            line = stream.readline()
            if not line:
                raise ParseError("Matrix Market file ends before its size line", path=name)
            skip += 1
            if not line.startswith(b"%"):
                header = line
                break
        try:
            n_rows, n_cols, _n_entries = (int(x) for x in header.split())
        except ValueError as exc:
            raise ParseError(f"bad Matrix Market size line {header!r}", path=name, line=skip) from exc
        triplets = pacsv.read_csv(
            stream,
            read_options=pacsv.ReadOptions(column_names=["row", "col", "value"], block_size=1 << 22),
            parse_options=pacsv.ParseOptions(delimiter=" "),
            convert_options=pacsv.ConvertOptions(
                column_types={"row": pa.int64(), "col": pa.int64(), "value": pa.float64()}
            ),
        )
    rows = triplets.column("row").to_numpy()
    if len(rows) and (rows.min() < 1 or rows.max() > n_rows):
        raise ParseError(f"row index outside 1..{n_rows}", path=name)
    sums = np.bincount(rows - 1, weights=triplets.column("value").to_numpy(), minlength=n_rows)
    ids = _first_column(features, f"{name} features", limits)
    if len(ids) != n_rows:
        raise ParseError(f"{len(ids)} features listed for a matrix of {n_rows} rows", path=name)
    n_cells = len(_first_column(barcodes, f"{name} barcodes", limits)) if barcodes is not None else n_cols
    if n_cells != n_cols:
        raise ParseError(f"{n_cells} barcodes listed for a matrix of {n_cols} columns", path=name)
    return MtxPseudobulk(ids, sums.astype(np.float32), n_cols)


def _first_column(handle: IO[bytes], name: str, limits: SupplLimits) -> list[str]:
    stream = open_decompressed(handle, name=name, limits=limits)
    with stream:
        table = pacsv.read_csv(
            stream,
            read_options=pacsv.ReadOptions(autogenerate_column_names=True),
            parse_options=pacsv.ParseOptions(delimiter="\t"),
            convert_options=pacsv.ConvertOptions(column_types={"f0": pa.string()}, include_columns=["f0"]),
        )
    return [str(x) for x in pc.utf8_trim_whitespace(table.column(0)).to_pylist()]  # one ID per row, by Arrow
