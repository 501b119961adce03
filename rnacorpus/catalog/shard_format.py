"""The shard file format: what one Parquet expression shard holds and how it is encoded and decoded.

A shard has two columns, ``sample_accession`` and ``values`` (a list of float32 in the shard's
feature order), one row per sample. The feature order is stored once, in the file's key-value
metadata (``rnacorpus.*`` keys), with the shard's provenance (schema version, level, collapse rule,
source). :mod:`rnacorpus.catalog.store` writes shards in this format;
:mod:`rnacorpus.catalog.shard_rows` and the store's readers decode them with the helpers here.

Shard formats (``rnacorpus.shard_format`` in the metadata; absent means 1):

* **3** (written since 2026-12-06, session 26): format 2's schema and values; the footer holds the
  ``rnacorpus.*`` keys once and no ``ARROW:schema`` (Arrow's base64 copy of the schema, which repeats
  those keys: the 20,000 feature IDs were in every footer twice, 843 KB instead of 361 KB). The
  Parquet schema reads back as the same Arrow schema (a required ``LIST`` of required floats → ``list<
  element: float not null> not null``; UTF8 → ``string``). Opening a shard no longer base64-decodes
  and parses the second copy: the export's reader thread on the 10^4-sample benchmark corpus, four
  interleaved pairs under load 3-4: 2.01-2.36 vs 2.08-2.50 CPU-s (median 2.09 vs 2.36). Written by
  :func:`open_shard_writer` (Arrow writes no key-value metadata at all without its schema copy).
* **2** (2026-12-06, session 25): every field required — ``sample_accession: string not null``,
  ``values: list<element: float not null> not null``. A value not measured is NaN, a float, never a
  null (Arrow's writer refuses a null in a required field, so a shard cannot hold one). Decoding a
  required element builds no validity bitmap and reads no definition level per value: all 55 shards
  of the 10^4-sample benchmark corpus decode in 1.72 CPU-s instead of 2.13 (−19%, one thread);
  DuckDB's scan of them is unchanged (2.93 CPU-s either way).
* **1**: the same columns, every field nullable (``list<item: float>``), never holding a null.

Readers need no dispatch: Arrow decodes every format into the same values (a format 1 shard's
element is nullable but null-free, so its NumPy view is the same), and DuckDB reads all of them as
``FLOAT[]`` in one glob (formats 2 and 3 differ only in their footers). Old shards stay as they are;
a shard is rewritten only when its study is loaded again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq

from rnacorpus.schemas import SCHEMA_VERSION, MatrixLike

__all__ = [
    "META_PREFIX",
    "SHARD_FORMAT",
    "VALUE_WRITE_OPTIONS",
    "ShardData",
    "chunk_table",
    "footer_keys",
    "metadata_feature_ids",
    "open_shard_writer",
    "shard_data",
    "shard_fields",
    "shard_format",
    "shard_metadata",
    "shard_schema",
]

META_PREFIX = "rnacorpus."
#: the format new shards are written in (module docstring)
SHARD_FORMAT = 3
#: every value of a shard: float32, never null (format 2)
_VALUES_TYPE = pa.list_(pa.field("element", pa.float32(), nullable=False))
#: float vectors: no dictionary (never pays off for measurements), byte-stream-split + zstd (smaller and
#: ~2.5x faster to write than the defaults), statistics only on the small key columns
VALUE_WRITE_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "use_dictionary": ["sample_accession", "study_accession", "split"],
    "use_byte_stream_split": ["values.list.element"],
    "write_statistics": ["sample_accession", "study_accession", "split"],
}


def open_shard_writer(where: Any, schema: pa.Schema) -> pq.ParquetWriter:
    """Arrow's Parquet writer for a shard of ``schema`` (from :func:`shard_schema`) in the current format.

    Format 3: the footer holds the ``rnacorpus.*`` keys once. Arrow's own copy of the schema
    (``ARROW:schema``, base64 of a serialized schema that repeats the key-value metadata: ~480 KB for
    20,000 feature IDs) is not written; the Parquet schema alone reads back as the same Arrow schema.
    Without it Arrow writes no key-value metadata at all, so the keys are added to the footer here.
    """
    writer = pq.ParquetWriter(where, schema, store_schema=False, **VALUE_WRITE_OPTIONS)
    writer.add_key_value_metadata(footer_keys(schema))
    return writer


def footer_keys(schema: pa.Schema) -> dict[str, str]:
    """The ``rnacorpus.*`` keys a shard of ``schema`` carries in its footer (as text)."""
    return {k.decode(): v.decode() for k, v in (schema.metadata or {}).items()}


@dataclass
class ShardData:
    sample_accessions: list[str]
    feature_ids: list[str]
    values: npt.NDArray[np.float32]
    metadata: dict[str, str]


def shard_schema(matrix: MatrixLike, *, level: str, collapse_rule: str | None) -> pa.Schema:
    # A variable-size list (not a fixed-size one) so that one DuckDB glob can read every shard at once.
    metadata = {
        META_PREFIX + "schema_version": SCHEMA_VERSION,
        META_PREFIX + "level": level,
        META_PREFIX + "collapse_rule": collapse_rule or "",
        META_PREFIX + "source": matrix.source.model_dump_json(),
        META_PREFIX + "feature_ids": json.dumps(matrix.feature_ids, separators=(",", ":")),
        META_PREFIX + "shard_format": str(SHARD_FORMAT),
    }
    return pa.schema(shard_fields(), metadata=metadata)


def shard_fields() -> list[pa.Field]:
    """A shard's columns: the sample and its value vector (the file's Parquet schema; the shard's
    metadata is not part of it, see :func:`open_shard_writer`)."""
    return [pa.field("sample_accession", pa.string(), nullable=False), pa.field("values", _VALUES_TYPE, nullable=False)]


def chunk_table(schema: pa.Schema, samples: list[str], values: npt.NDArray[np.float32], n_features: int) -> pa.Table:
    """One row group's table: ``samples`` and their value vectors (``values`` is samples × features)."""
    flat = pa.array(np.ascontiguousarray(values, dtype=np.float32).reshape(-1), type=pa.float32())
    offsets = pa.array(np.arange(len(samples) + 1, dtype=np.int32) * n_features, type=pa.int32())
    lists = pa.ListArray.from_arrays(offsets, flat, type=schema.field("values").type)
    return pa.Table.from_arrays([pa.array(samples, type=pa.string()), lists], schema=schema)


