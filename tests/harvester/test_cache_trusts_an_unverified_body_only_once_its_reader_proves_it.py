"""A large gzip body fetched inside ``deferring_body_checks`` is stored unverified (sidecar
``verified: false``) and listed for its reader to prove whole. Outside a deferral nobody is handed an
unverified entry: the client inflates it whole first, keeping it (now verified) when it is whole and
downloading it again when it is not. ``settle_unverified`` marks a body verified when its reader read
it to its end, checks it whole otherwise, and evicts one that fails, returning the download's error.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from rnacorpus.errors import TruncatedError
from rnacorpus.fileio import open_maybe_gzip, recording_whole_reads
from rnacorpus.harvester.cache_entry import CacheEntry
from rnacorpus.harvester.checks import CheckLimits
from rnacorpus.harvester.deferred_check import deferring_body_checks, settle_unverified
from rnacorpus.harvester.http import HttpClient
from tests.faults import FakeClock, FaultServer, Reply, quick_config, text_payload

FTP = "https://ftp.ncbi.nlm.nih.gov"
PATH = "/geo/series/GSE1nnn/GSE1/soft/GSE1_family.soft.gz"
SOFT = b"^SERIES = GSE1\n!Series_title = a study\n" + text_payload(1_500_000)
WHOLE = gzip.compress(SOFT)
CUT = WHOLE[: int(len(WHOLE) * 0.7)]
PREFIX = 32 * 1024


def client_for(server: FaultServer, cache: Path) -> HttpClient:
    clock = FakeClock()
    return HttpClient(quick_config(cache, mirror=server.base_url), None, clock, clock.sleep)


def sidecar(path: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(path.with_name(f".{path.name}.meta.json").read_text())
    return data


def read_to_the_end(path: Path) -> None:
    with open_maybe_gzip(path) as handle:
        while handle.read(1 << 20):
            pass


def test_a_cut_body_is_stored_unverified_then_downloaded_again_by_a_reader_outside(tmp_path: Path) -> None:
    with FaultServer() as server:
        server.on(PATH, Reply.ok(CUT), Reply.ok(WHOLE))
        with client_for(server, tmp_path) as client:
            with deferring_body_checks(PREFIX) as deferred:
                first = client.fetch(FTP + PATH, expect="soft")
            assert not first.verified and sidecar(first.path)["verified"] is False
            assert [b.path for b in deferred.bodies] == [str(first.path)]
            again = client.fetch(FTP + PATH, expect="soft")  # no deferral: checked whole, cut, a miss
        assert server.hits(PATH) == 2
    assert again.verified and again.path.read_bytes() == WHOLE and sidecar(again.path)["verified"] is True


def test_an_entry_a_killed_run_left_unverified_is_verified_before_use(tmp_path: Path) -> None:
    with FaultServer() as server:
        server.on(PATH, Reply.ok(WHOLE))
        with client_for(server, tmp_path) as client, deferring_body_checks(PREFIX):
            client.fetch(FTP + PATH, expect="soft")  # the run dies before its parse proves it
        with client_for(server, tmp_path) as client:
            with deferring_body_checks(PREFIX) as deferred:
                handed = client.fetch(FTP + PATH, expect="soft")
            assert not handed.verified and handed.from_cache and len(deferred.bodies) == 1  # for its parse
            used = client.fetch(FTP + PATH, expect="soft")
        assert server.hits(PATH) == 1
    assert used.verified and used.from_cache and sidecar(used.path)["verified"] is True


def test_a_body_its_reader_read_to_the_end_is_marked_verified_without_a_check(tmp_path: Path) -> None:
    with FaultServer() as server:
        server.on(PATH, Reply.ok(WHOLE))
        with client_for(server, tmp_path) as client, deferring_body_checks(PREFIX) as deferred:
            cached = client.fetch(FTP + PATH, expect="soft")
    with recording_whole_reads() as read_whole:
        read_to_the_end(cached.path)
    assert len(read_whole) == 1
    assert settle_unverified(deferred.bodies, tmp_path, read_whole, CheckLimits()) is None
    assert sidecar(cached.path)["verified"] is True


@pytest.mark.parametrize("read_first", [True, False], ids=["reader-failed", "not-read"])
def test_a_cut_body_is_evicted_with_the_downloads_error(tmp_path: Path, read_first: bool) -> None:
    with FaultServer() as server:
        server.on(PATH, Reply.ok(CUT))
        with client_for(server, tmp_path) as client, deferring_body_checks(PREFIX) as deferred:
            cached = client.fetch(FTP + PATH, expect="soft")
    with recording_whole_reads() as read_whole:
        if read_first:
            with pytest.raises(TruncatedError):
                read_to_the_end(cached.path)
    assert read_whole == set()
    error = settle_unverified(deferred.bodies, tmp_path, read_whole, CheckLimits())
    assert isinstance(error, TruncatedError) and "gzip stream ends early" in str(error)
    assert not cached.path.exists() and not cached.path.with_name(f".{cached.path.name}.meta.json").exists()


def test_a_sidecar_written_before_the_field_existed_reads_as_verified(tmp_path: Path) -> None:
    with FaultServer() as server:
        server.on(PATH, Reply.ok(WHOLE))
        with client_for(server, tmp_path) as client:
            cached = client.fetch(FTP + PATH, expect="soft")
    data = sidecar(cached.path)
    assert data["verified"] is True
    del data["verified"]
    assert CacheEntry.from_json(cached.path, data).verified
