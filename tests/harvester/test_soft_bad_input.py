"""Malformed SOFT gives a clear ParseError naming accession, file and line; tolerable oddities are
warnings (ParseIssue) with the same location. One test per rule."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from rnacorpus.errors import BadContentError, ParseError, RnacorpusError
from rnacorpus.harvester.geo.soft import parse_family_soft, parse_soft_records, read_platform_table
from rnacorpus.harvester.geo.tables import MISSING_VALUE_TOKENS

SERIES = """^SERIES = GSE1
!Series_title = A series
!Series_geo_accession = GSE1
!Series_sample_id = GSM1
"""


def sample(
    name: str = "GSM1",
    rows: str = "p1\t1.5\np2\t2.5\n",
    declared: int | None = 2,
    header: str = "ID_REF\tVALUE",
) -> str:
    count = f"!Sample_data_row_count = {declared}\n" if declared is not None else ""
    return (
        f"^SAMPLE = {name}\n!Sample_title = sample {name}\n!Sample_platform_id = GPL1\n{count}"
        f"#ID_REF = \n#VALUE = signal\n!sample_table_begin\n{header}\n{rows}!sample_table_end\n"
    )


def write(tmp_path: Path, text: str, name: str = "GSE1_family.soft") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str) -> int:
    return next(k for k, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_a_clean_file_parses(tmp_path: Path) -> None:
    bundle = parse_family_soft(write(tmp_path, SERIES + sample()))
    assert bundle.issues == []
    assert bundle.expression[0].values.tolist() == [[1.5, 2.5]]


def test_data_before_any_entity_header(tmp_path: Path) -> None:
    text = "!Series_title = orphan\n" + SERIES
    path = write(tmp_path, text)
    with pytest.raises(ParseError) as caught:
        parse_family_soft(path, accession="GSE1")
    error = caught.value
    assert (error.accession, error.path, error.line) == ("GSE1", str(path), 1)
    assert "expected an entity header" in str(error) and str(path) in str(error) and "line 1" in str(error)


def test_table_rows_before_any_entity_header(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match=r"line 2: expected an entity header .* found 'p1\\t1.5'"):
        parse_soft_records(write(tmp_path, "\np1\t1.5\n" + SERIES))


def test_table_without_end_at_eof_is_a_truncated_file(tmp_path: Path) -> None:
    text = SERIES + sample().replace("!sample_table_end\n", "")
    with pytest.raises(ParseError) as caught:
        parse_family_soft(write(tmp_path, text))
    error = caught.value
    assert error.accession == "GSM1" and error.line == len(text.splitlines())
    assert f"begun at line {line_of(text, '!sample_table_begin')}" in error.message
    assert "truncated" in error.message


def test_table_closed_by_the_wrong_end_marker(tmp_path: Path) -> None:
    text = SERIES + sample().replace("!sample_table_end", "!platform_table_end")
    with pytest.raises(ParseError) as caught:
        parse_family_soft(write(tmp_path, text))
    assert caught.value.line == line_of(text, "!platform_table_end")
    assert "closed by !platform_table_end (expected !sample_table_end)" in caught.value.message


def test_table_interrupted_by_the_next_entity(tmp_path: Path) -> None:
    text = SERIES + sample("GSM1").replace("!sample_table_end\n", "") + sample("GSM2")
    with pytest.raises(ParseError) as caught:
        parse_family_soft(write(tmp_path, text))
    assert caught.value.accession == "GSM1"
    assert caught.value.line == line_of(text, "^SAMPLE = GSM2")
    assert "is not closed: found '^SAMPLE = GSM2'" in caught.value.message


def test_table_kind_must_fit_its_entity(tmp_path: Path) -> None:
    text = SERIES + sample().replace("!sample_table_begin", "!platform_table_begin")
    with pytest.raises(ParseError, match=r"!platform_table_begin inside \^SAMPLE GSM1"):
        parse_family_soft(write(tmp_path, text))


def test_duplicate_accessions(tmp_path: Path) -> None:
    text = SERIES + sample("GSM1") + sample("GSM1")
    with pytest.raises(ParseError) as caught:
        parse_family_soft(write(tmp_path, text))
    first, second = (k for k, line in enumerate(text.splitlines(), 1) if line == "^SAMPLE = GSM1")
    assert caught.value.accession == "GSM1" and caught.value.line == second
    assert f"duplicate accession: ^SAMPLE = GSM1 appears again (first at line {first})" in caught.value.message


def test_ragged_row_with_extra_values_is_an_error(tmp_path: Path) -> None:
    text = SERIES + sample(rows="p1\t1.5\np2\t2.5\tsurprise\n")
    with pytest.raises(ParseError) as caught:
        parse_family_soft(write(tmp_path, text))
    assert caught.value.accession == "GSM1" and caught.value.line == line_of(text, "surprise")
    assert "this row has 3 fields but the header has 2 columns" in caught.value.message


def test_trailing_empty_fields_and_short_rows_are_fine(tmp_path: Path) -> None:
    text = SERIES + sample(rows="p1\t1.5\t\t\np2\np3\t3\t \n", declared=3)
    bundle = parse_family_soft(write(tmp_path, text))
    matrix = bundle.expression[0]
    assert matrix.feature_ids == ["p1", "p2", "p3"]
    np.testing.assert_array_equal(matrix.values, np.array([[1.5, np.nan, 3.0]], np.float32))
    assert bundle.issues == []


def test_non_numeric_value_is_an_error(tmp_path: Path) -> None:
    text = SERIES + sample(rows="p1\t1.5\np2\tabc\n")
    with pytest.raises(ParseError) as caught:
        parse_family_soft(write(tmp_path, text))
    assert caught.value.accession == "GSM1" and caught.value.line == line_of(text, "abc")
    assert "non-numeric value 'abc' in numeric column 'VALUE'" in caught.value.message


@pytest.mark.parametrize(
    "token",
    [
        "null",
        "NA",
        "NaN",
        "nan",
        "N/A",
        "n/a",
        "",
        "-",
        "--",
        ".",
        "Inf",
        "-Inf",
        "NULL",
        "#N/A",
        "none",
        " NA ",
    ],
)
def test_missing_value_tokens_become_nan(tmp_path: Path, token: str) -> None:
    assert token.strip().lower() in MISSING_VALUE_TOKENS
    bundle = parse_family_soft(write(tmp_path, SERIES + sample(rows=f"p1\t{token}\np2\t2\n")))
    values = bundle.expression[0].values
    assert np.isnan(values[0, 0]) and values[0, 1] == 2.0


def test_numbers_in_several_spellings(tmp_path: Path) -> None:
    rows = "p1\t1e3\np2\t-2.5\np3\t.5\np4\t 7 \np5\t+3\np6\t1e40\n"
    bundle = parse_family_soft(write(tmp_path, SERIES + sample(rows=rows, declared=6)))
    expected = np.array([[1000, -2.5, 0.5, 7, 3, np.nan]], np.float32)  # beyond float32 → missing
    np.testing.assert_array_equal(bundle.expression[0].values, expected)


def test_empty_gz_file(tmp_path: Path) -> None:
    path = tmp_path / "GPL1.soft.gz"
    path.write_bytes(b"")
    with pytest.raises(BadContentError) as caught:
        read_platform_table(path)
    assert caught.value.path == str(path) and "is empty" in caught.value.message


def test_gz_name_without_gzip_content(tmp_path: Path) -> None:
    path = tmp_path / "GSE1_family.soft.gz"
    path.write_bytes(b"<html><body>Service unavailable</body></html>\n")
    with pytest.raises(BadContentError, match=r"GSE1_family\.soft\.gz: file is named \.gz but does not start"):
        parse_family_soft(path)


def test_empty_plain_file(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="the file is empty"):
        parse_soft_records(write(tmp_path, "\n\n"))


def test_truncated_gzip_stream_is_a_project_error(tmp_path: Path) -> None:
    data = gzip.compress((SERIES + sample() * 1).encode() * 1)
    path = tmp_path / "GSE1_family.soft.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(RnacorpusError) as caught:
        parse_family_soft(path)
    assert caught.value.path == str(path)


def test_rows_below_declared_is_a_warning_with_location(tmp_path: Path) -> None:
    text = SERIES + sample(declared=100)
    path = write(tmp_path, text)
    bundle = parse_family_soft(path)
    (issue,) = bundle.issues
    assert issue.level == "warning" and issue.code == "table_rows_below_declared"
    assert (issue.accession, issue.path, issue.line) == (
        "GSM1",
        str(path),
        line_of(text, "!sample_table_end"),
    )
    assert "2 table rows read, fewer than the 100 declared" in issue.message
    assert bundle.samples[0].data_row_count == 2 and bundle.samples[0].data_row_count_declared == 100


def test_rows_above_declared_is_a_warning(tmp_path: Path) -> None:
    bundle = parse_family_soft(write(tmp_path, SERIES + sample(declared=0)))
    assert [issue.code for issue in bundle.issues] == ["table_rows_above_declared"]
    assert bundle.expression[0].values.shape == (1, 2)


def test_declared_sample_without_a_block_is_a_warning(tmp_path: Path) -> None:
    text = SERIES.replace("!Series_sample_id = GSM1\n", "!Series_sample_id = GSM1\n!Series_sample_id = GSM9\n")
    bundle = parse_family_soft(write(tmp_path, text + sample()))
    (issue,) = bundle.issues
    assert issue.code == "declared_sample_missing" and issue.accession == "GSM9" and issue.level == "warning"


def test_repeated_ids_keep_the_first_value_and_warn(tmp_path: Path) -> None:
    bundle = parse_family_soft(write(tmp_path, SERIES + sample(rows="p1\t1\np2\t2\np1\t9\n", declared=3)))
    assert bundle.expression[0].feature_ids == ["p1", "p2"]
    assert bundle.expression[0].values.tolist() == [[1.0, 2.0]]
    assert [issue.code for issue in bundle.issues] == ["duplicate_feature_ids"]


def test_sample_table_without_value_column_is_a_warning(tmp_path: Path) -> None:
    text = SERIES + sample(header="ID_REF\tCOUNT")
    bundle = parse_family_soft(write(tmp_path, text))
    assert [issue.code for issue in bundle.issues] == ["value_column_missing"]
    assert bundle.expression == [] and bundle.samples[0].data_row_count == 2


def test_unparseable_date_and_number_are_warnings(tmp_path: Path) -> None:
    text = SERIES + "!Series_submission_date = sometime in 2004\n"
    text += sample().replace("!Sample_data_row_count = 2", "!Sample_data_row_count = many")
    bundle = parse_family_soft(write(tmp_path, text))
    assert sorted(issue.code for issue in bundle.issues) == ["unparsed_date", "unparsed_number"]
    assert bundle.study.submission_date is None
    assert bundle.study.attributes["submission_date"] == ["sometime in 2004"]


def test_family_with_two_series_needs_an_accession(tmp_path: Path) -> None:
    other = SERIES.replace("GSE1", "GSE2").replace("GSM1", "GSM2")
    path = write(
        tmp_path,
        SERIES
        + other
        + sample("GSM1")
        + sample("GSM2").replace("!Sample_data_row_count", "!Sample_series_id = GSE2\n!Sample_data_row_count"),
    )
    with pytest.raises(ParseError, match=r"2 \^SERIES blocks \(GSE1, GSE2 …\): pass accession="):
        parse_family_soft(path)
    bundle = parse_family_soft(path, accession="GSE2")
    assert [s.accession for s in bundle.samples] == ["GSM2"]
    assert bundle.expression[0].sample_accessions == ["GSM2"]


def test_gds_soft_is_pointed_to_its_reader(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="is GDS SOFT: read it with parse_gds_soft"):
        parse_soft_records(write(tmp_path, "^DATASET = GDS1\n!dataset_title = x\n"))


def test_declared_rows_without_any_table_is_a_warning_at_the_count(tmp_path: Path) -> None:
    text = SERIES + "^SAMPLE = GSM1\n!Sample_title = brief view\n!Sample_data_row_count = 22283\n"
    bundle = parse_family_soft(write(tmp_path, text))
    (issue,) = bundle.issues
    assert issue.code == "table_rows_below_declared" and issue.line == line_of(text, "data_row_count")
    assert bundle.samples[0].data_row_count == 0 and bundle.expression == []
