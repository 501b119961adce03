"""Normalization at export: one scale for the training set, or an honest refusal per sample.

Values are stored as deposited, each sample with its detected unit; a training set may ask for one
scale. A rule converts only what it can convert exactly and refuses the rest with a reason that the
manifest lists — it never guesses a log base or turns array intensities into per-million values.

* ``as_deposited`` (``none`` is the old name) — values as deposited; each sample's unit is in
  ``samples.parquet``.
* ``cpm`` / ``log1p_cpm`` — linear counts (or CPM) → counts per million over the sample's features
  (→ ln(1 + x), computed by :mod:`.fast_log1p`: within 4 ulp of the exact result).
* ``tpm`` / ``log1p_tpm`` — linear TPM, FPKM/RPKM (TPM_i = FPKM_i / ΣFPKM × 1e6, exact), or counts at
  gene level where the gene reference has the gene's length (TPM_i = (c_i / len_i) / Σ(c_j / len_j) ×
  1e6; genes without a length are NaN and outside the sum) (→ ln(1 + x)).

Per-million scaling is computed over the features of the shard the sample is read from (all
deposited features at ``feature`` level; the mapped genes at ``gene`` level), before the columns are
gathered into the export's gene order, so choosing a gene subset does not change a sample's scale.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from rnacorpus.catalog.column_map import ColumnMap
from rnacorpus.catalog.fast_log1p import Log1pScratch, log1p_into
from rnacorpus.errors import ConfigError

__all__ = [
    "RULES",
    "BlockNormalization",
    "LengthScale",
    "NormalizationRule",
    "NormalizeScratch",
    "get_rule",
]


@dataclass(frozen=True)
class NormalizationRule:
    name: str
    description: str
    #: linear units this rule converts exactly (empty: values pass through)
    accepts: frozenset[str]
    #: ln(1 + x) after scaling
    log1p: bool = False
    #: counts are divided by gene length first (TPM from counts)
    per_length: bool = False

    @property
    def converts(self) -> bool:
        return bool(self.accepts)

    def refusal(self, unit: str | None, is_log: bool | None, *, level: str = "gene") -> str | None:
        """Why this rule cannot convert a sample of ``unit`` (None when it can)."""
        if not self.accepts:
            return None
        if unit is None or unit == "unknown":
            return "unit unknown: cannot be put on a per-million scale"
        if is_log:
            return f"values are log-scale ({unit}); the log base and pseudocount are not known exactly"
        if unit not in self.accepts:
            return f"{unit} cannot be converted to {self.name} ({'/'.join(sorted(self.accepts))} can)"
        if unit == "counts" and self.per_length and level != "gene":
            return "TPM from counts needs gene lengths, which exist for genes only: export at --level gene"
        return None

    def apply(
        self,
        values: npt.NDArray[np.float32],
        units: npt.NDArray[np.str_] | None = None,
        lengths: npt.NDArray[np.float64] | None = None,
        columns: ColumnMap | None = None,
    ) -> npt.NDArray[np.float32]:
        """Rows are samples (``units`` per row); NaN cells stay NaN and do not count towards a total.

        ``lengths`` (per column, NaN when unknown) divide the rows whose unit is ``counts`` when the
        rule is per length; those rows' genes without a length become NaN. With ``columns`` the result
        comes out in another column order (:class:`ColumnMap`) in the same pass — the totals are still
        over every column of ``values``, so the choice of output columns never changes a sample's scale.

        Arithmetic is float32 with float64 row totals: it agrees with float64 arithmetic to about
        1e-6 relative, below what the float32 output keeps anyway.
        """
        return self._normalized(values, units, lengths, columns, count_nan=False)[0]

    def apply_counting_nan(
        self,
        values: npt.NDArray[np.float32],
        units: npt.NDArray[np.str_] | None = None,
        lengths: npt.NDArray[np.float64] | None = None,
        columns: ColumnMap | None = None,
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.int64]]:
        """:meth:`apply`, and how many NaN cells each row of the result holds (the export's gene coverage).

        Counted before the NaN columns are set, from one float32 row sum instead of a NaN test of
        every cell: a row whose sum is a number holds no NaN (one NaN makes any sum NaN), so only rows
        whose sum is NaN are counted cell by cell. A separate ``isnan(...).sum`` pass over the result
        was ~15% of the normalizer's CPU (0.6 of 4.3 ms a 64 × 20,000 block), the row sum ~0.3 ms.
        """
        return self._normalized(values, units, lengths, columns, count_nan=True)

    def normalizing(
        self,
        values: npt.NDArray[np.float32],
        units: npt.NDArray[np.str_] | None = None,
        lengths: npt.NDArray[np.float64] | LengthScale | None = None,
        columns: ColumnMap | None = None,
    ) -> BlockNormalization:
        """The normalization of a block of ``values``, decided once for the block (its units, lengths and
        column map), written a run of rows at a time by :meth:`BlockNormalization.into` — the export
        writes each run straight into the row group it goes to. ``lengths`` may be a
        :class:`LengthScale` built once for ``columns`` (the export's, per shard feature list)."""
        columns = columns or ColumnMap.identity(values.shape[1])
        return BlockNormalization(self, values, _Steps.of(self, values, units, lengths, columns))

    def _normalized(
        self,
        values: npt.NDArray[np.float32],
        units: npt.NDArray[np.str_] | None,
        lengths: npt.NDArray[np.float64] | None,
        columns: ColumnMap | None,
        *,
        count_nan: bool,
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.int64]]:
        """The result (NaN columns set) and, with ``count_nan``, each row's NaN cells (else zeros)."""
        block = self.normalizing(values, units, lengths, columns)
        steps = block.steps
        if not self.accepts:  # values pass through (gathered); NaN columns as the map says
            out = values if steps.columns.is_identity else values.take(steps.columns.take, axis=1)
            if out is values and steps.nan_columns.any():  # never the caller's array
                out = out.copy()
            counts = np.zeros(len(out), dtype=np.int64)
            _finish(out, counts if count_nan else None, steps)
            return out, counts
        out = np.empty((len(values), len(steps.columns.take)), dtype=np.float32)
        return out, block.into(out, 0, len(values), count_nan=count_nan)


#: rows a normalization takes through all of its steps at once (see ``NormalizationRule._normalized``;
#: 16 × 20,000 float32 = 1.3 MB: 2.6-2.8 ms a 64-row block of log1p-TPM against 2.9-3.3 whole)
CHUNK_ROWS = 16


@dataclass(frozen=True)
class LengthScale:
    """Division by gene length for one input's features and one :class:`ColumnMap`: what a per-length
    rule computes from the lengths, once per shard's feature list rather than once per block (~0.19 ms
    a 20,000-gene block, ~3,100 blocks at 10^5 samples). Built with the map it is used with."""

    #: 1 / length per input column (0 where unknown)
    inverse: npt.NDArray[np.float32]
    #: the map's NaN columns plus the output columns without a length (every row divided by length)
    nan_columns: npt.NDArray[np.bool_]
    #: 1 / length per output column (NaN where unknown: some rows divided by length)
    inverse_out: npt.NDArray[np.float32]

    @functools.cached_property
    def nan_at(self) -> npt.NDArray[np.intp]:  # nan_columns as indices
        return np.flatnonzero(self.nan_columns)

    @classmethod
    def of(cls, lengths: npt.NDArray[np.float64], columns: ColumnMap) -> LengthScale:
        known = lengths > 0
        inverse = np.where(known, 1.0 / np.where(known, lengths, 1.0), 0.0).astype(np.float32)
        nan_columns = columns.missing | ~known[columns.take]
        return cls(inverse, nan_columns, np.where(known, inverse, np.float32(np.nan))[columns.take])


@dataclass(frozen=True)
class _Steps:
    """What one block's normalization computes once for all of its rows."""

    columns: ColumnMap
    #: output columns that are NaN in every row (missing from the input, or without a length)
    nan_columns: npt.NDArray[np.bool_]
    #: rows divided by gene length (unit ``counts`` under a per-length rule)
    per_length: npt.NDArray[np.bool_]
    #: 1 / length per input column (0 where unknown), when every row is divided by length
    inverse_all: npt.NDArray[np.float32] | None
    #: per input column and per output column, when only some rows are
    inverse_some: tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]] | None
    #: ``nan_columns`` as indices (found once per map or length scale, i.e. per shard): setting them
    #: in a chunk by index took ~55 µs a 16 × 20,120 chunk (1,443 NaN columns), by the mask ~145 µs
    nan_at: npt.NDArray[np.intp]

    @classmethod
    def of(
        cls,
        rule: NormalizationRule,
        values: npt.NDArray[np.float32],
        units: npt.NDArray[np.str_] | None,
        lengths: npt.NDArray[np.float64] | LengthScale | None,
        columns: ColumnMap,
    ) -> _Steps:
        per_length = np.zeros(len(values), dtype=bool)
        if rule.accepts and rule.per_length and units is not None and lengths is not None:
            per_length = np.asarray(units == "counts", dtype=bool)
        nan_columns, nan_at, inverse_all, inverse_some = columns.missing, columns.missing_at, None, None
        if per_length.any() and lengths is not None:
            scale = lengths if isinstance(lengths, LengthScale) else LengthScale.of(lengths, columns)
            if per_length.all():  # the common case: divide once, before the gather
                inverse_all = scale.inverse
                nan_columns, nan_at = scale.nan_columns, scale.nan_at
            else:
                inverse_some = (scale.inverse, scale.inverse_out)
        return cls(columns, nan_columns, per_length, inverse_all, inverse_some, nan_at)

    def scale_into(
        self,
        out: npt.NDArray[np.float32],
        values: npt.NDArray[np.float32],
        per_length: npt.NDArray[np.bool_],
        scratch: npt.NDArray[np.float32],
        log1p: Log1pScratch | None,
    ) -> None:
        """Some rows: divided by length, gathered into ``out``, per million, ln(1 + x) (with ``log1p``,
        the work arrays of :func:`.fast_log1p.log1p_into`)."""
        if self.inverse_all is not None:
            values = np.multiply(values, self.inverse_all, out=scratch[: len(values)])
            totals = _row_sums(values)
        elif self.inverse_some is not None:
            totals = np.empty(len(values), dtype=np.float64)
            totals[per_length] = _row_sums(values[per_length] * self.inverse_some[0])
            totals[~per_length] = _row_sums(values[~per_length])
        else:
            totals = _row_sums(values)
        _gather(values, self.columns, out)
        if self.inverse_some is not None:
            out[per_length] *= self.inverse_some[1]
        with np.errstate(divide="ignore"):
            factor = np.where(totals > 0, 1e6 / totals, np.nan).astype(np.float32)
        # an infinite value makes its row's total infinite and its factor 0: inf x 0 is NaN, as it
        # should be (the row has no per-million scale), without numpy's "invalid value" warning
        with np.errstate(invalid="ignore"):
            out *= factor[:, np.newaxis]
        if log1p is not None:
            log1p_into(out, out, log1p)


