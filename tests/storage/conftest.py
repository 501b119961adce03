"""The same storage tests against a local folder and a local S3 endpoint (moto on 127.0.0.1)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rnacorpus.demo.files import write_demo_archive
from rnacorpus.mirror import MirrorServer
from tests.s3 import S3Endpoint

BACKENDS = ["local", "s3"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def location(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    """Where a store or cache goes: a fresh local folder, or a prefix in a fresh bucket."""
    if backend == "local":
        return tmp_path / "tree"
    endpoint: S3Endpoint = request.getfixturevalue("s3")
    return endpoint.new_bucket() + "/tree"


@pytest.fixture(scope="session")
def demo_mirror(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MirrorServer]:
    """The four demo series (GEO-format files rnacorpus generates) served on loopback."""
    folder = tmp_path_factory.mktemp("demo-archive")
    write_demo_archive(folder)
    with MirrorServer(folder) as server:
        yield server
