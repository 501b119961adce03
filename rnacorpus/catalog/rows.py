"""Schema records → catalog rows (pure functions; no connection here)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from rnacorpus.catalog.ddl import SAMPLE_HARMONIZED_COLUMNS
from rnacorpus.schemas import Platform, Sample, Study, StudyBundle

__all__ = [
    "characteristic_rows",
    "platform_row",
    "sample_row",
    "study_row",
    "xref_rows",
]


def _json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), default=str)


def study_row(bundle: StudyBundle, *, content_sha256: str, run_id: str) -> dict[str, Any]:
    study: Study = bundle.study
    return {
        "accession": study.accession,
        "archive": study.archive,
        "title": study.title,
        "summary": study.summary,
        "last_update": study.last_update_date,
        "n_samples": len({s.accession for s in bundle.samples}),
        "overall_design": study.overall_design,
        "types": study.types,
        "submission_date": study.submission_date,
        "public_date": study.public_date,
        "pubmed_ids": study.pubmed_ids,
        "platform_accessions": study.platform_accessions,
        "organism_taxids": study.organism_taxids,
        "super_series": study.super_series,
        "sub_series": study.sub_series,
        "is_superseries": bool(study.sub_series),
        "n_samples_declared": len(study.sample_accessions),
        "content_sha256": content_sha256,
        "source_files": _json([f.__dict__ for f in bundle.files]),
        "record": study.model_dump_json(),
        "run_id": run_id,
        "withdrawn": False,
    }


def sample_row(sample: Sample, harmonized: Mapping[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {
        "accession": sample.accession,
        "study_accession": sample.study_accession,
        "archive": sample.archive,
        "platform_accession": sample.platform_accession,
        "organism_taxid": sample.organism_taxid,
        "title": sample.title,
        "source_name": sample.source_name,
        "molecule": sample.molecule,
        "library_strategy": sample.library_strategy,
        "organism_name": sample.organism_name,
        "library_source": sample.library_source,
        "library_selection": sample.library_selection,
        "instrument_model": sample.instrument_model,
        "sample_type": sample.sample_type,
        "channel_count": sample.channel_count,
        "description": sample.description,
        "submission_date": sample.submission_date,
        "last_update": sample.last_update_date,
        "data_row_count_declared": sample.data_row_count_declared,
        "data_row_count": sample.data_row_count,
    }
    for column in SAMPLE_HARMONIZED_COLUMNS:
        row[column] = harmonized.get(column)
    row["record"] = sample.model_dump_json(exclude={"characteristics", "annotations"})
    return row


def characteristic_rows(samples: Iterable[Sample]) -> list[dict[str, Any]]:
    return [
        {
            "sample_accession": sample.accession,
            "position": position,
            "key": item.key,
            "value": item.value,
            "channel": item.channel,
        }
        for sample in samples
        for position, item in enumerate(sample.characteristics, start=1)
    ]


def platform_row(platform: Platform, *, annotation_path: str | None, annotation_sha256: str | None) -> dict[str, Any]:
    return {
        "accession": platform.accession,
        "archive": platform.archive,
        "title": platform.title,
        "technology": platform.technology,
        "distribution": platform.distribution,
        "manufacturer": platform.manufacturer,
        "organism_taxid": platform.organism_taxid,
        "data_row_count_declared": platform.data_row_count_declared,
        "data_row_count": platform.data_row_count,
        "annotation_path": annotation_path,
        "annotation_sha256": annotation_sha256,
        "record": platform.model_dump_json(exclude={"attributes"}),
    }


def xref_rows(bundle: StudyBundle) -> list[dict[str, Any]]:
    rows: dict[tuple[str, str, str], dict[str, Any]] = {}
    owners: list[tuple[str, Any]] = [(bundle.study.accession, bundle.study.xrefs)]
    owners += [(sample.accession, sample.xrefs) for sample in bundle.samples]
    for accession, xrefs in owners:
        for xref in xrefs:
            key = (accession, xref.db, xref.accession)
            rows.setdefault(
                key,
                {
                    "accession": accession,
                    "db": xref.db,
                    "xref_accession": xref.accession,
                    "relation": xref.relation,
                    "study_accession": bundle.study.accession,
                },
            )
    return list(rows.values())
