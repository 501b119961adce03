"""Shards are written in format 3: the ``rnacorpus.*`` keys once in the footer, no ``ARROW:schema``
copy of them, and the same Arrow schema read back from the Parquet schema alone; a store still holding
format 2 shards (as written before, with Arrow's copy) reads and exports exactly as if they had been
written today.

The format 2 shard here is a format 3 shard rewritten the way format 2 was written — same row groups,
same write options, Arrow's schema stored, ``shard_format`` 2 — and recorded in the catalog with its
new checksum, which is what a store loaded by the previous release holds.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from rnacorpus.catalog.api import Catalog
from rnacorpus.catalog.connection import writer
from rnacorpus.catalog.shard_format import VALUE_WRITE_OPTIONS, shard_format, shard_metadata
from tests.export.catalogs import StudySpec, build_catalog, reference_genes

GENES = reference_genes(9606, "protein_coding", 150)
#: format 2's (and 3's) Arrow schema, without metadata
REQUIRED = pa.schema(
    [
        pa.field("sample_accession", pa.string(), nullable=False),
        pa.field("values", pa.list_(pa.field("element", pa.float32(), nullable=False)), nullable=False),
    ]
)


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    specs = [
        StudySpec("GSE1", [f"GSM1_{j}" for j in range(70)], GENES, nan_cells=[(0, 3), (69, 0)], seed=1),
        StudySpec("GSE2", [f"GSM2_{j}" for j in range(40)], GENES[10:], unit="tpm", kind="sample_tables", seed=2),
    ]
    return build_catalog(tmp_path / "corpus", specs)


def _shards(catalog: Catalog) -> list[Path]:
    rows = catalog.sql("SELECT path FROM expression_shards ORDER BY path").column(0).to_pylist()
    return [catalog.store.resolve(p) for p in rows]


def _as_format_2(catalog_file: Path, root: Path, shard: Path) -> None:
    """Rewrite ``shard`` as format 2 was written, row group by row group; record its new checksum."""
    parquet = pq.ParquetFile(shard)
    metadata = dict(parquet.schema_arrow.metadata or {}) | {b"rnacorpus.shard_format": b"2"}
    schema = parquet.schema_arrow.with_metadata(metadata)
    temp = shard.with_suffix(".old")
    with pq.ParquetWriter(temp, schema, **VALUE_WRITE_OPTIONS) as out:  # Arrow's schema stored: the default
        for group in range(parquet.num_row_groups):
            out.write_table(parquet.read_row_group(group).replace_schema_metadata(metadata))
    temp.replace(shard)
    digest = hashlib.sha256(shard.read_bytes()).hexdigest()
    with writer(catalog_file) as con:
        con.execute(
            "UPDATE expression_shards SET sha256 = ?, bytes = ? WHERE path = ?",
            [digest, shard.stat().st_size, shard.relative_to(root).as_posix()],
        )


def _data_files(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*.parquet"))
    }


def test_a_new_shard_keeps_its_metadata_once_and_reads_back_as_the_same_schema(catalog: Catalog) -> None:
    for shard in _shards(catalog):
        parquet = pq.ParquetFile(shard)
        footer = parquet.metadata.metadata or {}
        assert b"ARROW:schema" not in footer
        assert footer[b"rnacorpus.shard_format"] == b"3"
        assert shard_format(shard_metadata(parquet.schema_arrow)) == 3
        features = shard_metadata(parquet.schema_arrow)["rnacorpus.feature_ids"]
        assert features.count("ENSG") in (len(GENES), len(GENES) - 10)
        # the feature list is in the footer once (format 2 had it twice: once inside Arrow's schema)
        assert parquet.metadata.serialized_size < 2 * len(features)
        assert parquet.schema_arrow.remove_metadata().equals(REQUIRED)
        assert {k.decode() for k in footer} == set(shard_metadata(parquet.schema_arrow))


def test_format_2_shards_read_and_export_as_new_ones(catalog: Catalog, tmp_path: Path) -> None:
    options = {"genes": "all", "normalize": "log1p_tpm", "splits": "train=0.5,test=0.5"}
    catalog.export(tmp_path / "new", **options)
    root = catalog.store.root
    before = {s: catalog.store.read(s.relative_to(root).as_posix()) for s in _shards(catalog)}
    catalog_file = tmp_path / "corpus" / "catalog.duckdb"
    old = _shards(catalog)[0]  # one shard in each format: a store part loaded before, part after
    _as_format_2(catalog_file, root, old)
    catalog = Catalog.open(catalog_file, root)
    assert sorted(shard_format(shard_metadata(pq.read_schema(s))) for s in _shards(catalog)) == [2, 3]
    assert b"ARROW:schema" in (pq.ParquetFile(old).metadata.metadata or {})  # really the old footer
    assert pq.read_schema(old).remove_metadata().equals(REQUIRED)

    for shard, data in before.items():
        again = catalog.store.read(shard.relative_to(root).as_posix())
        assert again.sample_accessions == data.sample_accessions and again.feature_ids == data.feature_ids
        assert again.metadata == data.metadata | ({"rnacorpus.shard_format": "2"} if shard == old else {})
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

    catalog.export(tmp_path / "old", **options)
    old_files, new_files = _data_files(tmp_path / "old"), _data_files(tmp_path / "new")
    # samples.parquet names each sample's shard by its checksum, which the rewrite changed; all else is equal
    assert old_files.pop("samples.parquet") != new_files.pop("samples.parquet")
    assert old_files == new_files and any(name.startswith("train/part-") for name in new_files)
