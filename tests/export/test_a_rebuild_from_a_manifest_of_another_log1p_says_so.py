"""The manifest names the implementation of ln(1 + x) (``normalization.log1p``): it sets the last bits
of every log1p value. A rebuild from a manifest that names another one — or none, written when numpy's
``log1p`` computed the values — says that the log1p implementation differs, not only which files'
checksums do; a rebuild from the same manifest with the same code has no differences."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rnacorpus.catalog.api import Catalog
from rnacorpus.catalog.export_rebuild import LOG1P_BEFORE
from rnacorpus.catalog.fast_log1p import IMPLEMENTATION
from tests.export.catalogs import StudySpec, build_catalog, reference_genes

GENES = reference_genes(9606, "protein_coding", 30)


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Catalog, Path]:
    root = tmp_path_factory.mktemp("log1p_rebuild")
    catalog = build_catalog(root / "c", [StudySpec("GSE1", ["GSM10", "GSM11", "GSM12"], GENES)])
    catalog.export(root / "a", normalize="log1p_cpm")
    return catalog, root / "a" / "manifest.json"


def rebuilt_from(catalog: Catalog, manifest: dict, tmp_path: Path) -> list[str]:
    path = tmp_path / "old-manifest.json"
    path.write_text(json.dumps(manifest))
    return catalog.export(tmp_path / "b", from_manifest=path).differences or []


def test_a_manifest_without_the_field_was_numpys_log1p(exported: tuple[Catalog, Path], tmp_path: Path) -> None:
    catalog, path = exported
    manifest = json.loads(path.read_text())
    del manifest["normalization"]["log1p"]
    assert rebuilt_from(catalog, manifest, tmp_path) == [
        f"normalization log1p implementation differs: {LOG1P_BEFORE} → {IMPLEMENTATION} "
        "(values differ in their last bits, so the part files do too)"
    ]


def test_a_manifest_naming_another_implementation_says_which(exported: tuple[Catalog, Path], tmp_path: Path) -> None:
    catalog, path = exported
    manifest = json.loads(path.read_text())
    manifest["normalization"]["log1p"] = "rnacorpus correction form v0"
    differences = rebuilt_from(catalog, manifest, tmp_path)
    assert len(differences) == 1
    said = "normalization log1p implementation differs: rnacorpus correction form v0 → "
    assert differences[0].startswith(said + IMPLEMENTATION)


def test_the_same_manifest_rebuilds_without_a_difference(exported: tuple[Catalog, Path], tmp_path: Path) -> None:
    catalog, path = exported
    assert rebuilt_from(catalog, json.loads(path.read_text()), tmp_path) == []
