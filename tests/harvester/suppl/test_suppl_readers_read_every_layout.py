"""Every table layout authors deposit is read to IDs × columns, or refused with file, line or column."""

from __future__ import annotations

import bz2
import gzip
import io
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnacorpus.errors import ParseError
from rnacorpus.harvester.geo.suppl_readers import read_suppl_table
from tests.conftest import corpus_root

SUPPL = corpus_root() / "geo_suppl" / "series"


def _write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_bytes(text.encode())
    return path


@pytest.mark.parametrize(
    ("rel", "n_ids", "columns", "id_column", "annotation"),
    [
        ("GSE270nnn/GSE270705/suppl/GSE270705_counts_raw.txt", 60649, 6, "", []),
        ("GSE49nnn/GSE49712/suppl/GSE49712_HTSeq.txt.gz", 21711, 10, "genes", []),
        ("GSE49nnn/GSE49712/suppl/GSE49712_gene_FPKM.txt", 21648, 10, "", []),
        ("GSE60nnn/GSE60450/suppl/GSE60450_Lactation-GenewiseCounts.txt", 27179, 12, "EntrezGeneID", ["Length"]),
        ("GSE63nnn/GSE63310/suppl/GSM1545545_JMS9-P8c.txt.gz", 27179, 1, "EntrezID", ["GeneLength"]),
        ("GSE147nnn/GSE147507/suppl/GSE147507_RawReadCounts.tsv", 23710, 20, "", []),
        ("GSE176nnn/GSE176480/suppl/GSE176480_covidplatelet_featurecounts.txt", 60591, 18, "GENE", []),
        ("GSE127nnn/GSE127235/suppl/GSE127235_exp1_counts.txt.gz", 45792, 800, "Geneid", []),
        ("GSE111nnn/GSE111527/suppl/GSM3032676_an003F_dge.txt.gz", 21389, 1117, "GENE", []),
        (
            "GSE273nnn/GSE273464/suppl/GSM8428862_HMC3_cells__PBS_Expression_Gene.xlsx",
            11943,
            3,
            "Track_id",
            ["Gene_Name", "Locus", "Strand", "Gene_Type"],
        ),
    ],
)
def test_corpus_tables_are_read_with_their_ids_columns_and_annotation(
    rel: str, n_ids: int, columns: int, id_column: str, annotation: list[str]
) -> None:
    path = SUPPL / rel
    table = read_suppl_table(path, name=path.name)
    assert (len(table.ids), len(table.columns), table.id_column, table.annotation) == (
        n_ids,
        columns,
        id_column,
        annotation,
    )
    assert table.values.shape == (columns, n_ids) and table.values.dtype == np.float32
    assert all(table.ids) and len(set(table.ids)) == len(table.ids)


def test_quoted_crlf_htseq_rows_are_unquoted_and_its_summary_rows_dropped_and_counted() -> None:
    path = SUPPL / "GSE49nnn/GSE49712/suppl/GSE49712_HTSeq.txt.gz"
    table = read_suppl_table(path, name=path.name)
    assert table.columns[:2] == ["A_1", "A_2"] and table.ids[:2] == ["1/2-SBSRNA4", "A1BG"]
    assert table.dropped == {"summary_rows": 5}
    assert "no_feature" not in table.ids and "ambiguous" not in table.ids
    assert table.values[0, 1] == 194.0  # A1BG in A_1


def test_a_header_without_a_gene_column_name_keeps_every_sample_column() -> None:
    path = SUPPL / "GSE270nnn/GSE270705/suppl/GSE270705_counts_raw.txt"
    table = read_suppl_table(path, name=path.name)
    assert table.columns == ["GROUP_AC7", "GROUP_AC8", "GROUP_AC9", "GROUP-BN1", "GROUP-BN2", "GROUP-BN3"]
    assert table.ids[1] == "ENSG00000227232.5" and table.values[:, 1].tolist() == [1510, 1252, 1513, 1327, 2134, 1337]


