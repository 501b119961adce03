from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from rnacorpus.catalog.connection import writer
from rnacorpus.catalog.load import LoadOutcome, LoadPlan, ShardPlan, load_study
from rnacorpus.catalog.store import ExpressionStore
from rnacorpus.schemas import StudyBundle


@pytest.fixture
def catalog_path(tmp_path: Path) -> Path:
    return tmp_path / "catalog.duckdb"


@pytest.fixture
def store(tmp_path: Path) -> ExpressionStore:
    return ExpressionStore(tmp_path / "store")


Loader = Callable[[StudyBundle, str], LoadOutcome]


@pytest.fixture
def load(catalog_path: Path, store: ExpressionStore) -> Loader:
    def _load(bundle: StudyBundle, content_key: str) -> LoadOutcome:
        plan = LoadPlan(
            bundle=bundle,
            content_sha256=content_key,
            run_id="test-run",
            shards=[ShardPlan(matrix=m) for m in bundle.expression],
        )
        with writer(catalog_path) as con:
            con.execute("INSERT OR REPLACE INTO catalog_versions VALUES ('store_dir', ?, now())", [str(store.root)])
            return load_study(con, store, plan)

    return _load
