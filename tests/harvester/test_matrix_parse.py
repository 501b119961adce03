"""Series matrix files: real SRA-type matrices with empty tables, value tables, and malformed files."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from rnacorpus.errors import ParseError
from rnacorpus.harvester.geo.matrix import parse_series_matrix

HEADER = """!Series_title\t"A small array series"
!Series_geo_accession\t"GSE5"
!Series_type\t"Expression profiling by array"
!Series_sample_id\t"GSM1 GSM2 "
!Series_relation\t"SubSeries of: GSE4"

!Sample_title\t"first"\t"second"
!Sample_geo_accession\t"GSM1"\t"GSM2"
!Sample_platform_id\t"GPL7"\t"GPL7"
!Sample_characteristics_ch1\t"tissue: liver"\t"tissue: lung"
!Sample_characteristics_ch1\t"age: 3"\t""
!Sample_data_row_count\t"3"\t"3"
"""
TABLE = """!series_matrix_table_begin
"ID_REF"\t"GSM1"\t"GSM2"
"p1"\t1.5\t2
"p2"\tnull\t-3e2
"p3"\t\t7
!series_matrix_table_end
"""


def write(tmp_path: Path, text: str, name: str = "GSE5_series_matrix.txt.gz") -> Path:
    path = tmp_path / name
    path.write_bytes(gzip.compress(text.encode()))
    return path


def test_empty_table_without_header_row(corpus: Path) -> None:
    bundle = parse_series_matrix(corpus / "geo/series_matrix/GSE64489_series_matrix.txt.gz")
    assert bundle.expression == [] and bundle.issues == []
    assert bundle.study.accession == "GSE64489" and len(bundle.study.types) == 3
    assert len(bundle.samples) == len(bundle.study.sample_accessions) > 30
    assert {s.platform_accession for s in bundle.samples} == {"GPL13112"}
    # matrices pad repeated fields with "" for samples that have fewer; those are not values
    assert all("" not in values for s in bundle.samples for values in s.attributes.values())


def test_empty_table_with_header_row(corpus: Path) -> None:
    bundle = parse_series_matrix(corpus / "geo/series_matrix/GSE99709_series_matrix.txt.gz")
    assert bundle.expression == [] and bundle.issues == []
    assert bundle.study.super_series == ["GSE99797"]
    assert [(x.db, x.accession) for x in bundle.samples[0].xrefs] == [
        ("BioSample", "SAMN07197171"),
        ("SRA", "SRX2885384"),
    ]
    assert [c.key for c in bundle.samples[0].characteristics] == [
        "strain background",
        "genotype/variation",
        "cell type",
        "viral treatment",
        "treated with",
    ]
    assert {(s.data_row_count_declared, s.data_row_count) for s in bundle.samples} == {(0, 0)}


def test_value_table(tmp_path: Path) -> None:
    bundle = parse_series_matrix(write(tmp_path, HEADER + TABLE))
    (matrix,) = bundle.expression
    assert (matrix.source.kind, matrix.source.platform_accession, matrix.source.feature_id_kind) == (
        "series_matrix",
        "GPL7",
        "probe",
    )
    assert matrix.sample_accessions == ["GSM1", "GSM2"] and matrix.feature_ids == ["p1", "p2", "p3"]
    np.testing.assert_array_equal(matrix.values, np.array([[1.5, np.nan, np.nan], [2, -300, 7]], np.float32))
    assert bundle.study.sample_accessions == ["GSM1", "GSM2"] and bundle.study.super_series == ["GSE4"]
    first, second = bundle.samples
    assert [c.value for c in first.characteristics] == ["liver", "3"]
    assert [c.value for c in second.characteristics] == ["lung"]
    assert bundle.issues == []


def test_platform_from_a_multi_platform_file_name(tmp_path: Path) -> None:
    text = (HEADER + TABLE).replace('!Sample_platform_id\t"GPL7"\t"GPL7"\n', "")
    bundle = parse_series_matrix(write(tmp_path, text, "GSE5-GPL570_series_matrix.txt.gz"))
    assert bundle.expression[0].source.platform_accession == "GPL570"
    cached = write(tmp_path, text, "0123abcd")
    renamed = parse_series_matrix(cached, file_name="GSE5-GPL96_series_matrix.txt.gz")
    assert renamed.expression[0].source.platform_accession == "GPL96"
    assert renamed.expression[0].source.file == "GSE5-GPL96_series_matrix.txt.gz"


def test_expected_accession_mismatch_is_a_warning(tmp_path: Path) -> None:
    bundle = parse_series_matrix(write(tmp_path, HEADER + TABLE), accession="GSE6")
    assert bundle.study.accession == "GSE5"
    assert [issue.code for issue in bundle.issues] == ["accession_mismatch"]


def test_rows_below_declared_warns_per_sample(tmp_path: Path) -> None:
    text = HEADER.replace('!Sample_data_row_count\t"3"\t"3"', '!Sample_data_row_count\t"9"\t"3"') + TABLE
    bundle = parse_series_matrix(write(tmp_path, text))
    assert [(i.code, i.accession) for i in bundle.issues] == [("table_rows_below_declared", "GSM1")]


def test_truncated_table(tmp_path: Path) -> None:
    text = HEADER + TABLE.replace("!series_matrix_table_end\n", "")
    with pytest.raises(ParseError) as caught:
        parse_series_matrix(write(tmp_path, text))
    assert caught.value.accession == "GSE5" and "ends inside the table begun at line 13" in caught.value.message


def test_ragged_row(tmp_path: Path) -> None:
    text = HEADER + TABLE.replace('"p2"\tnull\t-3e2', '"p2"\tnull\t-3e2\t8')
    with pytest.raises(ParseError) as caught:
        parse_series_matrix(write(tmp_path, text))
    assert caught.value.line == 16 and "3 columns" in caught.value.message


def test_non_numeric_value(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match=r"line 15: non-numeric value 'high' in numeric column 'GSM2'"):
        parse_series_matrix(write(tmp_path, HEADER + TABLE.replace("\t2\n", "\thigh\n")))


def test_sample_row_with_the_wrong_number_of_values(tmp_path: Path) -> None:
    text = (HEADER + TABLE).replace(
        '!Sample_platform_id\t"GPL7"\t"GPL7"', '!Sample_platform_id\t"GPL7"\t"GPL7"\t"GPL8"'
    )
    with pytest.raises(ParseError, match=r"line 9: !Sample_platform_id has 3 values but the file has 2 samples"):
        parse_series_matrix(write(tmp_path, text))


def test_stray_text_between_header_and_table(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match=r"line 13: expected a '!Series_' / '!Sample_' line"):
        parse_series_matrix(write(tmp_path, HEADER + "garbage\n" + TABLE))


def test_duplicate_sample_accessions(tmp_path: Path) -> None:
    text = (HEADER + TABLE).replace('!Sample_geo_accession\t"GSM1"\t"GSM2"', '!Sample_geo_accession\t"GSM1"\t"GSM1"')
    with pytest.raises(ParseError, match=r"line 8: duplicate accession: GSM1 appears twice in !Sample_geo_accession"):
        parse_series_matrix(write(tmp_path, text))
    text = (HEADER + TABLE).replace('"ID_REF"\t"GSM1"\t"GSM2"', '"ID_REF"\t"GSM2"\t"GSM2"')
    with pytest.raises(ParseError, match=r"line 14: duplicate accession: GSM2 appears twice in the table header"):
        parse_series_matrix(write(tmp_path, text))


def test_table_column_without_sample_metadata_is_a_warning(tmp_path: Path) -> None:
    text = (HEADER + TABLE).replace('"ID_REF"\t"GSM1"\t"GSM2"', '"ID_REF"\t"GSM1"\t"GSM3"')
    bundle = parse_series_matrix(write(tmp_path, text))
    assert [(i.code, i.accession) for i in bundle.issues] == [
        ("table_rows_below_declared", "GSM2"),  # described, but no column in the table
        ("matrix_sample_undescribed", "GSE5"),
    ]
    assert bundle.issues[1].line == 14 and "GSM3" in bundle.issues[1].message
