"""Request paths never reach outside the mirror folder, however they are spelled."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from rnacorpus.errors import ConfigError
from rnacorpus.mirror import MirrorServer

SECRET = b"top secret, outside the mirror"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MirrorServer]:
    tmp_path = tmp_path_factory.mktemp("safety")
    root = tmp_path / "mirror"
    (root / "docs").mkdir(parents=True)
    (root / "docs/readme.txt").write_bytes(b"inside")
    (tmp_path / "secret.txt").write_bytes(SECRET)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside/GSE1_family.soft").write_text("^DATABASE = GeoMiame\n^SERIES = GSE1\n!Series_title = leak\n")
    (root / "link_to_secret.txt").symlink_to(tmp_path / "secret.txt")
    (root / "linked_folder").symlink_to(tmp_path / "outside", target_is_directory=True)
    with MirrorServer(root) as server:
        yield server


def raw_get(server: MirrorServer, path: str) -> tuple[int, bytes]:
    """Send the path exactly as written (requests would normalise ``..`` away before sending)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_files_inside_are_served_by_their_path(served: MirrorServer) -> None:
    assert raw_get(served, "/docs/readme.txt") == (200, b"inside")


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/docs/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/docs/%2E%2E/%2e%2e/secret.txt",
        "/docs/..%2f..%2fsecret.txt",
        "/docs/..%5c..%5csecret.txt",
        "/%252e%252e/secret.txt",
        f"/{Path('/').resolve()}/etc/passwd",
        "//etc/passwd",
        "/docs/readme.txt%00.gz",
        "/link_to_secret.txt",
        "/linked_folder/GSE1_family.soft",
    ],
)
def test_traversal_attempts_are_refused(served: MirrorServer, path: str) -> None:
    status, body = raw_get(served, path)
    assert status == 404
    assert SECRET not in body and b"leak" not in body


def test_links_out_of_the_folder_are_not_indexed(served: MirrorServer) -> None:
    assert all("secret" not in entry.rel and "GSE1_" not in entry.rel for entry in served.index.entries())
    response = requests.get(f"{served.url}/geo/series/GSEnnn/GSE1/soft/GSE1_family.soft.gz", timeout=10)
    assert response.status_code == 404


def test_file_names_in_queries_cannot_climb_out(served: MirrorServer) -> None:
    for query in (
        "acc=GSE1&format=file&file=../secret.txt",
        "type=rnaseq_counts&format=file&file=../../secret.txt",
    ):
        status, body = raw_get(served, f"/geo/download/?{query}")
        assert status == 404 and SECRET not in body


def test_a_missing_folder_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        MirrorServer(tmp_path / "nope")
