"""Gene identifiers → one reference per organism, with every decision reported.

Public API::

    load_reference(organism) -> GeneReference                # offline default, stamped and checksummed
    map_identifiers(ids, reference, *, platform_table=None) -> GeneMapping
    collapse_to_genes(matrix, mapping, unit) -> ExpressionMatrix
    plan_collapse(mapping, unit, stats) -> CollapsePlan       # the same, one chunk of samples at a time

The rules and their order are in :mod:`rnacorpus.harmonize.genes.resolve`; probes in
:mod:`~rnacorpus.harmonize.genes.probes`; collapse rules in :mod:`~rnacorpus.harmonize.genes.collapse`;
the production reference (HGNC / NCBI gene_info / GENCODE downloads) in
:mod:`~rnacorpus.harmonize.genes.production`.
"""

from rnacorpus.harmonize.genes.collapse import (
    ADDITIVE_UNITS,
    CollapsePlan,
    collapse_rule,
    collapse_to_genes,
    plan_collapse,
)
from rnacorpus.harmonize.genes.mapping import CollapseRecord, GeneMapping, MappingReport, map_identifiers
from rnacorpus.harmonize.genes.organisms import HUMAN, MOUSE, Organism, resolve_organism
from rnacorpus.harmonize.genes.reference import GeneReference, ReferenceInfo, load_reference, read_reference

__all__ = [
    "ADDITIVE_UNITS",
    "HUMAN",
    "MOUSE",
    "CollapsePlan",
    "CollapseRecord",
    "GeneMapping",
    "GeneReference",
    "MappingReport",
    "Organism",
    "ReferenceInfo",
    "collapse_rule",
    "collapse_to_genes",
    "load_reference",
    "map_identifiers",
    "plan_collapse",
    "read_reference",
    "resolve_organism",
]
