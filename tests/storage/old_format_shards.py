"""What the shard-format tests share: a shard rewritten in an older format and recorded with its new
checksum (what a store loaded by an earlier release holds), and the proof that such a store reads and
exports exactly as if every shard had been written today."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import numpy as np

from rnacorpus.catalog.api import Catalog
from rnacorpus.catalog.connection import writer
from rnacorpus.catalog.store import ShardData

#: the export both sides make: every gene, a normalization that reads every value, two splits
EXPORT = {"genes": "all", "normalize": "log1p_tpm", "splits": "train=0.5,test=0.5"}


def shards(catalog: Catalog) -> list[Path]:
    rows = catalog.sql("SELECT path FROM expression_shards ORDER BY path").column(0).to_pylist()
    return [catalog.store.resolve(p) for p in rows]


def export_and_read(catalog: Catalog, exports: Path) -> tuple[dict[Path, ShardData], Path]:
    """Before any rewrite: export to ``exports / "new"``, read every shard, and pick the one to rewrite
    (one shard in each format: a store part loaded before, part after)."""
    catalog.export(exports / "new", **EXPORT)
    root = catalog.store.root
    before = {s: catalog.store.read(s.relative_to(root).as_posix()) for s in shards(catalog)}
    return before, shards(catalog)[0]


def record_rewrite(catalog_file: Path, root: Path, shard: Path) -> None:
    """Record the checksum and size of ``shard`` after it was rewritten in place."""
    digest = hashlib.sha256(shard.read_bytes()).hexdigest()
    with writer(catalog_file) as con:
        con.execute(
            "UPDATE expression_shards SET sha256 = ?, bytes = ? WHERE path = ?",
            [digest, shard.stat().st_size, shard.relative_to(root).as_posix()],
        )


def data_files(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*.parquet"))
    }


def assert_reads_and_exports_as_new(catalog: Catalog, old: Path, before: dict[Path, ShardData], exports: Path) -> None:
    """A store holding the old-format shard ``old`` beside new ones gives the values ``before`` holds
    through ``store.read``, verifies and reads rows of ``old`` by its recorded checksum, reads both
    formats in one DuckDB glob, and exports the same part files as ``exports / "new"`` (written before
    the rewrite; ``samples.parquet`` differs only in the shard checksums it names)."""
    root = catalog.store.root
    for shard, data in before.items():
        again = catalog.store.read(shard.relative_to(root).as_posix())
        assert again.sample_accessions == data.sample_accessions and again.feature_ids == data.feature_ids
        np.testing.assert_array_equal(again.values, data.values)  # NaN where NaN was
    rel = old.relative_to(root).as_posix()
    sha = catalog.sql(f"SELECT sha256 FROM expression_shards WHERE path = '{rel}'").column(0)[0].as_py()
    rows = list(catalog.store.iter_rows(rel, list(range(0, 70, 3)), sha256=sha))
    np.testing.assert_array_equal(np.vstack([b.values for b in rows]), before[old].values[::3])

    # DuckDB reads both formats in one glob, as the expression view does
    glob = str(root / "expression" / "**" / "*.parquet")
    counted = duckdb.sql(
        f"SELECT count(*), sum(len(list_filter(values, lambda v: isnan(v)))) FROM read_parquet('{glob}')"
    ).fetchall()
    assert counted == [(110, 2)]

    catalog.export(exports / "old", **EXPORT)
    old_files, new_files = data_files(exports / "old"), data_files(exports / "new")
    # samples.parquet names each sample's shard by its checksum, which the rewrite changed; all else is equal
    assert old_files.pop("samples.parquet") != new_files.pop("samples.parquet")
    assert old_files == new_files and any(name.startswith("train/part-") for name in new_files)
