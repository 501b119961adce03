"""A study bundle's identity evidence as catalog rows (pure functions; no connection here).

Every sample record states accessions: its own (GSM…, an ArrayExpress source, a BioSample for an
ENA-only record) and the ones its archive links it to (SRX/SRR/SRS, SAMN/SAMEA, and for an
ArrayExpress import of GEO the GSM it was imported from). Only links an archive states are used,
never guessed from similar titles. Each study states links to other studies (SuperSeries ↔
SubSeries, GSE → SRP/PRJNA, E-GEOD-n → GSEn, reanalyses). :mod:`.identity` turns them into
``sample_id`` values and absorbed twins.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from rnacorpus.identifiers import ARCHIVE_RANK, Accession, classify, geo_twin, natural_key
from rnacorpus.schemas import CrossRef, Sample, StudyBundle

__all__ = [
    "STUDY_TWIN_RELATIONS",
    "accession_row",
    "accession_rows",
    "cluster_ids",
    "data_file_rows",
    "external_characteristic_rows",
    "record_accession_kind",
    "run_rows",
    "study_link_rows",
]

#: relations that say two study accessions are one study held by two archives
STUDY_TWIN_RELATIONS = ("same_study", "sra_study")

#: GEO's relation labels (``!Series_relation = Reanalysis of: GSE…``) → our link relation
_GEO_RELATIONS = {
    "reanalysis of": "reanalysis_of",
    "reanalyzed by": "reanalyzed_by",
    "alternative to": "alternative_to",
    "alternative by": "alternative_by",
}


def record_accession_kind(sample: Sample) -> tuple[str, str]:
    """(archive, kind) of a sample record's own accession."""
    known = classify(sample.accession)
    if known is not None:
        return _archive_of(known), known.kind
    if sample.archive == "arrayexpress":
        return "arrayexpress", "arrayexpress_source"
    return sample.archive, "record"


def _archive_of(accession: Accession) -> str:
    return accession.archive


def _xref_accessions(xrefs: Iterable[CrossRef]) -> Iterable[tuple[Accession, str]]:
    for xref in xrefs:
        for token in xref.accession.replace(",", " ").split():
            known = classify(token)
            if known is not None:
                yield known, xref.relation or xref.db


def accession_rows(bundle: StudyBundle) -> list[dict[str, Any]]:
    """One row per accession each sample record states (``sample_id`` filled by :mod:`.identity`)."""
    study = bundle.study.accession
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for sample in bundle.samples:
        archive, kind = record_accession_kind(sample)
        rows.setdefault(
            (sample.accession, sample.accession),
            accession_row(sample.accession, sample.accession, archive, kind, study, "record"),
        )
        for known, evidence in _xref_accessions(sample.xrefs):
            if known.kind in ("geo_series", "arrayexpress", "sra_study", "bioproject", "geo_platform", "submission"):
                continue  # study-level accessions are study links, not sample identity
            key = (known.accession, sample.accession)
            rows.setdefault(
                key, accession_row(known.accession, sample.accession, known.archive, known.kind, study, evidence)
            )
    return list(rows.values())


def accession_row(accession: str, record: str, archive: str, kind: str, study: str, evidence: str) -> dict[str, Any]:
    return {
        "sample_id": record,
        "accession": accession,
        "archive": archive,
        "kind": kind,
        "record_accession": record,
        "study_accession": study,
        "evidence": evidence,
    }


