"""The Entrez ``db=gds`` records the mirror can vouch for, built from the files it holds.

Every series held (family SOFT, acc.cgi record, series matrix, MINiML, sample sets) becomes a GSE
record; its samples and platforms become GSM and GPL records; GDS SOFT files become GDS records;
standalone GSM/GPL files add theirs. Headers come from the best source a series has (family SOFT
first), sample titles and organisms from :mod:`.details`. The last-update date is the newest any
source states, which is what a ``[MDAT]`` search (a refresh) needs to see an edited study.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from rnacorpus.harvester.geo.urls import accession_to_gds_uid
from rnacorpus.mirror.details import Details, DetailsCache, PlatformInfo, SampleInfo, platform_info
from rnacorpus.mirror.index import STUDY_KINDS, FileEntry, MirrorIndex
from rnacorpus.mirror.sniff import Kind
from rnacorpus.mirror.soft import geo_date

__all__ = ["GdsRecord", "GdsUniverse"]

#: which file speaks for a series' header, best first
_HEADER_PRIORITY = (
    Kind.SERIES_FAMILY_SOFT,
    Kind.SERIES_SOFT,
    Kind.MINIML_FAMILY,
    Kind.MINIML_SERIES,
    Kind.SERIES_MATRIX,
)
#: which file speaks for a series' samples, best first
_SAMPLE_PRIORITY = (
    Kind.SERIES_FAMILY_SOFT,
    Kind.SAMPLE_SET_SOFT,
    Kind.MINIML_FAMILY,
    Kind.MINIML_SAMPLES,
    Kind.SERIES_MATRIX,
)
_SUPP_SKIP = {"TAR", "SRA", ""}
_ACCESSION_TAIL = re.compile(r"((?:PRJ[A-Z]+|SRP|ERP|DRP|GSE)?\d+)\s*/?\s*$")


@dataclass(frozen=True)
class GdsRecord:
    uid: int
    accession: str
    entrytype: str  # GSE, GSM, GPL or GDS
    title: str = ""
    summary: str = ""
    taxa: tuple[str, ...] = ()
    gdstypes: tuple[str, ...] = ()
    pdat: date | None = None
    mdat: date | None = None
    platforms: tuple[str, ...] = ()
    series: tuple[str, ...] = ()
    samples: tuple[tuple[str, str], ...] = ()
    suppfile: str = ""
    relations: tuple[tuple[str, str], ...] = ()
    extrelations: tuple[tuple[str, str], ...] = ()
    pubmedids: tuple[str, ...] = ()
    bioproject: str = ""
    seriestitle: str = ""
    platformtitle: str = ""
    platformtaxa: str = ""
    #: accessions this record is found under in ``[ACCN]`` searches (itself and its relatives)
    related: frozenset[str] = field(default_factory=frozenset)
    has_counts: bool = False


def _one(fields: Mapping[str, tuple[str, ...]], key: str) -> str:
    return next((value for value in fields.get(key, ()) if value), "")


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value for value in values if value))


def _suppfile_types(names: Iterable[str]) -> str:
    kinds = []
    for name in names:
        base = name.rsplit("/", 1)[-1]
        base = base[:-3] if base.endswith(".gz") else base
        extension = base.rsplit(".", 1)[-1].upper() if "." in base else ""
        if extension not in _SUPP_SKIP and extension.isalnum():
            kinds.append(extension)
    return ", ".join(sorted(set(kinds)))


def _relations(values: Iterable[str]) -> tuple[list[tuple[str, str]], list[tuple[str, str]], str]:
    """``Series_relation`` lines → GEO relations, external (SRA) relations and the BioProject."""
    geo: list[tuple[str, str]] = []
    external: list[tuple[str, str]] = []
    bioproject = ""
    for value in values:
        kind, _, target = value.partition(":")
        tail = _ACCESSION_TAIL.search(target.replace("term=", "/"))
        accession = tail.group(1) if tail else target.strip()
        kind = kind.strip()
        if kind == "BioProject":
            bioproject = accession if accession.startswith("PRJ") else bioproject or accession
        elif kind == "SRA":
            external.append(("SRA", accession))
        elif accession.startswith("GSE"):
            geo.append((kind, accession))
    return geo, external, bioproject


def _type_rank(entrytype: str) -> int:
    return {"GSE": 0, "GDS": 1, "GPL": 2, "GSM": 3}.get(entrytype, 4)


def sort_key(record: GdsRecord) -> tuple[int, int, int]:
    """Newest first, series before the rest, then by UID — deterministic, not NCBI's relevance."""
    day = record.pdat.toordinal() if record.pdat else 0
    return (-day, _type_rank(record.entrytype), -record.uid)


