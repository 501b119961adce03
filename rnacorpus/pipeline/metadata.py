"""Harmonizing a study's sample metadata: organism taxa, then ontology terms per sample.

Every deposited characteristic stays as it was (``sample_characteristics``); the decisions go to
``annotations`` (one row per decision, raw text beside the term and the rule) and the chosen term
per field to the ``samples`` columns.
"""

from __future__ import annotations

from typing import Any

from rnacorpus.catalog.connection import register_ddl
from rnacorpus.catalog.load import LoadPlan, TableRows, register_sample_owned_table
from rnacorpus.catalog.ontology_tables import DDL as ONTOLOGY_DDL
from rnacorpus.catalog.ontology_tables import annotation_values
from rnacorpus.harmonize.ontology import annotate_samples
from rnacorpus.harmonize.ontology.curated import taxon_named
from rnacorpus.harmonize.ontology.sample import resolved_sample_fields
from rnacorpus.schemas import Sample, StudyBundle

__all__ = ["fill_taxa", "harmonize_metadata"]

register_ddl(ONTOLOGY_DDL)
register_sample_owned_table("annotations")


def _taxid(name: str | None) -> int | None:
    taxon = taxon_named(name) if name else None
    return taxon.taxid if taxon is not None else None


def fill_taxa(bundle: StudyBundle) -> None:
    """Old records name the organism but give no taxon ID: look the name up in our taxon table."""
    for sample in bundle.samples:
        if sample.organism_taxid is None:
            sample.organism_taxid = _taxid(sample.organism_name)
    for platform in bundle.platforms:
        if platform.organism_taxid is None:
            platform.organism_taxid = _taxid(platform.organism_name)
    if not bundle.study.organism_taxids:
        bundle.study.organism_taxids = sorted({s.organism_taxid for s in bundle.samples if s.organism_taxid})


def harmonize_metadata(bundle: StudyBundle, plan: LoadPlan) -> None:
    """Annotate the study's samples as one batch: each distinct evidence (organism, characteristics,
    library fields) is decided once, and its ``samples`` columns are computed once."""
    fill_taxa(bundle)
    first: dict[str, Sample] = {}
    for sample in bundle.samples:
        first.setdefault(sample.accession, sample)  # a sample listed twice is harmonized once
    samples = list(first.values())
    rows = []
    columns: dict[tuple[int, ...], dict[str, Any]] = {}
    # decisions are shared objects (memoized per distinct value): each is turned into row values once
    values: dict[int, dict[str, Any]] = {}
    for sample, decided in zip(samples, annotate_samples(samples, bundle.platforms), strict=True):
        sample.annotations = decided
        # the columns are a pure function of the annotations; samples sharing evidence share them
        ident = tuple(map(id, decided))
        fields = columns.get(ident)
        if fields is None:
            fields = columns[ident] = resolved_sample_fields(decided)  # annotate_samples resolved them
        plan.harmonized.setdefault(sample.accession, {}).update(fields)
        for annotation in decided:  # alive in sample.annotations, so its id names it for the whole loop
            known = values.get(id(annotation))
            if known is None:
                known = values[id(annotation)] = annotation_values(annotation)
            rows.append({"sample_accession": sample.accession, **known})
    plan.extra.append(TableRows("annotations", "sample_accession", sorted(s.accession for s in samples), rows))
