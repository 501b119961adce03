"""In-memory interchange between parse and load: one study's records plus its columnar tables.

These are not part of the exported JSON Schema; they carry numpy / Arrow data that a JSON document
should not. An expression matrix comes in three forms that harmonize and the store treat alike
(:class:`MatrixLike`: metadata plus ``chunks()`` of samples):

* :class:`ExpressionMatrix` — values in memory (small matrices: series matrices, NCBI counts,
  supplementary files, tests);
* :class:`SpooledMatrix` — values in a :class:`ValueSpool` on disk, written sample by sample as a
  parser streams them, read back a chunk of samples at a time, so memory stays flat whatever the
  size of the file (family SOFT sample tables);
* :class:`DerivedMatrix` — another matrix seen through a per-chunk transform (a gene-level matrix is
  its feature-level matrix with the probe → gene collapse applied chunk by chunk).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, Protocol

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from rnacorpus.schemas.feature_stats import FeatureStats
from rnacorpus.schemas.links import DataFile, ExternalCharacteristic, SequencingRun
from rnacorpus.schemas.models import ExpressionSource, ParseIssue, Platform, Sample, Study

__all__ = [
    "CHUNK_SAMPLES",
    "BundleMatrix",
    "DerivedMatrix",
    "ExpressionMatrix",
    "MatrixLike",
    "SourceFile",
    "SpooledMatrix",
    "StudyBundle",
    "ValueChunk",
    "ValueSpool",
]

#: samples per chunk (and per Parquet row group): 64 × 54,675 probes is 14 MB of float32, small next
#: to the libraries a harvest has loaded, large enough that per-chunk work is vectorized
CHUNK_SAMPLES = 64

Float32Array = npt.NDArray[np.float32]


class ValueChunk(NamedTuple):
    """Consecutive samples of a matrix: ``values[k]`` is sample ``start + k``."""

    start: int
    values: Float32Array  # shape (rows, n_features)


class MatrixLike(Protocol):
    """What harmonize and the store need of a matrix: its metadata and its values chunk by chunk."""

    source: ExpressionSource
    sample_accessions: list[str]
    feature_ids: list[str]

    def chunks(self, size: int = CHUNK_SAMPLES) -> Iterator[ValueChunk]: ...

    def select(self, rows: Sequence[int]) -> MatrixLike: ...


def _selected_source(source: ExpressionSource, n_samples: int) -> ExpressionSource:
    return source.model_copy(update={"n_samples": n_samples})


@dataclass
class ExpressionMatrix:
    """Samples × features, float32, in ``feature_ids`` order (NaN = missing), held in memory."""

    source: ExpressionSource
    sample_accessions: list[str]
    feature_ids: list[str]
    values: Float32Array  # shape (n_samples, n_features)

    def __post_init__(self) -> None:
        expected = (len(self.sample_accessions), len(self.feature_ids))
        if self.values.shape != expected:
            raise ValueError(f"values shape {self.values.shape} does not match {expected}")
        if self.values.dtype != np.float32:
            self.values = self.values.astype(np.float32)

    def chunks(self, size: int = CHUNK_SAMPLES) -> Iterator[ValueChunk]:
        """Views of ``size`` samples at a time (no copies)."""
        for start in range(0, len(self.sample_accessions), size):
            yield ValueChunk(start, self.values[start : start + size])

    def select(self, rows: Sequence[int]) -> ExpressionMatrix:
        """The matrix of the samples at ``rows`` (in that order)."""
        if list(rows) == list(range(len(self.sample_accessions))):
            return self
        return ExpressionMatrix(
            source=_selected_source(self.source, len(rows)),
            sample_accessions=[self.sample_accessions[k] for k in rows],
            feature_ids=self.feature_ids,
            values=self.values[np.asarray(rows, dtype=np.int64)],
        )


class ValueSpool:
    """Rows of float32 in an anonymous temporary file: gone when closed, collected, or when the
    process dies (``O_TMPFILE`` / unlinked at creation), so nothing is ever left to clean up.

    A row may be shorter than the matrix it belongs to (a later sample added features): readers pad
    it with NaN, which is what "absent" means in a matrix. ``directory`` defaults to ``$TMPDIR``.
    """

    def __init__(self, directory: str | Path | None = None) -> None:
        self._file = tempfile.TemporaryFile(prefix="rnacorpus-spool-", dir=directory)  # noqa: SIM115 - owned
        self._fd = self._file.fileno()
        self._offsets: list[int] = []
        self._widths: list[int] = []
        self._end = 0

    def __len__(self) -> int:
        return len(self._offsets)

    def append(self, row: Float32Array) -> int:
        """Write one row; returns its index."""
        data = np.ascontiguousarray(row, dtype=np.float32).data.cast("B")
        written = 0
        while written < len(data):
            written += os.pwrite(self._fd, data[written:], self._end + written)
        self._offsets.append(self._end)
        self._widths.append(len(row))
        self._end += len(data)
        return len(self._offsets) - 1

    def read(self, rows: Sequence[int], width: int) -> Float32Array:
        """Rows ``rows`` as one (len(rows), width) array; runs of adjacent rows are read in one call."""
        # every cell is either read or set to NaN below: no NaN fill of the whole chunk first
        out = np.empty((len(rows), width), dtype=np.float32)
        k = 0
        while k < len(rows):
            row, row_width = rows[k], self._widths[rows[k]]
            run = 1
            while k + run < len(rows) and rows[k + run] == row + run and self._widths[row + run] == row_width == width:
                run += 1
            if run > 1:  # whole rows back to back in the file and in ``out``
                self._read_into(out[k : k + run], self._offsets[row])
            else:
                self._read_into(out[k, : min(row_width, width)], self._offsets[row])
                out[k, row_width:] = np.nan  # a row written before later samples added features
            k += run
        return out

    def _read_into(self, target: Float32Array, offset: int) -> None:
        buffer = target.data.cast("B")
        done = 0
        while done < len(buffer):
            got = os.preadv(self._fd, [buffer[done:]], offset + done)
            if got == 0:
                raise OSError(f"value spool ends early ({done} of {len(buffer)} bytes at offset {offset})")
            done += got

    def close(self) -> None:
        self._file.close()

    def __getstate__(self) -> object:
        raise TypeError("a ValueSpool lives in one process (an anonymous temp file); write its shards there")

    def __copy__(self) -> ValueSpool:
        return self  # rows written are never changed: copies of a bundle share its spool

    def __deepcopy__(self, memo: dict[int, object]) -> ValueSpool:
        return self


@dataclass
class SpooledMatrix:
    """Samples × features whose values are rows of a :class:`ValueSpool` (``rows[k]`` for sample k)."""

    source: ExpressionSource
    sample_accessions: list[str]
    feature_ids: list[str]
    spool: ValueSpool
    rows: list[int]
    #: the per-feature statistics of exactly these rows, when the parser took them as it spooled the
    #: values (None: whoever needs them reads the matrix)
    feature_stats: FeatureStats | None = None
    #: per row, what unit detection takes from that row alone, when the parser took it as it spooled
    #: the values (:class:`rnacorpus.harmonize.units.row_evidence.RowEvidence`; this layer does not
    #: look inside it); None: the unit step reads the matrix
    row_evidence: Sequence[object] | None = None
    #: what watched the rows as the parser spooled them (:mod:`rnacorpus.schemas.early_rows`: the
    #: store may have encoded this matrix's shard from them already); a selection of rows drops it
    watcher: object | None = None

    def __post_init__(self) -> None:
        if len(self.rows) != len(self.sample_accessions):
            raise ValueError(f"{len(self.rows)} spool rows for {len(self.sample_accessions)} samples")
        if self.row_evidence is not None and len(self.row_evidence) != len(self.rows):
            raise ValueError(f"row evidence of {len(self.row_evidence)} rows for {len(self.rows)} spool rows")
        stats = self.feature_stats
        if stats is not None and (stats.n_samples, len(stats.count)) != (len(self.rows), len(self.feature_ids)):
            raise ValueError(f"feature statistics of {stats.n_samples} x {len(stats.count)} for another matrix")

    def chunks(self, size: int = CHUNK_SAMPLES) -> Iterator[ValueChunk]:
        for start in range(0, len(self.rows), size):
            yield ValueChunk(start, self.spool.read(self.rows[start : start + size], len(self.feature_ids)))

    def select(self, rows: Sequence[int]) -> SpooledMatrix:
        if list(rows) == list(range(len(self.rows))):
            return self
        return SpooledMatrix(
            source=_selected_source(self.source, len(rows)),
            sample_accessions=[self.sample_accessions[k] for k in rows],
            feature_ids=self.feature_ids,
            spool=self.spool,
            rows=[self.rows[k] for k in rows],
            # each row's evidence is its own: it holds for the row in any selection
            row_evidence=None if self.row_evidence is None else [self.row_evidence[k] for k in rows],
        )

    @property
    def values(self) -> Float32Array:
        """The whole matrix in memory — for small matrices and tests; harmonize and the store never
        call it (they go through :meth:`chunks`)."""
        return self.spool.read(self.rows, len(self.feature_ids))


@dataclass
class DerivedMatrix:
    """``base`` seen through ``transform`` (one chunk of base values → the same samples' new values)."""

    source: ExpressionSource
    sample_accessions: list[str]
    feature_ids: list[str]
    base: MatrixLike
    transform: Callable[[Float32Array], Float32Array]

    def chunks(self, size: int = CHUNK_SAMPLES) -> Iterator[ValueChunk]:
        for chunk in self.base.chunks(size):
            yield ValueChunk(chunk.start, np.ascontiguousarray(self.transform(chunk.values), dtype=np.float32))

    def select(self, rows: Sequence[int]) -> DerivedMatrix:
        return DerivedMatrix(
            source=_selected_source(self.source, len(rows)),
            sample_accessions=[self.sample_accessions[k] for k in rows],
            feature_ids=self.feature_ids,
            base=self.base.select(rows),
            transform=self.transform,
        )


#: what a parser puts in a bundle: values in memory, or spooled on disk as it streamed them
BundleMatrix = ExpressionMatrix | SpooledMatrix


@dataclass(frozen=True)
class SourceFile:
    """A raw archive file a study was built from (its cache entry)."""

    url: str
    path: str
    sha256: str
    size: int
    role: str  # family_soft, miniml, series_matrix, platform_annot, ncbi_counts, ...


@dataclass
class StudyBundle:
    study: Study
    platforms: list[Platform] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)
    expression: list[BundleMatrix] = field(default_factory=list)
    #: platform accession -> the platform's annotation table, all columns as strings
    platform_tables: dict[str, pa.Table] = field(default_factory=dict)
    issues: list[ParseIssue] = field(default_factory=list)
    files: list[SourceFile] = field(default_factory=list)
    #: sequencing runs of the study's samples (ENA / SRA), each naming its sample record
    runs: list[SequencingRun] = field(default_factory=list)
    #: data files the study lists (ArrayExpress), per sample where the archive says
    data_files: list[DataFile] = field(default_factory=list)
    #: characteristics other archives state for the samples (BioSamples), beside their own
    external_characteristics: list[ExternalCharacteristic] = field(default_factory=list)
