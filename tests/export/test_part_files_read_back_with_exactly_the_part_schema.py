"""Every part file reads back with exactly ``part_schema``, whatever its codec: the column types, a required
``fixed_size_list<float32 not null>`` ``values`` (no definition levels for values), the feature-order key."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from rnacorpus.catalog.export_parts import part_schema
from tests.export.catalogs import StudySpec, build_catalog, reference_genes

GENES = reference_genes(9606, "protein_coding", 30)


@pytest.mark.parametrize("codec", ["zstd", "lz4", "none"])
def test_every_part_file_has_the_part_schema_with_its_nullability_and_metadata(tmp_path: Path, codec: str) -> None:
    specs = [StudySpec(f"GSE{i}", [f"GSM{i}{j}" for j in range(3)], GENES[i:], seed=i) for i in range(1, 5)]
    catalog = build_catalog(tmp_path / "c", specs)
    out = tmp_path / "out"
    catalog.export(out, genes="protein_coding", normalize="log1p_tpm", splits="train=0.5,test=0.5", compression=codec)
    manifest = json.loads((out / "manifest.json").read_text())
    expected = part_schema(manifest["n_features"])
    parts = [out / e["path"] for e in manifest["files"] if "/part-" in e["path"]]
    assert parts
    for part in parts:
        schema = pq.read_schema(part)
        assert schema.equals(expected, check_metadata=True), (part, schema)
        assert [f.nullable for f in schema] == [f.nullable for f in expected]
        values = pq.ParquetFile(part).schema.column(len(expected) - 1)  # the leaf: values.list.element
        # required list, required element: the one level is the repetition's (as Arrow's writer writes it)
        assert (values.max_definition_level, values.max_repetition_level) == (1, 1)
        table = pq.read_table(part)
        assert table.schema.equals(expected, check_metadata=True)
