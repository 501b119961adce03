"""Supplementary files are classified by name and content, and only what can hold expression is fetched."""

from __future__ import annotations

import pytest

from rnacorpus.harvester.geo.suppl_discovery import (
    classify_name,
    parse_filelist,
    parse_listing,
    plan_supplementary,
    sniff_content,
)

HOST = "https://ftp.ncbi.nlm.nih.gov"


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("GSE270705_counts_raw.txt.gz", "expression_matrix"),
        ("GSE49712_gene_FPKM.txt", "expression_matrix"),
        ("GSM1545545_JMS9-P8c.txt.gz", "per_sample_expression"),
        ("GSM8428862_HMC3_cells__PBS_Expression_Gene.xlsx", "per_sample_expression"),
        ("GSM3032676_an003F_dge.txt.gz", "single_cell"),
        ("GSM5_sample1_matrix.mtx.gz", "single_cell"),
        ("GSM5_sample1_barcodes.tsv.gz", "single_cell"),
        ("GSM5_filtered_feature_bc_matrix.h5", "single_cell"),
        ("GSM1_a.CEL.gz", "raw_data"),
        ("GSM1_a.RCC", "raw_data"),
        ("GSM1_a_Grn.idat.gz", "raw_data"),
        ("GSM1_a.bam", "raw_data"),
        ("GSE1_RAW.tar", "archive"),
        ("GSE1_counts.tar.gz", "archive"),
        ("GSE1_peaks.bed.gz", "other"),
        ("GSE1_coverage.bw", "other"),
        ("GSE1_DESeq2_results.csv.gz", "other"),
        ("GSE1_DEG_treated_vs_control.xlsx", "other"),
        ("GSE99709_Stat3RNA-Seq-significant-genes.xlsx", "other"),
        ("GSE99709_Stat3RNA-Seq-counts.csv.gz", "expression_matrix"),
        ("filelist.txt", "metadata"),
        ("GSE127235_geo_sample_list.csv", "metadata"),
    ],
)
def test_names_are_classified_by_what_they_can_hold(name: str, category: str) -> None:
    assert classify_name(name)[0] == category


def test_content_overrules_a_table_name() -> None:
    de = b"gene\tbaseMean\tlog2FoldChange\tlfcSE\tpvalue\tpadj\nA\t1\t2\t3\t4\t5\n"
    assert sniff_content("GSE1_table.txt", de, "expression_matrix")[0] == "other"
    barcodes = (
        "GENE\t" + "\t".join("ACGTACGTA" + a + b + c for a in "ACGT" for b in "ACGT" for c in "ACGT") + "\n"
    ).encode()
    assert sniff_content("GSM1_x.txt", barcodes, "per_sample_expression")[0] == "single_cell"
    assert sniff_content("GSE1_x.txt", b"\x89HDF\r\n\x1a\n....", "expression_matrix")[0] == "single_cell"
    assert sniff_content("GSE1_x.txt", b"BAM\x01....", "expression_matrix")[0] == "raw_data"
    counts = b"gene\ts1\ts2\nA\t1\t2\n"
    assert sniff_content("GSE1_x.txt", counts, "expression_matrix") == ("expression_matrix", None)


FILELIST = (
    "#Archive/File\tName\tTime\tSize\tType\n"
    "Archive\tGSE9_RAW.tar\t01/02/2024 10:00:00\t40960\tTAR\n"
    "File\tGSM1_a.CEL.gz\t01/02/2024 10:00:00\t9000000\tCEL\n"
    "File\tGSM2_counts.txt.gz\t01/02/2024 10:00:00\t1000\tTXT\n"
    "File\tGSM3_counts.txt.gz\t01/02/2024 10:00:00\t5000000000\tTXT\n"
    "File\t../../etc/passwd\t01/02/2024 10:00:00\t10\tTXT\n"
)


def test_filelist_rows_keep_safe_names_and_exact_sizes() -> None:
    rows = parse_filelist(FILELIST)
    assert [(r.scope, r.name, r.size) for r in rows][:2] == [
        ("Archive", "GSE9_RAW.tar", 40960),
        ("File", "GSM1_a.CEL.gz", 9000000),
    ]
    assert all("/" not in r.name and r.name != "passwd" for r in rows)


def test_an_apache_index_gives_names_and_approximate_sizes() -> None:
    page = (
        '<pre><a href="/geo/series/GSE9nnn/">Parent Directory</a>   -\n'
        '<a href="GSE9_counts.txt.gz">GSE9_counts.txt.gz</a>     2024-01-02 10:00  2.0M  \n'
        '<a href="GSE9_RAW.tar">GSE9_RAW.tar</a>     2024-01-02 10:00   40K  \n'
        '<a href="filelist.txt">filelist.txt</a>     2024-01-02 10:00  512  \n</pre>'
    )
    assert parse_listing(page) == {"GSE9_counts.txt.gz": 2 * 1024**2, "GSE9_RAW.tar": 40 * 1024, "filelist.txt": 512}


def test_the_plan_fetches_expression_files_from_sample_folders_within_the_caps() -> None:
    plan = plan_supplementary(
        "GSE9",
        host=HOST,
        series_urls=["ftp://ftp.ncbi.nlm.nih.gov/geo/series/GSE9nnn/GSE9/suppl/GSE9_counts.txt.gz"],
        listing={"GSE9_counts.txt.gz": 2_000_000, "GSE9_RAW.tar": 40960, "GSE9_peaks.bed.gz": 10, "filelist.txt": 500},
        filelist=parse_filelist(FILELIST),
        max_file_bytes=1024**3,
        max_series_bytes=4 * 1024**3,
    )
    by_name = {f.name: f for f in plan.files}
    assert [f.name for f in plan.to_fetch] == ["GSE9_counts.txt.gz", "GSM2_counts.txt.gz"]
    assert by_name["GSM2_counts.txt.gz"].url == f"{HOST}/geo/samples/GSMnnn/GSM2/suppl/GSM2_counts.txt.gz"
    assert by_name["GSM2_counts.txt.gz"].sample == "GSM2" and by_name["GSM2_counts.txt.gz"].container == "GSE9_RAW.tar"
    assert "cap" in by_name["GSM3_counts.txt.gz"].reason
    assert "raw data" in by_name["GSM1_a.CEL.gz"].reason
    assert "one by one" in by_name["GSE9_RAW.tar"].reason and not by_name["GSE9_RAW.tar"].fetch
    assert not by_name["GSE9_peaks.bed.gz"].fetch


def test_the_series_budget_stops_fetching_when_spent() -> None:
    listing = {f"GSE9_part{i}_counts.txt.gz": 600 for i in range(5)}
    plan = plan_supplementary("GSE9", host=HOST, listing=listing, max_file_bytes=1000, max_series_bytes=1500)
    assert len(plan.to_fetch) == 2
    assert sum("budget" in f.reason for f in plan.files) == 3
