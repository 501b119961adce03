"""One frozen configuration object, built at the edge (CLI, notebook) and passed inward.

Building a Config touches no disk and no network; the folders appear when first written.
Every value can come from an ``RNACORPUS_*`` environment variable; explicit arguments win.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from rnacorpus.errors import ConfigError
from rnacorpus.storage import Location, parse_location, spool_dir

__all__ = ["ARCHIVE_HOSTS", "Config", "RateLimit", "default_cache_dir", "parse_rate_limits"]

#: The archives' real base URLs. Every URL the harvester builds starts with one of these, which is
#: what lets ``--mirror`` send all of them to one local server while keeping the path.
ARCHIVE_HOSTS: Mapping[str, str] = MappingProxyType(
    {
        "eutils": "https://eutils.ncbi.nlm.nih.gov",
        "ncbi_ftp": "https://ftp.ncbi.nlm.nih.gov",
        "ncbi_www": "https://www.ncbi.nlm.nih.gov",
        "ebi": "https://www.ebi.ac.uk",
        "ebi_ftp": "https://ftp.ebi.ac.uk",
        # EBI services on www.ebi.ac.uk, each its own rate limit (a URL goes to the longest matching base)
        "biostudies": "https://www.ebi.ac.uk/biostudies",
        "ena_portal": "https://www.ebi.ac.uk/ena/portal/api",
        "ena_browser": "https://www.ebi.ac.uk/ena/browser/api",
        "biosamples": "https://www.ebi.ac.uk/biosamples",
    }
)


@dataclass(frozen=True)
class RateLimit:
    """A token bucket: ``rate`` requests per second with bursts up to ``burst``."""

    rate: float
    burst: int = 1

    @property
    def unlimited(self) -> bool:
        """No limit at all (``off``): requests to this archive are never delayed."""
        return math.isinf(self.rate)


#: ``RateLimit`` of an archive whose politeness limit the user turned off (their own mirror, a licence)
UNLIMITED = RateLimit(math.inf, 1)


def parse_rate_limits(text: str, *, source: str = "--rate-limit") -> dict[str, RateLimit]:
    """``ncbi_ftp=20,ebi=5/4,biosamples=off``: per archive, requests per second[/burst], or ``off``.

    The keys are :data:`ARCHIVE_HOSTS`' names, ``*`` for every one of them (later entries win, so
    ``*=off,eutils=3`` lifts every limit but E-utilities'), or a host name (its own bucket, for links
    outside the archives' base URLs). The defaults are the archives' politeness limits; a user lifts or
    raises them for a mirror they run or a quota they were granted, never by accident: a bad entry is
    an error naming it.
    """
    limits: dict[str, RateLimit] = {}
    for entry in (part.strip() for part in text.split(",")):
        if not entry:
            continue
        key, sep, value = (item.strip() for item in entry.partition("="))
        if not sep or not key or not value:
            raise ConfigError(f"{source}: {entry!r} is not ARCHIVE=RATE[/BURST] or ARCHIVE=off")
        is_host = key not in ARCHIVE_HOSTS and ("." in key or ":" in key)
        if key != "*" and key not in ARCHIVE_HOSTS and not is_host:
            known = ", ".join(sorted(ARCHIVE_HOSTS))
            raise ConfigError(f"{source}: {key!r} is not an archive ({known}, * for all) or a host name")
        limit = UNLIMITED if value.lower() == "off" else _rate(value, entry, source)
        for name in ARCHIVE_HOSTS if key == "*" else (key.lower() if is_host else key,):
            limits[name] = limit
    return limits


def _rate(value: str, entry: str, source: str) -> RateLimit:
    rate_text, _, burst_text = value.partition("/")
    try:
        rate, burst = float(rate_text), int(burst_text) if burst_text else 1
    except ValueError as exc:
        raise ConfigError(f"{source}: {entry!r}: the rate is a number of requests per second, or off") from exc
    if not (0 < rate < math.inf) or burst < 1:
        raise ConfigError(f"{source}: {entry!r}: the rate must be > 0 (or off) and the burst >= 1")
    return RateLimit(rate, burst)


def _default_rate_limits(api_key: str | None) -> dict[str, RateLimit]:
    # NLM: 3 requests/s without a key, 10 with one; exceeding it earns 429s (KA-05510).
    eutils = RateLimit(10.0 if api_key else 3.0, 1)
    return {
        "eutils": eutils,
        # acc.cgi and the download page are not E-utilities, but the same servers: same politeness.
        "ncbi_www": eutils,
        "ncbi_ftp": RateLimit(5.0, 2),
        "ebi": RateLimit(10.0, 2),
        "ebi_ftp": RateLimit(10.0, 2),
        # BioStudies publishes no limit and asks for "reasonable use"; its search is slow: 5/s
        "biostudies": RateLimit(5.0, 2),
        # ENA documents ~50 requests/s per user for the portal API [unverified]: stay well below
        "ena_portal": RateLimit(10.0, 2),
        "ena_browser": RateLimit(10.0, 2),
        # BioSamples: EBI asks for moderation like the rest
        "biosamples": RateLimit(10.0, 2),
    }


def default_cache_dir() -> Path:
    root = os.environ.get("XDG_CACHE_HOME")
    return (Path(root) if root else Path.home() / ".cache") / "rnacorpus"


@dataclass(frozen=True)
class Config:
    catalog_path: Path = Path("rnacorpus.duckdb")
    #: the expression store: a local folder, or an fsspec URL such as ``s3://bucket/prefix``
    #: (:mod:`rnacorpus.storage`; a ``str`` given here is parsed, so ``file://`` URLs become paths)
    store_dir: Location = Path("rnacorpus-store")
    #: the raw download cache: a local folder or an fsspec URL (then files are worked on in a local spool)
    cache_dir: Location = field(default_factory=default_cache_dir)

    #: base URL of a local mirror; every archive request goes there, keeping its path and query
    mirror: str | None = None
    #: read only the raw cache; a miss is an OfflineMiss error, never a request
    offline: bool = False
    base_urls: Mapping[str, str] = field(default_factory=lambda: dict(ARCHIVE_HOSTS))

    # NCBI etiquette: tool and email are sent with every E-utilities request (NBK25499).
    ncbi_api_key: str | None = None
    email: str | None = None
    tool: str = "rnacorpus"

    connect_timeout: float = 10.0
    #: seconds of silence while reading before a request counts as timed out (not the whole download)
    read_timeout: float = 60.0
    max_attempts: int = 5
    backoff_base: float = 1.0
    backoff_max: float = 60.0
    #: total seconds one request may spend waiting between retries before giving up (transient → failed)
    retry_budget: float = 300.0
    #: consecutive requests to one host that fail after their retries (no connection, timeouts, 5xx, HTML
    #: pages) before the run stops as an outage instead of quarantining study after study; a refused
    #: connection, a DNS or a TLS failure stops it at once (:mod:`rnacorpus.harvester.breaker`)
    outage_threshold: int = 3
    rate_limits: Mapping[str, RateLimit] | None = None
    #: the user's changes to those limits (``--rate-limit``, ``RNACORPUS_RATE_LIMITS``: :func:`parse_rate_limits`)
    rate_overrides: Mapping[str, RateLimit] = field(default_factory=dict)

    #: decompressed bytes allowed from one gzip stream; family SOFT of the largest series are a few GB
    max_decompressed_bytes: int = 32 * 1024**3
    #: compression ratio past which a stream counts as a bomb (after the first 64 MiB): text rarely exceeds
    #: 30, a count table of 99.9 % zeros ~100, a crafted bomb up to ~1032 (deflate's ceiling)
    max_compression_ratio: float = 250.0

    #: read authors' supplementary files (count matrices, per-sample tables) of sequencing series
    fetch_supplementary: bool = True
    #: largest supplementary file fetched (and largest archive member read), and a series' total
    max_suppl_file_bytes: int = 2 * 1024**3
    max_suppl_series_bytes: int = 8 * 1024**3

    #: parallel study workers (fetching stays rate-limited per host whatever this is)
    workers: int = 1
    #: where studies are parsed and harmonized: "auto" (one thread beside the driver for one worker,
    #: processes for more: the GIL serializes threads, see docs/decisions.md), "threads" or "processes"
    executor: str = "auto"
    #: most studies committed in one catalog transaction; a reader waits at most for one transaction
    commit_batch: int = 64
    #: a Dask distributed scheduler (``tcp://host:8786``): builds run on its workers instead of a local
    #: pool; downloads and commits stay here (:mod:`rnacorpus.pipeline.cluster`)
    scheduler: str | None = None

    #: sources asked to add to every harvested study (ENA runs, BioSamples characteristics), in this
    #: order; None: every registered source that can (``rnacorpus.pipeline.enrich``); () turns it off.
    enrich: tuple[str, ...] | None = None
    #: enriching sources that can answer many records per request do (BioSamples by accession block,
    #: ENA runs by OR'ed accessions: :mod:`rnacorpus.harvester.lookup`); False asks one per record
    batch_lookups: bool = True

    def __post_init__(self) -> None:
        for name in ("store_dir", "cache_dir"):
            object.__setattr__(self, name, parse_location(getattr(self, name)))
        if "://" in str(self.catalog_path):
            raise ConfigError(
                f"the catalog must be a local file (its one writer is this machine), got {self.catalog_path}; "
                "`rnacorpus publish --to URL` copies it to object storage for readers"
            )
        object.__setattr__(self, "catalog_path", Path(self.catalog_path))
        if self.mirror is not None and not self.mirror.startswith(("http://", "https://")):
            raise ConfigError(f"--mirror must be an http(s) URL, got {self.mirror!r}")
        if self.max_attempts < 1:
            raise ConfigError("max_attempts must be at least 1")
        if self.workers < 1:
            raise ConfigError("workers must be at least 1")
        if self.executor not in ("auto", "threads", "processes"):
            raise ConfigError(f"executor must be auto, threads or processes, got {self.executor!r}")
        if self.commit_batch < 1:
            raise ConfigError("commit_batch must be at least 1")
        if self.outage_threshold < 1:
            raise ConfigError("outage_threshold must be at least 1")

    @property
    def limits(self) -> Mapping[str, RateLimit]:
        base = self.rate_limits if self.rate_limits is not None else _default_rate_limits(self.ncbi_api_key)
        return {**base, **self.rate_overrides} if self.rate_overrides else base

    @property
    def local_cache_dir(self) -> Path:
        """A local folder for derived caches (compiled ontologies): the cache, or the remote cache's spool."""
        return self.cache_dir if isinstance(self.cache_dir, Path) else spool_dir(self.cache_dir)

    def with_(self, **changes: Any) -> Config:
        return replace(self, **changes)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Config:
        """Config from ``RNACORPUS_*`` variables (and ``NCBI_API_KEY``), then explicit overrides.

        ``None`` overrides are ignored so a CLI can pass its unset options straight through.
        """
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        paths = {
            "RNACORPUS_CATALOG": "catalog_path",
            "RNACORPUS_STORE": "store_dir",
            "RNACORPUS_CACHE": "cache_dir",
        }
        for var, name in paths.items():
            if env.get(var):
                values[name] = env[var]
        for var, name in {
            "RNACORPUS_MIRROR": "mirror",
            "RNACORPUS_EMAIL": "email",
            "RNACORPUS_EXECUTOR": "executor",
            "RNACORPUS_SCHEDULER": "scheduler",
        }.items():
            if env.get(var):
                values[name] = env[var]
        if "RNACORPUS_ENRICH" in env:  # "ena,biosamples", or "none" / "" for no enrichment
            names = [n.strip() for n in env["RNACORPUS_ENRICH"].split(",") if n.strip()]
            values["enrich"] = () if names in ([], ["none"]) else tuple(names)
        key = env.get("RNACORPUS_NCBI_API_KEY") or env.get("NCBI_API_KEY")
        if key:
            values["ncbi_api_key"] = key
        if env.get("RNACORPUS_OFFLINE", "").lower() in {"1", "true", "yes"}:
            values["offline"] = True
        if env.get("RNACORPUS_BATCH_LOOKUPS", "").lower() in {"0", "false", "no"}:
            values["batch_lookups"] = False
        for var, name, kind in (
            ("RNACORPUS_READ_TIMEOUT", "read_timeout", float),
            ("RNACORPUS_MAX_ATTEMPTS", "max_attempts", int),
            ("RNACORPUS_WORKERS", "workers", int),
            ("RNACORPUS_COMMIT_BATCH", "commit_batch", int),
        ):
            if env.get(var):
                try:
                    values[name] = kind(env[var])
                except ValueError as exc:
                    raise ConfigError(f"{var}={env[var]!r} is not a valid {kind.__name__}") from exc
        if env.get("RNACORPUS_RATE_LIMITS"):  # the command line's --rate-limit entries come after these
            values["rate_overrides"] = parse_rate_limits(env["RNACORPUS_RATE_LIMITS"], source="RNACORPUS_RATE_LIMITS")
        if overrides.get("rate_overrides") is not None:
            merged = {**values.get("rate_overrides", {}), **overrides["rate_overrides"]}
            overrides = {**overrides, "rate_overrides": merged}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)
