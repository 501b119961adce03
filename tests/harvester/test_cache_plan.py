"""plan_fetch: the pure decision taken before any I/O (use / revalidate / download / offline_miss)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rnacorpus.harvester.cache_entry import CacheEntry
from rnacorpus.harvester.cache_policy import NO_STORE, PINNED, SEARCH, STUDY, CachePolicy, FetchAction, plan_fetch

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def entry(*, age: timedelta = timedelta(0), etag: str | None = '"v1"', modified: str | None = None) -> CacheEntry:
    stamp = NOW - age
    return CacheEntry(
        path=Path("/cache/x"),
        url="https://ftp.ncbi.nlm.nih.gov/x",
        cache_key="k",
        archive="ncbi_ftp",
        size=1,
        sha256="0" * 64,
        etag=etag,
        last_modified=modified,
        content_type=None,
        expect="gzip",
        policy="study",
        fetched_at=stamp,
        validated_at=stamp,
        expires=None,
        mtime_ns=0,
    )


HOURLY = CachePolicy("hourly", max_age=timedelta(hours=1))


@pytest.mark.parametrize(
    ("cached", "policy", "offline", "revalidate", "action"),
    [
        (None, STUDY, False, False, "download"),
        (None, STUDY, True, False, "offline_miss"),
        (None, PINNED, True, True, "offline_miss"),
        (entry(), STUDY, False, False, "use"),
        (entry(), STUDY, False, True, "revalidate"),
        (entry(etag=None, modified="Wed, 21 Oct 2015 07:28:00 GMT"), STUDY, False, True, "revalidate"),
        (entry(etag=None), STUDY, False, True, "download"),
        (entry(age=timedelta(days=3650)), PINNED, False, True, "use"),
        (entry(age=timedelta(days=3650)), STUDY, False, False, "use"),
        (entry(age=timedelta(minutes=30)), SEARCH, False, False, "use"),
        (
            entry(age=timedelta(hours=2)),
            SEARCH,
            False,
            False,
            "download",
        ),  # search answers carry no validators
        (entry(age=timedelta(hours=2)), HOURLY, False, False, "revalidate"),
        (entry(age=timedelta(hours=2)), SEARCH, True, False, "use"),  # offline uses whatever is cached
        (entry(), NO_STORE, False, False, "download"),
        (entry(), NO_STORE, True, False, "use"),
        (entry(), STUDY, True, True, "use"),
    ],
)
def test_plan(
    cached: CacheEntry | None, policy: CachePolicy, offline: bool, revalidate: bool, action: FetchAction
) -> None:
    plan = plan_fetch(cached, policy, NOW, offline=offline, revalidate=revalidate)
    assert plan.action == action
    assert plan.reason  # every decision says why


def test_expiry_follows_the_current_policy_not_the_stored_one() -> None:
    old = entry(age=timedelta(hours=5))
    assert plan_fetch(old, PINNED, NOW).action == "use"
    assert plan_fetch(old, HOURLY, NOW).action == "revalidate"
    assert plan_fetch(old, HOURLY, old.validated_at + timedelta(minutes=59)).action == "use"


def test_sidecar_round_trip() -> None:
    original = entry(modified="Wed, 21 Oct 2015 07:28:00 GMT")
    data = original.to_json()
    assert data["format"] == "rnacorpus-raw-cache/1" and "path" not in data
    assert CacheEntry.from_json(original.path, data) == original


@pytest.mark.parametrize(
    "damage",
    [
        {"format": "other/9"},
        {"size": "12"},
        {"fetched_at": "yesterday"},
        {"fetched_at": "2024-01-01T00:00:00"},
    ],
)
def test_malformed_sidecars_are_refused(damage: dict[str, object]) -> None:
    data = {**entry().to_json(), **damage}
    with pytest.raises((ValueError, TypeError)):
        CacheEntry.from_json(Path("/x"), data)
