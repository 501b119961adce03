"""The SOFT / series-matrix writer produces what GEO produces and what our parser (and GEOparse) read back."""

from __future__ import annotations

import gzip
import logging
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from rnacorpus.errors import ConfigError
from rnacorpus.harvester.geo.matrix import parse_series_matrix
from rnacorpus.harvester.geo.soft import parse_family_soft
from rnacorpus.harvester.geo.synthetic import synthetic_array_study
from rnacorpus.harvester.geo.writer import write_family_soft, write_series_matrix
from rnacorpus.schemas import StudyBundle


def _lines(path: Path) -> list[str]:
    return gzip.decompress(path.read_bytes()).decode("utf-8").splitlines()


def _same(a: StudyBundle, b: StudyBundle) -> None:
    assert a.study == b.study and a.samples == b.samples and a.platforms == b.platforms
    assert [m.source for m in a.expression] == [m.source for m in b.expression]
    for x, y in zip(a.expression, b.expression, strict=True):
        assert x.sample_accessions == y.sample_accessions and x.feature_ids == y.feature_ids
        np.testing.assert_array_equal(x.values, y.values)
    assert a.platform_tables.keys() == b.platform_tables.keys()
    assert all(a.platform_tables[k].equals(b.platform_tables[k]) for k in a.platform_tables)


@pytest.fixture(scope="module")
def synthetic() -> StudyBundle:
    return synthetic_array_study(n_samples=12, n_probes=300, seed=7, missing_fraction=0.02)


def test_written_file_has_geo_layout(tmp_path: Path, synthetic: StudyBundle) -> None:
    path = write_family_soft(synthetic, tmp_path / "GSE990001_family.soft.gz")
    lines = _lines(path)
    assert lines[0] == "^DATABASE = GeoMiame"
    headers = [line for line in lines if line.startswith("^")]
    assert headers[1:3] == ["^SERIES = GSE990001", "^PLATFORM = GPL990001"]
    assert headers[3:] == [f"^SAMPLE = {s}" for s in synthetic.study.sample_accessions]
    series = lines[lines.index("^SERIES = GSE990001") + 1 : lines.index("^PLATFORM = GPL990001")]
    fields = [line.split(" = ", 1)[0] for line in series]
    assert fields[:6] == [
        "!Series_title",
        "!Series_geo_accession",
        "!Series_status",
        "!Series_submission_date",
        "!Series_last_update_date",
        "!Series_pubmed_id",
    ]
    assert "!Series_status = Public on Mar 02 2015" in series
    assert (
        fields.index("!Series_sample_id") < fields.index("!Series_contact_name") < fields.index("!Series_platform_id")
    )
    first_sample = lines.index("^SAMPLE = GSM9900001")
    block = lines[first_sample : first_sample + 60]
    assert "!Sample_data_row_count = 300" in block and "!Sample_characteristics_ch1 = tissue: liver" in block
    assert block.index("#ID_REF = ") + 1 == block.index("#VALUE = MAS5 signal intensity")
    assert block[block.index("!sample_table_begin") + 1] == "ID_REF\tVALUE"
    assert sum(line == "!sample_table_end" for line in lines) == 12
    assert any(line.endswith("\tnull") for line in lines)  # missing values as GEO writes them


def test_synthetic_study_reads_back_exactly(tmp_path: Path, synthetic: StudyBundle) -> None:
    parsed = parse_family_soft(write_family_soft(synthetic, tmp_path / "GSE990001_family.soft.gz"))
    assert parsed.issues == []
    np.testing.assert_array_equal(parsed.expression[0].values, synthetic.expression[0].values)
    assert parsed.expression[0].feature_ids == synthetic.expression[0].feature_ids
    assert parsed.samples[3].characteristics == synthetic.samples[3].characteristics
    assert parsed.platform_tables["GPL990001"].equals(synthetic.platform_tables["GPL990001"])


def test_geoparse_reads_what_we_write(tmp_path: Path, synthetic: StudyBundle) -> None:
    geoparse = pytest.importorskip("GEOparse")
    logging.getLogger("GEOparse").setLevel(logging.ERROR)
    path = write_family_soft(synthetic, tmp_path / "GSE990001_family.soft.gz")
    gse = geoparse.get_GEO(filepath=str(path), silent=True, destdir=str(tmp_path))
    assert list(gse.gsms) == synthetic.study.sample_accessions
    gsm = gse.gsms["GSM9900002"]
    assert gsm.metadata["characteristics_ch1"][0] == "tissue: lung"
    np.testing.assert_array_equal(
        np.asarray(gsm.table["VALUE"], np.float64).astype(np.float32), synthetic.expression[0].values[1]
    )
    assert len(gse.gpls["GPL990001"].table) == 300