def test_excel_two_row_header_gives_the_band_as_value_label() -> None:
    path = SUPPL / "GSE273nnn/GSE273464/suppl/GSM8428862_HMC3_cells__PBS_Expression_Gene.xlsx"
    table = read_suppl_table(path, name=path.name)
    assert table.columns == ["HMC3 cells, PBS-1", "HMC3 cells, PBS-2", "HMC3 cells, PBS-3"]
    assert table.value_column == "FPKM" and table.ids[0] == "ENSG00000000003.14_2"


FEATURECOUNTS = (
    "# Program:featureCounts v2.0.1; Command:featureCounts -a genes.gtf -o out.txt a.bam b.bam\n"
    "Geneid\tChr\tStart\tEnd\tStrand\tLength\t/data/run1/S1.sorted.bam\t/data/run1/S2.sorted.bam\n"
    "ENSG00000223972\tchr1;chr1\t11869;12010\t12227;12057\t+;+\t1735\t3\t0\n"
    "ENSG00000227232\tchr1\t14404\t29570\t-\t1351\t120\t98\n"
)


@pytest.mark.parametrize(
    ("name", "text", "tool", "columns", "value_column"),
    [
        (
            "GSE1_featureCounts.txt",
            FEATURECOUNTS,
            "featurecounts",
            ["/data/run1/S1.sorted.bam", "/data/run1/S2.sorted.bam"],
            None,
        ),
        (
            "GSM1_quant.sf",
            "Name\tLength\tEffectiveLength\tTPM\tNumReads\nENST01\t1000\t850.5\t12.5\t40.2\nENST02\t500\t350\t0\t0\n",
            "salmon",
            ["NumReads"],
            "NumReads",
        ),
        (
            "GSM1_abundance.tsv",
            "target_id\tlength\teff_length\test_counts\ttpm\nENST01\t1000\t851\t40\t12.5\nENST02\t500\t351\t0\t0\n",
            "kallisto",
            ["est_counts"],
            "est_counts",
        ),
        (
            "GSM1.genes.results",
            "gene_id\ttranscript_id(s)\tlength\teffective_length\texpected_count\tTPM\tFPKM\n"
            "ENSG01\tENST01,ENST02\t1000\t850\t40.00\t12.5\t10.1\nENSG02\tENST03\t500\t350\t0.00\t0\t0\n",
            "rsem",
            ["expected_count"],
            "expected_count",
        ),
    ],
)
def test_tool_outputs_are_recognized_by_their_columns(
    tmp_path: Path, name: str, text: str, tool: str, columns: list[str], value_column: str | None
) -> None:
    table = read_suppl_table(_write(tmp_path, name, text), name=name)
    assert (table.tool, table.columns, table.value_column) == (tool, columns, value_column)
    assert len(table.ids) == 2


def test_star_reads_per_gene_picks_the_stranded_column_and_drops_its_n_rows(tmp_path: Path) -> None:
    text = "N_unmapped\t10\t10\t10\nN_multimapping\t5\t5\t5\nN_noFeature\t7\t300\t9\nN_ambiguous\t1\t0\t0\n"
    text += "".join(f"ENSG{i:011d}\t{i + 100}\t{i % 3}\t{i + 95}\n" for i in range(1, 60))
    table = read_suppl_table(_write(tmp_path, "GSM1_ReadsPerGene.out.tab", text), name="GSM1_ReadsPerGene.out.tab")
    assert table.tool == "star" and table.columns == ["read 2 strand"]
    assert table.dropped == {"summary_rows": 4} and len(table.ids) == 59
    assert any("stranded library" in w for w in table.warnings)


def test_htseq_count_output_without_a_header(tmp_path: Path) -> None:
    text = "ENSG01\t5\nENSG02\t0\n__no_feature\t100\n__ambiguous\t3\n__alignment_not_unique\t9\n"
    table = read_suppl_table(_write(tmp_path, "GSM1_htseq.txt", text), name="GSM1_htseq.txt")
    assert (table.tool, table.ids, table.dropped) == ("htseq", ["ENSG01", "ENSG02"], {"summary_rows": 3})


