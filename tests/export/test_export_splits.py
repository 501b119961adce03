"""Splits: any names, fractions summing to 1, seeded, by unit — no unit in two splits, ever."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnacorpus.catalog.api import Catalog
from rnacorpus.catalog.export_splits import assign_split, parse_splits
from rnacorpus.catalog.split_units import split_units
from rnacorpus.errors import ConfigError
from tests.export.catalogs import StudySpec, build_catalog, reference_genes

GENES = reference_genes(9606, "protein_coding", 20)


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    specs = [StudySpec(f"GSE{i}", [f"GSM{i}_{j}" for j in range(1 + i % 3)], GENES, seed=i) for i in range(12)]
    return build_catalog(tmp_path_factory.mktemp("splits"), specs)


def test_split_text_is_parsed_and_checked() -> None:
    assert parse_splits("train=0.8,val=0.1,test=0.1").as_dict() == {"train": 0.8, "val": 0.1, "test": 0.1}
    assert parse_splits((0.7, 0.3)).names == ("train", "validation")
    for bad in ("train=0.8,val=0.1", "train=0.5,train=0.5", "a/b=1", "train", "x=-0.5,y=1.5"):
        with pytest.raises(ConfigError):
            parse_splits(bad)


def test_assignment_is_deterministic_and_balanced() -> None:
    spec = parse_splits("train=0.8,val=0.1,test=0.1")
    parts = [assign_split(f"GSE{i}", spec, "seed") for i in range(2000)]
    assert parts == [assign_split(f"GSE{i}", spec, "seed") for i in range(2000)]
    assert 0.75 < parts.count("train") / 2000 < 0.85


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.text(min_size=1, max_size=8), cut=st.floats(0.05, 0.9))
def test_no_unit_is_in_two_splits(
    catalog: Catalog, tmp_path_factory: pytest.TempPathFactory, seed: str, cut: float
) -> None:
    out = tmp_path_factory.mktemp("prop") / "o"
    catalog.export(out, splits={"a": cut, "b": 1 - cut}, seed=seed)
    listed = json.loads((out / "manifest.json").read_text())["samples"]
    with catalog.connect() as con:
        units = split_units(con, [e["sample_accession"] for e in listed]).unit_of
    split_of_unit: dict[str, set[str]] = {}
    for entry in listed:
        split_of_unit.setdefault(units[entry["sample_accession"]], set()).add(entry["split"])
    assert all(len(s) == 1 for s in split_of_unit.values())


def test_a_split_with_no_study_is_a_warning_or_with_strict_an_error(catalog: Catalog, tmp_path: Path) -> None:
    result = catalog.export(tmp_path / "w", where="study_accession = 'GSE1'", splits="train=0.5,test=0.5")
    assert len(result.warnings) == 1 and "received no study" in result.warnings[0]
    assert sorted(s["samples"] for s in result.splits.values()) == [0, 2]
    with pytest.raises(ConfigError, match="--strict"):
        catalog.export(tmp_path / "s", where="study_accession = 'GSE1'", splits="train=0.5,test=0.5", strict=True)
    assert not (tmp_path / "s").exists()
