"""Columnar buffers for sample tables: one float32 samples × features matrix per platform.

Each sample's VALUE column is written straight into a growing 2-D buffer aligned to one feature
index (the first sample's ID order, extended by IDs that later samples add; absent = NaN). No
per-sample DataFrame exists at any point; memory is the matrix itself plus one sample's table.
"""

from __future__ import annotations

import logging

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from rnacorpus.schemas import ExpressionMatrix, ExpressionSource

__all__ = ["PlatformValues"]

logger = logging.getLogger(__name__)


class PlatformValues:
    """Accumulates the value columns of one platform's samples."""

    def __init__(self, platform: str | None, *, expected_samples: int = 8) -> None:
        self.platform = platform
        self.samples: list[str] = []
        self._feature_ids: list[str] = []
        self._index: dict[str, int] = {}
        self._buffer = np.full((max(expected_samples, 1), 0), np.nan, np.float32)
        # consecutive samples nearly always share one ID order; remember its mapping
        self._last_ids: pa.Array | None = None
        self._last_positions: npt.NDArray[np.int64] = np.empty(0, np.int64)
        self._last_keep: npt.NDArray[np.bool_] | None = None

    @property
    def n_features(self) -> int:
        return len(self._feature_ids)

    def add(self, sample: str, ids: pa.Array, values: npt.NDArray[np.float32]) -> int:
        """Add one sample's column; returns how many repeated IDs were ignored (the first one wins)."""
        if self._last_ids is None or not ids.equals(self._last_ids):
            self._last_positions, self._last_keep = self._positions(ids.to_pylist())
            self._last_ids = ids
        positions, keep = self._last_positions, self._last_keep
        if keep is not None:
            values = values[keep]
        row = len(self.samples)
        self._reserve(row + 1, len(self._feature_ids))
        self._buffer[row, positions] = values
        self.samples.append(sample)
        return 0 if keep is None else int((~keep).sum())

    def _positions(self, ids: list[str]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_] | None]:
        index, feature_ids = self._index, self._feature_ids
        positions = np.empty(len(ids), np.int64)
        for k, feature in enumerate(ids):
            position = index.get(feature)
            if position is None:
                position = index[feature] = len(feature_ids)
                feature_ids.append(feature)
            positions[k] = position
        if len(np.unique(positions)) == len(positions):
            return positions, None
        keep = np.zeros(len(positions), bool)
        keep[np.unique(positions, return_index=True)[1]] = True
        return positions[keep], keep

    def _reserve(self, rows: int, columns: int) -> None:
        have_rows, have_columns = self._buffer.shape
        if columns > have_columns:
            grown = np.full((max(rows, have_rows), columns), np.nan, np.float32)
            grown[:, :have_columns] = self._buffer
            self._buffer = grown
        elif rows > have_rows:
            new_rows = max(rows, have_rows + have_rows // 2 + 8)
            # in-place realloc: no second copy of the matrix; nothing else refers to the buffer
            self._buffer.resize((new_rows, have_columns), refcheck=False)
            self._buffer[have_rows:] = np.nan

    def to_matrix(self, source: ExpressionSource) -> ExpressionMatrix:
        """The finished matrix (the buffer is handed over, not copied); ``source`` gets the shape."""
        rows, columns = len(self.samples), len(self._feature_ids)
        buffer = self._buffer
        if buffer.shape[1] != columns:
            buffer = buffer[:, :columns].copy()
        if buffer.shape[0] != rows:
            buffer.resize((rows, columns), refcheck=False)
        self._buffer = np.empty((0, 0), np.float32)
        source.n_samples, source.n_features = rows, columns
        return ExpressionMatrix(
            source=source,
            sample_accessions=list(self.samples),
            feature_ids=list(self._feature_ids),
            values=buffer,
        )