@pytest.mark.parametrize(
    "rel",
    [
        "geo/soft/GSE1299_family.soft.gz",
        "geo/soft/GSE2221_family.soft.gz",
        "geo/soft/GSE63966_family.soft.gz",
        "geo/soft_examples/soft_ex_family.txt",
    ],
)
def test_real_study_rewritten_is_a_fixed_point(corpus: Path, tmp_path: Path, rel: str) -> None:
    parsed = parse_family_soft(corpus / rel)
    once = parse_family_soft(write_family_soft(parsed, tmp_path / "once_family.soft.gz"), file_name=Path(rel).name)
    twice = parse_family_soft(write_family_soft(once, tmp_path / "twice_family.soft.gz"), file_name=Path(rel).name)
    _same(once, twice)
    assert once.study.model_dump(exclude={"attributes"}) == parsed.study.model_dump(exclude={"attributes"})
    added = set(once.study.attributes) - set(parsed.study.attributes)
    assert added <= {"geo_accession"}  # documentation examples have none; GEO always writes it
    assert [s.characteristics for s in once.samples] == [s.characteristics for s in parsed.samples]


def test_series_matrix_round_trip(tmp_path: Path, synthetic: StudyBundle) -> None:
    path = write_series_matrix(synthetic, tmp_path / "GSE990001_series_matrix.txt.gz")
    lines = _lines(path)
    assert lines[0] == '!Series_title\t"Synthetic expression atlas of six human tissues under treatment"'
    assert any(line.startswith('!Series_sample_id\t"GSM9900001 GSM9900002 ') for line in lines)
    assert lines.count("!series_matrix_table_begin") == 1
    parsed = parse_series_matrix(path)
    assert parsed.study.sample_accessions == synthetic.study.sample_accessions
    (matrix,) = parsed.expression
    assert (matrix.source.kind, matrix.source.platform_accession) == ("series_matrix", "GPL990001")
    np.testing.assert_array_equal(matrix.values, synthetic.expression[0].values)
    assert [s.characteristics for s in parsed.samples] == [s.characteristics for s in synthetic.samples]
    assert [s.title for s in parsed.samples] == [s.title for s in synthetic.samples]


def test_series_matrix_of_a_sequencing_study_has_an_empty_table(corpus: Path, tmp_path: Path) -> None:
    bundle = parse_family_soft(corpus / "geo/soft/GSE63966_family.soft.gz")
    path = write_series_matrix(bundle, tmp_path / "GSE63966_series_matrix.txt.gz")
    lines = _lines(path)
    begin = lines.index("!series_matrix_table_begin")
    assert lines[begin + 1].startswith('"ID_REF"\t"GSM1561390"') and lines[begin + 2] == "!series_matrix_table_end"
    parsed = parse_series_matrix(path)
    assert parsed.expression == [] and len(parsed.samples) == 16
    assert parsed.samples[0].xrefs == bundle.samples[0].xrefs


def test_series_matrix_needs_a_platform_when_there_are_several(corpus: Path, tmp_path: Path) -> None:
    bundle = parse_family_soft(corpus / "geo/soft/GSE1299_family.soft.gz")
    with pytest.raises(ConfigError, match="4 expression matrices: pass platform="):
        write_series_matrix(bundle, tmp_path / "GSE1299_series_matrix.txt.gz")
    path = write_series_matrix(bundle, tmp_path / "GSE1299-GPL96_series_matrix.txt.gz", platform="GPL96")
    parsed = parse_series_matrix(path)
    assert parsed.expression[0].source.platform_accession == "GPL96"
    assert parsed.expression[0].sample_accessions == [
        s.accession for s in bundle.samples if s.platform_accession == "GPL96"
    ]


def test_writing_is_atomic(tmp_path: Path, synthetic: StudyBundle) -> None:
    target = tmp_path / "GSE990001_family.soft.gz"
    target.write_bytes(b"previous")
    # a platform table that is not all strings fails half-way through the file
    broken = StudyBundle(
        study=synthetic.study,
        platforms=synthetic.platforms,
        samples=synthetic.samples,
        expression=synthetic.expression,
        platform_tables={"GPL990001": pa.table({"ID": [1, 2]})},
    )
    with pytest.raises(TypeError):
        write_family_soft(broken, target)
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
