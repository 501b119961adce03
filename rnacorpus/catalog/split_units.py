"""Which unit a sample is split by — the one place that decides it.

A training set must never hold one physical sample (or two samples of one study, which share a
batch, a lab and often a donor) on both sides of a split. Export therefore assigns splits to
*units*, never to samples: every sample with the same unit key lands in the same split.

A unit is an **identity cluster** (:mod:`.identity`): the studies linked, transitively, by

- sharing a physical sample (``shares_samples``: one record listed by both, or records of one
  ``sample_id`` — a reanalysis reusing another series' runs, a GSM and its ArrayExpress twin). A
  SuperSeries is no link: it lists its SubSeries' samples by construction, and each sample is
  exported under its SubSeries (its primary study), so SubSeries sharing no sample stay apart;
- being one study in two archives (``same_study``: E-GEOD-n ↔ GSEn; ``sra_study``: GSE → SRP);
- GEO's own ``Reanalysis of`` links.

BioProject links are not followed: consortia put unrelated series under one umbrella project. The
unit key is the cluster's lowest study accession (natural order), starting from each sample's
primary study. One record per physical sample is kept (the ``sample_id``'s own record when it is
selected, else the best by archive and accession); the others are listed in ``duplicates``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rnacorpus.catalog.export_select import accession_table, registered
from rnacorpus.identifiers import ARCHIVE_RANK, natural_key

__all__ = ["CLUSTER_RELATIONS", "UNIT_KIND", "SplitUnits", "split_units", "study_clusters"]

#: what a unit is, stamped into every manifest
UNIT_KIND = "study cluster"

#: ``study_links`` relations that put two studies in one cluster
CLUSTER_RELATIONS = (
    "shares_samples",
    "same_study",
    "sra_study",
    "reanalysis_of",
    "reanalyzed_by",
)


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


def study_clusters(con: duckdb.DuckDBPyConnection, studies: Sequence[str]) -> dict[str, str]:
    """Each study reachable from ``studies`` → its cluster key (lowest study accession of the cluster)."""
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    frontier = set(studies)
    seen: set[str] = set()
    while frontier:
        seen |= frontier
        for node in frontier:
            find(node)
        edges = con.execute(
            """SELECT study_accession, linked_accession FROM study_links
               WHERE relation IN (SELECT unnest(?::VARCHAR[]))
                 AND (study_accession IN (SELECT unnest(?::VARCHAR[]))
                      OR linked_accession IN (SELECT unnest(?::VARCHAR[])))""",
            [list(CLUSTER_RELATIONS), sorted(frontier), sorted(frontier)],
        ).fetchall()
        reached: set[str] = set()
        for a, b in edges:
            root_a, root_b = find(str(a)), find(str(b))
            if root_a != root_b:
                parent[root_a] = root_b
            reached |= {str(a), str(b)}
        frontier = reached - seen
    members: dict[str, list[str]] = {}
    for node in parent:
        members.setdefault(find(node), []).append(node)
    key = {root: min(group, key=natural_key) for root, group in members.items()}
    return {node: key[find(node)] for node in parent}


def split_units(con: duckdb.DuckDBPyConnection, accessions: pa.Table | Sequence[str]) -> SplitUnits:
    """Unit key of each sample in ``accessions`` (a list, or a table with an ``accession`` column), and
    the repeats of one physical sample to drop. Only samples whose ``sample_id`` has several selected
    records are looked at one by one; the rest is one query and a lookup per distinct study."""
    wanted = accessions if isinstance(accessions, pa.Table) else accession_table(list(accessions))
    positions = pa.array(np.arange(wanted.num_rows, dtype=np.int64))
    with registered(
        con, "_units_wanted", pa.table({"accession": wanted["accession"], "position": positions})
    ) as cursor:
        rows = cursor.sql(
            """SELECT w.accession, coalesce(s.study_accession, w.accession) AS study,
                      coalesce(s.sample_id, w.accession) AS sample_id, s.archive
               FROM _units_wanted w JOIN samples s USING (accession)
               ORDER BY w.position"""
        ).to_arrow_table()
    duplicates = _repeats(rows)
    if duplicates:
        dropped = pa.array(list(duplicates), pa.string())
        rows = rows.filter(pc.invert(pc.is_in(rows["accession"], value_set=dropped)))
    studies = pc.unique(rows["study"])
    clusters = study_clusters(con, sorted(studies.to_pylist()))
    keys = pa.array([clusters.get(study, study) for study in studies.to_pylist()], pa.string())
    unit = keys.take(pc.index_in(rows["study"], value_set=studies).combine_chunks())
    units = pa.table({"accession": rows["accession"], "unit": unit})
    return SplitUnits(kind=UNIT_KIND, units=units.combine_chunks(), duplicates=duplicates)


def _repeats(rows: pa.Table) -> dict[str, str]:
    """Records of a physical sample selected more than once → the one kept (the ``sample_id``'s own
    record, else the best by archive, then accession)."""
    counts = rows.group_by("sample_id", use_threads=False).aggregate([([], "count_all")])
    shared = counts.filter(pc.greater(counts["count_all"], 1))["sample_id"]
    if not len(shared):
        return {}
    repeated = rows.filter(pc.is_in(rows["sample_id"], value_set=shared.combine_chunks()))
    by_sample: dict[str, list[tuple[str, str]]] = {}
    for accession, sample_id, archive in zip(
        *(repeated[c].to_pylist() for c in ("accession", "sample_id", "archive")), strict=True
    ):
        by_sample.setdefault(str(sample_id), []).append((str(accession), str(archive)))
    duplicates: dict[str, str] = {}
    for sample_id, records in by_sample.items():
        best = min(records, key=lambda r: (r[0] != sample_id, ARCHIVE_RANK.get(r[1], 9), natural_key(r[0])))
        duplicates.update((record[0], best[0]) for record in records if record[0] != best[0])
    return duplicates
