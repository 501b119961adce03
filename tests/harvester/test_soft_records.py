"""What the SOFT readers make of real GEO records: series relations, cross-references, dates,
characteristics per channel, legacy and documentation-example files, platform tables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pytest

from rnacorpus.harvester.geo.soft import parse_family_soft, parse_soft_records, read_platform_table
from rnacorpus.harvester.geo.soft_records import parse_geo_date, relation_xref, split_characteristic
from rnacorpus.schemas import Characteristic, CrossRef


def test_superseries_lists_its_subseries_platforms_and_organisms(corpus: Path) -> None:
    study = parse_family_soft(corpus / "geo/acc_cgi/GSE146583/GSE.soft").study
    assert study.sub_series == ["GSE146537", "GSE146538", "GSE146539", "GSE146540", "GSE146541"]
    assert study.super_series == []
    assert study.platform_accessions == ["GPL16791", "GPL17021", "GPL20301"]
    assert study.organism_taxids == [9606, 10090]
    assert study.types == [
        "Genome binding/occupancy profiling by high throughput sequencing",
        "Expression profiling by high throughput sequencing",
    ]
    assert (
        CrossRef(
            db="BioProject",
            accession="PRJNA610874",
            relation="BioProject",
            url="https://www.ncbi.nlm.nih.gov/bioproject/PRJNA610874",
        )
        in study.xrefs
    )
    assert CrossRef(db="GEO", accession="GSE146540", relation="SuperSeries of") in study.xrefs


def test_family_superseries_file(corpus: Path) -> None:
    bundle = parse_family_soft(corpus / "geo/soft/GSE14618.soft.gz")
    assert bundle.study.sub_series == ["GSE14613", "GSE14615"]
    assert len(bundle.samples) == 92
    assert {m.source.platform_accession: m.values.shape for m in bundle.expression} == {
        "GPL96": (42, 20),
        "GPL570": (50, 40),
    }


def test_subseries_points_to_its_superseries_and_sra(corpus: Path) -> None:
    study = parse_family_soft(corpus / "geo/acc_cgi/GSE99709/brief").study
    assert study.super_series == ["GSE99797"]
    assert (
        CrossRef(
            db="SRA",
            accession="SRP108660",
            relation="SRA",
            url="https://www.ncbi.nlm.nih.gov/sra?term=SRP108660",
        )
        in study.xrefs
    )
    old = parse_family_soft(corpus / "geo/soft/GSE29006_family.soft.gz").study
    assert old.super_series == ["GSE29007"]
    assert [(x.db, x.accession) for x in old.xrefs] == [
        ("GEO", "GSE29007"),
        ("SRA", "SRP006676"),
        ("BioProject", "PRJNA153969"),
    ]


def test_rna_seq_family_records(corpus: Path) -> None:
    bundle = parse_family_soft(corpus / "geo/soft/GSE63966_family.soft.gz")
    study = bundle.study
    assert (study.submission_date, study.last_update_date, study.public_date) == (
        dt.date(2014, 12, 8),
        dt.date(2019, 5, 15),
        dt.date(2015, 3, 2),
    )
    assert study.pubmed_ids == ["25757056"]
    assert study.contributors == ["Julie,A,Dragon", "Arti,,Shukla"]
    assert study.institutions == ["UNIVERSITY OF VERMONT & ST AGRIC COLLEGE"]
    assert study.attributes["contact_city"] == ["Burlington"] and "Series_title" not in study.attributes
    assert len(study.sample_accessions) == 16 and bundle.issues == [] and bundle.expression == []
    sample = bundle.samples[0]
    assert sample.accession == "GSM1561390" and sample.study_accession == "GSE63966"
    assert [(x.db, x.accession) for x in sample.xrefs] == [
        ("BioSample", "SAMN03255845"),
        ("SRA", "SRX800023"),
    ]
    assert sample.characteristics[:2] == [
        Characteristic(key="cell line", value="LP9"),
        Characteristic(key="cell type", value="immortalized mesothelial cells"),
    ]
    assert (sample.library_strategy, sample.library_source, sample.library_selection) == (
        "RNA-Seq",
        "transcriptomic",
        "cDNA",
    )
    assert (sample.instrument_model, sample.organism_taxid, sample.sample_type) == (
        "Illumina HiSeq 1000",
        9606,
        "SRA",
    )
    assert sample.supplementary_files == []  # "NONE" is not a file
    assert (sample.data_row_count_declared, sample.data_row_count) == (0, 0)
    assert len(sample.attributes["data_processing"]) == 6


def test_two_channel_characteristics_keep_channel_and_order(corpus: Path) -> None:
    first = parse_soft_records(corpus / "geo/soft_examples/soft_ex_dual.txt").samples[0]
    assert first.accession == "Control Embyronic Stem Cell Replicate 1"
    assert first.channel_count == 2  # no count deposited; the record has _ch2 fields
    assert first.characteristics == [
        Characteristic(key=None, value="ES-D3 cell line (CRL-1934)", channel=1),
        Characteristic(key="Age", value="day 4", channel=1),
        Characteristic(key="Tissue", value="blastocytes", channel=1),
        Characteristic(key="Strain", value="129/Sv mice", channel=1),
        Characteristic(key="Strain", value="C57BL/6", channel=2),
        Characteristic(key="Age", value="e17.5 d", channel=2),
        Characteristic(key="Tissue", value="whole embryo", channel=2),
    ]


def test_documentation_example_with_trailing_tabs_and_late_series(corpus: Path) -> None:
    records = parse_soft_records(corpus / "geo/soft_examples/soft_ex_affy.txt")
    assert [s.accession for s in records.samples] == ["Drosophila_T0-1", "Drosophila_T0-2", "Drosophila_T1-1"]
    assert records.studies[0].accession == "Dros_embryo_timecourse"
    assert {s.study_accession for s in records.samples} == {"Dros_embryo_timecourse"}
    assert records.samples[0].platform_accession == "GPL72"
    assert records.samples[0].supplementary_files == ["Drosophila_T0-1.CEL"]
    assert records.expression[0].values.shape == (3, 21)
    family = parse_family_soft(corpus / "geo/soft_examples/soft_ex_affy.txt")
    assert family.study.sample_accessions == [s.accession for s in family.samples]


def test_legacy_2001_records(corpus: Path) -> None:
    sage = parse_soft_records(corpus / "geo/legacy/GSM691.txt")
    sample = sage.samples[0]
    assert (sample.accession, sample.sample_type, sample.organism_name) == ("GSM691", "sage", "Homo sapiens")
    assert sample.source_name == "Breast, isolated normal epithelial organoids"
    assert sample.study_accession == "GSE14" and sample.submission_date == dt.date(2001, 11, 28)
    assert [c.name for c in sample.table_columns] == ["TAG", "COUNT", "TPM"]
    assert sample.data_row_count == 20 and [i.code for i in sage.issues] == ["value_column_missing"]
    cgh = parse_soft_records(corpus / "geo/legacy/GSM804.txt").samples[0]
    assert (cgh.channel_count, cgh.source_name, cgh.platform_accession) == (2, "Cell line GM05296", "GPL28")
    assert cgh.table_columns[1].description == "aka LOG2RATIO, mean of log base 2 of LINEAR_RATIO"
    affy = parse_soft_records(corpus / "geo/legacy/GSM645.txt")
    assert affy.expression[0].feature_ids[:2] == ["IL2_at", "IL10_at"]
    assert affy.expression[0].values[0, :2].tolist() == [-78.0, 161.0]


def test_gsm_record_with_full_table(corpus: Path) -> None:
    records = parse_soft_records(corpus / "geo/gsm/GSM11805.txt.gz")
    (matrix,) = records.expression
    assert matrix.values.shape == (1, 22283) and matrix.source.platform_accession == "GPL96"
    assert matrix.feature_ids[0] == "AFFX-BioB-5_at" and matrix.values[0, 0] == pytest.approx(953.9)
    assert matrix.source.kind == "sample_tables" and matrix.source.feature_id_kind == "probe"
    assert matrix.source.file == "GSM11805.txt.gz" and matrix.source.study_accession == "GSE781"
    assert records.issues == []


def test_annotation_file_platform_table(corpus: Path) -> None:
    platform, table = read_platform_table(corpus / "geo/gpl/GPL97.annot.gz")
    assert platform.accession == "GPL97" and platform.organism_name == "Homo sapiens"
    assert table.num_rows == 22645 == platform.data_row_count
    assert table.column_names[:4] == ["ID", "Gene title", "Gene symbol", "Gene ID"]
    assert "GO:Function.1" in table.column_names  # the file repeats GO column names
    assert all(field.type == pa.string() for field in table.schema)
    first = table.slice(0, 1).to_pylist()[0]
    assert (first["ID"], first["Gene symbol"], first["Gene ID"]) == ("200000_s_at", "PRPF8", "10594")
    descriptions = {c.name: c.description for c in platform.table_columns}
    assert descriptions["Gene ID"] == "Entrez Gene identifier"


def test_platform_soft_table_and_record(corpus: Path) -> None:
    platform, table = read_platform_table(corpus / "geo/gpl/GPL4133.txt")
    assert (platform.technology, platform.manufacturer, platform.organism_taxid) == (
        "in situ oligonucleotide",
        "Agilent Technologies",
        9606,
    )
    assert (platform.data_row_count_declared, platform.data_row_count, table.num_rows) == (45220, 13, 13)
    assert table.column("GENE_SYMBOL").to_pylist()[11] == "APOBEC3B"
    sequencing, empty = read_platform_table(corpus / "geo/gpl/GPL9115.txt")
    assert sequencing.technology == "high-throughput sequencing" and empty.num_rows == 0
    assert len(sequencing.attributes["sample_id"]) > 1000


def test_platform_table_of_a_chosen_platform(corpus: Path) -> None:
    platform, table = read_platform_table(corpus / "geo/soft/GSE1299_family.soft.gz", accession="GPL875")
    assert platform.accession == "GPL875" and table.column_names[0] == "ID" and table.num_rows == 17


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "SRA: https://www.ncbi.nlm.nih.gov/sra?term=SRX800023",
            ("SRA", "SRX800023", "SRA", "https://www.ncbi.nlm.nih.gov/sra?term=SRX800023"),
        ),
        (
            "BioSample: https://www.ncbi.nlm.nih.gov/biosample/SAMN03255845",
            ("BioSample", "SAMN03255845", "BioSample", "https://www.ncbi.nlm.nih.gov/biosample/SAMN03255845"),
        ),
        (
            "BioProject: http://www.ncbi.nlm.nih.gov/bioproject/153969",
            ("BioProject", "153969", "BioProject", "http://www.ncbi.nlm.nih.gov/bioproject/153969"),
        ),
        ("SuperSeries of: GSE146537", ("GEO", "GSE146537", "SuperSeries of", None)),
        ("Reanalyzed by: GSE99999", ("GEO", "GSE99999", "Reanalyzed by", None)),
        ("Alternative to: GPL96 (Alternative CDF)", ("GEO", "GPL96", "Alternative to", None)),
        ("Reanalysis of: SRP000001", ("SRA", "SRP000001", "Reanalysis of", None)),
    ],
)
def test_relation_lines_become_cross_references(text: str, expected: tuple[str, str, str, str | None]) -> None:
    xref = relation_xref(text)
    assert xref is not None
    assert (xref.db, xref.accession, xref.relation, xref.url) == expected


def test_relation_without_a_target_is_ignored() -> None:
    assert relation_xref("nothing here") is None and relation_xref("SRA:") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tissue: liver", ("tissue", "liver")),
        ("time: 10:30", ("time", "10:30")),
        ("age:", ("age", "")),
        ("ES-D3 cell line", (None, "ES-D3 cell line")),
        ("http://example.org/x", (None, "http://example.org/x")),
        (": orphan", (None, ": orphan")),
    ],
)
def test_characteristic_split_at_the_first_colon(text: str, expected: tuple[str | None, str]) -> None:
    assert split_characteristic(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Apr 13 2004", dt.date(2004, 4, 13)),
        ("Public on Mar 02 2015", dt.date(2015, 3, 2)),
        ("2021-07-20", dt.date(2021, 7, 20)),
        ("Feb 30 2004", None),
        ("Private", None),
        ("", None),
    ],
)
def test_geo_dates(text: str, expected: dt.date | None) -> None:
    assert parse_geo_date(text) == expected
