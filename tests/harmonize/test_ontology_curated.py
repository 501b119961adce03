"""The reviewed project tables only name live terms of the pinned releases, in the right ontology."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from rnacorpus.harmonize.ontology import get_index
from rnacorpus.harmonize.ontology.curated import cell_line_table, curated_table, taxa, taxon_named
from rnacorpus.harmonize.ontology.match import FIELD_SCOPES
from rnacorpus.harmonize.ontology.normalize import compact, norm

FIELD_OF_SCOPE = {scope: field for field, scopes in FIELD_SCOPES.items() for scope in scopes}


def test_every_curated_term_exists_is_live_and_fits_its_field() -> None:
    index = get_index()
    problems = []
    for entry in curated_table().entries:
        if not index.exists(entry.term_id) or index.deprecated(entry.term_id):
            problems.append(f"{entry.text}: {entry.term_id} missing or deprecated")
        elif FIELD_OF_SCOPE.get(index.scope(entry.term_id) or "") != entry.field:
            problems.append(f"{entry.text}: {entry.term_id} is {index.scope(entry.term_id)}, not {entry.field}")
        for field, term_id in entry.implies:
            if FIELD_OF_SCOPE.get(index.scope(term_id) or "") != field:
                problems.append(f"{entry.text}: implied {term_id} is not a {field}")
    assert problems == []


def test_the_where_column_says_anywhere_or_whole_value_only() -> None:
    from rnacorpus.harmonize.ontology import curated

    rows = list(curated._rows("curated_terms.tsv"))
    assert {row["where"] for row in rows} <= {"", "whole"}
    assert {e.text for e in curated_table().entries if e.whole_only} == {r["text"] for r in rows if r["where"]}


def test_curated_keys_are_unique_per_field_and_organism() -> None:
    keys = Counter((e.field, e.text if e.case_sensitive else norm(e.text), e.organism) for e in curated_table().entries)
    assert [key for key, count in keys.items() if count > 1] == []


def test_every_cell_line_row_names_a_live_cellosaurus_line_and_valid_origins() -> None:
    index = get_index()
    problems = []
    for entry in cell_line_table().entries:
        label = index.label(entry.cvcl_id)
        if label is None:
            problems.append(f"{entry.cvcl_id} not in Cellosaurus release")
        elif compact(label) != compact(entry.name):
            problems.append(f"{entry.cvcl_id}: table says {entry.name!r}, Cellosaurus {label!r}")
        if entry.origin_tissue and index.scope(entry.origin_tissue) != "tissue":
            problems.append(f"{entry.name}: origin tissue {entry.origin_tissue}")
        if entry.origin_disease and index.scope(entry.origin_disease) != "disease":
            problems.append(f"{entry.name}: origin disease {entry.origin_disease}")
        if entry.taxid not in taxa():
            problems.append(f"{entry.name}: taxon {entry.taxid} not in our table")
    assert problems == []


def test_cell_line_names_do_not_collide() -> None:
    owners: dict[str, set[str]] = {}
    for entry in cell_line_table().entries:
        for name in entry.names:
            owners.setdefault(compact(name), set()).add(entry.cvcl_id)
    assert {name: ids for name, ids in owners.items() if len(ids) > 1} == {}


def test_taxon_table_resolves_names_both_ways() -> None:
    assert taxon_named("Homo sapiens") == taxa()[9606]
    assert taxon_named("mouse") == taxa()[10090]
    assert taxon_named("NCBITaxon:7955") == taxa()[7955]
    assert taxon_named("unicorn") is None


def test_editing_a_curated_table_changes_the_pipeline_salt(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Every harvested study is keyed by the salt: an edited table must re-harmonize them all."""
    from rnacorpus.harmonize.ontology import curated
    from rnacorpus.pipeline.plan import pipeline_salt, reference_versions

    def forget() -> None:
        curated.curation_stamp.cache_clear()
        reference_versions.cache_clear()

    before = pipeline_salt()
    assert curated.curation_stamp() in before
    edited = tmp_path / "data"
    shutil.copytree(curated.DATA_DIR, edited)
    with (edited / "curated_terms.tsv").open("a", encoding="utf-8") as handle:
        handle.write("tissue\tliver lobe\tUBERON:0002107\t\t\t\t\ta reviewer's new row\n")
    monkeypatch.setattr(curated, "DATA_DIR", edited)
    forget()
    try:
        assert pipeline_salt() != before
    finally:
        monkeypatch.undo()
        forget()
    assert pipeline_salt() == before
