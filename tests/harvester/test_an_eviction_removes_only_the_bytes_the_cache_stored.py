"""Evicting a cut body deletes exactly what the cache wrote for it — the body its sidecar describes and
that sidecar — and nothing else: a user's file in the same folder survives, and a body the sidecar no
longer describes (another download replaced it, with its own sha256) is left alone."""

from __future__ import annotations

import gzip
from pathlib import Path

from rnacorpus.harvester.cache import RawCache
from rnacorpus.harvester.checks import CheckLimits
from rnacorpus.harvester.deferred_check import UnverifiedBody, deferring_body_checks, settle_unverified
from rnacorpus.harvester.http import HttpClient
from tests.faults import FakeClock, FaultServer, Reply, quick_config, text_payload

FTP = "https://ftp.ncbi.nlm.nih.gov"
PATH = "/geo/series/GSE1nnn/GSE1/soft/GSE1_family.soft.gz"
WHOLE = gzip.compress(b"^SERIES = GSE1\n!Series_title = a study\n" + text_payload(1_500_000))
CUT = WHOLE[: int(len(WHOLE) * 0.7)]


def fetch_cut(cache: Path) -> tuple[Path, list[UnverifiedBody]]:
    """The cut body stored unverified in ``cache``, and the deferral's list naming it."""
    clock = FakeClock()
    with FaultServer() as server:
        server.on(PATH, Reply.ok(CUT))
        client = HttpClient(quick_config(cache, mirror=server.base_url), None, clock, clock.sleep)
        with client, deferring_body_checks(32 * 1024) as deferred:
            cached = client.fetch(FTP + PATH, expect="soft")
    assert deferred.bodies, "the cut body was not deferred: this test would prove nothing"
    return cached.path, list(deferred.bodies)


def test_a_users_file_beside_an_evicted_body_survives(tmp_path: Path) -> None:
    body, bodies = fetch_cut(tmp_path)
    mine = body.with_name("my_notes.txt")
    mine.write_text("not the cache's")
    sibling = body.with_name(body.name + ".bak")
    sibling.write_bytes(b"a user's copy")
    error = settle_unverified(bodies, tmp_path, set(), CheckLimits())
    assert error is not None
    assert not body.exists() and not RawCache(tmp_path).sidecar_path(body).exists()
    assert mine.read_text() == "not the cache's"
    assert sibling.read_bytes() == b"a user's copy"


def test_a_body_the_sidecar_no_longer_describes_is_not_evicted(tmp_path: Path) -> None:
    body, _ = fetch_cut(tmp_path)
    cache = RawCache(tmp_path)
    assert cache.evict(body, "0" * 64) is False
    assert body.read_bytes() == CUT and cache.sidecar_path(body).exists()
