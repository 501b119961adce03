"""What every archive source provides, and the registry of sources by name.

A source has three duties (DESIGN §2), each a function of study references so the same code runs in
one process or fans out: ``discover`` (search the archive's index), ``fetch`` (raw files into the
cache; returns what it fetched, nothing parsed) and ``parse`` (files → schema records).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from rnacorpus.errors import ConfigError, NotFoundError
from rnacorpus.schemas import SourceFile, StudyBundle

if TYPE_CHECKING:
    from rnacorpus.config import Config
    from rnacorpus.harvester.http import HttpClient

__all__ = [
    "DiscoveryQuery",
    "FetchedStudy",
    "Source",
    "StudyGoneError",
    "StudyRef",
    "fetched_content_key",
    "get_source",
    "register_source",
    "source_names",
]


@dataclass(frozen=True)
class StudyRef:
    accession: str
    source: str
    last_update: dt.date | None = None
    title: str | None = None


@dataclass(frozen=True)
class DiscoveryQuery:
    """What to look for. ``text`` is the archive's own search syntax (an E-utilities term for GEO)."""

    text: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    organism: str | None = None
    study_type: str | None = None
    limit: int | None = None


@dataclass
class FetchedStudy:
    ref: StudyRef
    files: list[SourceFile] = field(default_factory=list)
    #: True when any file's content differs from what the cache held before this fetch
    changed: bool = False


def fetched_content_key(files: Sequence[SourceFile], salt: str) -> str:
    """Hash of the study's raw inputs plus everything that changes their interpretation (``salt``)."""
    digest = hashlib.sha256(salt.encode())
    for item in sorted(files, key=lambda f: (f.role, f.url)):
        digest.update(f"\n{item.role}\t{item.sha256}".encode())
    return digest.hexdigest()


class StudyGoneError(NotFoundError):
    """The archive no longer serves the study at all: its main record and every fallback answer 404.

    Raised by ``Source.fetch`` only when nothing of the study is left (a single missing extra file is
    a plain :class:`NotFoundError`). A refresh takes it as the sign that a study it holds was withdrawn;
    a harvest quarantines it like any other 404 (same ``kind``).
    """


class Source(Protocol):
    name: str

    def discover(self, query: DiscoveryQuery) -> Iterator[StudyRef]: ...

    def fetch(self, ref: StudyRef, *, revalidate: bool = False) -> FetchedStudy:
        """The study's raw files in the cache. ``revalidate``: ask the archive whether each cached file
        is still current (a conditional request where it gives validators) instead of reusing it."""
        ...

    def parse(self, fetched: FetchedStudy) -> StudyBundle: ...


SourceFactory = Callable[["HttpClient", "Config"], Source]
_REGISTRY: dict[str, SourceFactory] = {}


def register_source(name: str, factory: SourceFactory) -> None:
    _REGISTRY[name] = factory


def source_names() -> list[str]:
    _load_builtin()
    return sorted(_REGISTRY)


def get_source(name: str, client: HttpClient, config: Config) -> Source:
    _load_builtin()
    try:
        factory = _REGISTRY[name]
    except KeyError:
        raise ConfigError(f"unknown source {name!r}; known sources: {', '.join(sorted(_REGISTRY))}") from None
    return factory(client, config)


def _load_builtin() -> None:
    # Imported lazily so that importing the registry does not import every archive's parsers.
    if "geo" not in _REGISTRY:
        from rnacorpus.harvester.geo.source import GeoSource

        register_source("geo", GeoSource)


def source_for_accession(accession: str) -> str:
    """Which source serves a study accession (GSE… → geo; E-… → arrayexpress; SRP/ERP/PRJ… → ena).

    The formats are :data:`rnacorpus.harvester.accessions.ACCESSION_FORMATS`; anything that is not a
    study accession of a known archive is a :class:`ConfigError` saying what it looks like.
    """
    from rnacorpus.harvester.accessions import study_format

    return study_format(accession).source
