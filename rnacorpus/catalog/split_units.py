"""Which unit a sample is split by — the one place that decides it.

A training set must never hold one physical sample (or two samples of one study, which share a
batch, a lab and often a donor) on both sides of a split. Export therefore assigns splits to
*units*, never to samples: every sample with the same unit key lands in the same split.

Today a unit is the sample's primary study (``samples.study_accession``: the SubSeries for a sample
also listed by its SuperSeries), and every accession is its own physical sample. When the catalog
learns identities (one ``sample_id`` per physical sample across archives, studies linked by shared
samples or runs), this module alone changes: :func:`split_units` returns identity clusters as unit
keys and lists the accessions that repeat a sample already kept in ``duplicates``. Export applies
whatever it returns, and its property test checks that no unit it returns ends up in two splits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb

__all__ = ["UNIT_KIND", "SplitUnits", "split_units"]

#: what a unit is, stamped into every manifest
UNIT_KIND = "study"


@dataclass
class SplitUnits:
    kind: str
    #: accession → unit key (every accession kept for export has one)
    unit_of: dict[str, str] = field(default_factory=dict)
    #: accession dropped as a repeat → the accession kept for the same physical sample
    duplicates: dict[str, str] = field(default_factory=dict)


def split_units(con: duckdb.DuckDBPyConnection, accessions: Sequence[str]) -> SplitUnits:
    """Unit key of each sample in ``accessions`` (and the repeats to drop; none yet)."""
    rows = con.execute(
        """SELECT accession, coalesce(study_accession, accession) FROM samples
           WHERE accession IN (SELECT unnest(?::VARCHAR[]))""",
        [list(accessions)],
    ).fetchall()
    return SplitUnits(kind=UNIT_KIND, unit_of={str(a): str(u) for a, u in rows})
