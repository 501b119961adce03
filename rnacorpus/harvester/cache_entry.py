"""What the raw cache records about one cached file: the sidecar entry and the answer a fetch returns.

:class:`CacheEntry` is the JSON sidecar beside each cached file (format :data:`SIDECAR_FORMAT`):
the file's URL, size, sha256, HTTP validators, when the archive served and last confirmed it, and
whether its content was proven whole (``verified``: a gzip body whose inflation was deferred to its
parser is stored unverified, :mod:`rnacorpus.harvester.deferred_check`; sidecars written before the
field existed were all checked whole, so a missing field reads as verified).
:class:`CachedFile` is what :class:`rnacorpus.harvester.http.HttpClient` hands callers for one fetch.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

__all__ = ["SIDECAR_FORMAT", "CacheEntry", "CachedFile"]

SIDECAR_FORMAT = "rnacorpus-raw-cache/1"


@dataclass(frozen=True)
class CacheEntry:
    """What a sidecar records about one cached file."""

    path: Path
    url: str  # secrets redacted
    cache_key: str
    archive: str
    size: int
    sha256: str
    etag: str | None
    last_modified: str | None
    content_type: str | None
    expect: str
    policy: str
    fetched_at: datetime  # when these bytes were downloaded
    validated_at: datetime  # when the archive last confirmed them (download or 304)
    expires: datetime | None
    mtime_ns: int
    #: the body was checked to its end (gzip inflated under the bomb limits, CRC and length matched)
    verified: bool = True

    @property
    def has_validators(self) -> bool:
        return bool(self.etag or self.last_modified)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        del data["path"]
        for name in ("fetched_at", "validated_at", "expires"):
            value = data[name]
            data[name] = value.isoformat() if value is not None else None
        return {"format": SIDECAR_FORMAT, **data}

    @classmethod
    def from_json(cls, path: Path, data: dict[str, Any]) -> CacheEntry:
        """Raises KeyError/TypeError/ValueError on anything malformed."""
        if data.get("format") != SIDECAR_FORMAT:
            raise ValueError(f"unknown sidecar format {data.get('format')!r}")

        def when(name: str) -> datetime:
            stamp = datetime.fromisoformat(str(data[name]))
            if stamp.tzinfo is None:
                raise ValueError(f"{name} has no timezone")
            return stamp

        def text(name: str) -> str | None:
            value = data.get(name)
            return None if value is None else str(value)

        size, mtime_ns, verified = data["size"], data["mtime_ns"], data.get("verified", True)
        if not isinstance(size, int) or not isinstance(mtime_ns, int) or size < 0:
            raise TypeError("size and mtime_ns must be non-negative integers")
        if not isinstance(verified, bool):
            raise TypeError("verified must be true or false")
        return cls(
            path=path,
            url=str(data["url"]),
            cache_key=str(data["cache_key"]),
            archive=str(data["archive"]),
            size=size,
            sha256=str(data["sha256"]),
            etag=text("etag"),
            last_modified=text("last_modified"),
            content_type=text("content_type"),
            expect=str(data["expect"]),
            policy=str(data["policy"]),
            fetched_at=when("fetched_at"),
            validated_at=when("validated_at"),
            expires=when("expires") if data.get("expires") is not None else None,
            mtime_ns=mtime_ns,
            verified=verified,
        )


@dataclass(frozen=True)
class CachedFile:
    path: Path
    url: str  # secrets redacted
    sha256: str
    size: int
    etag: str | None
    last_modified: str | None
    fetched_at: datetime
    #: True when no bytes were downloaded (cache hit, or a 304)
    from_cache: bool
    #: True when the bytes differ from what the cache held before (or it held nothing)
    changed: bool
    #: False when the body still has to be proven whole by the reader that inflates it
    verified: bool = True

    @classmethod
    def from_entry(cls, entry: CacheEntry, *, from_cache: bool, changed: bool) -> CachedFile:
        return cls(
            path=entry.path,
            url=entry.url,
            sha256=entry.sha256,
            size=entry.size,
            etag=entry.etag,
            last_modified=entry.last_modified,
            fetched_at=entry.fetched_at,
            from_cache=from_cache,
            changed=changed,
            verified=entry.verified,
        )