def study_link_rows(bundle: StudyBundle) -> list[dict[str, Any]]:
    """Links the study states to other studies (its own load owns them: ``origin`` = the study)."""
    study = bundle.study
    links: dict[tuple[str, str], str | None] = {}
    for sub in study.sub_series:
        links.setdefault((sub, "superseries_of"), "declared by the SuperSeries")
    for sup in study.super_series:
        links.setdefault((sup, "subseries_of"), "declared by the SubSeries")
    twin = geo_twin(study.accession) if study.archive == "arrayexpress" else None
    if twin is not None:
        links[(twin, "same_study")] = "E-GEOD-n is GEO's GSEn"
    for xref in study.xrefs:
        known = classify(xref.accession)
        if known is None or known.accession == study.accession:
            continue
        relation = _study_relation(study.archive, known, xref)
        if relation is not None:
            links.setdefault((known.accession, relation), f"{xref.db}: {xref.relation or 'link'}")
    return [
        {
            "study_accession": study.accession,
            "linked_accession": linked,
            "relation": relation,
            "rule": rule,
            "origin": study.accession,
        }
        for (linked, relation), rule in sorted(links.items())
    ]


def _study_relation(archive: str, known: Accession, xref: CrossRef) -> str | None:
    label = (xref.relation or "").strip().lower()
    if known.kind == "sra_study":
        return "sra_study"
    if known.kind == "bioproject":
        return "bioproject"
    if known.kind == "geo_series":
        if label in _GEO_RELATIONS:
            return _GEO_RELATIONS[label]
        if label in ("superseries of", "subseries of"):
            return None  # already in super_series / sub_series
        return "same_study" if archive != "geo" else "related"
    if known.kind == "arrayexpress":
        return "same_study"
    return None


def cluster_ids(archives: Mapping[str, str], edges: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Records joined by the accessions they share → each record's ``sample_id`` (pure).

    ``archives``: record → its archive; ``edges``: (record, linking accession) pairs. Records sharing
    an accession are one cluster (transitively); a cluster is named after its best record: GEO,
    then ArrayExpress, then ENA, then the lowest accession in natural order — so the name depends
    on the evidence only, never on the order it arrived in.
    """
    parent = {record: record for record in archives}

    def find(node: str) -> str:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    holder: dict[str, str] = {}
    for record, accession in edges:
        if record not in parent:
            continue
        first = holder.setdefault(accession, record)
        a, b = find(record), find(first)
        if a != b:
            parent[a] = b
    members: dict[str, list[str]] = {}
    for record in archives:
        members.setdefault(find(record), []).append(record)
    ids: dict[str, str] = {}
    for group in members.values():
        if len(group) == 1:  # most records link to no other: their own name (no ranking to compute)
            ids[group[0]] = group[0]
            continue
        best = min(group, key=lambda r: (ARCHIVE_RANK.get(archives[r], 9), natural_key(r)))
        ids.update((record, best) for record in group)
    return ids


def run_rows(bundle: StudyBundle) -> list[dict[str, Any]]:
    """``runs_sequencing`` rows: one per run of the bundle, owned by its study (``catalog_study``)."""
    rows: dict[str, dict[str, Any]] = {}
    for run in bundle.runs:
        row = run.model_dump(exclude={"schema_version", "study_title", "sample_title"})  # titles live on records
        row["catalog_study"] = bundle.study.accession
        row["sample_id"] = run.catalog_sample
        rows[run.run_accession] = row  # a run listed twice (two inputs) keeps the last, fuller one
    return list(rows.values())


def data_file_rows(bundle: StudyBundle) -> list[dict[str, Any]]:
    rows: dict[tuple[str, str, str], dict[str, Any]] = {}
    for item in bundle.data_files:
        sample = item.sample_accession or ""
        rows.setdefault(
            (item.name, item.kind, sample),
            {
                "study_accession": bundle.study.accession,
                "name": item.name,
                "kind": item.kind,
                "sample_accession": sample,
                "url": item.url,
            },
        )
    return list(rows.values())


def external_characteristic_rows(bundle: StudyBundle) -> list[dict[str, Any]]:
    rows: dict[tuple[str, str, int], dict[str, Any]] = {}
    for item in bundle.external_characteristics:
        row = item.model_dump(exclude={"schema_version"})
        row["study_accession"] = bundle.study.accession
        rows[(item.sample_accession, item.origin, item.position)] = row
    return list(rows.values())
