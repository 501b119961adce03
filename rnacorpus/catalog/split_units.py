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
    #: accession → unit key (every accession kept for export has one)
    unit_of: dict[str, str] = field(default_factory=dict)
    #: accession dropped as a repeat → the accession kept for the same physical sample
    duplicates: dict[str, str] = field(default_factory=dict)


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


def split_units(con: duckdb.DuckDBPyConnection, accessions: Sequence[str]) -> SplitUnits:
    """Unit key of each sample in ``accessions``, and the repeats of one physical sample to drop."""
    rows = con.execute(
        """SELECT accession, coalesce(study_accession, accession), coalesce(sample_id, accession), archive
           FROM samples WHERE accession IN (SELECT unnest(?::VARCHAR[]))""",
        [list(accessions)],
    ).fetchall()
    by_sample: dict[str, list[tuple[str, str, str]]] = {}
    for accession, study, sample_id, archive in rows:
        by_sample.setdefault(str(sample_id), []).append((str(accession), str(study), str(archive)))
    kept: dict[str, str] = {}
    duplicates: dict[str, str] = {}
    for sample_id, records in by_sample.items():
        best = min(records, key=lambda r: (r[0] != sample_id, ARCHIVE_RANK.get(r[2], 9), natural_key(r[0])))
        kept[best[0]] = best[1]
        duplicates.update((record[0], best[0]) for record in records if record[0] != best[0])
    clusters = study_clusters(con, sorted(set(kept.values())))
    return SplitUnits(
        kind=UNIT_KIND,
        unit_of={accession: clusters.get(study, study) for accession, study in kept.items()},
        duplicates=duplicates,
    )
