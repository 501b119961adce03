"""Every query filter accepts its own ontology's labels, synonyms and CURIEs, and a label the catalog
holds; when nothing matches, it suggests terms of that field's ontology (labels held first)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from rnacorpus.catalog.api import Catalog
from rnacorpus.errors import ConfigError
from tests.catalog.query_world import query_world


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    return Catalog.open(query_world(tmp_path_factory, "query-filters"))


def names_of(path: Path, term_id: str) -> tuple[str, list[str]]:
    with duckdb.connect(str(path), read_only=True) as con:
        # the reference tables are views over files in the store, named relative to it
        store = con.execute("SELECT value FROM catalog_versions WHERE key = 'store_dir'").fetchall()[0][0]
        con.execute(f"SET file_search_path = '{store}'")
        label, synonyms = con.execute(
            "SELECT label, synonyms FROM ontology_terms WHERE term_id = ?", [term_id]
        ).fetchall()[0]
    return str(label), [str(s) for s in synonyms or []]


def accessions(catalog: Catalog, **filters: str) -> list[str]:
    return catalog.samples(columns=["accession"], **filters).column("accession").to_pylist()


@pytest.mark.parametrize(
    ("field", "term_id", "expected"),
    [
        ("tissue", "UBERON:0002421", ["GSM1"]),
        ("disease", "MONDO:0004975", ["GSM1"]),
        ("disease", "MONDO:0005015", ["GSM2"]),
        ("cell_type", "CL:0000182", ["GSM2"]),
        ("sex", "PATO:0000383", ["GSM1"]),
        ("development_stage", "MmusDv:0000110", ["GSM1"]),
    ],
)
def test_label_synonym_and_curie_of_each_field_resolve(
    catalog: Catalog, field: str, term_id: str, expected: list[str]
) -> None:
    label, synonyms = names_of(catalog.path, term_id)
    for text in [label, label.upper(), term_id, term_id.replace(":", "_").lower(), *synonyms[:2]]:
        plan = catalog.sample_query(**{field: text})
        assert term_id in plan.filters[0].term_ids, (field, text, plan.filters[0])
        assert set(expected) <= set(accessions(catalog, **{field: text})), (field, text)


def test_mature_stage_means_each_species_own_term(catalog: Catalog) -> None:
    """MmusDv labels "mature stage"; HsapDv's adult stage has it as a synonym: both count, per species."""
    plan = catalog.sample_query(development_stage="mature stage")
    assert set(plan.filters[0].term_ids) >= {"MmusDv:0000110", "HsapDv:0000258"}
    assert accessions(catalog, development_stage="mature stage") == ["GSM1", "GSM2"]
    assert accessions(catalog, development_stage="mature stage", organism="mouse") == ["GSM1"]
    assert accessions(catalog, development_stage="mature stage", organism="human") == ["GSM2"]


def test_a_label_only_the_catalog_holds_resolves(catalog: Catalog) -> None:
    plan = catalog.sample_query(development_stage="Late Fetal Stage (old release)")
    assert plan.filters[0].term_ids == ("HsapDv:9999999",) and plan.filters[0].how == "catalog_label"
    assert accessions(catalog, development_stage="late fetal stage (old release)") == ["GSM3"]


def test_descendants_are_included_unless_exact(catalog: Catalog) -> None:
    assert accessions(catalog, tissue="brain") == ["GSM1"]  # hippocampal formation is part of the brain
    assert accessions(catalog, tissue="brain", descendants=False) == []


@pytest.mark.parametrize(
    ("field", "typo", "first", "prefixes"),
    [
        ("tissue", "hipocampal formation", "hippocampal formation (UBERON:0002421)", ("UBERON:",)),
        ("development_stage", "matur stage", "mature stage (MmusDv:0000110)", ("MmusDv:", "HsapDv:", "UBERON:")),
        ("disease", "alzheimers diseas", "Alzheimer disease (MONDO:0004975)", ("MONDO:",)),
    ],
)
def test_no_match_suggests_terms_of_that_fields_ontology(
    catalog: Catalog, field: str, typo: str, first: str, prefixes: tuple[str, ...]
) -> None:
    with pytest.raises(ConfigError) as caught:
        catalog.samples(**{field: typo})
    message = str(caught.value)
    assert f'matches --{field.replace("_", "-")} "{typo}"; did you mean: {first}' in message, message
    suggested = [part.rsplit("(", 1)[1].rstrip(")") for part in message.split("did you mean: ", 1)[1].split("), ")]
    assert suggested and all(curie.startswith(prefixes) for curie in suggested), suggested


def test_an_unknown_curie_and_organism_are_refused_with_the_reason(catalog: Catalog) -> None:
    with pytest.raises(ConfigError, match="UBERON:9999999 is not a term this catalog knows"):
        catalog.samples(tissue="UBERON:9999999")
    with pytest.raises(
        ConfigError, match=r'no organism matches --organism "mouze"; did you mean: mouse \(NCBITaxon:10090\)'
    ):
        catalog.samples(organism="mouze")


def test_count_agrees_with_the_rows(catalog: Catalog) -> None:
    assert catalog.count(tissue="liver") == catalog.samples(tissue="liver").num_rows == 2
    assert catalog.count(tissue="liver", organism="mouse") == 0
