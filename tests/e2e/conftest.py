"""A loopback mirror over the real corpus, and a harvest config that talks to it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rnacorpus.config import ARCHIVE_HOSTS, Config, RateLimit
from rnacorpus.harvester.mirror import MirrorServer
from tests.conftest import corpus_root


@pytest.fixture(scope="session")
def corpus_mirror() -> Iterator[MirrorServer]:
    with MirrorServer(corpus_root()) as server:
        yield server


def mirror_config(tmp: Path, mirror_url: str, **overrides: object) -> Config:
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
