"""The manifest records what wrote the part files (``layout.writer``: library and release); a rebuild
by another release lists that difference, not only the files whose bytes then differ."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa

from tests.export.catalogs import StudySpec, build_catalog, reference_genes

GENES = reference_genes(9606, "protein_coding", 30)


def test_a_manifest_of_another_writer_release_is_reported_on_rebuild(tmp_path: Path) -> None:
    catalog = build_catalog(tmp_path / "c", [StudySpec("GSE1", ["GSM10", "GSM11", "GSM12"], GENES)])
    catalog.export(tmp_path / "a")
    path = tmp_path / "a" / "manifest.json"
    manifest = json.loads(path.read_text())
    assert manifest["layout"]["writer"] == f"pyarrow {pa.__version__}"
    manifest["layout"]["writer"] = "pyarrow 15.0.0"  # as written by an older release
    path.write_text(json.dumps(manifest))

    rebuilt = catalog.export(tmp_path / "b", from_manifest=path)

    assert rebuilt.differences == [f"layout writer: pyarrow 15.0.0 → pyarrow {pa.__version__}"]


def test_a_manifest_from_before_the_writer_was_recorded_names_pyarrow(tmp_path: Path) -> None:
    catalog = build_catalog(tmp_path / "c", [StudySpec("GSE1", ["GSM10", "GSM11"], GENES)])
    catalog.export(tmp_path / "a")
    path = tmp_path / "a" / "manifest.json"
    manifest = json.loads(path.read_text())
    del manifest["layout"]["writer"]
    path.write_text(json.dumps(manifest))

    rebuilt = catalog.export(tmp_path / "b", from_manifest=path)

    assert f"layout writer: pyarrow (release not recorded) → pyarrow {pa.__version__}" in rebuilt.differences