@dataclass(frozen=True)
class BlockNormalization:
    """A block's normalization (:meth:`NormalizationRule.normalizing`), written a run of rows at a time."""

    rule: NormalizationRule
    values: npt.NDArray[np.float32]
    steps: _Steps

    def into(
        self,
        out: npt.NDArray[np.float32],
        start: int,
        stop: int,
        *,
        count_nan: bool = True,
        scratch: NormalizeScratch | None = None,
    ) -> npt.NDArray[np.int64]:
        """Rows ``start:stop`` normalized into ``out`` (those rows × the output columns); each row's NaN
        cells (zeros without ``count_nan``). ``scratch``: work arrays kept across calls (new ones without).

        The rows go through every step :data:`CHUNK_ROWS` at a time, so a chunk's values stay in the
        core's cache from the division by length to the NaN fill, and the gather writes into the
        result in place. A whole 64-row block at each step (as before) streamed ~5 MB through memory
        per step; the gather alone ran at 1.2 ns a value on 64 rows and 0.55 on 16 (one 20,000 →
        20,120 map). Each value sees the same float32 operations in the same order, and each row's
        total is summed alone, so a row comes out bit for bit the same whichever rows share its
        chunk, its run or its block.
        """
        values, steps = self.values, self.steps
        counts = np.zeros(stop - start, dtype=np.int64)
        if not self.rule.accepts:  # values pass through, gathered
            _gather(values[start:stop], steps.columns, out)
            _finish(out, counts if count_nan else None, steps)
            return counts
        scratch = scratch or NormalizeScratch()
        chunk = scratch.chunk(min(CHUNK_ROWS, stop - start), values.shape[1])
        log1p = scratch.log1p if self.rule.log1p else None
        for first in range(start, stop, CHUNK_ROWS):
            rows = slice(first, min(first + CHUNK_ROWS, stop))
            within = slice(first - start, rows.stop - start)
            steps.scale_into(out[within], values[rows], steps.per_length[rows], chunk, log1p)
            _finish(out[within], counts[within] if count_nan else None, steps)
        return counts


