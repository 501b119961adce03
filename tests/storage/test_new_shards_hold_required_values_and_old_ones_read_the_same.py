"""Shards are written with every field required (formats 2 and 3; NaN a float, never a null), and a store
still holding format 1 shards (nullable fields, as written before 2026-12-06) reads and exports
exactly as if they had been written today.

The format 1 shards here are new shards rewritten with the old schema — same row groups,
same write options, no ``shard_format`` key — and recorded in the catalog with their new checksums,
which is what a store loaded by an earlier release holds.
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
from rnacorpus.catalog.shard_format import SHARD_FORMAT, VALUE_WRITE_OPTIONS, shard_format, shard_metadata
from tests.export.catalogs import StudySpec, build_catalog, reference_genes

GENES = reference_genes(9606, "protein_coding", 120)
#: what shards were written with before format 2
FORMAT_1 = [("sample_accession", pa.string()), ("values", pa.list_(pa.float32()))]


def _specs() -> list[StudySpec]:
    return [
        StudySpec("GSE1", [f"GSM1_{j}" for j in range(70)], GENES, nan_cells=[(0, 3), (69, 0)], seed=1),
        StudySpec("GSE2", [f"GSM2_{j}" for j in range(40)], GENES[10:], unit="tpm", kind="sample_tables", seed=2),
    ]


def _shards(catalog: Catalog) -> list[Path]:
    rows = catalog.sql("SELECT path FROM expression_shards ORDER BY path").column(0).to_pylist()
    return [catalog.store.resolve(p) for p in rows]


def _as_format_1(catalog: Catalog, catalog_file: Path, shard: Path) -> None:
    """Rewrite ``shard`` as format 1, row group by row group, and record its new checksum."""
    parquet = pq.ParquetFile(shard)
    metadata = {k: v for k, v in (parquet.schema_arrow.metadata or {}).items() if k != b"rnacorpus.shard_format"}
    schema = pa.schema(FORMAT_1, metadata=metadata)
    temp = shard.with_suffix(".old")
    with pq.ParquetWriter(temp, schema, **VALUE_WRITE_OPTIONS) as out:
        for group in range(parquet.num_row_groups):
            out.write_table(parquet.read_row_group(group).cast(schema))
    temp.replace(shard)
    rel = shard.relative_to(catalog.store.root).as_posix()
    digest = hashlib.sha256(shard.read_bytes()).hexdigest()
    with writer(catalog_file) as con:
        con.execute(
            "UPDATE expression_shards SET sha256 = ?, bytes = ? WHERE path = ?", [digest, shard.stat().st_size, rel]
        )


def _data_files(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*.parquet"))
    }


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    return build_catalog(tmp_path / "corpus", _specs())


def test_a_new_shard_has_every_field_required(catalog: Catalog) -> None:
    for shard in _shards(catalog):
        parquet = pq.ParquetFile(shard)
        assert shard_format(shard_metadata(parquet.schema_arrow)) == SHARD_FORMAT == 3
        assert not parquet.schema_arrow.field("sample_accession").nullable
        values = parquet.schema_arrow.field("values")
        assert not values.nullable and not values.type.value_field.nullable
        # the leaf's only definition level is the list's own (an empty list): no level per value for nulls
        assert parquet.schema.column(1).max_definition_level == 1
        assert parquet.schema.column(1).max_repetition_level == 1


def test_nan_is_stored_as_a_float_not_a_null(catalog: Catalog) -> None:
    shard = next(s for s in _shards(catalog) if "GSE1" in s.name)
    column = pq.read_table(shard).column("values").combine_chunks()
    assert column.null_count == 0 and column.flatten().null_count == 0
    data = catalog.store.read(shard.relative_to(catalog.store.root).as_posix())
    assert np.isnan(data.values[0, 3]) and np.isnan(data.values[69, 0])
    assert int(np.isnan(data.values).sum()) == 2


def test_format_1_shards_read_and_export_as_new_ones(catalog: Catalog, tmp_path: Path) -> None:
    options = {"genes": "all", "normalize": "log1p_tpm", "splits": "train=0.5,test=0.5"}
    catalog.export(tmp_path / "new", **options)
    root = catalog.store.root
    before = {s: catalog.store.read(s.relative_to(root).as_posix()) for s in _shards(catalog)}
    catalog_file = tmp_path / "corpus" / "catalog.duckdb"
    old = _shards(catalog)[0]  # one shard in each format: a store part loaded before, part after
    _as_format_1(catalog, catalog_file, old)
    catalog = Catalog.open(catalog_file, root)
    formats = {s: shard_format(shard_metadata(pq.read_schema(s))) for s in _shards(catalog)}
    assert sorted(formats.values()) == [1, SHARD_FORMAT]
    assert pq.ParquetFile(old).schema.column(1).max_definition_level == 3  # really the old layout

    for shard, data in before.items():
        again = catalog.store.read(shard.relative_to(root).as_posix())
        assert again.sample_accessions == data.sample_accessions and again.feature_ids == data.feature_ids
        np.testing.assert_array_equal(again.values, data.values)  # NaN where NaN was
    rel = old.relative_to(root).as_posix()
    sha = catalog.sql(f"SELECT sha256 FROM expression_shards WHERE path = '{rel}'").column(0)[0].as_py()
    rows = [b for b in catalog.store.iter_rows(rel, list(range(0, 70, 3)), sha256=sha)]
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
    old_samples, new_samples = (pq.read_table(tmp_path / f / "samples.parquet") for f in ("old", "new"))
    assert old_samples.drop_columns("shard_sha256").equals(new_samples.drop_columns("shard_sha256"))
