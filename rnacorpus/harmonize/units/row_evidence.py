"""What one sample row's numbers say about its unit, taken where the row is at hand.

Every part of unit detection but two looks at one sample's values alone: the row's statistics
(:func:`~rnacorpus.harmonize.units.stats.block_stats`) and the numbers' call from them
(:func:`~rnacorpus.harmonize.units.numeric.numeric_call_from`). A parser that streams a matrix
sample by sample takes them in its table workers, while the row is in cache
(:mod:`rnacorpus.harvester.geo.soft`, given :func:`row_evidence` as its judge through
:func:`rnacorpus.schemas.row_judge.judging_rows` by the pipeline: the harvester does not import
harmonize), and the matrix carries them, so that the unit step does not
read the whole matrix back. The two whole-matrix decisions keep what they need: whether features
are centred over the samples comes from the matrix's
:class:`~rnacorpus.harmonize.feature_stats.FeatureStats`, and the FPKM refill reads back the few
rows it concerns (:func:`~rnacorpus.harmonize.units.detect.detect_units_from_evidence`).

The evidence is exactly what :func:`~rnacorpus.harmonize.units.detect.detect_units_in_values`
computes for the same row (the statistics of a row do not depend on the rows beside it in a
block), without the row's subsample: a few numbers per sample.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from rnacorpus.harmonize.units.numeric import NumericCall, numeric_call_from
from rnacorpus.harmonize.units.stats import ColumnStats, block_stats

__all__ = ["RowEvidence", "row_evidence"]

_NO_SAMPLE = np.zeros(0)


@dataclass(frozen=True)
class RowEvidence:
    """One row's statistics (without their subsample) and the numbers' call from them."""

    stats: ColumnStats
    numbers: NumericCall
    #: values the row had when it was judged: a matrix that later samples widened pads the row with
    #: NaN, which changes its statistics, so the evidence holds only for a matrix of this width
    width: int


def row_evidence(row: npt.NDArray[np.float32]) -> RowEvidence:
    """The evidence of one row of float32 values (NaN = missing), as the unit step would take it."""
    stats = block_stats(row[np.newaxis])[0]
    numbers = numeric_call_from(row, stats)
    # the subsample (up to 64 KB) served the call; what comes after needs only the summary numbers
    return RowEvidence(dataclasses.replace(stats, sample=_NO_SAMPLE), numbers, len(row))
