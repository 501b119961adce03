"""Samples whose values are cells summed per sample get the single-cell assay, with the evidence."""

from __future__ import annotations

import numpy as np

from rnacorpus.catalog.load import LoadPlan, TableRows
from rnacorpus.pipeline.single_cell import SINGLE_CELL_ASSAY, mark_single_cell_samples
from rnacorpus.schemas import Annotation, ColumnMatch, ExpressionMatrix, ExpressionSource, Sample, Study, StudyBundle


def test_a_pseudobulk_sample_recorded_as_bulk_rna_seq_becomes_single_cell() -> None:
    sample = Sample(
        accession="GSM1",
        study_accession="GSE1",
        archive="geo",
        library_strategy="RNA-Seq",
        library_source="transcriptomic",
        annotations=[Annotation(field="assay", raw_value="RNA-Seq", term_id="EFO:0008896", method="exact_label")],
    )
    source = ExpressionSource(
        study_accession="GSE1",
        kind="supplementary_pseudobulk",
        file="GSM1_dge.txt.gz",
        column_matches=[
            ColumnMatch(sample="GSM1", columns=["AAAC", "AAAG"], method="gsm_in_file_name", confidence=1.0, n_cells=2)
        ],
    )
    bundle = StudyBundle(
        study=Study(accession="GSE1", archive="geo"),
        samples=[sample],
        expression=[ExpressionMatrix(source, ["GSM1"], ["G1"], np.ones((1, 1), np.float32))],
    )
    plan = LoadPlan(bundle=bundle, content_sha256="x", run_id="r")
    rows = TableRows("annotations", "sample_accession", ["GSM1"], [{"sample_accession": "GSM1", "field": "assay"}])
    plan.extra.append(rows)
    plan.harmonized["GSM1"] = {"assay_id": "EFO:0008896", "assay_label": "RNA-seq of coding RNA"}
    mark_single_cell_samples(bundle, plan)
    assert plan.harmonized["GSM1"]["assay_id"] == SINGLE_CELL_ASSAY
    (assay,) = [a for a in sample.annotations if a.field == "assay"]
    assert assay.method == "supplementary_cells" and "RNA-seq of coding RNA" in (assay.reason or "")
    assert [r["field"] for r in rows.rows] == ["assay"] and rows.rows[0]["term_id"] == SINGLE_CELL_ASSAY