class GdsUniverse:
    """All records, rebuilt when the index changes; cheap to ask for again otherwise."""

    def __init__(self, index: MirrorIndex, details: DetailsCache) -> None:
        self._index = index
        self._details = details
        self._lock = threading.Lock()
        self._built_for = -1
        self._records: dict[int, GdsRecord] = {}

    def records(self) -> Mapping[int, GdsRecord]:
        # files edited in place do not move their folder's mtime: stat each one we build from
        self._index.fresh_all(self._index.entries())
        with self._lock:
            if self._built_for != self._index.generation:
                generation = self._index.generation
                self._records = _Builder(self._index, self._details).build()
                self._built_for = generation
            return self._records


class _Builder:
    def __init__(self, index: MirrorIndex, details: DetailsCache) -> None:
        self.index = index
        self.details = details
        self.samples: dict[str, SampleInfo] = {}
        self.sample_series: dict[str, list[str]] = defaultdict(list)
        self.platforms: dict[str, PlatformInfo] = {}
        self.platform_series: dict[str, list[str]] = defaultdict(list)
        self.records: dict[int, GdsRecord] = {}

    def build(self) -> dict[int, GdsRecord]:
        by_series: dict[str, list[FileEntry]] = defaultdict(list)
        for kind in (*sorted(STUDY_KINDS), Kind.NCBI_COUNTS):  # sorted: same order in every process
            for entry in self.index.of_kind(kind):
                for accession in entry.sniffed.series or ((entry.accession,) if entry.accession else ()):
                    by_series[accession].append(entry)
        for entry in self.index.of_kind(Kind.PLATFORM_SOFT) + self.index.of_kind(Kind.PLATFORM_FAMILY_SOFT):
            self._absorb(self.details.get(entry))
        for entry in self.index.of_kind(Kind.ANNOT):
            if entry.accession and entry.accession not in self.platforms:
                self.platforms[entry.accession] = platform_info(entry.accession, entry.sniffed.fields)
        series_records = [self._series(accession, entries) for accession, entries in sorted(by_series.items())]
        for entry in self.index.of_kind(Kind.SAMPLE_SOFT) + self.index.of_kind(Kind.MINIML_SAMPLE):
            self._absorb(self.details.get(entry))
        for record in series_records:
            self._add(record)
        titles = {record.accession: record.title for record in series_records}
        for sample in self.samples.values():
            self._add(self._sample(sample, titles))
        for platform in sorted(set(self.platforms) | set(self.platform_series)):
            self._add(self._platform(platform))
        for entry in self.index.of_kind(Kind.DATASET_SOFT):
            if entry.accession:
                self._add(self._dataset(entry))
        return self.records

    def _add(self, record: GdsRecord) -> None:
        self.records.setdefault(record.uid, record)

    def _absorb(self, details: Details, series: str | None = None) -> None:
        for sample in details.samples:
            known = self.samples.get(sample.accession)
            if known is None or (not known.title and sample.title):
                self.samples[sample.accession] = sample
            for accession in (*sample.series, *((series,) if series else ())):
                if accession not in self.sample_series[sample.accession]:
                    self.sample_series[sample.accession].append(accession)
        for platform in details.platforms:
            self.platforms.setdefault(platform.accession, platform)

    def _series(self, accession: str, entries: list[FileEntry]) -> GdsRecord:
        ranked = sorted(entries, key=lambda e: _HEADER_PRIORITY.index(e.kind) if e.kind in _HEADER_PRIORITY else 99)
        header = ranked[0].sniffed.fields if ranked[0].kind in _HEADER_PRIORITY else {}
        sample_order = _unique(gsm for entry in ranked for gsm in entry.sniffed.fields.get("Series_sample_id", ()))
        collected: dict[str, SampleInfo] = {}
        for kind in _SAMPLE_PRIORITY:
            for entry in (e for e in entries if e.kind is kind):
                details = self.details.get(entry)
                self._absorb(details, accession)
                for sample in details.samples:
                    collected.setdefault(sample.accession, sample)
        samples = _unique((*sample_order, *collected))
        for gsm in samples:
            if accession not in self.sample_series[gsm]:
                self.sample_series[gsm].append(accession)
            self.samples.setdefault(gsm, SampleInfo(gsm))
        platforms = _unique(
            (
                *(gpl for entry in ranked for gpl in entry.sniffed.fields.get("Series_platform_id", ())),
                *(collected[gsm].platform or "" for gsm in collected),
            )
        )
        for gpl in platforms:
            if accession not in self.platform_series[gpl]:
                self.platform_series[gpl].append(accession)
        taxa = _unique((*header.get("Series_sample_organism", ()), *header.get("Series_platform_organism", ())))
        if not taxa:
            taxa = _unique(organism for sample in collected.values() for organism in sample.organisms)
        if not taxa:
            taxa = _unique(o for gpl in platforms if gpl in self.platforms for o in self.platforms[gpl].organisms)
        geo, external, bioproject = _relations(header.get("Series_relation", ()))
        pdat = geo_date(_one(header, "Series_status"))
        updates = [geo_date(_one(entry.sniffed.fields, "Series_last_update_date")) for entry in ranked]
        mdat = max((day for day in (*updates, pdat) if day), default=None)
        return GdsRecord(
            uid=accession_to_gds_uid(accession),
            accession=accession,
            entrytype="GSE",
            title=_one(header, "Series_title"),
            summary=" ".join(header.get("Series_summary", ())),
            taxa=taxa,
            gdstypes=_unique(header.get("Series_type", ())),
            pdat=pdat,
            mdat=mdat,
            platforms=platforms,
            series=(accession,),
            samples=tuple((gsm, collected[gsm].title if gsm in collected else "") for gsm in samples),
            suppfile=_suppfile_types(header.get("Series_supplementary_file", ())),
            relations=tuple(geo),
            extrelations=tuple(external),
            pubmedids=_unique(header.get("Series_pubmed_id", ())),
            bioproject=bioproject,
            related=frozenset({accession, *samples, *platforms}),
            has_counts=any(entry.kind is Kind.NCBI_COUNTS for entry in entries),
        )

    def _sample(self, sample: SampleInfo, series_titles: Mapping[str, str]) -> GdsRecord:
        series = _unique((*self.sample_series.get(sample.accession, ()), *sample.series))
        platform = sample.platform or ""
        platform_info_ = self.platforms.get(platform)
        pdat = geo_date(sample.status)
        return GdsRecord(
            uid=accession_to_gds_uid(sample.accession),
            accession=sample.accession,
            entrytype="GSM",
            title=sample.title,
            taxa=sample.organisms,
            pdat=pdat,
            mdat=geo_date(sample.last_update) or pdat,
            platforms=(platform,) if platform else (),
            series=series,
            seriestitle=next((series_titles[s] for s in series if series_titles.get(s)), ""),
            platformtitle=platform_info_.title if platform_info_ else "",
            platformtaxa="; ".join(platform_info_.organisms) if platform_info_ else "",
            related=frozenset({sample.accession, *series, *((platform,) if platform else ())}),
        )

    def _platform(self, accession: str) -> GdsRecord:
        info = self.platforms.get(accession, PlatformInfo(accession))
        series = tuple(self.platform_series.get(accession, ()))
        return GdsRecord(
            uid=accession_to_gds_uid(accession),
            accession=accession,
            entrytype="GPL",
            title=info.title,
            taxa=info.organisms,
            platforms=(accession,),
            series=series,
            related=frozenset({accession, *series}),
        )

    def _dataset(self, entry: FileEntry) -> GdsRecord:
        fields = entry.sniffed.fields
        accession = entry.accession or ""
        platform = _one(fields, "dataset_platform")
        series = _one(fields, "dataset_reference_series")
        day = geo_date(_one(fields, "dataset_update_date"))
        return GdsRecord(
            uid=accession_to_gds_uid(accession),
            accession=accession,
            entrytype="GDS",
            title=_one(fields, "dataset_title"),
            summary=_one(fields, "dataset_description"),
            taxa=_unique(fields.get("dataset_platform_organism", ())),
            gdstypes=_unique(fields.get("dataset_type", ())),
            pdat=day,
            mdat=day,
            platforms=(platform,) if platform else (),
            series=(series,) if series else (),
            pubmedids=_unique(fields.get("dataset_pubmed_id", ())),
            related=frozenset({accession, platform, series} - {""}),
        )
