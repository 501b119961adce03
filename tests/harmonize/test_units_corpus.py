"""Corpus files whose labels state their unit: the call must match (numbers and label together)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rnacorpus.harmonize.units import detect_units, detect_units_in_values, summarize_units
from rnacorpus.harmonize.units.labels import read_labels, value_column_labels
from rnacorpus.harmonize.units.tables import read_expression_table
from rnacorpus.harvester.geo.soft import parse_soft_records

# file → (unit, is_log) that its own #VALUE lines state
STATED = {
    "soft/GSE1299_family.soft.gz": {
        "GPL91": ("log2_intensity", True),
        "GPL96": ("log2_intensity", True),
        "GPL97": ("log2_intensity", True),
        "GPL875": ("centered", True),
    },
    "soft/GSE14618.soft.gz": {"*": ("log2_intensity", True)},  # RMA
    "soft/GSE11897_family.soft.gz": {"*": ("linear_intensity", False)},  # MAS5 scaled signal
    "soft/GSE7774_family.soft.gz": {"*": ("linear_intensity", False)},
    "soft/GSE2388_family.soft.gz": {"*": ("centered", True)},  # log2 of (CH2/CH1)
    "soft/GSE2221_family.soft.gz": {"*": ("centered", True)},  # same as UNF_VALUE = log2 ratio
    "gsm/GSM11805.txt.gz": {"*": ("linear_intensity", False)},  # MAS 5.0
    "legacy/GSM645.txt": {"*": ("linear_intensity", False)},  # average difference
    "legacy/GSM804.txt": {"*": ("centered", True)},  # LOG2RATIO
    "soft_examples/soft_ex_affy.txt": {"*": ("linear_intensity", False)},  # MAS5 signal
    "soft_examples/soft_ex_dual.txt": {"*": ("centered", True)},  # log(RED/GREEN)
    "soft_examples/soft_ex_family.txt": {"*": ("centered", True)},  # log2(RED/GREEN)
}


@pytest.mark.parametrize("rel", sorted(STATED))
def test_stated_units_are_detected(corpus: Path, rel: str) -> None:
    records = parse_soft_records(corpus / "geo" / rel)
    labels = {
        s.accession: value_column_labels([(c.name, c.description) for c in s.table_columns]) for s in records.samples
    }
    assert records.expression
    for matrix in records.expression:
        expected = STATED[rel].get(matrix.source.platform_accession or "", STATED[rel].get("*"))
        for call in detect_units(matrix, sample_labels=labels):
            assert (call.unit, call.is_log) == expected, (rel, call.evidence)
            assert call.confidence >= 0.85


@pytest.mark.parametrize(
    "name", ["GSE63966_raw_counts_GRCh38.p13_NCBI.tsv.gz", "GSE164073_raw_counts_GRCh38.p13_NCBI.tsv.gz"]
)
def test_ncbi_generated_counts_are_counts(corpus: Path, name: str) -> None:
    table = read_expression_table(corpus / "geo/ncbi_counts" / name)
    assert table.values.shape[1] == 39376 and not table.set_aside
    calls = detect_units_in_values(table.values, table.columns, label_evidence=[name])
    summary = summarize_units(calls)
    assert (summary.unit, summary.is_log, summary.agreement) == ("counts", False, 1.0)
    assert min(c.confidence for c in calls) >= 0.95


def test_numbers_alone_on_the_counts_file(corpus: Path) -> None:
    table = read_expression_table(corpus / "geo/ncbi_counts/GSE63966_raw_counts_GRCh38.p13_NCBI.tsv.gz")
    calls = detect_units_in_values(table.values, table.columns)
    assert {(c.unit, c.is_log) for c in calls} == {("counts", False)}
    # the same counts, log2(x + 1) and as CPM
    log_calls = detect_units_in_values(np.log2(table.values[:2] + 1), ["a", "b"])
    assert {(c.unit, c.is_log) for c in log_calls} == {("counts", True)}
    cpm = table.values[:2] / table.values[:2].sum(axis=1, keepdims=True) * 1e6
    assert {c.unit for c in detect_units_in_values(cpm, ["a", "b"])} == {"cpm"}


@pytest.mark.parametrize(
    ("text", "unit", "is_log"),
    [
        ("RMA Signal, relative transcript abundance", "intensity", True),
        ("MAS 5.0 Statistical Algorithm (mean scaled to 500)", "intensity", None),
        ("GSE1_norm_counts_TPM_GRCh38.p13_NCBI.tsv.gz", "tpm", None),
        ("GSE1_norm_counts_FPKM_GRCh38.p13_NCBI.tsv.gz", "fpkm", None),
        ("GSE1_raw_counts_GRCh38.p13_NCBI.tsv.gz", "counts", None),
        ("log2 of (CH2_RAW/CH1_RAW)", "centered", True),
        ("aka LOG2RATIO, mean of log base 2 of LINEAR_RATIO", "centered", True),
        ("log2 CPM (edgeR)", "cpm", True),
        ("TPMT expression", None, None),
        ("quantile normalized, not log transformed", None, False),
    ],
)
def test_label_reading(text: str, unit: str | None, is_log: bool | None) -> None:
    hint = read_labels([text])
    assert (hint.unit, hint.is_log) == (unit, is_log)
