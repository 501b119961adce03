"""What the sniffer leaves out: sample titles and organisms, platform titles — read lazily, cached.

E-utilities answers need them (``samples[{accession,title}]``, ``taxon``) but indexing must not pay
for them, so a file is read past its header only when a search or summary first asks, and the result
is kept until the file changes (keyed on path, size and mtime).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from rnacorpus.errors import RnacorpusError
from rnacorpus.fileio import open_maybe_gzip, open_text
from rnacorpus.mirror import miniml
from rnacorpus.mirror.index import FileEntry
from rnacorpus.mirror.sniff import Kind
from rnacorpus.mirror.soft import iter_records

__all__ = ["Details", "DetailsCache", "PlatformInfo", "SampleInfo"]

logger = logging.getLogger(__name__)

_SOFT_KINDS = frozenset(
    {
        Kind.SERIES_FAMILY_SOFT,
        Kind.SAMPLE_SET_SOFT,
        Kind.SAMPLE_SOFT,
        Kind.PLATFORM_SOFT,
        Kind.PLATFORM_FAMILY_SOFT,
    }
)
_MINIML_KINDS = frozenset({Kind.MINIML_FAMILY, Kind.MINIML_SAMPLES, Kind.MINIML_SAMPLE})


@dataclass(frozen=True)
class SampleInfo:
    accession: str
    title: str = ""
    organisms: tuple[str, ...] = ()
    platform: str | None = None
    series: tuple[str, ...] = ()
    status: str | None = None
    last_update: str | None = None


@dataclass(frozen=True)
class PlatformInfo:
    accession: str
    title: str = ""
    organisms: tuple[str, ...] = ()
    technology: str = ""


@dataclass(frozen=True)
class Details:
    samples: tuple[SampleInfo, ...] = ()
    platforms: tuple[PlatformInfo, ...] = ()


def _first(fields: Mapping[str, Iterable[str]], key: str) -> str | None:
    return next(iter(fields.get(key, ())), None)


def sample_info(accession: str, fields: Mapping[str, Iterable[str]]) -> SampleInfo:
    organisms = tuple(
        dict.fromkeys(
            value
            for key in ("Sample_organism_ch1", "Sample_organism_ch2", "Sample_organism")
            for value in fields.get(key, ())
            if value
        )
    )
    return SampleInfo(
        accession=accession,
        title=_first(fields, "Sample_title") or "",
        organisms=organisms,
        platform=_first(fields, "Sample_platform_id"),
        series=tuple(fields.get("Sample_series_id", ())),
        status=_first(fields, "Sample_status"),
        last_update=_first(fields, "Sample_last_update_date"),
    )


def platform_info(accession: str, fields: Mapping[str, Iterable[str]]) -> PlatformInfo:
    return PlatformInfo(
        accession=accession,
        title=_first(fields, "Platform_title") or _first(fields, "Annotation_platform_title") or "",
        organisms=tuple(fields.get("Platform_organism", ())) or tuple(fields.get("Annotation_platform_organism", ())),
        technology=_first(fields, "Platform_technology") or "",
    )


def _from_soft(path: Path) -> Details:
    samples: list[SampleInfo] = []
    platforms: list[PlatformInfo] = []
    with open_text(path) as handle:
        lines: Iterator[str] = (line.rstrip("\n") for line in handle)
        for entity, accession, fields in iter_records(lines):
            if entity == "SAMPLE":
                samples.append(sample_info(accession, fields))
            elif entity == "PLATFORM":
                platforms.append(platform_info(accession, fields))
    return Details(tuple(samples), tuple(platforms))


def _from_matrix(fields: Mapping[str, tuple[str, ...]]) -> Details:
    """A series matrix carries one column per sample in its header rows (already sniffed)."""
    accessions = fields.get("Sample_geo_accession", ())
    samples = []
    for column, accession in enumerate(accessions):
        row = {
            key: (values[column],)
            for key, values in fields.items()
            if key.startswith("Sample_") and column < len(values)
        }
        samples.append(sample_info(accession, row))
    return Details(samples=tuple(samples))


def _from_miniml(path: Path) -> Details:
    samples = tuple(
        sample_info(fields["Sample_geo_accession"][0], fields)
        for fields in miniml.iter_samples(path, open_maybe_gzip)
        if fields.get("Sample_geo_accession")
    )
    return Details(samples=samples)


def read_details(entry: FileEntry) -> Details:
    if entry.kind in _SOFT_KINDS:
        return _from_soft(entry.path)
    if entry.kind is Kind.SERIES_MATRIX:
        return _from_matrix(entry.sniffed.fields)
    if entry.kind in _MINIML_KINDS:
        return _from_miniml(entry.path)
    return Details()


class DetailsCache:
    """Details per file version, least recently used dropped first."""

    def __init__(self, max_entries: int = 1024) -> None:
        self._max = max_entries
        self._cache: OrderedDict[tuple[Path, int, int], Details] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, entry: FileEntry) -> Details:
        key = (entry.path, entry.size, entry.mtime_ns)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        try:
            details = read_details(entry)
        except (OSError, ValueError, RnacorpusError) as exc:
            # an unreadable file contributes nothing; it must not fail a whole search
            logger.debug("cannot read details of %s: %s", entry.rel, exc)
            details = Details()
        with self._lock:
            self._cache[key] = details
            while len(self._cache) > self._max:
                self._cache.popitem(last=False)
        return details
