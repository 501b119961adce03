"""Columns are placed on samples only one-to-one over the whole table; a shuffled header is noticed."""

from __future__ import annotations

import csv
import gzip
import random
from pathlib import Path

import pytest

from rnacorpus.harvester.geo.matrix import parse_series_matrix
from rnacorpus.harvester.geo.suppl_assemble import add_supplementary
from rnacorpus.harvester.geo.suppl_match import match_columns
from rnacorpus.harvester.geo.suppl_readers import read_suppl_table
from rnacorpus.schemas import Characteristic, Sample, SourceFile, Study, StudyBundle
from tests.conftest import corpus_root

CORPUS = corpus_root()
SUPPL = CORPUS / "geo_suppl" / "series"


def _sample(accession: str, title: str | None = None, **fields: object) -> Sample:
    return Sample(accession=accession, study_accession="GSE1", archive="geo", title=title, **fields)  # type: ignore[arg-type]


def _placed(result) -> dict[str, str]:
    return {column: a.sample for a in result.assignments for column in a.columns}


def test_gse270705_headers_match_the_descriptions_not_the_titles() -> None:
    samples = parse_series_matrix(CORPUS / "geo/series_matrix/GSE270705_series_matrix.txt.gz").samples
    table = read_suppl_table(
        SUPPL / "GSE270nnn/GSE270705/suppl/GSE270705_counts_raw.txt", name="GSE270705_counts_raw.txt"
    )
    result = match_columns(table.columns, samples)
    described = {s.accession: s.description for s in samples}
    placed = _placed(result)
    # GROUP_AC7 → the sample described "AC7", whatever the column order
    assert {column: described[gsm] for column, gsm in placed.items()} == {
        "GROUP_AC7": "AC7", "GROUP_AC8": "AC8", "GROUP_AC9": "AC9",
        "GROUP-BN1": "BN1", "GROUP-BN2": "BN2", "GROUP-BN3": "BN3",
    }  # fmt: skip
    assert {a.family for a in result.assignments} == {"description"}
    assert not result.unmatched_columns and not result.unmatched_samples


def test_gse273464_replicate_columns_belong_to_the_sample_the_file_is_named_after() -> None:
    samples = parse_series_matrix(CORPUS / "geo/series_matrix/GSE273464_series_matrix.txt.gz").samples
    path = SUPPL / "GSE273nnn/GSE273464/suppl/GSM8428862_HMC3_cells__PBS_Expression_Gene.xlsx"
    table = read_suppl_table(path, name=path.name)
    by_file = match_columns(table.columns, samples, file_sample=table.sample)
    (assignment,) = by_file.assignments
    assert assignment.sample == "GSM8428862" and assignment.replicates and assignment.method == "gsm_in_file_name"
    # the same columns without the file name: their stem is the sample's title 'HMC3 cells, PBS'
    by_title = match_columns(table.columns, samples)
    assert [(a.sample, a.columns) for a in by_title.assignments] == [("GSM8428862", table.columns)]


