"""Property: for any pre-existing folder contents, a refused export leaves every byte as it was."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnacorpus.catalog.api import Catalog
from rnacorpus.errors import ConfigError
from tests.builders import make_bundle
from tests.export.folders import snapshot

_names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789._-", min_size=1, max_size=12).filter(
    lambda n: n not in {".", ".."}
)
_tree = st.dictionaries(
    st.lists(_names, min_size=1, max_size=3).map(lambda parts: "/".join(parts)),
    st.binary(max_size=64),
    min_size=1,
    max_size=8,
)


def _write_tree(root: Path, files: dict[str, bytes], fake_manifest: bool) -> bool:
    """Write ``files`` (skipping names that clash with a folder); True when something was written."""
    wrote = False
    for rel, data in files.items():
        path = root / rel
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.exists():
                continue
            path.write_bytes(data)
            wrote = True
        except (NotADirectoryError, FileExistsError, IsADirectoryError):
            continue
    if fake_manifest:  # an export manifest that lists some of what is there, never all of it
        listed = [{"path": rel, "bytes": len(data)} for rel, data in files.items() if (root / rel).is_file()]
        (root / "manifest.json").write_text(json.dumps({"format": "rnacorpus-export/1", "files": listed}))
        (root / "not-listed.txt").write_bytes(b"the user's")
        wrote = True
    return wrote


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    from rnacorpus.catalog.connection import writer
    from rnacorpus.catalog.load import LoadPlan, ShardPlan, load_study
    from rnacorpus.catalog.store import ExpressionStore

    root = tmp_path_factory.mktemp("prop")
    store = ExpressionStore(root / "store")
    bundle = make_bundle("GSE1", ["GSM1", "GSM2"], features=["a", "b"], seed=1)
    plan = LoadPlan(bundle=bundle, content_sha256="k", run_id="r", shards=[ShardPlan(matrix=bundle.expression[0])])
    with writer(root / "catalog.duckdb") as con:
        load_study(con, store, plan)
    return Catalog.open(root / "catalog.duckdb", store.root)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=_tree, fake_manifest=st.booleans(), overwrite=st.booleans(), bad_where=st.booleans())
def test_refused_export_leaves_every_byte(
    catalog: Catalog, tmp_path: Path, files: dict[str, bytes], fake_manifest: bool, overwrite: bool, bad_where: bool
) -> None:
    parent = tmp_path / "case"
    shutil.rmtree(parent, ignore_errors=True)
    out = parent / "out"
    out.mkdir(parents=True)
    if not _write_tree(out, files, fake_manifest):
        return
    before = snapshot(out)
    with pytest.raises(ConfigError):
        catalog.export(out, overwrite=overwrite, where="no_such_column = 1" if bad_where else None)
    assert snapshot(out) == before
