"""Our SOFT reader agrees with GEOparse 2.0.4 on real files: sample counts, titles, raw
characteristics, per-sample and per-platform table row counts, and the VALUE numbers themselves."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from rnacorpus.harvester.geo.soft import parse_family_soft, parse_soft_records
from rnacorpus.schemas import StudyBundle

GEOparse = pytest.importorskip("GEOparse")

FAMILY_FILES = [
    "geo/soft/GSE1299_family.soft.gz",  # four array platforms, chopped tables
    "geo/soft/GSE2388_family.soft.gz",  # two-colour array
    "geo/soft/GSE14618.soft.gz",  # SuperSeries, 92 samples on two platforms
    "geo/soft/GSE63966_family.soft.gz",  # RNA-seq, no sample tables
    "geo/soft/GSE2221_family.soft.gz",  # GenePix, empty VALUE cells
    "geo/soft/GSE11897_family.soft.gz",  # SuperSeries, three platforms
]


@pytest.fixture(autouse=True)
def _quiet_geoparse() -> Any:
    logging.getLogger("GEOparse").setLevel(logging.ERROR)
    yield


def _geoparse(path: Path, tmp_path: Path) -> Any:
    # GEOparse tells GSE, GSM and GPL records apart by the file name's prefix; corpus names keep it
    return GEOparse.get_GEO(filepath=str(path), silent=True, destdir=str(tmp_path))


def _values(bundle: StudyBundle, sample: str) -> tuple[list[str], np.ndarray] | None:
    for matrix in bundle.expression:
        if sample in matrix.sample_accessions:
            row = matrix.values[matrix.sample_accessions.index(sample)]
            return matrix.feature_ids, row
    return None


@pytest.mark.parametrize("rel", FAMILY_FILES)
def test_family_soft_matches_geoparse(corpus: Path, rel: str, tmp_path: Path) -> None:
    ours = parse_family_soft(corpus / rel)
    theirs = _geoparse(corpus / rel, tmp_path)
    assert [s.accession for s in ours.samples] == list(theirs.gsms)
    assert ours.study.title == theirs.metadata["title"][0]
    for sample in ours.samples:
        gsm = theirs.gsms[sample.accession]
        assert sample.title == gsm.metadata["title"][0]
        for channel in (1, 2):
            field = f"characteristics_ch{channel}"
            assert sample.attributes.get(field, []) == gsm.metadata.get(field, [])
        assert sample.data_row_count == len(gsm.table)
        _compare_values(ours, sample.accession, gsm.table)
    for platform in ours.platforms:
        gpl_table = theirs.gpls[platform.accession].table
        assert platform.data_row_count == len(gpl_table)
        if len(gpl_table):
            ours_table = ours.platform_tables[platform.accession]
            assert ours_table.num_rows == len(gpl_table)
            assert ours_table.column(0).to_pylist() == [str(v) for v in gpl_table.iloc[:, 0]]


def _compare_values(ours: StudyBundle, sample: str, table: Any) -> None:
    if len(table) == 0 or "VALUE" not in table.columns:
        assert _values(ours, sample) is None
        return
    found = _values(ours, sample)
    assert found is not None
    feature_ids, row = found
    position = {feature: k for k, feature in enumerate(feature_ids)}
    ids = [str(v) for v in table["ID_REF"]]
    expected = np.asarray(table["VALUE"], dtype=np.float64).astype(np.float32)
    got = row[[position[feature] for feature in ids]]
    np.testing.assert_array_equal(got, expected)


def test_characteristics_split_like_the_raw_strings(corpus: Path, tmp_path: Path) -> None:
    rel = "geo/soft/GSE11897_family.soft.gz"
    ours = parse_family_soft(corpus / rel)
    theirs = _geoparse(corpus / rel, tmp_path)
    for sample in ours.samples:
        raw = theirs.gsms[sample.accession].metadata.get("characteristics_ch1", [])
        rebuilt = [
            f"{c.key}: {c.value}" if c.key is not None else c.value for c in sample.characteristics if c.channel == 1
        ]
        assert [" ".join(r.split()) for r in raw if r.strip()] == [" ".join(r.split()) for r in rebuilt]


@pytest.mark.parametrize("rel", ["geo/gsm/GSM11805.txt.gz", "geo/gsm/GSM32878.txt"])
def test_single_sample_record_matches_geoparse(corpus: Path, rel: str, tmp_path: Path) -> None:
    records = parse_soft_records(corpus / rel)
    gsm = _geoparse(corpus / rel, tmp_path)
    (sample,) = records.samples
    assert sample.accession == gsm.name and sample.title == gsm.metadata["title"][0]
    assert sample.data_row_count == len(gsm.table)
    (matrix,) = records.expression
    expected = np.asarray(gsm.table["VALUE"], dtype=np.float64).astype(np.float32)
    np.testing.assert_array_equal(matrix.values[0], expected)


def test_platform_record_matches_geoparse(corpus: Path, tmp_path: Path) -> None:
    from rnacorpus.harvester.geo.soft import read_platform_table

    rel = "geo/gpl/GPL4133.txt"
    platform, table = read_platform_table(corpus / rel)
    gpl = _geoparse(corpus / rel, tmp_path)
    assert platform.title == gpl.metadata["title"][0]
    assert table.num_rows == len(gpl.table) and table.column_names == list(gpl.table.columns)