class NormalizeScratch:
    """The work arrays of :meth:`BlockNormalization.into`, for a caller that normalizes many blocks.

    The export normalizes every block of every shard in one thread; new work arrays for each call
    (~4 MB at 16 × 20,000: a chunk of input and :class:`.fast_log1p.Log1pScratch`) were fresh pages
    to the kernel each time, and the page faults and zeroing showed in the normalize stage's profile
    (10^4 samples, two interleaved pairs on a loaded machine: that stage 3.22 / 2.91 → 2.08 / 2.20 CPU-s)."""

    def __init__(self) -> None:
        self._chunk = np.empty(0, dtype=np.float32)
        self.log1p = Log1pScratch()

    def chunk(self, rows: int, columns: int) -> npt.NDArray[np.float32]:
        """A ``rows`` × ``columns`` float32 work array (its values are whatever was there)."""
        if len(self._chunk) < rows * columns:
            self._chunk = np.empty(rows * columns, dtype=np.float32)
        return self._chunk[: rows * columns].reshape(rows, columns)


def _gather(values: npt.NDArray[np.float32], columns: ColumnMap, out: npt.NDArray[np.float32]) -> None:
    """``values``' columns in the output order, into ``out``."""
    if columns.is_identity:
        np.copyto(out, values)
    else:  # indices are in range: "wrap" spares the checked mode's copy of ``out``
        np.take(values, columns.take, axis=1, out=out, mode="wrap")


