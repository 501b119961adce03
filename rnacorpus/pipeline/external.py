"""Characteristics other archives state for a sample inform harmonization where the study is silent.

A study's own characteristics decide its samples' fields. For a field they leave without a term (no
tissue named, no age given …), the sample's BioSamples characteristics (or those of a folded twin)
are harmonized by the same rules and, when one decides the field, that decision is taken — with its
origin in the annotation's reason (``from BioSample SAMN…``) and its confidence lowered by
:data:`EXTERNAL_CONFIDENCE`, because the record describes the same physical sample but was curated
apart from the study. Decisions on fields the study does decide are never replaced, and both sets
of raw values stay in the catalog (``sample_characteristics``, ``external_characteristics``).

Administrative attributes (INSDC / NCBI bookkeeping, accessions, titles, dates) are stored but not
offered to harmonization: they name records, not biology.
"""

from __future__ import annotations

import re
from collections import defaultdict

from rnacorpus.catalog.load import LoadPlan, TableRows
from rnacorpus.catalog.ontology_tables import annotation_rows
from rnacorpus.harmonize.ontology import annotate_samples, sample_fields
from rnacorpus.schemas import Annotation, Characteristic, ExternalCharacteristic, Sample, StudyBundle

__all__ = ["EXTERNAL_CONFIDENCE", "harmonize_external", "is_administrative"]

#: factor applied to a decision taken from another archive's record of the sample
EXTERNAL_CONFIDENCE = 0.9
_ADMINISTRATIVE = re.compile(
    r"^(?:insdc\b|ncbi\b|ena\b|ena-|external id|sra accession|sample name|title|description|submitter|"
    r"biospecimen repository|gap_|submitted (?:sample|subject) id|broker name|alias|checklist|"
    r"collection date|geographic location|lat lon|project name)",
    re.IGNORECASE,
)
#: annotation fields that count as decided when they carry a term (age: a parsed value)
_DECIDED = ("tissue", "cell_type", "cell_line", "disease", "sex", "age", "development_stage")


def is_administrative(key: str | None) -> bool:
    return key is None or bool(_ADMINISTRATIVE.match(key.strip()))


def _decided(annotation: Annotation) -> bool:
    return annotation.term_id is not None or annotation.age_value is not None or annotation.age_min is not None


def harmonize_external(bundle: StudyBundle, plan: LoadPlan) -> None:
    """Fill silent fields from external characteristics (call after the study's own harmonization)."""
    external: dict[str, list[ExternalCharacteristic]] = defaultdict(list)
    for item in bundle.external_characteristics:
        if not is_administrative(item.key):
            external[item.sample_accession].append(item)
    if not external:
        return
    by_accession = {sample.accession: sample for sample in bundle.samples}
    targets = [by_accession[acc] for acc in external if acc in by_accession]
    proxies = [_proxy(sample, external[sample.accession]) for sample in targets]
    changed: dict[str, list[Annotation]] = {}
    for sample, decided in zip(targets, annotate_samples(proxies), strict=True):
        own = list(sample.annotations)
        silent = {f for f in _DECIDED if not any(a.field == f and _decided(a) for a in own)}
        taken = [_marked(a, external[sample.accession]) for a in decided if a.field in silent and _decided(a)]
        if taken:
            merged = [a for a in own if a.field not in {t.field for t in taken}] + taken
            changed[sample.accession] = merged
            plan.harmonized.setdefault(sample.accession, {}).update(sample_fields(merged))
    if changed:
        _replace_annotation_rows(plan, changed)


def _proxy(sample: Sample, items: list[ExternalCharacteristic]) -> Sample:
    """The sample as the other archive describes it: same organism and library, its characteristics."""
    characteristics = [
        Characteristic(key=item.key, value=f"{item.value} {item.unit}" if item.unit else item.value) for item in items
    ]
    return sample.model_copy(update={"characteristics": characteristics, "source_name": None, "annotations": []})


def _marked(annotation: Annotation, items: list[ExternalCharacteristic]) -> Annotation:
    origins = sorted({item.origin for item in items})
    reason = f"from {', '.join(origins)} (the study's own characteristics are silent)"
    if annotation.reason:
        reason = f"{reason}; {annotation.reason}"
    return annotation.model_copy(
        update={"reason": reason, "confidence": round(annotation.confidence * EXTERNAL_CONFIDENCE, 4)}
    )


def _replace_annotation_rows(plan: LoadPlan, changed: dict[str, list[Annotation]]) -> None:
    for extra in plan.extra:
        if extra.table != "annotations":
            continue
        extra.rows = [row for row in extra.rows if row["sample_accession"] not in changed]
        for accession, decisions in changed.items():
            extra.rows += annotation_rows(accession, decisions)
            if accession not in extra.keys:
                extra.keys.append(accession)
        return
    rows = [row for accession, annotations in changed.items() for row in annotation_rows(accession, annotations)]
    plan.extra.append(TableRows("annotations", "sample_accession", sorted(changed), rows))
