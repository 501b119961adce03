"""Shared fixtures: where the real archive corpus lives and what its manifest says.

The corpus (``../shared/corpus`` beside the repository, or ``$RNACORPUS_CORPUS``) is read in place,
never copied into the repo.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from rnacorpus.config import ARCHIVE_HOSTS, Config, RateLimit
from rnacorpus.mirror import MirrorServer
from tests.s3 import S3Endpoint, moto_s3

REPO_ROOT = Path(__file__).resolve().parents[1]


def corpus_root() -> Path:
    env = os.environ.get("RNACORPUS_CORPUS")
    return Path(env) if env else REPO_ROOT.parent / "shared" / "corpus"


@dataclass(frozen=True)
class CorpusFile:
    path: Path  # absolute
    rel: str  # as in MANIFEST.tsv
    format: str
    accession: str
    notes: str
    sha256: str
    size: int


def load_manifest() -> list[CorpusFile]:
    root = corpus_root()
    manifest = root / "MANIFEST.tsv"
    if not manifest.exists():
        return []
    with manifest.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [
        CorpusFile(
            path=root / row["path"],
            rel=row["path"],
            format=row["format"],
            accession=row["accession"],
            notes=row["notes"],
            sha256=row["sha256"],
            size=int(row["bytes"]),
        )
        for row in rows
    ]


@pytest.hookimpl(trylast=True)  # after pytest's own reordering by fixture parameters
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Test files holding a test marked ``slow`` run first, each file's tests still together and in order.

    The README's command spreads whole files over workers (``pytest-xdist --dist loadfile``), handing
    them out in this order (with ``--no-loadscope-reorder``). A long file handed out last keeps one
    worker busy while the others have nothing left: started first, it runs beside the many short files.
    The order is a stable sort of the collection, the same in every worker (xdist requires that)."""
    slow_files = {item.path for item in items if item.get_closest_marker("slow") is not None}
    items.sort(key=lambda item: item.path not in slow_files)


@pytest.fixture(scope="session")
def corpus() -> Path:
    root = corpus_root()
    if not (root / "MANIFEST.tsv").exists():
        pytest.fail(f"the shared corpus is missing: expected {root}/MANIFEST.tsv (set RNACORPUS_CORPUS)")
    return root


@pytest.fixture(scope="session")
def manifest() -> list[CorpusFile]:
    rows = load_manifest()
    if not rows:
        pytest.fail(f"no MANIFEST.tsv under {corpus_root()}")
    return rows


@pytest.fixture(scope="session")
def corpus_mirror() -> Iterator[MirrorServer]:
    """The real corpus served on loopback under the archives' URL paths (one server per session)."""
    with MirrorServer(corpus_root()) as server:
        yield server


def mirror_config(tmp: Path, mirror_url: str, **overrides: object) -> Config:
    """A harvest config into ``tmp`` that talks to a loopback mirror, with rate limits out of the way."""
    values: dict[str, object] = {
        "catalog_path": tmp / "catalog.duckdb",
        "store_dir": tmp / "store",
        "cache_dir": tmp / "cache",
        "mirror": mirror_url,
        "read_timeout": 10.0,
        "max_attempts": 2,
        "rate_limits": {archive: RateLimit(1000.0, 100) for archive in ARCHIVE_HOSTS},
    }
    values.update(overrides)
    return Config(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def s3() -> Iterator[S3Endpoint]:
    """A local S3 endpoint (moto on 127.0.0.1) for the whole session; see :mod:`tests.s3`."""
    with moto_s3() as endpoint:
        yield endpoint


#: one study at a time: one build thread, one study per catalog transaction
SEQUENTIAL_RUN: dict[str, object] = {"workers": 1, "executor": "threads", "commit_batch": 1}


@pytest.fixture(scope="session")
def sequential_corpus_harvest(corpus_mirror: MirrorServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus's GEO series harvested strictly sequentially through the mirror, once per session: the
    reference that parallel and cluster harvests are compared with (read it, never write to it)."""
    from rnacorpus import api
    from tests.e2e.test_corpus_harvest import corpus_series

    folder = tmp_path_factory.mktemp("sequential-corpus")
    report = api.harvest(corpus_series(), config=mirror_config(folder, corpus_mirror.url, **SEQUENTIAL_RUN))
    assert report.exit_code == 0 and report.counts["new"] == len(corpus_series()), report.to_dict()
    return folder
