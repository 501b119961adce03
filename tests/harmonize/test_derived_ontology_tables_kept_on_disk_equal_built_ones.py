"""Tables derived from the ontology index are kept on disk; what a later process loads is what it
would have built, a damaged file is built again, and only this code's own older files are replaced."""

from __future__ import annotations

from pathlib import Path

import pytest

from rnacorpus.harmonize.ontology import class_heads, dropped_adjective, name_pairs, respell
from rnacorpus.harmonize.ontology.derived import code_key, derived_table
from rnacorpus.harmonize.ontology.index import OntologyIndex, get_index

BUILDERS = {
    "class_heads": class_heads._Vocabulary,
    "name_pairs": name_pairs._TissueNames,
    "respell": respell._Words,
    "dropped_adjective": dropped_adjective._Dropped,
}


@pytest.fixture(scope="module")
def shared_index() -> OntologyIndex:
    """The process index's tables in an index of this module's own (the rules' per-index caches are
    filled once for all its tests)."""
    return OntologyIndex(get_index().tables)


@pytest.fixture
def index(shared_index: OntologyIndex, tmp_path: Path) -> OntologyIndex:
    """... with a cache folder of the test's own."""
    shared_index.cache_folder = tmp_path / "release"
    return shared_index


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_a_table_loaded_from_disk_equals_the_one_built(index: OntologyIndex, name: str) -> None:
    build = BUILDERS[name]
    built = derived_table(index, name, lambda: build(index))
    path = index.cache_folder / "derived" / f"{name}-{code_key()}.pickle"  # type: ignore[operator]
    assert path.exists()

    def must_not_build() -> object:
        raise AssertionError("loaded from disk, not built")

    loaded = derived_table(index, name, must_not_build)
    assert loaded is not built
    assert vars(loaded) == vars(built)


def test_a_damaged_file_is_built_again_and_rewritten(index: OntologyIndex) -> None:
    path = index.cache_folder / "derived" / f"respell-{code_key()}.pickle"  # type: ignore[operator]
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a pickle")
    table = derived_table(index, "respell", lambda: respell._Words(index))
    assert vars(table) == vars(respell._Words(index))
    assert path.read_bytes() != b"not a pickle"


def test_an_older_codes_file_is_replaced_and_a_users_file_survives(index: OntologyIndex) -> None:
    folder = index.cache_folder / "derived"  # type: ignore[operator]
    folder.mkdir(parents=True)
    older = folder / f"respell-{'0' * 64}.pickle"
    other_table = folder / f"name_pairs-{'0' * 64}.pickle"
    users = folder / "respell-notes.pickle"
    for path in (older, other_table, users):
        path.write_bytes(b"kept?")
    derived_table(index, "respell", lambda: respell._Words(index))
    assert not older.exists()
    assert other_table.exists() and users.exists()


def test_an_index_without_a_cache_folder_builds_every_time() -> None:
    index = OntologyIndex(get_index().tables)
    calls = []

    def build() -> respell._Words:
        calls.append(1)
        return respell._Words(index)

    for _ in range(2):
        derived_table(index, "respell", build)
    assert len(calls) == 2


def test_the_process_index_keeps_its_tables_beside_its_compiled_ones() -> None:
    index = get_index()
    assert index.cache_folder is not None
    assert (index.cache_folder / "terms.arrow").exists()
