"""Columnar buffers for sample tables: one spooled samples × features matrix per platform.

Each sample's VALUE column goes straight to disk as one float32 row of a
:class:`~rnacorpus.schemas.ValueSpool`, aligned to one feature index (the first sample's ID order,
extended by IDs that later samples add; absent = NaN). No per-sample DataFrame exists at any point,
and memory holds one sample's table whatever the number of samples.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from rnacorpus.harvester.geo.tables import int64_values
from rnacorpus.schemas import ExpressionSource, SpooledMatrix, ValueSpool
from rnacorpus.schemas.early_rows import rows_watcher
from rnacorpus.schemas.feature_stats import FeatureStats
from rnacorpus.schemas.row_judge import RowJudgement

__all__ = ["PlatformValues"]

logger = logging.getLogger(__name__)


class PlatformValues:
    """Accumulates the value columns of one platform's samples."""

    def __init__(self, platform: str | None, *, spool_dir: str | Path | None = None) -> None:
        self.platform = platform
        self.samples: list[str] = []
        self._feature_ids: list[str] = []
        self._index: dict[str, int] = {}
        self._spool = ValueSpool(spool_dir)
        #: told of every row spooled (the store may encode the shard's row groups meanwhile)
        self._watcher = rows_watcher(self._spool)
        self._rows: list[int] = []
        #: the matrix's per-feature statistics, taken as the rows go by (harmonize needs them and would
        #: otherwise read the whole spool once more)
        self._stats = FeatureStats(0)
        #: per spooled row, the unit evidence taken on exactly the values spooled (None: on other
        #: values, or none was given); kept with the matrix only when every row has one of its width
        self._evidence: list[RowJudgement | None] = []
        # consecutive samples nearly always share one ID order; remember its mapping
        self._last_ids: pa.Array | None = None
        self._last_positions: npt.NDArray[np.int64] = np.empty(0, np.int64)
        self._last_keep: npt.NDArray[np.bool_] | None = None
        #: the last ID order is the feature index itself (or a prefix of it): rows go out as read
        self._last_in_order = False

    @property
    def n_features(self) -> int:
        return len(self._feature_ids)

    def add(
        self, sample: str, ids: pa.Array, values: npt.NDArray[np.float32], evidence: RowJudgement | None = None
    ) -> int:
        """Add one sample's column; returns how many repeated IDs were ignored (the first one wins).

        ``evidence``: the unit evidence of ``values`` as given (:mod:`rnacorpus.schemas.row_judge`)."""
        if self._last_ids is None or not _same_ids(ids, self._last_ids):
            self._last_positions, self._last_keep = self._positions(ids)
            positions = self._last_positions
            self._last_in_order = bool((positions == np.arange(len(positions))).all())
            self._last_ids = ids
        positions, keep = self._last_positions, self._last_keep
        if keep is not None:
            values = values[keep]
        if self._last_in_order:
            row = values
        else:
            row = np.full(len(self._feature_ids), np.nan, np.float32)
            row[positions] = values
        self._rows.append(self._spool.append(row))
        if self._watcher is not None:
            self._watcher.spooled(sample, self._rows[-1], len(row))
        self._evidence.append(evidence if row is values and keep is None else None)
        self._fold(row)
        self.samples.append(sample)
        return 0 if keep is None else int((~keep).sum())

    def _fold(self, row: npt.NDArray[np.float32]) -> None:
        width = len(self._feature_ids)
        self._stats.widen(width)
        if len(row) < width:  # a row of a prefix of the index: the rest is absent, as the spool reads it
            row = np.concatenate([row, np.full(width - len(row), np.nan, np.float32)])
        self._stats.add(row[np.newaxis])

    def _positions(self, ids: pa.Array) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_] | None]:
        """Each row's feature position (IDs new to the index appended in first-seen order) and, when
        the sample repeats IDs, which rows to keep (the first of each). Python touches each distinct
        ID once, only where the index does not hold it yet as a whole (a new ID order)."""
        encoded = ids.dictionary_encode()
        distinct: list[str] = encoded.dictionary.to_pylist()
        codes = int64_values(encoded.indices)
        index, feature_ids = self._index, self._feature_ids
        if not index:  # the platform's first sample: its distinct IDs are the feature index
            index.update(zip(distinct, range(len(distinct)), strict=True))
            feature_ids.extend(distinct)
            where = np.arange(len(distinct), dtype=np.int64)
        else:
            where = np.empty(len(distinct), np.int64)
            for k, feature in enumerate(distinct):
                position = index.get(feature)
                if position is None:
                    position = index[feature] = len(feature_ids)
                    feature_ids.append(feature)
                where[k] = position
        positions = where[codes]
        if len(distinct) == len(codes):
            return positions, None
        keep = np.zeros(len(codes), bool)
        keep[np.unique(codes, return_index=True)[1]] = True
        return positions[keep], keep

    def to_matrix(self, source: ExpressionSource) -> SpooledMatrix:
        """The finished matrix over the spool (nothing is copied); ``source`` gets the shape."""
        source.n_samples, source.n_features = len(self.samples), len(self._feature_ids)
        return SpooledMatrix(
            source=source,
            sample_accessions=list(self.samples),
            feature_ids=list(self._feature_ids),
            spool=self._spool,
            rows=list(self._rows),
            feature_stats=self._stats,
            row_evidence=self._row_evidence(),
            watcher=self._watcher,
        )

    def _row_evidence(self) -> list[RowJudgement] | None:
        """Every row's evidence, when each was taken on the row the matrix reads back: a row that later
        samples widened reads back with NaN where it had nothing, which is another row."""
        width = len(self._feature_ids)
        kept = [e for e in self._evidence if e is not None and e.width == width]
        return kept if len(kept) == len(self._rows) else None


def _same_ids(ids: pa.Array, last: pa.Array) -> bool:
    """``ids.equals(last)``, by comparing the two arrays' offsets and characters as whole buffers
    first (two memcmp): Arrow's ``equals`` compares string by string, twice as long, and every sample
    of a platform asks this of its 10^4–10^5 IDs."""
    if len(ids) != len(last):
        return False
    if ids.offset == last.offset == 0 and ids.type == last.type == pa.string() and not ids.null_count + last.null_count:
        mine, theirs = ids.buffers(), last.buffers()
        present = all(b is not None for b in (*mine[1:], *theirs[1:]))
        if present and mine[1].equals(theirs[1]) and mine[2].equals(theirs[2]):
            return True
    return bool(ids.equals(last))  # other layouts, or buffers padded differently
