"""A raw cache on object storage is the cache of record: any machine (any spool) finds what one fetched.

Two clients with different local spools share an S3 cache: what the first downloaded, the second reads
from the bucket without asking the archive. The remote sidecar decides: an object without its sidecar,
or whose bytes do not match it, is a miss (downloaded again), never a crash. The same tests run
against a local cache folder, where the "second machine" is a second client on the same folder.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest

from rnacorpus.harvester.cache import RawCache
from rnacorpus.harvester.http import HttpClient
from tests.faults import FaultServer, Reply, quick_config
from tests.s3 import S3Endpoint

URL = "https://ftp.ncbi.nlm.nih.gov/geo/series/GSE1nnn/GSE1/soft/GSE1_family.soft.gz"
PATH = "/geo/series/GSE1nnn/GSE1/soft/GSE1_family.soft.gz"
BODY = gzip.compress(b"^SERIES = GSE1\n!Series_title = shared\n" * 50)


@pytest.fixture
def archive() -> Iterator[FaultServer]:
    with FaultServer() as server:
        server.on(PATH, Reply.ok(BODY, etag='"v1"'))  # a conditional request with this ETag gets a 304
        yield server


def client(location: Path | str, archive: FaultServer, spool: Path, monkeypatch: pytest.MonkeyPatch) -> HttpClient:
    monkeypatch.setenv("RNACORPUS_SPOOL", str(spool))  # another machine: another local working copy
    return HttpClient(quick_config(location, mirror=archive.base_url))  # type: ignore[arg-type]


def test_a_second_machine_reads_what_the_first_fetched(
    location: Path | str, archive: FaultServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with client(location, archive, tmp_path / "machine-a", monkeypatch) as first:
        fetched = first.fetch(URL, expect="gzip")
    with client(location, archive, tmp_path / "machine-b", monkeypatch) as second:
        again = second.fetch(URL, expect="gzip")
    assert archive.hits(PATH) == 1
    assert again.from_cache and again.sha256 == fetched.sha256
    assert again.path.read_bytes() == BODY
    if isinstance(location, str):
        assert tmp_path / "machine-b" in again.path.parents  # a local working copy, for parsers
        assert RawCache(location).location_of(again.path).startswith(location + "/ncbi_ftp/geo/series/")


def test_a_revalidation_on_one_machine_is_seen_by_the_next(
    location: Path | str, archive: FaultServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with client(location, archive, tmp_path / "a", monkeypatch) as first:
        first.fetch(URL, expect="gzip")
    with client(location, archive, tmp_path / "b", monkeypatch) as second:
        checked = second.fetch(URL, expect="gzip", revalidate=True)
    assert checked.from_cache and not checked.changed
    (conditional,) = archive.requests_to(PATH)[1:]
    assert conditional.header("If-None-Match") == '"v1"'


def test_an_object_without_a_matching_sidecar_is_a_miss(
    s3: S3Endpoint, archive: FaultServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    location = s3.new_bucket() + "/cache"
    with client(location, archive, tmp_path / "a", monkeypatch) as first:
        path = first.fetch(URL, expect="gzip").path
    cache = RawCache(location)
    assert cache.remote is not None
    rel = path.relative_to(cache.root).as_posix()
    cache.remote.write_bytes(rel, BODY[:-5])  # the object changed behind the sidecar's back
    with client(location, archive, tmp_path / "b", monkeypatch) as second:
        again = second.fetch(URL, expect="gzip")
    assert archive.hits(PATH) == 2 and not again.from_cache and again.path.read_bytes() == BODY
    cache.remote.delete(f"{rel.rsplit('/', 1)[0]}/.{path.name}.meta.json")  # a writer died before its sidecar
    with client(location, archive, tmp_path / "c", monkeypatch) as third:
        assert not third.fetch(URL, expect="gzip").from_cache
    assert archive.hits(PATH) == 3
