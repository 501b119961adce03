"""A run whose store is on object storage leaves no local copies of its load packages behind.

The driver downloads each package's files into ``<tmp>/rnacorpus-packages-<store hash>/`` to verify
and commit them. Each package's copy goes when the package does, and the store's folder with its last
package, so a scheduled run does not leave a folder per store in the temp dir.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from rnacorpus import api
from rnacorpus.catalog.api import Catalog
from rnacorpus.mirror import MirrorServer
from tests.conftest import mirror_config
from tests.s3 import S3Endpoint

DEMO = ["GSE990100", "GSE990101"]


def test_an_object_storage_harvest_leaves_no_package_folder_in_the_temp_dir(
    demo_mirror: MirrorServer, s3: S3Endpoint, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    location = s3.new_bucket() + "/corpus"
    config = mirror_config(
        tmp_path / "run", demo_mirror.url, store_dir=f"{location}/store", cache_dir=f"{location}/cache"
    )
    report = api.harvest(DEMO, config=config)
    assert report.exit_code == 0, report.to_dict()
    catalog = Catalog.open(tmp_path / "run" / "catalog.duckdb")
    loaded = catalog.sql("SELECT count(*) AS n FROM studies").column("n")[0].as_py()
    assert loaded == len(DEMO)  # the studies went through load packages on the object store
    assert sorted(p.name for p in temp.glob("rnacorpus-packages-*")) == []
