"""``export --out`` only ever replaces what rnacorpus wrote: a user's folder, file or catalog survives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rnacorpus.catalog.api import Catalog
from rnacorpus.catalog.export import verify_export
from rnacorpus.errors import ConfigError
from rnacorpus.outfolder import wait_for_removals
from tests.builders import make_bundle
from tests.export.folders import snapshot


@pytest.fixture
def catalog(load, catalog_path: Path, store) -> Catalog:
    load(make_bundle("GSE1", ["GSM1", "GSM2"], features=["a", "b", "c"], seed=1), "k1")
    load(make_bundle("GSE2", ["GSM3"], features=["c", "d"], tissue="brain", seed=2), "k2")  # one platform: GPL1
    return Catalog.open(catalog_path, store.root)


def make_user_folder(root: Path) -> Path:
    out = root / "work" / "p"
    (out / "sub").mkdir(parents=True)
    (out / "thesis.txt").write_text("x")
    (out / "notes.txt").write_text("notes")
    (out / "sub" / "data.csv").write_text("a,b\n1,2\n")
    (out / "manifest.json.bak").write_text("{}")
    return out


def test_a_bad_where_is_refused_before_the_folder_is_touched(catalog: Catalog, tmp_path: Path) -> None:
    out = make_user_folder(tmp_path)
    before = snapshot(out)
    with pytest.raises(ConfigError):
        catalog.export(out, level="feature", where="tissue_lable = 'liver'")
    assert snapshot(out) == before


def test_a_folder_of_user_files_is_refused_even_with_overwrite(catalog: Catalog, tmp_path: Path) -> None:
    out = make_user_folder(tmp_path)
    before = snapshot(out)
    with pytest.raises(ConfigError, match=r"is not empty and is not an rnacorpus export") as err:
        catalog.export(out, level="feature", overwrite=True)
    assert str(out) in str(err.value)
    assert snapshot(out) == before


def test_the_catalogs_own_folder_is_refused(catalog: Catalog, catalog_path: Path) -> None:
    before = snapshot(catalog_path.parent)
    with pytest.raises(ConfigError, match="nothing was touched"):
        catalog.export(catalog_path.parent, level="feature", overwrite=True)
    assert snapshot(catalog_path.parent) == before


def test_a_file_path_is_refused_without_a_traceback(catalog: Catalog, tmp_path: Path) -> None:
    target = tmp_path / "a-file"
    target.write_text("mine")
    with pytest.raises(ConfigError, match="is a file"):
        catalog.export(target)
    assert target.read_text() == "mine"


def test_an_earlier_export_is_replaced_only_with_overwrite(catalog: Catalog, tmp_path: Path) -> None:
    out = tmp_path / "set"
    catalog.export(out, level="feature", where="accession = 'GSM1'")
    before = snapshot(out)
    with pytest.raises(ConfigError, match=r"previous rnacorpus export; pass --overwrite"):
        catalog.export(out, level="feature")
    assert snapshot(out) == before
    catalog.export(out, level="feature", overwrite=True)
    assert json.loads((out / "manifest.json").read_text())["n_samples"] == 3
    assert verify_export(out) == []
    wait_for_removals()  # the replaced export is removed beside the caller
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalog.duckdb", "set", "store"]  # nothing left over


def test_an_earlier_export_with_a_user_file_added_is_refused(catalog: Catalog, tmp_path: Path) -> None:
    out = tmp_path / "set"
    catalog.export(out, level="feature")
    (out / "my-notes.txt").write_text("keep me")
    before = snapshot(out)
    with pytest.raises(ConfigError, match=r"my-notes.txt is not listed"):
        catalog.export(out, level="feature", overwrite=True)
    assert snapshot(out) == before


def test_an_empty_folder_is_used(catalog: Catalog, tmp_path: Path) -> None:
    out = tmp_path / "empty"
    out.mkdir()
    assert catalog.export(out, level="feature").n_samples == 3
    assert verify_export(out) == []


def test_a_failure_while_writing_leaves_the_target_and_no_temporary_folder(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "set"
    catalog.export(out, level="feature")
    before = snapshot(out)

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("rnacorpus.catalog.export.write_features", boom)
    with pytest.raises(OSError, match="disk full"):
        catalog.export(out, level="feature", overwrite=True)
    assert snapshot(out) == before
