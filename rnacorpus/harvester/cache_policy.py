"""Cache policies and the fetch plan: whether a cached archive file is used, revalidated or downloaded.

A :class:`CachePolicy` says how long a cached file may be used without asking the archive (the
named policies below cover every archive file rnacorpus fetches); :func:`plan_fetch` is the pure
decision, made before any I/O, from a file's sidecar entry, the policy and the clock. The raw cache
(:mod:`rnacorpus.harvester.cache`) and the HTTP client act on the plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from rnacorpus.harvester.cache_entry import CacheEntry

__all__ = [
    "NO_STORE",
    "PINNED",
    "SEARCH",
    "STUDY",
    "CachePolicy",
    "FetchAction",
    "FetchPlan",
    "default_policy",
    "plan_fetch",
]

FetchAction = Literal["use", "revalidate", "download", "offline_miss"]


@dataclass(frozen=True)
class CachePolicy:
    """How long a cached file may be used without asking the archive.

    Precedence: the policy passed to a call > the per-archive default (E-utilities: no-store; every
    other archive: study) — see :func:`default_policy`.
    """

    name: str
    #: age after which the file is checked again; None: never by age
    max_age: timedelta | None = None
    #: False: always ask the archive (``fetch`` still writes the file, ``get_*`` keep it in memory)
    store: bool = True
    #: whether ``revalidate=True`` is honoured (pinned references ignore it)
    on_request: bool = True
    #: check with ``If-None-Match``/``If-Modified-Since`` when validators exist, instead of re-downloading
    conditional: bool = True


#: pinned reference files (gene annotation tables, ontology releases): never expire, never re-asked
PINNED = CachePolicy("pinned", on_request=False)
#: study files: kept until the caller asks to revalidate (refresh does when a study changed)
STUDY = CachePolicy("study")
#: search results: short expiry
SEARCH = CachePolicy("search", max_age=timedelta(hours=1), conditional=False)
#: never reuse
NO_STORE = CachePolicy("no-store", max_age=timedelta(0), store=False, conditional=False)


@dataclass(frozen=True)
class FetchPlan:
    action: FetchAction
    reason: str


def plan_fetch(
    entry: CacheEntry | None,
    policy: CachePolicy,
    now: datetime,
    *,
    offline: bool = False,
    revalidate: bool = False,
) -> FetchPlan:
    """Decide, before any I/O, what to do for one file. Expiry is judged by the *current* policy."""
    if entry is None:
        return (
            FetchPlan("offline_miss", "offline and not in the cache")
            if offline
            else (FetchPlan("download", "not in the cache"))
        )
    if offline:
        return FetchPlan("use", "offline: using the cached copy whatever its age")
    if not policy.store:
        return FetchPlan("download", f"policy {policy.name} never reuses a cached copy")
    expired = policy.max_age is not None and now >= entry.validated_at + policy.max_age
    asked = revalidate and policy.on_request
    if not expired and not asked:
        if revalidate:
            return FetchPlan("use", f"policy {policy.name}: never revalidated")
        return FetchPlan("use", "fresh" if policy.max_age is not None else f"policy {policy.name}: kept")
    why = "expired" if expired else "revalidation requested"
    if policy.conditional and entry.has_validators:
        return FetchPlan("revalidate", f"{why}; conditional request")
    return FetchPlan("download", f"{why}; no validators to check with")


def default_policy(archive: str) -> CachePolicy:
    """E-utilities answers change under us (and come back empty now and then): never reused by
    default. Everything else is a study file, kept until a refresh asks to revalidate it."""
    return NO_STORE if archive == "eutils" else STUDY
