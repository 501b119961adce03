"""Which unit each sample's values are in, with the evidence: numbers first, labels weighed against them.

Units: ``counts, cpm, tpm, fpkm, log2_intensity, linear_intensity, centered, unknown``; ``is_log``
says whether the values are log-transformed (log2 CPM is ``cpm`` with ``is_log=True``). The rules are
in :mod:`rnacorpus.harmonize.units.numeric` (numbers) and :mod:`rnacorpus.harmonize.units.detect`
(numbers × labels).
"""

from rnacorpus.harmonize.units.detect import (
    UNITS,
    UnitCall,
    UnitSummary,
    detect_column,
    detect_units,
    detect_units_in_values,
    summarize_units,
)
from rnacorpus.harmonize.units.labels import LabelHint, read_labels

__all__ = [
    "UNITS",
    "LabelHint",
    "UnitCall",
    "UnitSummary",
    "detect_column",
    "detect_units",
    "detect_units_in_values",
    "read_labels",
    "summarize_units",
]
