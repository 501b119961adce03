"""What an author's file says about its values, as texts for the unit detector.

The detector reads words bounded by non-letters (``_FPKM_``); authors write ``RawReadCounts`` and
``GenewiseCounts``, so the file name is also offered with its camelCase split into words. The value
column's own name (a header band such as ``FPKM``, or a tool's ``est_counts``) comes first: it is the
most specific statement.
"""

from __future__ import annotations

import re

from rnacorpus.schemas import ExpressionSource

__all__ = ["supplementary_labels"]


def supplementary_labels(source: ExpressionSource) -> list[str]:
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", source.file)
    labels = [source.value_column or "", spaced, source.file]
    return [label for label in labels if label]