def test_whitespace_separated_and_cr_only_files(tmp_path: Path) -> None:
    spaced = read_suppl_table(_write(tmp_path, "GSE1_a.txt", "gene  s1   s2\nA   1  2\nB 3    4\n"), name="GSE1_a.txt")
    assert spaced.columns == ["s1", "s2"] and spaced.values.tolist() == [[1, 3], [2, 4]]
    cr = read_suppl_table(_write(tmp_path, "GSE1_b.csv", "gene,s1,s2\r1,1,2\r2,3,4\r"), name="GSE1_b.csv")
    assert cr.ids == ["1", "2"] and cr.values.tolist() == [[1, 3], [2, 4]]


def test_a_cp1252_file_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "GSE1_c.txt"
    path.write_bytes("gene\tsample \xb5\nA\t1\n".encode("cp1252"))
    assert read_suppl_table(path, name=path.name).columns == ["sample µ"]


def test_a_word_in_a_value_column_is_refused_with_column_and_line(tmp_path: Path) -> None:
    rows = "".join(f"G{i}\t{i}\t{i}\n" for i in range(40))
    text = "gene\ts1\ts2\n" + rows + "G40\t7\toops\n"
    with pytest.raises(ParseError) as caught:
        read_suppl_table(_write(tmp_path, "GSE1_bad.txt", text), name="GSE1_bad.txt")
    assert "'s2'" in str(caught.value) and caught.value.line == 42 and caught.value.path == "GSE1_bad.txt"


def test_a_ragged_file_is_refused_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(ParseError) as caught:
        read_suppl_table(_write(tmp_path, "GSE1_r.txt", "a\tb\tc\n1\t2\n3\n4\t5\t6\t7\n"), name="GSE1_r.txt")
    assert caught.value.path == "GSE1_r.txt"


def test_an_old_xls_workbook_is_refused_with_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "GSM1_x.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    with pytest.raises(ParseError, match=r"\.xls"):
        read_suppl_table(path, name=path.name)


def test_excel_formulas_and_links_are_read_as_cached_data_only(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["", "", "TPM"])
    sheet.append(["gene_id", "symbol", "rep-1"])
    sheet.append(["ENSG01", "A", 5.0])
    sheet.append(["ENSG02", "B", "=1+1"])  # never evaluated: openpyxl keeps no cached value
    sheet.append(["ENSG03", "C", "='[other.xlsx]Sheet1'!A1"])
    path = tmp_path / "GSM1_tpm.xlsx"
    book.save(path)
    table = read_suppl_table(path, name=path.name)
    assert table.ids == ["ENSG01", "ENSG02", "ENSG03"] and table.value_column == "TPM"
    assert table.values[0, 0] == 5.0 and np.isnan(table.values[0, 1:]).all()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    values=st.lists(st.lists(st.integers(0, 10**6), min_size=3, max_size=3), min_size=2, max_size=30),
    delimiter=st.sampled_from(["\t", ","]),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    quoted=st.booleans(),
    unnamed_id=st.booleans(),
    packing=st.sampled_from(["plain", "gzip", "bz2", "zip"]),
)
def test_any_delimited_matrix_reads_back_exactly(
    tmp_path: Path, values, delimiter: str, newline: str, quoted: bool, unnamed_id: bool, packing: str
) -> None:
    q = '"' if quoted else ""
    header = [f"{q}sample_{i}{q}" for i in range(3)]
    lines = [delimiter.join(header if unnamed_id else [f"{q}gene{q}", *header])]
    lines += [delimiter.join([f"{q}G{r}{q}", *map(str, row)]) for r, row in enumerate(values)]
    data = (newline.join(lines) + newline).encode()
    if packing == "gzip":
        data = gzip.compress(data)
    elif packing == "bz2":
        data = bz2.compress(data)
    elif packing == "zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("m.txt", data)
        data = buffer.getvalue()
    path = tmp_path / "GSE1_matrix.txt"
    path.write_bytes(data)
    table = read_suppl_table(path, name=path.name)
    assert table.columns == ["sample_0", "sample_1", "sample_2"]
    assert table.ids == [f"G{r}" for r in range(len(values))]
    assert table.values.T.tolist() == [[float(v) for v in row] for row in values]
