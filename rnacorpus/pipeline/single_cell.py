"""Samples whose values are cells summed per sample are single-cell samples, whatever their record says.

GEO records of plate-based and older single-cell series often say only ``library source:
transcriptomic``; the supplementary file's cells are the stronger evidence. For each sample with a
``supplementary_pseudobulk`` profile whose assay is not already single-cell, the assay becomes EFO's
single-cell RNA sequencing with method ``supplementary_cells``; its reason names the evidence and
what the record alone said.
"""

from __future__ import annotations

from rnacorpus.catalog.load import LoadPlan
from rnacorpus.catalog.ontology_tables import annotation_rows
from rnacorpus.harmonize.ontology import get_index
from rnacorpus.harmonize.ontology.build import mapped
from rnacorpus.schemas import StudyBundle

__all__ = ["SINGLE_CELL_ASSAY", "mark_single_cell_samples"]

#: EFO "single-cell RNA sequencing"
SINGLE_CELL_ASSAY = "EFO:0008913"


def mark_single_cell_samples(bundle: StudyBundle, plan: LoadPlan) -> None:
    cells: dict[str, int | None] = {}
    for matrix in bundle.expression:
        if matrix.source.kind == "supplementary_pseudobulk":
            for match in matrix.source.column_matches:
                cells[match.sample] = match.n_cells
    if not cells:
        return
    index = get_index()
    rows = next((t for t in plan.extra if t.table == "annotations"), None)
    for sample in bundle.samples:
        if sample.accession not in cells:
            continue
        harmonized = plan.harmonized.setdefault(sample.accession, {})
        if harmonized.get("assay_id") == SINGLE_CELL_ASSAY:
            continue
        said = harmonized.get("assay_label") or "no assay"
        annotation = mapped(
            "assay",
            "supplementary_file",
            f"{cells[sample.accession] or 'several'} cells summed per sample",
            SINGLE_CELL_ASSAY,
            "supplementary_cells",
            0.9,
            index,
            reason=f"the supplementary file holds per-cell counts; the record alone said {said}",
        )
        sample.annotations = [a for a in sample.annotations if a.field != "assay"] + [annotation]
        harmonized.update(assay_id=annotation.term_id, assay_label=annotation.term_label)
        if rows is not None:
            own = sample.accession
            rows.rows = [r for r in rows.rows if not (r["sample_accession"] == own and r["field"] == "assay")]
            rows.rows += annotation_rows(sample.accession, [annotation])
