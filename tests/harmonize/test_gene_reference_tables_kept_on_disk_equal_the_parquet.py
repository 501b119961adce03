"""A gene reference's Parquet files are decoded once and kept as Arrow files: what a later process
maps is the table the Parquet file decodes to (stamp included), a damaged copy is read again, and
only copies of other versions of the same file are replaced."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from rnacorpus.fileio import sha256_file
from rnacorpus.harmonize.genes import load_reference
from rnacorpus.harmonize.genes.kept_index import kept_table
from rnacorpus.harmonize.genes.reference import DATA_DIR

FILES = ["human.genes.parquet", "human.transcripts.parquet", "mouse.history.parquet"]


@pytest.mark.parametrize("name", FILES)
def test_the_kept_table_equals_the_parquet_files(name: str, tmp_path: Path) -> None:
    path = DATA_DIR / name
    digest = sha256_file(path)
    first = kept_table(path, digest, tmp_path)
    (kept,) = tmp_path.glob("table-*.arrow")
    assert kept.name.startswith(f"table-{name.removesuffix('.parquet')}-")
    again = kept_table(path, digest, tmp_path)
    want = pq.read_table(path)
    for table in (first, again):
        assert table.schema.equals(want.schema, check_metadata=True)
        assert table.equals(want)


def test_the_copy_is_what_a_later_read_maps(tmp_path: Path) -> None:
    """The second read comes from the copy, not from the Parquet file (a different file's copy
    under this file's digest would be returned: the digest alone finds it)."""
    genes, history = DATA_DIR / "human.genes.parquet", DATA_DIR / "human.history.parquet"
    digest = sha256_file(genes)
    kept_table(genes, digest, tmp_path)
    (kept,) = tmp_path.glob("table-*.arrow")
    other = tmp_path / "elsewhere"
    other.mkdir()
    kept_table(history, sha256_file(history), other)
    (history_copy,) = other.glob("table-*.arrow")
    history_copy.replace(kept)  # the history's table under the genes file's name
    assert kept_table(genes, digest, tmp_path).equals(pq.read_table(history))


def test_a_damaged_copy_is_read_again_and_rewritten(tmp_path: Path) -> None:
    path = DATA_DIR / "human.genes.parquet"
    digest = sha256_file(path)
    kept_table(path, digest, tmp_path)
    (kept,) = tmp_path.glob("table-*.arrow")
    kept.write_bytes(kept.read_bytes()[:1000])
    assert kept_table(path, digest, tmp_path).equals(pq.read_table(path))
    assert kept_table(path, digest, tmp_path).equals(pq.read_table(path))
    assert kept.stat().st_size > 1000


def test_an_older_copy_of_the_same_file_is_replaced_and_others_survive(tmp_path: Path) -> None:
    older = tmp_path / f"table-human.genes-{'0' * 64}.arrow"
    other_file = tmp_path / f"table-human.history-{'0' * 64}.arrow"
    users = tmp_path / "table-human.genes-notes.arrow"
    for path in (older, other_file, users):
        path.write_bytes(b"kept?")
    genes = DATA_DIR / "human.genes.parquet"
    kept_table(genes, sha256_file(genes), tmp_path)
    assert not older.exists()
    assert other_file.exists() and users.exists()


def test_a_folder_that_cannot_be_written_only_costs_speed(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_bytes(b"")
    path = DATA_DIR / "mouse.genes.parquet"
    assert kept_table(path, sha256_file(path), blocker / "genes").equals(pq.read_table(path))


def test_the_loaded_reference_is_stamped_and_pinned_as_before() -> None:
    reference = load_reference("human")
    assert reference.info.sha256 == sha256_file(DATA_DIR / "human.genes.parquet")
    assert reference.info.release and reference.n_genes == pq.read_metadata(DATA_DIR / "human.genes.parquet").num_rows
    assert reference.transcripts is not None and reference.transcripts.equals(
        pq.read_table(DATA_DIR / "human.transcripts.parquet")
    )