def test_gse127235_plate_columns_match_titles_after_the_sample_sheet_number() -> None:
    with (SUPPL / "GSE127nnn/GSE127235/suppl/GSE127235_geo_sample_list.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    samples = [_sample(r["Accession"], r["Title"]) for r in rows]
    with gzip.open(SUPPL / "GSE127nnn/GSE127235/suppl/GSE127235_exp1_counts.txt.gz", "rt") as handle:
        header = handle.readline()
    columns = header.rstrip("\n").split("\t")[1:]
    result = match_columns(columns, samples)
    placed = _placed(result)
    assert len(placed) == 800 and placed["EXP1_COL01_ROW02_S1"] == "GSM3631355"
    title = {s.accession: s.title for s in samples}
    assert all(column.rsplit("_S", 1)[0] == title[gsm] for column, gsm in placed.items())
    assert len(result.unmatched_samples) == 800  # the EXP2 plate is another file


def test_gsm_accessions_in_headers_come_first_and_foreign_ones_are_listed() -> None:
    samples = [_sample("GSM11", "liver"), _sample("GSM12", "kidney")]
    result = match_columns(["GSM12_counts", "GSM11_counts", "GSM99_counts"], samples)
    assert _placed(result) == {"GSM12_counts": "GSM12", "GSM11_counts": "GSM11"}
    assert result.unmatched_columns == ["GSM99_counts"] and "GSM99" in result.problems[0]


def test_library_names_in_characteristics_and_bam_paths_match() -> None:
    samples = [
        _sample("GSM1", "ctrl", characteristics=[Characteristic(key="library name", value="LIB-001")]),
        _sample("GSM2", "treated", characteristics=[Characteristic(key="library name", value="LIB-002")]),
    ]
    result = match_columns(
        ["/scratch/run7/lib_002.Aligned.sortedByCoord.out.bam", "/scratch/run7/lib_001.Aligned.sortedByCoord.out.bam"],
        samples,
    )
    assert sorted(_placed(result).values()) == ["GSM1", "GSM2"]
    assert _placed(result)["/scratch/run7/lib_002.Aligned.sortedByCoord.out.bam"] == "GSM2"


def test_two_columns_on_one_sample_are_not_placed() -> None:
    samples = [_sample(f"GSM{i}", title) for i, title in enumerate(["A 1", "B", "C", "D", "E"])]
    result = match_columns(["a_1", "A-1", "B", "C", "D", "E"], samples)
    assert _placed(result) == {"B": "GSM1", "C": "GSM2", "D": "GSM3", "E": "GSM4"}
    assert result.unmatched_columns == ["a_1", "A-1"] and result.unmatched_samples == ["GSM0"]


def test_contradicting_texts_place_nothing() -> None:
    samples = [_sample("GSM1", "S1", description="S2"), _sample("GSM2", "S2", description="S1")]
    result = match_columns(["S1", "S2"], samples)
    assert not result.assignments and "contradict" in result.problems[0]


def test_a_few_accidental_matches_are_not_accepted() -> None:
    samples = [_sample(f"GSM{i}", f"x{i}") for i in range(10)]
    result = match_columns(["x1", *[f"other{i}" for i in range(9)]], samples)
    assert not result.assignments and "only 1 of 10" in result.problems[0]


def test_a_file_named_after_a_foreign_sample_is_not_matched() -> None:
    result = match_columns(["Count"], [_sample("GSM1")], file_sample="GSM9")
    assert not result.assignments and "GSM9" in result.problems[0]


def test_matching_does_not_depend_on_column_order() -> None:
    samples = parse_series_matrix(CORPUS / "geo/series_matrix/GSE270705_series_matrix.txt.gz").samples
    columns = ["GROUP_AC7", "GROUP_AC8", "GROUP_AC9", "GROUP-BN1", "GROUP-BN2", "GROUP-BN3"]
    shuffled = columns[:]
    random.Random(7).shuffle(shuffled)
    assert _placed(match_columns(columns, samples)) == _placed(match_columns(shuffled, samples))


# -- the shuffle test: names say one thing, values another ---------------------------------------

NAMES = [f"{g}_{i}" for g in "AB" for i in range(1, 6)]  # SEQC: A = UHRR, B = HBRR (GSE49712 notes)


def _gse49712() -> StudyBundle:
    samples = [
        Sample(accession=f"GSM{1000 + k}", study_accession="GSE49712", archive="geo", title=name)
        for k, name in enumerate(NAMES)
    ]
    return StudyBundle(study=Study(accession="GSE49712", archive="geo"), samples=samples)


def _file(path: Path, name: str) -> SourceFile:
    return SourceFile(
        f"https://ftp.ncbi.nlm.nih.gov/geo/series/GSE49nnn/GSE49712/suppl/{name}", str(path), "", 0, "suppl"
    )


FPKM = SUPPL / "GSE49nnn/GSE49712/suppl/GSE49712_gene_FPKM.txt"
HTSEQ = SUPPL / "GSE49nnn/GSE49712/suppl/GSE49712_HTSeq.txt.gz"


def test_two_files_of_the_same_samples_confirm_each_others_matches() -> None:
    bundle = _gse49712()
    add_supplementary(bundle, [_file(HTSEQ, HTSEQ.name), _file(FPKM, FPKM.name)])
    assert len(bundle.expression) == 2
    for matrix in bundle.expression:
        assert all(m.checked_against and "median rho" in m.checked_against for m in matrix.source.column_matches)
    assert not [i for i in bundle.issues if i.level == "error"]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_shuffled_header_is_noticed_and_the_file_quarantined(tmp_path: Path, seed: int) -> None:
    text = gzip.decompress(HTSEQ.read_bytes()).decode()
    header, body = text.split("\n", 1)
    cells = header.rstrip("\r").split("\t")
    names = cells[1:]
    rng = random.Random(seed)
    while True:  # a shuffle that moves at least one A column under a B name
        shuffled = names[:]
        rng.shuffle(shuffled)
        if any(a.strip('"')[0] != b.strip('"')[0] for a, b in zip(names, shuffled, strict=True)):
            break
    path = tmp_path / "GSE49712_HTSeq.txt"
    path.write_text("\t".join([cells[0], *shuffled]) + "\r\n" + body)
    bundle = _gse49712()
    add_supplementary(bundle, [_file(path, path.name), _file(FPKM, FPKM.name)])
    mismatch = [i for i in bundle.issues if i.code == "suppl_columns_mismatch"]
    assert mismatch and all(i.level == "error" for i in mismatch)
    assert any(i.path == "GSE49712_HTSeq.txt" for i in mismatch)
    assert "resembles" in mismatch[0].message
    # no matrix whose names disagree with its values is kept
    assert all(m.source.file != "GSE49712_HTSeq.txt" for m in bundle.expression)
