"""The pinned index: releases checked at the door, disk cache, lookups, closure and query resolution."""

from __future__ import annotations

from pathlib import Path

import pytest

from rnacorpus.errors import ConfigError
from rnacorpus.harmonize.ontology import get_index, ontology_releases, ontology_tables, resolve_terms
from rnacorpus.harmonize.ontology.compile import TABLE_NAMES, _read, load_tables
from rnacorpus.harmonize.ontology.releases import (
    CXG_SCHEMA_VERSION,
    ONTOLOGY_RELEASES,
    check_installed_releases,
    release_key,
    release_of,
)

BRAIN, HIPPOCAMPUS, CEREBELLUM, SPINAL_CORD = (
    "UBERON:0000955",
    "UBERON:0002421",
    "UBERON:0002037",
    "UBERON:0002240",
)


def _package_info(**overrides: str) -> dict[str, object]:
    ontologies = {name: {"version": version} for name, version in ONTOLOGY_RELEASES.items()}
    for name, version in overrides.items():
        ontologies[name] = {"version": version}
    return {CXG_SCHEMA_VERSION: {"ontologies": ontologies}}


def test_pins_match_the_installed_package() -> None:
    from cellxgene_ontology_guide.supported_versions import load_supported_versions

    check_installed_releases(load_supported_versions())
    releases = ontology_releases()
    assert releases["UBERON"] == ONTOLOGY_RELEASES["UBERON"] and releases["cellxgene_schema"] == CXG_SCHEMA_VERSION
    assert releases["cellxgene-ontology-guide"]


def test_a_release_drift_is_refused_with_got_and_expected() -> None:
    with pytest.raises(ConfigError, match=r"UBERON: got v1999-01-01, expected v2026-04-01"):
        check_installed_releases(_package_info(UBERON="v1999-01-01"))
    with pytest.raises(ConfigError, match="no longer ships"):
        check_installed_releases({"0.1.0": {"ontologies": {}}})


def test_release_stamp_per_term() -> None:
    assert release_of("UBERON:0002107") == f"UBERON {ONTOLOGY_RELEASES['UBERON']}"
    assert release_of("CVCL_0030") == f"CVCL {ONTOLOGY_RELEASES['CVCL']}"
    assert (release_of("NCBITaxon:9606") or "").startswith("NCBITaxon ")
    assert release_of("XYZ:1") is None


def test_disk_cache_is_keyed_by_release_and_a_warm_load_compiles_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    get_index()  # the shared cache is warm after this

    def compile_again() -> None:
        raise AssertionError("a warm load must read the cache, not recompile the ontologies")

    monkeypatch.setattr("rnacorpus.harmonize.ontology.compile.compile_tables", compile_again)
    tables = load_tables()
    assert {"terms", "names", "keys", "closure", "cell_lines"} <= set(tables)
    assert release_key().startswith(f"cxg{CXG_SCHEMA_VERSION}-")
    # an unreadable cache file is a miss (rebuilt), never trusted
    for name in TABLE_NAMES:
        (tmp_path / f"{name}.arrow").write_bytes(b"not arrow")
    assert _read(tmp_path) is None


def test_lookup_by_form_and_scope() -> None:
    index = get_index()
    assert [hit.term_id for hit in index.lookup("liver", "casefold", ["tissue"])] == ["UBERON:0002107"]
    assert index.lookup("liver", "casefold", ["disease"]) == []
    assert index.label("CVCL_0030") == "HeLa" and index.cell_lines("mcf7") == ["CVCL_0031"]
    assert index.scope("PATO:0000461") == "disease" and index.scope("PATO:0000383") == "sex"
    assert index.scope("UBERON:0000068") == "stage"  # embryo stage is not anatomy


def test_closure_has_part_of_and_is_a() -> None:
    index = get_index()
    assert index.is_ancestor(BRAIN, HIPPOCAMPUS) and index.is_ancestor(BRAIN, CEREBELLUM)
    assert not index.is_ancestor(BRAIN, SPINAL_CORD)
    assert index.ancestors(BRAIN)[BRAIN] == 0
    below = set(index.descendants([BRAIN]))
    assert {HIPPOCAMPUS, CEREBELLUM, BRAIN} <= below and SPINAL_CORD not in below


@pytest.mark.parametrize(
    ("field", "name", "expected"),
    [
        ("tissue", "brain", ["UBERON:0000955"]),
        ("tissue", "UBERON:0000955", ["UBERON:0000955"]),
        ("tissue", "uberon_0000955", ["UBERON:0000955"]),
        ("disease", "breast carcinoma", ["MONDO:0004989"]),
        ("disease", "healthy", ["PATO:0000461"]),
        ("cell_type", "T cell", ["CL:0000084"]),
        ("cell-type", "T cells", ["CL:0000084"]),
        ("organism", "human", ["NCBITaxon:9606"]),
        ("organism", "Mus musculus", ["NCBITaxon:10090"]),
        ("cell_line", "HeLa", ["CVCL_0030"]),
        ("tissue", "no such organ", []),
        ("tissue", "UBERON:9999999", []),
    ],
)
def test_resolve_terms(field: str, name: str, expected: list[str]) -> None:
    assert resolve_terms(field, name) == expected


def test_resolve_terms_rejects_unknown_fields() -> None:
    with pytest.raises(ConfigError, match="unknown field"):
        resolve_terms("colour", "blue")


def test_ontology_tables_for_the_catalog() -> None:
    terms, closure = ontology_tables()
    assert terms.column_names[:3] == ["term_id", "ontology", "label"]
    ids = set(terms["term_id"].to_pylist())
    assert {"UBERON:0000955", "CVCL_0030", "NCBITaxon:9606", "PATO:0000461", "MmusDv:0000002"} <= ids
    assert len(ids) == terms.num_rows  # one row per term
    assert closure.column_names == ["ancestor_id", "descendant_id", "distance"]
    assert closure.num_rows > terms.num_rows // 2
