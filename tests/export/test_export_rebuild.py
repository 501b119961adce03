"""``--from-manifest``: the same catalog rebuilds byte-identical files; a newer one says what differs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rnacorpus.catalog.api import Catalog
from tests.export.catalogs import StudySpec, add_study, build_catalog, reference_genes

GENES = reference_genes(9606, "protein_coding", 30)


def specs() -> list[StudySpec]:
    return [StudySpec(f"GSE{i}", [f"GSM{i}{j}" for j in range(3)], GENES[i:], seed=i) for i in range(1, 7)]


def files(out: Path) -> dict[str, str]:
    return {f["path"]: f["sha256"] for f in json.loads((out / "manifest.json").read_text())["files"]}


def test_rebuild_from_the_same_catalog_is_byte_identical(tmp_path: Path) -> None:
    catalog = build_catalog(tmp_path / "c", specs())
    first = catalog.export(tmp_path / "a", genes="protein_coding", normalize="log1p_tpm", max_per_study=2, seed=7)
    again = catalog.export(tmp_path / "b", from_manifest=tmp_path / "a" / "manifest.json")
    assert again.differences == [] and again.n_samples == first.n_samples == 12
    assert files(tmp_path / "a") == files(tmp_path / "b")
    for path in files(tmp_path / "a"):
        assert (tmp_path / "a" / path).read_bytes() == (tmp_path / "b" / path).read_bytes()


def test_rebuild_against_a_newer_catalog_lists_what_differs(tmp_path: Path) -> None:
    catalog = build_catalog(tmp_path / "c", specs())
    catalog.export(tmp_path / "a", normalize="log1p_cpm", seed=3)
    store = catalog.store
    changed = specs()[1]
    changed.seed = 99  # new values for GSE2's samples
    add_study(catalog.path, store, changed)
    add_study(catalog.path, store, StudySpec("GSE9", ["GSM91"], GENES))  # grows: not in the rebuild
    add_study(
        catalog.path, store, StudySpec("GSE3", ["GSM30", "GSM31", "GSM32"], GENES, unit="log2_intensity", is_log=True)
    )
    rebuilt = Catalog.open(catalog.path, store.root).export(
        tmp_path / "b", from_manifest=tmp_path / "a" / "manifest.json"
    )
    diff = rebuilt.differences or []
    assert any(d.startswith("sample GSM30 (") and "refused: values are log-scale" in d for d in diff)
    assert not any("GSM91" in d for d in diff)
    assert any(d.startswith("file ") and "sha256" in d for d in diff)
    assert rebuilt.n_samples == 15


def test_the_cli_exits_1_when_the_rebuild_differs(tmp_path: Path) -> None:
    import subprocess
    import sys

    catalog = build_catalog(tmp_path / "c", specs())
    catalog.export(tmp_path / "a")
    add_study(catalog.path, catalog.store, StudySpec("GSE1", ["GSM10", "GSM11", "GSM12"], GENES, seed=50))
    entry = [sys.executable, "-c", "from rnacorpus.cli import main; main()"]
    args = ["--from-manifest", str(tmp_path / "a" / "manifest.json"), "--catalog", str(catalog.path)]
    done = subprocess.run(
        [*entry, "export", "--out", str(tmp_path / "b"), *args], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1 and "differs: file" in done.stdout
    pytest.importorskip("pyarrow")
