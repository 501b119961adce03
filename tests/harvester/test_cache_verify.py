"""Reading the raw cache: a file is used only when it matches its sidecar; anything else is a
logged miss (and a fresh download), never a crash."""

from __future__ import annotations

import gzip
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from rnacorpus.errors import BadContentError
from rnacorpus.harvester.http import CachedFile, HttpClient
from tests.faults import FakeClock, FaultServer, Reply, quick_config

PATH = "/geo/series/GSE1nnn/GSE1/soft/GSE1_family.soft.gz"
URL = "https://ftp.ncbi.nlm.nih.gov" + PATH
SOFT_GZ = gzip.compress(b"^SERIES = GSE1\n!Series_title = liver\n" * 100)


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer() as running:
        running.on(PATH, Reply.ok(SOFT_GZ))
        yield running


@pytest.fixture
def client(server: FaultServer, tmp_path: Path) -> Iterator[HttpClient]:
    clock = FakeClock()
    with HttpClient(quick_config(tmp_path, mirror=server.base_url), None, clock, clock.sleep) as made:
        yield made


@pytest.fixture
def cached(client: HttpClient) -> CachedFile:
    return client.fetch(URL, expect="soft")


def flip_one_byte_keeping_size_and_mtime(path: Path) -> None:
    stat = path.stat()
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_changed_size_is_detected_and_refetched(
    server: FaultServer, client: HttpClient, cached: CachedFile, caplog: pytest.LogCaptureFixture
) -> None:
    cached.path.write_bytes(SOFT_GZ[:-10])
    with caplog.at_level(logging.WARNING, logger="rnacorpus.harvester.cache"):
        again = client.fetch(URL, expect="soft")
    assert server.hits(PATH) == 2 and not again.from_cache
    assert again.path.read_bytes() == SOFT_GZ
    assert "sidecar says" in caplog.text


def test_same_size_corruption_needs_the_full_check(server: FaultServer, client: HttpClient, cached: CachedFile) -> None:
    flip_one_byte_keeping_size_and_mtime(cached.path)
    assert client.fetch(URL, expect="soft").from_cache  # the cheap check trusts size + mtime
    repaired = client.fetch(URL, expect="soft", verify="full")
    assert server.hits(PATH) == 2 and not repaired.from_cache
    assert repaired.path.read_bytes() == SOFT_GZ


def test_touched_file_is_rehashed_not_refetched(server: FaultServer, client: HttpClient, cached: CachedFile) -> None:
    os.utime(cached.path, ns=(0, 10**18))
    assert client.fetch(URL, expect="soft").from_cache
    side = json.loads(client.cache.sidecar_path(cached.path).read_text())
    assert side["mtime_ns"] == 10**18  # remembered, so the next check is cheap again
    assert server.hits(PATH) == 1


def test_changed_content_after_touch_is_detected(server: FaultServer, client: HttpClient, cached: CachedFile) -> None:
    data = bytearray(cached.path.read_bytes())
    data[0] ^= 0xFF
    cached.path.write_bytes(bytes(data))  # new mtime, same size: the hash decides
    assert not client.fetch(URL, expect="soft").from_cache
    assert server.hits(PATH) == 2


@pytest.mark.parametrize(
    "damage",
    [b"", b"{not json", b"[1, 2]", b'{"format": "rnacorpus-raw-cache/999"}', b"\xff\xfe" * 10],
    ids=["empty", "garbage", "list", "future-format", "binary"],
)
def test_unreadable_sidecar_is_a_miss(
    server: FaultServer,
    client: HttpClient,
    cached: CachedFile,
    caplog: pytest.LogCaptureFixture,
    damage: bytes,
) -> None:
    client.cache.sidecar_path(cached.path).write_bytes(damage)
    with caplog.at_level(logging.WARNING, logger="rnacorpus.harvester.cache"):
        again = client.fetch(URL, expect="soft")
    assert not again.from_cache and server.hits(PATH) == 2
    assert "unreadable" in caplog.text
    assert json.loads(client.cache.sidecar_path(cached.path).read_text())["sha256"] == again.sha256


def test_missing_sidecar_is_a_miss(server: FaultServer, client: HttpClient, cached: CachedFile) -> None:
    client.cache.sidecar_path(cached.path).unlink()
    assert not client.fetch(URL, expect="soft").from_cache


def test_sidecar_of_another_url_is_a_miss(server: FaultServer, client: HttpClient, cached: CachedFile) -> None:
    sidecar = client.cache.sidecar_path(cached.path)
    data = json.loads(sidecar.read_text())
    sidecar.write_text(json.dumps({**data, "cache_key": "0" * 64}))
    assert not client.fetch(URL, expect="soft").from_cache


def test_stricter_expectation_rechecks_the_cached_bytes(server: FaultServer, client: HttpClient) -> None:
    other = "/geo/series/GSE1nnn/GSE1/suppl/filelist.txt"
    server.on(other, Reply.ok(b"#Archive/File\tName\n"))
    client.fetch("https://ftp.ncbi.nlm.nih.gov" + other, expect="any")
    assert client.fetch("https://ftp.ncbi.nlm.nih.gov" + other, expect="text").from_cache
    with pytest.raises(BadContentError, match="SOFT"):
        client.fetch("https://ftp.ncbi.nlm.nih.gov" + other, expect="soft")
    assert server.hits(other) == 2  # the re-check failed, so the archive was asked again
