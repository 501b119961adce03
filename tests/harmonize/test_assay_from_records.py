"""The assay of a sample from what its record says: bulk vs single-cell vs single-nucleus, the
chemistry where stated, arrays by platform; assay keys decided like any characteristic."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic, annotate_sample, sample_fields
from rnacorpus.schemas import Platform, Sample


def _assay(platform: Platform | None = None, **fields: object) -> str | None:
    attributes = fields.pop("attributes", {})
    sample = Sample(accession="GSM1", study_accession="GSE1", archive="geo", attributes=attributes, **fields)  # type: ignore[arg-type]
    return sample_fields(annotate_sample(sample, platform))["assay_id"]


def test_bulk_rna_seq_from_the_library_strategy() -> None:
    assert _assay(library_strategy="RNA-Seq", library_source="transcriptomic", molecule="total RNA") == "EFO:0008896"


def test_the_chemistry_a_protocol_names_decides_single_cell_assays() -> None:
    protocol = {
        "extract_protocol_ch1": ["Libraries were made with the Chromium Single Cell 3' Reagent Kit v3 (10x Genomics)"]
    }
    assert (
        _assay(library_strategy="RNA-Seq", library_source="transcriptomic single cell", attributes=protocol)
        == "EFO:0009922"
    )
    smart = {"extract_protocol_ch1": ["Single cells were sorted into plates; Smart-seq2 libraries"]}
    assert _assay(library_strategy="RNA-Seq", library_source="transcriptomic", attributes=smart) == "EFO:0008931"
    generic = _assay(library_strategy="RNA-Seq", library_source="transcriptomic single cell")
    assert generic == "EFO:0008913"


def test_nuclei_make_a_single_nucleus_assay_whatever_the_chemistry() -> None:
    protocol = {
        "extract_protocol_ch1": ["Nuclei were isolated from frozen cortex and loaded on the 10x Chromium (3' v3)"]
    }
    assert (
        _assay(library_strategy="RNA-Seq", library_source="transcriptomic single cell", attributes=protocol)
        == "EFO:0009809"
    )


def test_arrays_by_platform_and_sage_without_a_strategy() -> None:
    affy = Platform(accession="GPL570", archive="geo", technology="in situ oligonucleotide")
    assert _assay(affy, molecule="total RNA", sample_type="cDNA", platform_accession="GPL570") == "EFO:0002768"
    sage = Platform(accession="GPL11", archive="geo", technology="SAGE NlaIII")
    assert _assay(sage, molecule="total RNA", sample_type="SAGE", platform_accession="GPL11") == "EFO:0002941"
    cgh = Platform(accession="GPL1831", archive="geo", technology="spotted DNA/cDNA")
    assert _assay(cgh, molecule="genomic DNA", sample_type="genomic", platform_accession="GPL1831") is None


def test_other_strategies_on_transcriptomic_libraries_are_still_sequencing_assays() -> None:
    assert _assay(library_strategy="OTHER", library_source="transcriptomic", molecule="total RNA") == "EFO:0002770"
    assert _assay(library_strategy="OTHER", library_source="genomic", molecule="genomic DNA") is None


@pytest.mark.parametrize(
    ("key", "value", "term"),
    [
        ("library construction", "10x Genomics Chromium Single Cell 3' v2", "EFO:0009899"),
        ("library prep", "10X 5' v2", "EFO:0009900"),
        ("platform", "Drop-seq", "EFO:0008722"),
        ("assay", "snRNA-seq", "EFO:0009809"),
        ("library strategy", "RNA-Seq", "EFO:0008896"),
        ("assay type", "microarray", "EFO:0002768"),
    ],
)
def test_assay_keys_are_decided_by_annotate(key: str, value: str, term: str) -> None:
    (found,) = annotate_characteristic(key, value, organism="human")
    assert (found.field, found.term_id) == ("assay", term)


def test_an_instrument_is_no_assay() -> None:
    (found,) = annotate_characteristic("platform", "Illumina NovaSeq 6000", organism="human")
    assert found.field == "assay" and found.term_id is None and found.method == "unmapped"
