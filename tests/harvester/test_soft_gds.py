"""GDS SOFT: curated DataSets with subsets and a value table."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from rnacorpus.harvester.geo.gds import parse_gds_soft
from rnacorpus.schemas import Characteristic, CrossRef


def test_gds_with_subsets_and_values(corpus: Path) -> None:
    bundle = parse_gds_soft(corpus / "geo/gds/GDS507.soft.gz")
    study = bundle.study
    assert (study.accession, study.title) == ("GDS507", "Renal clear cell carcinoma (HG-U133B)")
    assert study.platform_accessions == ["GPL97"] and study.xrefs == [
        CrossRef(db="GEO", accession="GSE781", relation="reference series")
    ]
    (matrix,) = bundle.expression
    assert matrix.values.shape == (17, 22645) and matrix.sample_accessions[0] == "GSM11815"
    assert matrix.feature_ids[0] == "200000_s_at" and matrix.values[0, 0] == np.float32(4254.0)
    assert bundle.issues == []
    sample = next(s for s in bundle.samples if s.accession == "GSM11815")
    assert sample.title == "C035 Renal Clear Cell Carcinoma U133B"
    assert sample.source_name == "Trizol isolation of total RNA from Renal Clear Cell Carcinoma tissue"
    assert Characteristic(key="disease state", value="RCC") in sample.characteristics
    assert sample.data_row_count == 22645


def test_chopped_gds_table_is_a_warning(corpus: Path) -> None:
    bundle = parse_gds_soft(corpus / "geo/gds/GDS3254.soft.gz")
    assert [(i.code, i.accession) for i in bundle.issues] == [("table_rows_below_declared", "GDS3254")]
    assert bundle.expression[0].values.shape == (7, 300)
    assert {c.value for s in bundle.samples for c in s.characteristics} == {
        "wild type",
        "Lhx8 null",
        "Nobox null",
    }
