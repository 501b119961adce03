"""``export --overwrite`` hands the removal of the replaced export to a helper thread once the new one
is in place: the call returns while the old folder (renamed aside under its private ``.old`` name)
is still being removed, ``out`` is the new export throughout, and once the removal is done nothing of
the old one is left — but a file a user added to the old folder is kept. Also: a removal that fails
leaves the new export in place and is only logged."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from rnacorpus import outfolder
from rnacorpus.catalog.api import Catalog
from rnacorpus.catalog.export import verify_export
from rnacorpus.outfolder import FolderKind, wait_for_removals
from tests.builders import make_bundle


@pytest.fixture
def catalog(load, catalog_path: Path, store) -> Catalog:
    load(make_bundle("GSE1", ["GSM1", "GSM2"], features=["a", "b", "c"], seed=1), "k1")
    load(make_bundle("GSE2", ["GSM3"], features=["c", "d"], tissue="brain", seed=2), "k2")
    return Catalog.open(catalog_path, store.root)


def _asides(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.endswith(".old"))


def test_the_call_returns_before_the_old_export_is_removed(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "set"
    catalog.export(out, level="feature", where="accession = 'GSM1'")
    returned = threading.Event()
    seen: list[bool] = []
    remove_listed = outfolder.remove_listed

    def remove_after_the_call_returned(folder: Path, kind: FolderKind) -> list[str]:
        seen.append(returned.wait(10))
        (folder / "added-by-a-user.txt").write_text("keep me")  # something the listing does not name
        return remove_listed(folder, kind)

    monkeypatch.setattr(outfolder, "remove_listed", remove_after_the_call_returned)
    result = catalog.export(out, level="feature", overwrite=True)
    returned.set()
    assert result.n_samples == 3
    assert verify_export(out) == []
    wait_for_removals()
    assert seen == [True], "the export waited for the old folder's removal"
    [aside] = _asides(tmp_path)  # the user's file kept the old folder, aside
    assert [p.name for p in (tmp_path / aside).iterdir()] == ["added-by-a-user.txt"]
    assert verify_export(out) == []


def test_a_removal_that_fails_leaves_the_new_export_and_is_logged(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    out = tmp_path / "set"
    catalog.export(out, level="feature", where="accession = 'GSM1'")

    def refused(folder: Path, kind: FolderKind) -> list[str]:
        raise PermissionError("read-only")

    monkeypatch.setattr(outfolder, "remove_listed", refused)
    with caplog.at_level(logging.WARNING, logger="rnacorpus.outfolder"):
        assert catalog.export(out, level="feature", overwrite=True).n_samples == 3
        wait_for_removals()
    assert verify_export(out) == []
    assert "could not remove all of the old" in caplog.text
    assert len(_asides(tmp_path)) == 1


def test_a_process_exits_only_once_its_removals_are_done(tmp_path: Path) -> None:
    old = tmp_path / ".set.x.old"
    old.mkdir()
    (old / "a.bin").write_bytes(b"1")
    (old / "listing.json").write_text('{"format": "k/1", "files": [{"path": "a.bin", "bytes": 1}]}')
    script = f"""
import time
from pathlib import Path
from rnacorpus import outfolder
remove_listed = outfolder.remove_listed
def slow(folder, kind):
    time.sleep(0.5)
    return remove_listed(folder, kind)
outfolder.remove_listed = slow
kind = outfolder.FolderKind(listing="listing.json", format_prefix="k/", what="k", overwrite_flag=None)
outfolder._remove_beside(Path({str(old)!r}), kind, Path({str(tmp_path / "set")!r}))
"""  # the script ends at once; its interpreter must wait for the removal before it exits
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    assert not old.exists()
