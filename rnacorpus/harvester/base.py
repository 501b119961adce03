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
from typing import TYPE_CHECKING, Literal, Protocol

from rnacorpus.errors import ConfigError, NotFoundError
from rnacorpus.schemas import SourceFile, StudyBundle

if TYPE_CHECKING:
    from rnacorpus.config import Config
    from rnacorpus.harvester.cache_policy import CachePolicy
    from rnacorpus.harvester.http import HttpClient

__all__ = [
    "DiscoveryQuery",
    "FetchedStudy",
    "Source",
    "SourceBase",
    "StudyGoneError",
    "StudyRef",
    "enriched_content_key",
    "fetched_content_key",
    "get_source",
    "register_source",
    "source_names",
    "sources_providing",
    "study_content_key",
]


@dataclass(frozen=True)
class StudyRef:
    accession: str
    source: str
    last_update: dt.date | None = None
    title: str | None = None
    #: other accessions of the same record (an SRA study's BioProject): what a refresh also looks for
    also: tuple[str, ...] = ()


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


#: joins a study's own content key and the digest of what other archives added to it
ENRICHED_MARK = "+"


def enriched_content_key(study_key: str, added: Sequence[SourceFile]) -> str:
    """The key a load is stored under: the study's own files' key, plus a digest of the files other
    archives added (ENA reports, BioSamples records). A harvest compares only the first part before
    parsing (:func:`study_content_key`), so an unchanged study is skipped; a refresh that redoes the
    enrichment loads again exactly when what was added changed."""
    if not added:
        return study_key
    digest = hashlib.sha256()
    for item in sorted(added, key=lambda f: (f.role, f.url)):
        digest.update(f"\n{item.role}\t{item.url}\t{item.sha256}".encode())
    return f"{study_key}{ENRICHED_MARK}{digest.hexdigest()[:32]}"


def study_content_key(stored: str) -> str:
    """The study's own part of a stored content key (see :func:`enriched_content_key`)."""
    return stored.split(ENRICHED_MARK, 1)[0]


class StudyGoneError(NotFoundError):
    """The archive no longer serves the study at all: its main record and every fallback answer 404.

    Raised by ``Source.fetch`` only when nothing of the study is left (a single missing extra file is
    a plain :class:`NotFoundError`). A refresh takes it as the sign that a study it holds was withdrawn;
    a harvest quarantines it like any other 404 (same ``kind``).
    """


Provides = Literal["studies", "sample_metadata"]


class Source(Protocol):
    """One archive: discover → fetch → parse, each a function of study references.

    ``provides`` says what its bundles are:

    - ``"studies"`` (GEO, ArrayExpress, ENA): each bundle is a study with its samples, loaded as one;
    - ``"sample_metadata"`` (BioSamples): it adds to samples and brings no studies — its bundles are
      never loaded on their own; their samples' characteristics, accessions and runs are merged into
      the samples of studies that name them (:mod:`rnacorpus.pipeline.enrich`).

    ``links(bundle)`` names the records of this source another source's study refers to (the SRP a
    GEO series states, the BioSample of a GSM): the references :meth:`fetch` takes to enrich that
    study. Pure; an empty list when the source has nothing to add.
    """

    name: str
    provides: Provides

    def discover(self, query: DiscoveryQuery) -> Iterator[StudyRef]: ...

    def fetch(self, ref: StudyRef, *, revalidate: bool = False) -> FetchedStudy:
        """The study's raw files in the cache. ``revalidate``: ask the archive whether each cached file
        is still current (a conditional request where it gives validators) instead of reusing it."""
        ...

    def parse(self, fetched: FetchedStudy) -> StudyBundle: ...

    def links(self, bundle: StudyBundle) -> list[StudyRef]: ...


class SourceBase:
    """What every built-in source shares: the client, the config, archive hosts, and one way to put a
    file in the raw cache and describe it (:class:`SourceFile` with the role the parser reads it by)."""

    name: str
    provides: Provides = "studies"

    def __init__(self, client: HttpClient, config: Config) -> None:
        self.client = client
        self.config = config
        self.hosts = config.base_urls

    def cached_file(
        self,
        accession: str,
        role: str,
        url: str,
        expect: str,
        revalidate: bool = False,
        policy: CachePolicy | None = None,
    ) -> tuple[SourceFile, bool]:
        """The file at ``url`` in the cache; and whether its bytes changed since the cache last held it."""
        cached = self.client.fetch(url, expect=expect, accession=accession, policy=policy, revalidate=revalidate)
        item = SourceFile(url=url, path=str(cached.path), sha256=cached.sha256, size=cached.size, role=role)
        return item, cached.changed

    def links(self, bundle: StudyBundle) -> list[StudyRef]:
        """Nothing to add to other sources' studies unless a source says otherwise."""
        return []


SourceFactory = Callable[["HttpClient", "Config"], Source]
_REGISTRY: dict[str, SourceFactory] = {}


def register_source(name: str, factory: SourceFactory, *, provides: Provides = "studies") -> None:
    _REGISTRY[name] = factory
    _PROVIDES[name] = provides


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


#: built-in sources: name → ("module:class", what its bundles are); imported on first use so that
#: importing the registry does not import every archive's parsers
BUILTIN_SOURCES: dict[str, tuple[str, Provides]] = {
    "geo": ("rnacorpus.harvester.geo.source:GeoSource", "studies"),
    "arrayexpress": ("rnacorpus.harvester.arrayexpress.source:ArrayExpressSource", "studies"),
    "ena": ("rnacorpus.harvester.ena.source:EnaSource", "studies"),
    "biosamples": ("rnacorpus.harvester.biosamples.source:BioSamplesSource", "sample_metadata"),
}
_PROVIDES: dict[str, Provides] = {}


def _load_builtin() -> None:
    for name, (target, provides) in BUILTIN_SOURCES.items():
        if name not in _REGISTRY:
            register_source(name, _lazy(target), provides=provides)


def _lazy(target: str) -> SourceFactory:
    def factory(client: HttpClient, config: Config) -> Source:
        import importlib

        module, _, attribute = target.partition(":")
        cls: SourceFactory = getattr(importlib.import_module(module), attribute)
        return cls(client, config)

    return factory


def sources_providing(provides: Provides) -> list[str]:
    """Registered source names whose bundles are ``provides``, in name order."""
    _load_builtin()
    return [name for name in sorted(_REGISTRY) if _PROVIDES.get(name, "studies") == provides]


def source_for_accession(accession: str) -> str:
    """Which source serves a study accession (GSE… → geo; E-… → arrayexpress; SRP/ERP/PRJ… → ena).

    The formats are :data:`rnacorpus.harvester.accessions.ACCESSION_FORMATS`; anything that is not a
    study accession of a known archive is a :class:`ConfigError` saying what it looks like.
    """
    from rnacorpus.harvester.accessions import study_format

    return study_format(accession).source
