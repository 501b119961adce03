"""MINiML: the corpus documents, GEO's .tgz with external tables, and hostile XML / archives."""

from __future__ import annotations

import datetime as dt
import io
import tarfile
from pathlib import Path

import numpy as np
import pytest

from rnacorpus.errors import BadContentError, ParseError
from rnacorpus.harvester.geo.miniml import parse_miniml, parse_miniml_records
from rnacorpus.harvester.geo.soft import parse_family_soft
from rnacorpus.schemas import Characteristic, CrossRef


def test_family_document_with_latin1_bytes(corpus: Path) -> None:
    bundle = parse_miniml(corpus / "geo/miniml/GSE730_family.xml")
    study = bundle.study
    assert (study.accession, study.title, study.pubmed_ids) == ("GSE730", "TP05 late L4", ["14668411"])
    assert (study.submission_date, study.public_date, study.last_update_date) == (
        dt.date(2003, 10, 10),
        dt.date(2003, 12, 31),
        dt.date(2013, 8, 8),
    )
    assert study.super_series == ["GSE696"] and study.sample_accessions == [
        "GSM11095",
        "GSM11096",
        "GSM11097",
    ]
    assert study.contributors == ["Valerie,,Reinke"] and study.institutions == ["Yale University School of Medicine"]
    assert study.platform_accessions == ["GPL539"] and study.organism_taxids == [6239]
    assert study.summary == "Timepoint 05 wild type late-L4 larvae vs mixed stage reference\nKeywords: other"
    (platform,) = bundle.platforms
    assert (platform.technology, platform.organism_taxid, platform.data_row_count_declared) == (
        "spotted DNA/cDNA",
        6239,
        20000,
    )
    sample = bundle.samples[0]
    assert sample.channel_count == 2 and sample.characteristics == [
        Characteristic(key=None, value="none", channel=1),
        Characteristic(key=None, value="none", channel=2),
    ]
    # the file says UTF-8 but carries a Latin-1 micro sign; it is read, not replaced or refused
    descriptions = {c.name: c.description for c in sample.table_columns}
    assert descriptions["diameter"] == "diameter in µm of the feature-indicator"
    assert sample.data_row_count is None  # the tables ship only inside the .tgz
    assert [issue.code for issue in bundle.issues] == ["external_tables_missing"]


def test_samples_with_characteristic_tags(corpus: Path) -> None:
    bundle = parse_miniml(corpus / "geo/miniml/GSE171682.xml")
    assert len(bundle.samples) == 174 and bundle.study.accession == "GSE171682"
    assert [issue.code for issue in bundle.issues] == ["series_record_missing"]
    sample = bundle.samples[0]
    assert sample.characteristics == [
        Characteristic(key="cancer site", value="Large intestine"),
        Characteristic(key="age", value="75"),
        Characteristic(key="tissue", value="colorectal cancer"),
    ]
    assert (sample.library_strategy, sample.instrument_model, sample.platform_accession) == (
        "RNA-Seq",
        "Illumina HiSeq 2500",
        "GPL16791",
    )
    assert sample.xrefs == [
        CrossRef(
            db="BioSample",
            accession="SAMN18672241",
            relation="BioSample",
            url="https://www.ncbi.nlm.nih.gov/biosample/SAMN18672241",
        )
    ]
    assert sample.attributes["data_processing"][2] == "Genome_build: GRCh37"
    assert {s.study_accession for s in bundle.samples} == {"GSE171682"}


def test_series_only_document(corpus: Path) -> None:
    bundle = parse_miniml(corpus / "geo/miniml/GSE180363.miniml.xml")
    assert bundle.samples == [] and len(bundle.study.sample_accessions) == 16
    assert bundle.study.contributors == ["Shane,P,Simonett", "Donnie,S,Stapleton", "Kathryn,L,Schueler"]
    assert {issue.code for issue in bundle.issues} == {"declared_sample_missing"}
    assert len(bundle.study.supplementary_files) >= 3 and bundle.study.super_series == ["GSE180810"]


def test_single_sample_document(corpus: Path) -> None:
    records = parse_miniml_records(corpus / "geo/miniml/GSM5230452.xml")
    (sample,) = records.samples
    assert sample.accession == "GSM5230452" and sample.organism_taxid == 9606
    assert sample.submission_date == dt.date(2021, 4, 8)
    assert [c.key for c in sample.characteristics] == ["cancer site", "age", "tissue"]


def test_same_records_as_soft_for_the_same_facts(corpus: Path, tmp_path: Path) -> None:
    soft = parse_family_soft(corpus / "geo/acc_cgi/GSE146583/GSE.soft").study
    xml = b"""<?xml version="1.0" encoding="UTF-8"?>
<MINiML xmlns="http://www.ncbi.nlm.nih.gov/geo/info/MINiML" version="0.5.0">
  <Series iid="GSE146583"><Title>%s</Title><Accession database="GEO">GSE146583</Accession>
    <Relation type="SuperSeries of" target="GSE146537" />
    <Relation type="BioProject" target="https://www.ncbi.nlm.nih.gov/bioproject/PRJNA610874" />
  </Series></MINiML>""" % str(soft.title).encode()
    path = tmp_path / "GSE146583_family.xml"
    path.write_bytes(xml)
    study = parse_miniml(path).study
    assert study.title == soft.title and study.sub_series == ["GSE146537"]
    assert [x for x in study.xrefs if x.db == "BioProject"] == [x for x in soft.xrefs if x.db == "BioProject"]


