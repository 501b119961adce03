"""A reference's gene index is kept on disk: what a later process loads equals what it would build,
a damaged or foreign file is built again, the key follows the reference's files, and only this
module's own older files are replaced."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from rnacorpus.harmonize.genes import GeneReference, load_reference
from rnacorpus.harmonize.genes.index import GeneIndex, KeyTable, _build
from rnacorpus.harmonize.genes.kept_index import index_path, kept_index


def _same_table(got: KeyTable | None, want: KeyTable | None) -> None:
    assert (got is None) == (want is None)
    if got is None or want is None:
        return
    assert got.keys.equals(want.keys)
    assert got.row.dtype == want.row.dtype and np.array_equal(got.row, want.row)
    assert got.claimants == want.claimants


def _same_index(got: GeneIndex, want: GeneIndex) -> None:
    assert got.reference is want.reference
    for name in ("ensembl", "entrez", "refseq", "authority", "transcripts", "history"):
        _same_table(getattr(got, name), getattr(want, name))
    assert [level for level, _ in got.symbol_levels] == [level for level, _ in want.symbol_levels]
    for (_, got_table), (_, want_table) in zip(got.symbol_levels, want.symbol_levels, strict=True):
        _same_table(got_table, want_table)
    for name in ("ensembl_ids", "has_ensembl", "symbols", "gene_keys"):
        assert np.array_equal(getattr(got, name), getattr(want, name)), name
    assert np.array_equal(got.versions, want.versions, equal_nan=True)
    assert (got.retired is None and want.retired is None) or got.retired.equals(want.retired)  # type: ignore[union-attr]


def _must_not_build(reference: GeneReference) -> GeneIndex:
    raise AssertionError("loaded from disk, not built")


@pytest.mark.parametrize("organism", ["human", "mouse"])
def test_an_index_loaded_from_disk_equals_the_one_built(organism: str, tmp_path: Path) -> None:
    reference = load_reference(organism)
    built = kept_index(reference, _build, tmp_path)
    path = index_path(reference, tmp_path)
    assert path is not None and path.exists()
    loaded = kept_index(reference, _must_not_build, tmp_path)
    assert loaded is not built
    _same_index(loaded, _build(reference))


def test_a_damaged_file_is_built_again_and_rewritten(tmp_path: Path) -> None:
    reference = load_reference("human")
    path = index_path(reference, tmp_path)
    assert path is not None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not a pickle")
    _same_index(kept_index(reference, _build, tmp_path), _build(reference))
    assert path.read_bytes() != b"not a pickle"
    _same_index(kept_index(reference, _must_not_build, tmp_path), _build(reference))


def test_a_file_kept_for_other_genes_is_not_used(tmp_path: Path) -> None:
    """A file under this reference's name whose tables hold another gene count is built again."""
    reference = load_reference("human")
    path = index_path(reference, tmp_path)
    assert path is not None
    kept_index(reference, _build, tmp_path)
    fewer = dataclasses.replace(reference, table=reference.table.slice(0, 100))
    fewer_path = index_path(fewer, tmp_path)
    assert fewer_path == path  # same sources: only the check on the tables can tell them apart
    calls: list[int] = []

    def build(ref: GeneReference) -> GeneIndex:
        calls.append(ref.n_genes)
        return _build(ref)

    index = kept_index(fewer, build, tmp_path)
    assert calls == [100] and len(index.ensembl_ids) == 100


def test_the_key_follows_the_reference_files_and_the_organism(tmp_path: Path) -> None:
    human = load_reference("human")
    mouse = load_reference("mouse")
    paths = {index_path(human, tmp_path), index_path(mouse, tmp_path)}
    changed = dataclasses.replace(human, sources=(*human.sources[:-1], "history " + "0" * 64))
    paths.add(index_path(changed, tmp_path))
    assert len(paths) == 3 and None not in paths
    assert len(human.sources) == 3  # the table and both companions, each checked against its pin


def test_a_reference_read_from_no_file_is_built_every_time(tmp_path: Path) -> None:
    reference = dataclasses.replace(load_reference("human"), sources=())
    calls: list[int] = []

    def build(ref: GeneReference) -> GeneIndex:
        calls.append(1)
        return _build(ref)

    kept_index(reference, build, tmp_path)
    kept_index(reference, build, tmp_path)
    assert calls == [1, 1]
    assert list(tmp_path.iterdir()) == []


def test_an_older_file_is_replaced_and_others_survive(tmp_path: Path) -> None:
    reference = load_reference("human")
    older = tmp_path / f"index-human-{'0' * 64}.pickle"
    mouse = tmp_path / f"index-mouse-{'0' * 64}.pickle"
    users = tmp_path / "index-human-notes.pickle"
    for path in (older, mouse, users):
        path.write_bytes(b"kept?")
    kept_index(reference, _build, tmp_path)
    assert not older.exists()
    assert mouse.exists() and users.exists()


def test_a_folder_that_cannot_be_written_only_costs_speed(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_bytes(b"")
    reference = load_reference("human")
    _same_index(kept_index(reference, _build, blocker / "genes"), _build(reference))
