"""Per-feature statistics over all samples of a matrix (:class:`FeatureStats`).

They live with the matrices in :mod:`rnacorpus.schemas.feature_stats`: a parser that streams a
matrix folds each sample in as it goes (:mod:`rnacorpus.harvester.geo.expression`), so harmonize
does not read the matrix once more to take them. This is the name harmonize imports them by.
"""

from __future__ import annotations

from rnacorpus.schemas.feature_stats import FeatureStats

__all__ = ["FeatureStats"]
