"""Writing the raw cache: temp file beside the target, check, hash, fsync, rename, then the sidecar."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from rnacorpus.errors import TruncatedError
from rnacorpus.harvester.cachekeys import cache_key
from rnacorpus.harvester.http import HttpClient
from tests.faults import FakeClock, FaultServer, Reply, quick_config, text_payload

PATH = "/geo/series/GSE1nnn/GSE1/soft/GSE1_family.soft.gz"
URL = "https://ftp.ncbi.nlm.nih.gov" + PATH
SOFT_GZ = gzip.compress(b"^DATABASE = GeoMiame\n^SERIES = GSE1\n" + text_payload(50_000))
LAST_MODIFIED = "Tue, 05 Mar 2024 10:00:00 GMT"


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer() as running:
        yield running


@pytest.fixture
def client(server: FaultServer, tmp_path: Path) -> Iterator[HttpClient]:
    clock = FakeClock()
    with HttpClient(quick_config(tmp_path, mirror=server.base_url), None, clock, clock.sleep) as made:
        yield made


def test_sidecar_records_what_was_fetched(server: FaultServer, client: HttpClient, tmp_path: Path) -> None:
    server.on(PATH, Reply.ok(SOFT_GZ, content_type="application/x-gzip", etag='"e1"', last_modified=LAST_MODIFIED))
    cached = client.fetch(URL, expect="soft", accession="GSE1")
    assert cached.path == tmp_path.resolve() / "ncbi_ftp/geo/series/GSE1nnn/GSE1/soft/GSE1_family.soft.gz"
    side = json.loads(client.cache.sidecar_path(cached.path).read_text())
    assert side["format"] == "rnacorpus-raw-cache/1"
    assert side["url"] == URL and side["cache_key"] == cache_key(URL) and side["archive"] == "ncbi_ftp"
    assert side["size"] == len(SOFT_GZ) == cached.size
    assert side["sha256"] == hashlib.sha256(SOFT_GZ).hexdigest() == cached.sha256
    assert side["etag"] == '"e1"' and side["last_modified"] == LAST_MODIFIED
    assert side["content_type"] == "application/x-gzip" and side["expect"] == "soft"
    assert side["policy"] == "study" and side["expires"] is None
    assert datetime.fromisoformat(side["fetched_at"]).tzinfo is not None
    assert side["mtime_ns"] == cached.path.stat().st_mtime_ns
    assert cached.from_cache is False and cached.changed is True


def test_second_fetch_is_served_from_the_cache(server: FaultServer, client: HttpClient) -> None:
    server.on(PATH, Reply.ok(SOFT_GZ))
    first = client.fetch(URL, expect="soft")
    again = client.fetch(URL, expect="soft")
    assert server.hits(PATH) == 1
    assert again.from_cache and not again.changed and again.sha256 == first.sha256


def test_failed_download_leaves_no_file(server: FaultServer, client: HttpClient, tmp_path: Path) -> None:
    server.on(PATH, Reply.truncated(SOFT_GZ, keep=1000))
    with pytest.raises(TruncatedError):
        client.fetch(URL, expect="soft")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_failed_redownload_keeps_the_good_copy(server: FaultServer, client: HttpClient) -> None:
    newer = gzip.compress(b"^SERIES = GSE1\n" + text_payload(50_000, seed=2))
    server.on(PATH, Reply.ok(SOFT_GZ), Reply.truncated(newer, keep=1000))
    good = client.fetch(URL, expect="soft")
    with pytest.raises(TruncatedError):
        client.fetch(URL, expect="soft", revalidate=True)  # no validators: a full download is tried
    assert good.path.read_bytes() == SOFT_GZ
    assert client.fetch(URL, expect="soft").from_cache


def _leftover(target: Path, age_seconds: float, content: bytes = b"^SERIES = half written") -> Path:
    """What a download killed mid-way (kill -9, power loss) leaves beside its target."""
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(f".{target.name}.k1ll3d.part")
    part.write_bytes(content)
    stamp = time.time() - age_seconds
    os.utime(part, (stamp, stamp))
    return part


def test_crash_leftover_is_ignored_and_cleaned(server: FaultServer, client: HttpClient) -> None:
    target = client.cache.path_for("ncbi_ftp", URL)
    stale = _leftover(target, age_seconds=3600, content=SOFT_GZ[:500])
    server.on(PATH, Reply.ok(SOFT_GZ))
    cached = client.fetch(URL, expect="soft")
    assert server.hits(PATH) == 1  # the half-written temp file was never taken for the file
    assert cached.path.read_bytes() == SOFT_GZ
    assert not stale.exists()


def test_recent_temp_file_of_another_writer_is_left_alone(server: FaultServer, client: HttpClient) -> None:
    target = client.cache.path_for("ncbi_ftp", URL)
    live = _leftover(target, age_seconds=5)
    server.on(PATH, Reply.ok(SOFT_GZ))
    client.fetch(URL, expect="soft")
    assert live.exists()


def test_data_file_without_sidecar_is_a_miss(server: FaultServer, client: HttpClient) -> None:
    """A crash between the data rename and the sidecar write leaves an unverified file."""
    target = client.cache.path_for("ncbi_ftp", URL)
    target.parent.mkdir(parents=True)
    target.write_bytes(SOFT_GZ[:100])
    server.on(PATH, Reply.ok(SOFT_GZ))
    assert client.fetch(URL, expect="soft").path.read_bytes() == SOFT_GZ
    assert server.hits(PATH) == 1


def test_threads_fetching_one_file_download_it_once(server: FaultServer, client: HttpClient) -> None:
    server.on(PATH, Reply.ok(SOFT_GZ))
    results: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        cached = client.fetch(URL, expect="soft")
        with lock:
            results.append(cached.sha256)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert server.hits(PATH) == 1
    assert results == [hashlib.sha256(SOFT_GZ).hexdigest()] * 4
