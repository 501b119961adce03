"""Files are known by what they hold, reading only their headers."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from rnacorpus.mirror import Kind, sniff_file
from rnacorpus.mirror import sniff as sniff_module
from rnacorpus.mirror.recorded import RecordedSearch, RecordedSummary


def sniff(corpus: Path, rel: str) -> sniff_module.Sniffed:
    return sniff_file(corpus / rel, rel)


@pytest.mark.parametrize(
    ("rel", "kind", "accession"),
    [
        ("geo/soft/GSE14618.soft.gz", Kind.SERIES_FAMILY_SOFT, "GSE14618"),
        ("geo/soft/GSE2122.soft.gz", Kind.SERIES_FAMILY_SOFT, "GSE2122"),
        ("geo/soft/GSE105845_family.soft", Kind.SERIES_FAMILY_SOFT, "GSE105845"),
        ("geo/soft/GPL20814_family.soft", Kind.PLATFORM_FAMILY_SOFT, "GPL20814"),
        ("geo/gpl/GPL96_family.soft.gz", Kind.PLATFORM_FAMILY_SOFT, "GPL96"),
        ("geo/gpl/GPL4133.txt", Kind.PLATFORM_SOFT, "GPL4133"),
        ("geo/gpl/GPL97.annot.gz", Kind.ANNOT, "GPL97"),
        ("geo/gds/GDS507.soft.gz", Kind.DATASET_SOFT, "GDS507"),
        ("geo/acc_cgi/GSE146583/GSE.soft", Kind.SERIES_SOFT, "GSE146583"),
        ("geo/acc_cgi/GSE99709/brief", Kind.SERIES_SOFT, "GSE99709"),
        ("geo/gsm/GSM11805.txt.gz", Kind.SAMPLE_SOFT, "GSM11805"),
        ("geo/legacy/GSM645.txt", Kind.SAMPLE_SOFT, "GSM645"),
        ("geo/series_matrix/GSE99709_series_matrix.txt.gz", Kind.SERIES_MATRIX, "GSE99709"),
        ("geo/miniml/GSE730_family.xml", Kind.MINIML_FAMILY, "GSE730"),
        ("geo/miniml/GSE180363.miniml.xml", Kind.MINIML_SERIES, "GSE180363"),
        ("geo/miniml/GSE171682.xml", Kind.MINIML_SAMPLES, "GSE171682"),
        ("geo/miniml/GSM5230452.xml", Kind.MINIML_SAMPLE, "GSM5230452"),
        ("geo/ncbi_counts/GSE63966_raw_counts_GRCh38.p13_NCBI.tsv.gz", Kind.NCBI_COUNTS, "GSE63966"),
    ],
)
def test_corpus_files_are_classified_by_content(corpus: Path, rel: str, kind: Kind, accession: str) -> None:
    found = sniff(corpus, rel)
    assert (found.kind, found.accession) == (kind, accession)


def test_a_series_header_is_read_with_its_fields(corpus: Path) -> None:
    found = sniff(corpus, "geo/soft/GSE14618.soft.gz")
    assert found.gzipped
    assert found.fields["Series_last_update_date"] == ("Sep 10 2010",)
    assert found.fields["Series_platform_id"] == ("GPL96", "GPL570")
    assert len(found.fields["Series_sample_id"]) == 92


def test_acc_cgi_sample_sets_belong_to_the_series_their_folder_names(corpus: Path) -> None:
    # the SubSeries' samples also list the SuperSeries; the folder says which one was asked for
    sub = sniff(corpus, "geo/acc_cgi/GSE146540/GSM.soft")
    assert sub.kind is Kind.SAMPLE_SET_SOFT
    assert set(sub.fields["Sample_series_id"]) == {"GSE146540", "GSE146583"}
    assert sub.series == ("GSE146540",)
    assert sniff(corpus, "geo/acc_cgi/GSE146583/GSM.soft").series == ("GSE146583",)


def test_recorded_eutils_answers_are_recognised(corpus: Path) -> None:
    search = sniff(corpus, "eutils/GSE93374_search.txt").recording
    summary = sniff(corpus, "eutils/GSE93374_summary.txt").recording
    fragment = sniff(corpus, "eutils/GSM3717978_summary.txt").recording
    xml = sniff(corpus, "eutils/geo.esummary.test2.xml").recording

    assert isinstance(search, RecordedSearch)
    assert (search.translation, search.count, search.ids) == ("GSE93374[GEO Accession]", 13, ("200093374",))
    assert isinstance(summary, RecordedSummary) and summary.uids == ("200093374",) and summary.db_hint == "gds"
    assert isinstance(fragment, RecordedSummary) and not fragment.wrapped and fragment.uids == ("303717978",)
    assert isinstance(xml, RecordedSummary) and xml.retmode == "xml" and "200021230" in xml.docs


def test_recorded_error_bodies_keep_their_status(corpus: Path) -> None:
    assert sniff(corpus, "ena/browser_xml/ERP006216.xml").status == 404
    assert sniff(corpus, "ena/browser_xml/ERP108370.xml").status == 200


def test_examples_and_broken_files_are_not_archive_records(corpus: Path) -> None:
    assert sniff(corpus, "geo/soft_examples/soft_ex_family.txt").kind is Kind.OTHER
    assert sniff(corpus, "geo/gpl/GPLbroken.soft.gz").kind is Kind.OTHER


def test_reading_stops_at_the_first_platform(tmp_path: Path) -> None:
    path = tmp_path / "whatever.txt.gz"
    text = (
        "^DATABASE = GeoMiame\n!Database_name = GEO\n^SERIES = GSE42\n!Series_title = The real title\n"
        "^PLATFORM = GPL1\n!Series_title = not a series field any more\n"
    )
    path.write_bytes(gzip.compress(text.encode()))
    found = sniff_file(path, path.name)
    assert (found.kind, found.accession) == (Kind.SERIES_FAMILY_SOFT, "GSE42")
    assert found.fields["Series_title"] == ("The real title",)


def test_reading_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sniff_module, "SNIFF_CAP", 4096)
    path = tmp_path / "GSE43_family.soft"
    lines = ["^DATABASE = GeoMiame", "^SERIES = GSE43"] + [f"!Series_sample_id = GSM{n}" for n in range(10_000)]
    path.write_text("\n".join(lines) + "\n")
    found = sniff_file(path, path.name)
    assert found.accession == "GSE43"
    assert 0 < len(found.fields["Series_sample_id"]) < 500


def test_an_oddly_named_counts_file_waits_for_its_series(tmp_path: Path) -> None:
    path = tmp_path / "counts.tsv"
    path.write_text("GeneID\tGSM1\tGSM2\n1\t0\t3\n")
    found = sniff_file(path, path.name)
    assert (found.kind, found.accession, found.fields["samples"]) == (
        Kind.NCBI_COUNTS,
        None,
        ("GSM1", "GSM2"),
    )
