"""Sample metadata → ontology terms, with the evidence and the rule behind every decision.

Pinned, offline references (``cellxgene-ontology-guide``; releases in :mod:`.releases`): UBERON
(tissue), CL (cell type), MONDO (disease; healthy/control/normal → PATO:0000461), EFO (assay),
HsapDv / MmusDv (development stage), PATO (sex), Cellosaurus (cell lines), and our own NCBITaxon
table (organism).

Public API::

    annotate_characteristic(key, value, organism=...)  # what ``rnacorpus annotate`` prints
    annotate_sample(sample)                              # one decision per field, evidence kept
    annotate_samples(samples)                            # a study at once: each distinct evidence once
    sample_fields(annotations)                           # the harmonized ``samples`` columns
    resolve_terms(field, name_or_curie)                  # "brain" → ["UBERON:0000955"]
    ontology_releases(), ontology_tables()               # stamp; catalog terms and closure
"""

from __future__ import annotations

from rnacorpus.harmonize.ontology.age import AgeParse, parse_age
from rnacorpus.harmonize.ontology.annotate import Explanation, annotate_characteristic, explain_characteristic
from rnacorpus.harmonize.ontology.fields import KeyInfo, detect_key
from rnacorpus.harmonize.ontology.index import OntologyIndex, get_index
from rnacorpus.harmonize.ontology.releases import ontology_releases, release_stamp
from rnacorpus.harmonize.ontology.resolve import canonical_field, ontology_tables, resolve_terms
from rnacorpus.harmonize.ontology.sample import (
    SAMPLE_FIELD_COLUMNS,
    SampleEvidence,
    annotate_sample,
    annotate_samples,
    characteristic_annotations,
    resolve_fields,
    sample_fields,
)

__all__ = [
    "SAMPLE_FIELD_COLUMNS",
    "AgeParse",
    "Explanation",
    "KeyInfo",
    "OntologyIndex",
    "SampleEvidence",
    "annotate_characteristic",
    "annotate_sample",
    "annotate_samples",
    "canonical_field",
    "characteristic_annotations",
    "detect_key",
    "explain_characteristic",
    "get_index",
    "ontology_releases",
    "ontology_tables",
    "parse_age",
    "release_stamp",
    "resolve_fields",
    "resolve_terms",
    "sample_fields",
]
