"""Per-feature statistics over all samples of a matrix, accumulated one chunk of samples at a time.

Two decisions look at a feature across every sample of a matrix: unit detection fills a sample's
missing cell from the first sample that has the feature (:mod:`.units.detect`), and the probe →
gene collapse picks the probe with the highest mean or variance (:mod:`.genes.collapse`). A matrix
streamed from disk is seen a chunk at a time, so the statistics are accumulated here, in sample
order, with results that do not depend on how the samples were chunked: sums are added one sample
after another (a numpy reduction over a block would pair rows differently for different chunkings,
and the last bits of a mean then depend on the chunk size).

A parser that streams a matrix to disk folds each sample in as it writes it (the same additions in
the same order as a pass over the finished matrix), and a matrix that later samples widen is
followed with :meth:`FeatureStats.widen`: the new features are absent from every sample before.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

__all__ = ["FeatureStats"]


class FeatureStats:
    """Counts, sums and sums of squares of the present values, and the first present value."""

    def __init__(self, n_features: int) -> None:
        self.n_samples = 0
        #: per feature, the samples without a value: a row has few, so they are counted where they
        #: are instead of adding a whole row of 0/1 (``count`` is what is left)
        self._absent = np.zeros(n_features, np.int64)
        self._count: npt.NDArray[np.int64] | None = None  # count, until the next add or widen
        self.total = np.zeros(n_features, np.float64)
        self.total_sq = np.zeros(n_features, np.float64)
        #: per feature, the value of the first sample (in matrix order) that has one; NaN if none does
        self.first_present = np.full(n_features, np.nan, np.float32)
        #: every feature has its first present value: later samples cannot change one
        self._all_found = False

    @property
    def count(self) -> npt.NDArray[np.int64]:
        """Per feature, the samples with a present value (one array until the next add or widen:
        readers ask for it once per sample, e.g. its length)."""
        if self._count is None:
            self._count = self.n_samples - self._absent
        return self._count

    def moments(
        self, features: npt.NDArray[np.bool_] | npt.NDArray[np.intp]
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Per selected feature (each with a value in at least one sample): the samples with a value,
        their mean and their population sd (from the sums, clipped at 0 against rounding)."""
        n = self.count[features].astype(np.float64)
        mean = self.total[features] / n
        sd = np.sqrt(np.maximum(self.total_sq[features] / n - mean**2, 0.0))
        return n, mean, sd

    @classmethod
    def of(cls, blocks: Iterable[npt.NDArray[np.float32]], n_features: int) -> FeatureStats:
        stats = cls(n_features)
        for block in blocks:
            stats.add(block)
        return stats

    def widen(self, n_features: int) -> None:
        """Take in features appended to the matrix: absent (NaN) in every sample added so far, which
        is what :meth:`add` would have made of those samples' cells."""
        extra = n_features - len(self._absent)
        if extra <= 0:
            return
        self._count = None
        self._absent = np.concatenate([self._absent, np.full(extra, self.n_samples, np.int64)])
        self.total = np.concatenate([self.total, np.zeros(extra, np.float64)])
        self.total_sq = np.concatenate([self.total_sq, np.zeros(extra, np.float64)])
        self.first_present = np.concatenate([self.first_present, np.full(extra, np.nan, np.float32)])
        self._all_found = False

    def add(self, block: npt.NDArray[np.float32]) -> None:
        """Fold in the next samples (rows of ``block``, in matrix order)."""
        if block.shape[0] == 0:
            return
        self.n_samples += block.shape[0]
        self._count = None
        # one float64 copy, absent cells zeroed in place, squared in place after its sum is taken: the
        # same additions of the same float64 values as np.where(present, block, 0).astype(float64)
        # and row * row, with a third of the passes over memory (a parser folds every sample in)
        as64 = block.astype(np.float64)
        absent = np.isnan(block)
        if block.shape[0] == 1:  # a parser's one sample: its few empty cells, by position
            where = np.flatnonzero(absent[0])
            self._absent[where] += 1
            as64[0, where] = 0.0
        else:
            self._absent += absent.sum(axis=0)
            np.copyto(as64, 0.0, where=absent)
        for row in as64:  # one sample at a time (see the module docstring); each add is vectorized
            self.total += row
            row *= row
            self.total_sq += row
        if not self._all_found:
            self._take_first_present(block, ~absent)

    def _take_first_present(self, block: npt.NDArray[np.float32], present: npt.NDArray[np.bool_]) -> None:
        missing = np.isnan(self.first_present)
        if not missing.any():
            self._all_found = True  # until widen adds features: no later sample can change a first value
            return
        first_row = present.argmax(axis=0)
        found = missing & present.any(axis=0)
        columns = np.flatnonzero(found)
        self.first_present[columns] = block[first_row[columns], columns]