def _tgz(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _sample_table(rows: list[tuple[str, str]]) -> bytes:
    # GSE730's sample tables have 26 columns; VALUE is the 24th
    lines = []
    for feature, value in rows:
        cells = [feature] + ["1"] * 22 + [value, "0.9", "2"]
        lines.append("\t".join(cells))
    return ("\n".join(lines) + "\n").encode()


def test_geo_tgz_with_external_tables(corpus: Path, tmp_path: Path) -> None:
    members = {
        "GSE730_family.xml": (corpus / "geo/miniml/GSE730_family.xml").read_bytes(),
        "GPL539-tbl-1.txt": b"1\tY105E8A.1\t1\t1\t1\tA1\n2\tY105E8A.2\t1\t1\t2\tA2\n",
        "GSM11095-tbl-1.txt": _sample_table([("1", "0.25"), ("2", "null")]),
        "GSM11096-tbl-1.txt": _sample_table([("1", "1.5"), ("2", "-0.5")]),
        "GSM11097-tbl-1.txt": _sample_table([("2", "3"), ("3", "4")]),
    }
    path = tmp_path / "GSE730_family.xml.tgz"
    path.write_bytes(_tgz(members))
    bundle = parse_miniml(path)
    (matrix,) = bundle.expression
    assert matrix.source.kind == "sample_tables" and matrix.source.file == "GSE730_family.xml.tgz"
    assert matrix.sample_accessions == ["GSM11095", "GSM11096", "GSM11097"] and matrix.feature_ids == [
        "1",
        "2",
        "3",
    ]
    expected = np.array([[0.25, np.nan, np.nan], [1.5, -0.5, np.nan], [np.nan, 3, 4]], np.float32)
    np.testing.assert_array_equal(matrix.values, expected)
    table = bundle.platform_tables["GPL539"]
    assert table.column_names == ["ID", "ORF", "Block", "Row", "Column", "SPOT_ID"] and table.num_rows == 2
    assert bundle.samples[0].data_row_count == 2
    assert {i.code for i in bundle.issues} == {"table_rows_below_declared"}  # 2 rows of the 20000 declared


def test_archive_members_with_unsafe_names_are_not_extracted(corpus: Path, tmp_path: Path) -> None:
    members = {
        "GSE730_family.xml": (corpus / "geo/miniml/GSE730_family.xml").read_bytes(),
        "../escaped.txt": b"x",
        "/tmp/absolute.txt": b"y",
    }
    path = tmp_path / "inner" / "GSE730_family.xml.tgz"
    path.parent.mkdir()
    path.write_bytes(_tgz(members))
    assert parse_miniml(path).study.accession == "GSE730"
    assert not (tmp_path / "escaped.txt").exists() and not Path("/tmp/absolute.txt").exists()


def test_archive_without_xml(tmp_path: Path) -> None:
    path = tmp_path / "GSE1_family.xml.tgz"
    path.write_bytes(_tgz({"readme.txt": b"nothing"}))
    with pytest.raises(BadContentError, match=r"holds no MINiML \.xml document"):
        parse_miniml(path)


@pytest.mark.parametrize(
    "document",
    [
        b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><MINiML>&b;</MINiML>',
        b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]><MINiML>&x;</MINiML>',
    ],
)
def test_entities_are_refused(document: bytes, tmp_path: Path) -> None:
    path = tmp_path / "GSE1_family.xml"
    path.write_bytes(document)
    with pytest.raises(BadContentError, match="unsafe XML refused"):
        parse_miniml(path)


def test_malformed_xml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "GSE1_family.xml"
    path.write_bytes(b'<?xml version="1.0"?>\n<MINiML>\n  <Series iid="GSE1">\n</MINiML>\n')
    with pytest.raises(ParseError) as caught:
        parse_miniml(path)
    assert caught.value.line == 4 and "malformed MINiML XML" in caught.value.message


def test_bad_value_in_an_external_table_names_member_and_line(corpus: Path, tmp_path: Path) -> None:
    members = {
        "GSE730_family.xml": (corpus / "geo/miniml/GSE730_family.xml").read_bytes(),
        "GSM11096-tbl-1.txt": _sample_table([("1", "1.5"), ("2", "high")]),
    }
    path = tmp_path / "GSE730_family.xml.tgz"
    path.write_bytes(_tgz(members))
    with pytest.raises(ParseError) as caught:
        parse_miniml(path)
    error = caught.value
    assert error.accession == "GSM11096" and error.line == 2
    assert error.path == f"{path}!GSM11096-tbl-1.txt" and "non-numeric value 'high'" in error.message