def shard_metadata(schema: pa.Schema) -> dict[str, str]:
    """The shard's own key-value metadata (the ``rnacorpus.*`` keys), decoded."""
    return {k.decode(): v.decode() for k, v in (schema.metadata or {}).items() if k.startswith(b"rnac")}


def shard_format(metadata: dict[str, str]) -> int:
    """The format a shard was written in, from its decoded metadata (1 when it does not say)."""
    return int(metadata.get(META_PREFIX + "shard_format", "1"))


def metadata_feature_ids(metadata: dict[str, str]) -> list[str]:
    """The shard's feature order, from its decoded metadata."""
    ids: list[str] = json.loads(metadata.get(META_PREFIX + "feature_ids", "[]"))
    return ids


def shard_data(table: pa.Table, feature_ids: list[str], metadata: dict[str, str]) -> ShardData:
    """Rows of a shard (all, or some already picked) as sample names and a samples × features matrix."""
    samples = table.column("sample_accession").to_pylist()
    values = _values_matrix(table.column("values"), len(samples), len(feature_ids))
    return ShardData(samples, feature_ids, values, metadata)


def _values_matrix(column: pa.ChunkedArray, n_rows: int, n_features: int) -> npt.NDArray[np.float32]:
    if n_rows == 0 or n_features == 0:
        return np.zeros((n_rows, n_features), dtype=np.float32)
    # one chunk (a row group, as read) is used as it is: combine_chunks copies even a single chunk
    combined = column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()
    flat = combined.flatten().to_numpy(zero_copy_only=False)
    return np.asarray(flat, dtype=np.float32).reshape(n_rows, n_features)
