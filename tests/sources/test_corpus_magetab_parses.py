"""Every MAGE-TAB file of the shared corpus parses: each SDRF into one record per distinct Source Name
(counted by a plain scan of the first column, not by the parser), each IDF into its tags; the retired
ArrayExpress JSON v3 answers are recognised as not BioStudies documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rnacorpus.errors import BadContentError
from rnacorpus.harvester.arrayexpress.biostudies import parse_study
from rnacorpus.harvester.arrayexpress.idf import read_idf
from rnacorpus.harvester.arrayexpress.sdrf import read_sdrf
from tests.conftest import CorpusFile, load_manifest

MAGETAB = [e for e in load_manifest() if e.rel.startswith("arrayexpress/magetab/")]
JSON_V3 = sorted(
    {e.rel: e for e in load_manifest() if e.rel.startswith("arrayexpress/json_v3/")}.values(), key=lambda e: e.rel
)


def naive_sources(path: Path) -> set[str]:
    """Distinct first cells of the non-blank lines after the header (Source Name is column 1)."""
    lines = path.read_bytes().decode("utf-8", "replace").splitlines()
    header = lines[0].split("\t")
    column = next(i for i, h in enumerate(header) if h.replace(" ", "").lower() == "sourcename")
    return {line.split("\t")[column].strip() for line in lines[1:] if line.strip()}


@pytest.mark.parametrize("entry", [e for e in MAGETAB if e.format == "sdrf"], ids=lambda e: e.rel)
def test_sdrf_gives_one_record_per_source(entry: CorpusFile) -> None:
    table = read_sdrf(entry.path)
    names = [record.name for record in table.sources]
    assert len(names) == len(set(names))
    assert set(names) == naive_sources(entry.path)
    rows = sum(len(record.lines) for record in table.sources)
    assert rows == table.n_rows >= len(names)
    assert all(record.characteristics for record in table.sources), "every corpus source has characteristics"


@pytest.mark.parametrize("entry", [e for e in MAGETAB if e.format == "idf"], ids=lambda e: e.rel)
def test_idf_parses_with_its_title_and_sdrf(entry: CorpusFile) -> None:
    idf = read_idf(entry.path)
    assert idf.title and idf.sdrf_files == [f"{entry.accession}.sdrf.txt"]
    assert idf.protocols() and idf.people()


def test_the_latin1_idf_is_read_with_its_degree_sign_and_reported() -> None:
    entry = next(e for e in MAGETAB if e.rel.endswith("E-GEOD-44719.idf.txt"))
    idf = read_idf(entry.path)
    text = " ".join(v for values in idf.tags.values() for v in values)
    assert "°" in text and "\ufffd" not in text
    assert idf.fallback_lines and idf.encoding == "utf-8 with windows-1252 lines"
    assert idf.secondary_accessions == ["GSE44719"]


@pytest.mark.parametrize("entry", JSON_V3, ids=lambda e: e.rel)
def test_retired_json_v3_answers_are_not_taken_for_biostudies_documents(entry: CorpusFile) -> None:
    with pytest.raises(BadContentError, match="without a 'section'"):
        parse_study(json.loads(entry.path.read_bytes()), accession=entry.accession)
