"""``--compression``: each codec writes the same values; the manifest records it; a rebuild uses it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from rnacorpus.catalog.export import verify_export
from rnacorpus.errors import ConfigError
from rnacorpus.read import iter_batches
from tests.export.catalogs import StudySpec, build_catalog, reference_genes

GENES = reference_genes(9606, "protein_coding", 30)
CODEC = {"zstd": "ZSTD", "lz4": "LZ4", "none": "UNCOMPRESSED"}  # pyarrow names LZ4_RAW "LZ4"


def _values(out: Path) -> dict[str, np.ndarray]:
    rows: dict[str, np.ndarray] = {}
    for split in ("train", "validation", "test"):
        if (out / split).is_dir():
            for values, meta in iter_batches(out, split, batch_size=4):
                rows |= dict(zip(meta["sample_accession"], values, strict=True))
    return rows


def test_every_codec_writes_the_same_values_and_rebuilds_byte_identical(tmp_path: Path) -> None:
    specs = [StudySpec(f"GSE{i}", [f"GSM{i}{j}" for j in range(3)], GENES[i:], seed=i) for i in range(1, 6)]
    catalog = build_catalog(tmp_path / "c", specs)
    options = {"genes": "protein_coding", "normalize": "log1p_tpm", "splits": "train=0.6,validation=0.2,test=0.2"}
    values = {}
    for codec, parquet_name in CODEC.items():
        out = tmp_path / codec
        catalog.export(out, compression=codec, **options)
        manifest = json.loads((out / "manifest.json").read_text())
        assert manifest["options"]["compression"] == codec
        part = next(out.glob("*/part-*.parquet"))
        chunk = pq.ParquetFile(part).metadata.row_group(0)
        names = [chunk.column(i).path_in_schema for i in range(chunk.num_columns)]
        assert chunk.column(names.index("values.list.element")).compression == parquet_name
        assert verify_export(out) == []
        values[codec] = _values(out)
        rebuilt = catalog.export(tmp_path / f"{codec}-again", from_manifest=out / "manifest.json")
        assert rebuilt.differences == []
        for entry in manifest["files"]:
            assert (out / entry["path"]).read_bytes() == (tmp_path / f"{codec}-again" / entry["path"]).read_bytes()
    assert values["zstd"].keys() == values["lz4"].keys() == values["none"].keys()
    for accession, row in values["zstd"].items():
        np.testing.assert_array_equal(row, values["lz4"][accession])
        np.testing.assert_array_equal(row, values["none"][accession])


def test_the_default_codec_is_none_and_recorded(tmp_path: Path) -> None:
    catalog = build_catalog(tmp_path / "c", [StudySpec("GSE1", ["GSM10", "GSM11"], GENES)])
    catalog.export(tmp_path / "a")
    assert json.loads((tmp_path / "a" / "manifest.json").read_text())["options"]["compression"] == "none"
    chunk = pq.ParquetFile(next((tmp_path / "a").glob("*/part-*.parquet"))).metadata.row_group(0)
    names = [chunk.column(i).path_in_schema for i in range(chunk.num_columns)]
    assert chunk.column(names.index("values.list.element")).compression == "UNCOMPRESSED"


def test_a_manifest_without_a_codec_rebuilds_with_zstd(tmp_path: Path) -> None:
    """Manifests written before ``--compression`` existed: their parts were zstd, so the rebuild is too."""
    catalog = build_catalog(tmp_path / "c", [StudySpec("GSE1", ["GSM10", "GSM11"], GENES)])
    catalog.export(tmp_path / "a", compression="zstd")
    manifest_path = tmp_path / "a" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    del manifest["options"]["compression"]
    manifest_path.write_text(json.dumps(manifest))
    rebuilt = catalog.export(tmp_path / "b", from_manifest=manifest_path)
    assert rebuilt.differences == []


def test_an_unknown_codec_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    catalog = build_catalog(tmp_path / "c", [StudySpec("GSE1", ["GSM10"], GENES)])
    with pytest.raises(ConfigError, match="--compression is one of zstd, lz4, none"):
        catalog.export(tmp_path / "a", compression="brotli")
    assert not (tmp_path / "a").exists()
