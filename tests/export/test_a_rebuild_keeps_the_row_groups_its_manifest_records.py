"""A rebuild writes row groups of the size its manifest records, not the size this release picks.

The row-group size follows a byte budget (``export_parts.ROW_GROUP_BYTES``) that a release may tune.
An export written before such a change must still rebuild byte-identical from its manifest on the
same catalog, so the rebuild takes ``layout.row_group_rows`` from the manifest.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from rnacorpus.catalog import export_parts
from tests.export.catalogs import StudySpec, build_catalog, reference_genes

GENES = reference_genes(9606, "protein_coding", 30)


def manifest(out: Path) -> dict[str, object]:
    return dict(json.loads((out / "manifest.json").read_text()))


def row_groups(out: Path) -> list[int]:
    return [pq.ParquetFile(p).metadata.num_row_groups for p in sorted(out.glob("*/part-*.parquet"))]


def test_an_export_written_with_smaller_row_groups_rebuilds_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    specs = [StudySpec(f"GSE{i}", [f"GSM{i}{j:02d}" for j in range(10)], GENES, seed=i) for i in range(1, 7)]
    catalog = build_catalog(tmp_path / "c", specs)
    with monkeypatch.context() as older_release:  # a release whose budget gives 16-sample row groups
        older_release.setattr(export_parts, "ROW_GROUP_BYTES", 16 * 4 * len(GENES))
        catalog.export(tmp_path / "a", splits="train=0.8,test=0.2", seed=5)
    assert manifest(tmp_path / "a")["layout"]["row_group_rows"] == 16  # type: ignore[index]
    assert max(row_groups(tmp_path / "a")) > 1  # the train split spans several row groups
    assert export_parts.rows_per_group(len(GENES)) > 60  # this release would write one per part

    rebuilt = catalog.export(tmp_path / "b", from_manifest=tmp_path / "a" / "manifest.json")

    assert rebuilt.differences == []
    assert row_groups(tmp_path / "b") == row_groups(tmp_path / "a")
    for entry in manifest(tmp_path / "a")["files"]:  # type: ignore[attr-defined]
        path = entry["path"]
        assert (tmp_path / "a" / path).read_bytes() == (tmp_path / "b" / path).read_bytes(), path
