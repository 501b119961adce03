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
import numpy as np
import pyarrow as pa

from rnacorpus.catalog.export_select import accession_table, registered

__all__ = ["UNIT_KIND", "SplitUnits", "split_units"]

#: what a unit is, stamped into every manifest
UNIT_KIND = "study"


@dataclass
class SplitUnits:
    kind: str
    #: one row per accession kept for export, in the order asked: ``accession``, ``unit`` (its unit key)
    units: pa.Table
    #: accession dropped as a repeat → the accession kept for the same physical sample
    duplicates: dict[str, str] = field(default_factory=dict)

    @property
    def unit_of(self) -> dict[str, str]:
        """accession → unit key, as a dict (for small selections and tests)."""
        return dict(zip(self.units["accession"].to_pylist(), self.units["unit"].to_pylist(), strict=True))


def split_units(con: duckdb.DuckDBPyConnection, accessions: pa.Table | Sequence[str]) -> SplitUnits:
    """Unit key of each sample in ``accessions`` (a list, or a table with an ``accession`` column)
    and the repeats to drop (none yet)."""
    wanted = accessions if isinstance(accessions, pa.Table) else accession_table(list(accessions))
    positions = pa.array(np.arange(wanted.num_rows, dtype=np.int64))
    with registered(con, "_units_wanted", pa.table({"accession": wanted["accession"], "position": positions})):
        units = con.sql(
            """SELECT w.accession, coalesce(s.study_accession, w.accession) AS unit
               FROM _units_wanted w JOIN samples s USING (accession)
               ORDER BY w.position"""
        ).to_arrow_table()
    return SplitUnits(kind=UNIT_KIND, units=units.combine_chunks())
