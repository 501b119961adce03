"""Shards are written with every field required (formats 2 and 3; NaN a float, never a null), and a store
still holding format 1 shards (nullable fields, as written before 2026-12-06) reads and exports
exactly as if they had been written today.

The format 1 shards here are new shards rewritten with the old schema — same row groups,
same write options, no ``shard_format`` key — and recorded in the catalog with their new checksums,
which is what a store loaded by an earlier release holds.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from rnacorpus.catalog.api import Catalog
from rnacorpus.catalog.shard_format import SHARD_FORMAT, VALUE_WRITE_OPTIONS, shard_format, shard_metadata
from tests.export.catalogs import StudySpec, build_catalog, reference_genes
from tests.storage.old_format_shards import assert_reads_and_exports_as_new, export_and_read, record_rewrite, shards

GENES = reference_genes(9606, "protein_coding", 120)
#: what shards were written with before format 2
FORMAT_1 = [("sample_accession", pa.string()), ("values", pa.list_(pa.float32()))]


def _specs() -> list[StudySpec]:
    return [
        StudySpec("GSE1", [f"GSM1_{j}" for j in range(70)], GENES, nan_cells=[(0, 3), (69, 0)], seed=1),
        StudySpec("GSE2", [f"GSM2_{j}" for j in range(40)], GENES[10:], unit="tpm", kind="sample_tables", seed=2),
    ]


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
    record_rewrite(catalog_file, catalog.store.root, shard)


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    return build_catalog(tmp_path / "corpus", _specs())


def test_a_new_shard_has_every_field_required(catalog: Catalog) -> None:
    for shard in shards(catalog):
        parquet = pq.ParquetFile(shard)
        assert shard_format(shard_metadata(parquet.schema_arrow)) == SHARD_FORMAT == 3
        assert not parquet.schema_arrow.field("sample_accession").nullable
        values = parquet.schema_arrow.field("values")
        assert not values.nullable and not values.type.value_field.nullable
        # the leaf's only definition level is the list's own (an empty list): no level per value for nulls
        assert parquet.schema.column(1).max_definition_level == 1
        assert parquet.schema.column(1).max_repetition_level == 1


def test_nan_is_stored_as_a_float_not_a_null(catalog: Catalog) -> None:
    shard = next(s for s in shards(catalog) if "GSE1" in s.name)
    column = pq.read_table(shard).column("values").combine_chunks()
    assert column.null_count == 0 and column.flatten().null_count == 0
    data = catalog.store.read(shard.relative_to(catalog.store.root).as_posix())
    assert np.isnan(data.values[0, 3]) and np.isnan(data.values[69, 0])
    assert int(np.isnan(data.values).sum()) == 2


def test_format_1_shards_read_and_export_as_new_ones(catalog: Catalog, tmp_path: Path) -> None:
    before, old = export_and_read(catalog, tmp_path)
    root, catalog_file = catalog.store.root, tmp_path / "corpus" / "catalog.duckdb"
    _as_format_1(catalog, catalog_file, old)
    catalog = Catalog.open(catalog_file, root)
    formats = {s: shard_format(shard_metadata(pq.read_schema(s))) for s in shards(catalog)}
    assert sorted(formats.values()) == [1, SHARD_FORMAT]
    assert pq.ParquetFile(old).schema.column(1).max_definition_level == 3  # really the old layout

    assert_reads_and_exports_as_new(catalog, old, before, tmp_path)
    old_samples, new_samples = (pq.read_table(tmp_path / f / "samples.parquet") for f in ("old", "new"))
    assert old_samples.drop_columns("shard_sha256").equals(new_samples.drop_columns("shard_sha256"))
