"""Shards are written in format 3: the ``rnacorpus.*`` keys once in the footer, no ``ARROW:schema``
copy of them, and the same Arrow schema read back from the Parquet schema alone; a store still holding
format 2 shards (as written before, with Arrow's copy) reads and exports exactly as if they had been
written today.

The format 2 shard here is a format 3 shard rewritten the way format 2 was written — same row groups,
same write options, Arrow's schema stored, ``shard_format`` 2 — and recorded in the catalog with its
new checksum, which is what a store loaded by the previous release holds.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from rnacorpus.catalog.api import Catalog
from rnacorpus.catalog.shard_format import VALUE_WRITE_OPTIONS, shard_format, shard_metadata
from tests.export.catalogs import StudySpec, build_catalog, reference_genes
from tests.storage.old_format_shards import assert_reads_and_exports_as_new, export_and_read, record_rewrite, shards

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
    record_rewrite(catalog_file, root, shard)


def test_a_new_shard_keeps_its_metadata_once_and_reads_back_as_the_same_schema(catalog: Catalog) -> None:
    for shard in shards(catalog):
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
    before, old = export_and_read(catalog, tmp_path)
    root, catalog_file = catalog.store.root, tmp_path / "corpus" / "catalog.duckdb"
    _as_format_2(catalog_file, root, old)
    catalog = Catalog.open(catalog_file, root)
    assert sorted(shard_format(shard_metadata(pq.read_schema(s))) for s in shards(catalog)) == [2, 3]
    assert b"ARROW:schema" in (pq.ParquetFile(old).metadata.metadata or {})  # really the old footer
    assert pq.read_schema(old).remove_metadata().equals(REQUIRED)

    for shard, data in before.items():  # the footer's keys read back, the old one marked format 2
        again = catalog.store.read(shard.relative_to(root).as_posix())
        assert again.metadata == data.metadata | ({"rnacorpus.shard_format": "2"} if shard == old else {})
    assert_reads_and_exports_as_new(catalog, old, before, tmp_path)