def _finish(out: npt.NDArray[np.float32], counts: npt.NDArray[np.int64] | None, steps: _Steps) -> None:
    """Count each row's NaN cells into ``counts`` (when given), then set the NaN columns."""
    nan_at = steps.nan_at
    if counts is not None:
        counts[:] = len(nan_at)
        with np.errstate(over="ignore", invalid="ignore"):  # inf or inf - inf: only NaN-ness matters
            gaps = np.flatnonzero(np.isnan(out.sum(axis=1)))
        if len(gaps):
            counts[gaps] += np.count_nonzero(np.isnan(out[gaps][:, ~steps.nan_columns]), axis=1)
    if len(nan_at):
        out[:, nan_at] = np.nan


def _row_sums(values: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
    """Row totals in float64, NaN cells skipped (the NaN-aware sum only for rows that have one)."""
    totals: npt.NDArray[np.float64] = values.sum(axis=1, dtype=np.float64)
    gaps = np.isnan(totals)
    if gaps.any():
        totals[gaps] = np.nansum(values[gaps], axis=1, dtype=np.float64)
    return totals


_CPM = frozenset({"counts", "cpm"})
_TPM = frozenset({"tpm", "fpkm", "counts"})
_AS_DEPOSITED = NormalizationRule(
    "as_deposited", "values as deposited, in each sample's recorded unit (samples.parquet: unit, is_log)", frozenset()
)
_CPM_TEXT = "counts per million over the sample's features in its shard"
_TPM_TEXT = (
    "TPM over the shard's features: TPM as is, FPKM/RPKM rescaled to sum to 1e6 (exact), counts divided by the "
    "gene reference's gene length then rescaled (genes without a length are NaN)"
)

RULES: dict[str, NormalizationRule] = {
    "as_deposited": _AS_DEPOSITED,
    "cpm": NormalizationRule("cpm", _CPM_TEXT, _CPM),
    "log1p_cpm": NormalizationRule("log1p_cpm", _CPM_TEXT + ", then natural log(1 + x)", _CPM, log1p=True),
    "tpm": NormalizationRule("tpm", _TPM_TEXT, _TPM, per_length=True),
    "log1p_tpm": NormalizationRule(
        "log1p_tpm", _TPM_TEXT + ", then natural log(1 + x)", _TPM, log1p=True, per_length=True
    ),
}
#: earlier names that still work
_ALIASES = {"none": "as_deposited"}


def get_rule(name: str) -> NormalizationRule:
    try:
        return RULES[_ALIASES.get(name, name)]
    except KeyError:
        raise ConfigError(f"unknown normalization {name!r}; choose one of {', '.join(RULES)}") from None
