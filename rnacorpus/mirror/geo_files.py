"""GEO's download tree (``/geo/series|platforms|samples|datasets/…``) and its download page.

Every answer is looked up in the index by accession and kind, so a file is served under its real URL
whatever it is called on disk; what GEO keeps compressed is compressed on the way out when the mirror
holds it plain (family SOFT, series matrix), and a bare MINiML family XML is packed into the
``_family.xml.tgz`` GEO publishes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rnacorpus.harvester.geo.urls import geo_stub
from rnacorpus.mirror.index import STUDY_KINDS, FileEntry, MirrorIndex
from rnacorpus.mirror.listing import DownloadLink, ListingRow, directory_listing, download_page
from rnacorpus.mirror.responses import (
    DerivedCache,
    Reply,
    bytes_reply,
    file_reply,
    gzip_into,
    tgz_into,
)
from rnacorpus.mirror.sniff import Kind

__all__ = ["GeoFiles"]

HTML = "text/html; charset=utf-8"
_RAW_TAR = "{}_RAW.tar"


@dataclass(frozen=True)
class Served:
    """A file as the archive names it, and the entry that holds its content."""

    name: str
    entry: FileEntry


def _best_first(entries: Iterable[FileEntry], preferred_name: str) -> list[FileEntry]:
    return sorted(entries, key=lambda e: (e.name != preferred_name, not e.sniffed.gzipped, e.rel))


def _mtime(entries: Iterable[FileEntry]) -> float:
    return max((entry.mtime_ns / 1e9 for entry in entries), default=0.0)


class GeoFiles:
    def __init__(self, index: MirrorIndex, derived: DerivedCache) -> None:
        self.index = index
        self.derived = derived

    # -- plumbing ---------------------------------------------------------------------------------

    def current(self, entries: Iterable[FileEntry], kind: Kind, accession: str | None) -> list[FileEntry]:
        """The entries as the files are now, still of this kind and accession."""
        fresh = (self.index.fresh(entry) for entry in entries)
        return [
            e for e in fresh if e is not None and e.kind is kind and (accession is None or e.accession == accession)
        ]

    def serve(self, entry: FileEntry, name: str, *, gzipped: bool = False) -> Reply:
        """``entry`` as the file ``name``; gzipped on the way out when the archive's file is a .gz."""
        if gzipped and not entry.sniffed.gzipped:
            key = ("gzip", entry.path, entry.size, entry.mtime_ns)
            return self.derived.reply(
                key,
                gzip_into(entry.path),
                content_type="application/x-gzip",
                last_modified=entry.mtime_ns / 1e9,
            )
        return file_reply(entry.path, name=name, status=entry.sniffed.status)

    def holds(self, accession: str) -> bool:
        return any(self.index.find(kind, accession) for kind in STUDY_KINDS)

    @staticmethod
    def stub_ok(stub: str, accession: str) -> bool:
        return geo_stub(accession) == stub

    # -- series -----------------------------------------------------------------------------------

    def family_soft(self, gse: str) -> Reply | None:
        name = f"{gse}_family.soft.gz"
        found = self.current(self.index.find(Kind.SERIES_FAMILY_SOFT, gse), Kind.SERIES_FAMILY_SOFT, gse)
        return self.serve(_best_first(found, name)[0], name, gzipped=True) if found else None

    def miniml_tgz(self, gse: str) -> Reply | None:
        name = f"{gse}_family.xml.tgz"
        packed = self.current(self.index.find(Kind.MINIML_FAMILY_TGZ, gse), Kind.MINIML_FAMILY_TGZ, gse)
        if packed:
            return self.serve(packed[0], name)
        bare = self.current(self.index.find(Kind.MINIML_FAMILY, gse), Kind.MINIML_FAMILY, gse)
        if not bare:
            return None
        entry = _best_first(bare, f"{gse}_family.xml")[0]
        key = ("tgz", entry.path, entry.size, entry.mtime_ns)
        produce = tgz_into(entry.path, f"{gse}_family.xml")
        return self.derived.reply(key, produce, content_type="application/x-gzip", last_modified=entry.mtime_ns / 1e9)

    def matrices(self, gse: str) -> dict[str, Served]:
        found = self.current(self.index.find(Kind.SERIES_MATRIX, gse), Kind.SERIES_MATRIX, gse)
        served: dict[str, Served] = {}
        pattern = re.compile(rf"^{gse}(-GPL\d+)?_series_matrix\.txt(?:\.gz)?$")
        for entry in sorted(found, key=lambda e: (not pattern.match(e.name), e.rel)):
            real = pattern.match(entry.name)
            name = f"{gse}{real.group(1) or ''}_series_matrix.txt.gz" if real else f"{gse}_series_matrix.txt.gz"
            served.setdefault(name, Served(name, entry))
        return served

    def matrix_file(self, gse: str, name: str) -> Reply | None:
        served = self.matrices(gse).get(name)
        return self.serve(served.entry, name, gzipped=True) if served else None

    def suppl_files(self, accession: str) -> dict[str, Served]:
        """Supplementary files: laid out as on GEO, listed by the records, or named after the accession."""
        served: dict[str, Served] = {}
        for entry in self.index.entries():
            parts = entry.rel.split("/")
            if len(parts) >= 3 and parts[-2] == "suppl" and parts[-3] == accession:
                served.setdefault(entry.name, Served(entry.name, entry))
        for name in self._listed_suppl_names(accession):
            for entry in self.index.by_name(name):
                served.setdefault(name, Served(name, entry))
        for entry in self.index.of_kind(Kind.OTHER):
            if entry.name.startswith(f"{accession}_"):
                served.setdefault(entry.name, Served(entry.name, entry))
        return served

    def _listed_suppl_names(self, accession: str) -> set[str]:
        kinds = (*STUDY_KINDS, Kind.SAMPLE_SOFT, Kind.PLATFORM_SOFT)
        names: set[str] = set()
        for kind in kinds:
            for entry in self.index.find(kind, accession):
                for key, values in entry.sniffed.fields.items():
                    if key.endswith("_supplementary_file"):
                        names.update(value.rstrip("/").rsplit("/", 1)[-1] for value in values if "/suppl" in value)
        return names

    def suppl_file(self, accession: str, name: str) -> Reply | None:
        served = self.suppl_files(accession).get(name)
        if served is None or self.index.fresh(served.entry) is None:
            return None
        return self.serve(served.entry, name)

    # -- listings ---------------------------------------------------------------------------------

    def listing(self, url_path: str, files: Iterable[Served]) -> Reply:
        rows = [ListingRow(item.name, item.entry.mtime_ns / 1e9, item.entry.size) for item in files]
        # no Last-Modified, as Apache's autoindex: a listing changes when a file arrives with an old mtime
        return bytes_reply(directory_listing(url_path, rows), HTML)

    def series_dir(self, url_path: str, gse: str) -> Reply | None:
        if not self.holds(gse):
            return None
        parts = {
            "soft/": self.index.find(Kind.SERIES_FAMILY_SOFT, gse),
            "miniml/": self.index.find(Kind.MINIML_FAMILY_TGZ, gse) + self.index.find(Kind.MINIML_FAMILY, gse),
            "matrix/": [served.entry for served in self.matrices(gse).values()],
            "suppl/": [served.entry for served in self.suppl_files(gse).values()],
        }
        rows = [ListingRow(name, _mtime(entries), None) for name, entries in parts.items() if entries]
        return bytes_reply(directory_listing(url_path, rows), HTML)

    def series_subdir(self, url_path: str, gse: str, part: str) -> Reply | None:
        if part == "matrix":
            return self.listing(url_path, self.matrices(gse).values()) if self.holds(gse) else None
        if part == "suppl":
            files = self.suppl_files(gse)
            return self.listing(url_path, files.values()) if files or self.holds(gse) else None
        kind, name = {
            "soft": (Kind.SERIES_FAMILY_SOFT, f"{gse}_family.soft.gz"),
            "miniml": (Kind.MINIML_FAMILY, f"{gse}_family.xml.tgz"),
        }[part]
        found = self.index.find(kind, gse) + (self.index.find(Kind.MINIML_FAMILY_TGZ, gse) if part == "miniml" else [])
        return self.listing(url_path, [Served(name, found[0])]) if found else None

    # -- platforms, samples, datasets -------------------------------------------------------------

    def annot(self, gpl: str) -> Reply | None:
        name = f"{gpl}.annot.gz"
        found = self.current(self.index.find(Kind.ANNOT, gpl), Kind.ANNOT, gpl)
        return self.serve(_best_first(found, name)[0], name, gzipped=True) if found else None

    def platform_family(self, gpl: str) -> Reply | None:
        name = f"{gpl}_family.soft.gz"
        found = self.current(self.index.find(Kind.PLATFORM_FAMILY_SOFT, gpl), Kind.PLATFORM_FAMILY_SOFT, gpl)
        return self.serve(_best_first(found, name)[0], name, gzipped=True) if found else None

    def dataset_soft(self, gds: str, name: str) -> Reply | None:
        found = self.current(self.index.find(Kind.DATASET_SOFT, gds), Kind.DATASET_SOFT, gds)
        return self.serve(_best_first(found, name)[0], name, gzipped=True) if found else None

    # -- the download page ------------------------------------------------------------------------

    def counts(self, gse: str) -> list[FileEntry]:
        return self.current(self.index.find(Kind.NCBI_COUNTS, gse), Kind.NCBI_COUNTS, gse)

    def annotation_tables(self, counts: list[FileEntry]) -> list[FileEntry]:
        """Gene annotation tables for the genome builds the counts were made on."""
        tables = self.index.of_kind(Kind.NCBI_ANNOT_TABLE)
        return [t for t in tables if any(t.name.split(".annot")[0].split(".", 1)[-1] in c.name for c in counts)]

    def download(self, params: dict[str, str]) -> Reply | None:
        accession = params.get("acc", "").strip().upper()
        if params.get("format") == "file":
            return self._download_file(accession, params.get("file", ""), params.get("type", ""))
        if not accession:
            return None
        counts = self.counts(accession)
        raw = self.index.by_name(_RAW_TAR.format(accession))
        if not (counts or raw or self.holds(accession)):
            return None
        links = [DownloadLink(entry.name, entry.size, accession) for entry in counts]
        links += (
            [DownloadLink(entry.name, entry.size, None) for entry in self.annotation_tables(counts)] if counts else []
        )
        raw_link = DownloadLink(raw[0].name, raw[0].size, accession) if raw else None
        body = download_page(accession, self._title(accession), links, raw_link)
        return bytes_reply(body, HTML)

    def _download_file(self, accession: str, name: str, kind: str) -> Reply | None:
        if not name:
            raw = self.index.by_name(_RAW_TAR.format(accession)) if accession else []
            return self.serve(raw[0], raw[0].name) if raw and self.index.fresh(raw[0]) else None
        if kind == "rnaseq_counts":
            found = [
                entry
                for entry in self.index.by_name(name)
                if entry.kind is Kind.NCBI_ANNOT_TABLE
                or (entry.kind is Kind.NCBI_COUNTS and entry.accession == accession)
            ]
            found = [entry for entry in found if self.index.fresh(entry) is not None]
            return self.serve(found[0], name) if found else None
        return self.suppl_file(accession, name) if accession else None

    def _title(self, accession: str) -> str:
        for kind in (Kind.SERIES_FAMILY_SOFT, Kind.SERIES_SOFT, Kind.MINIML_FAMILY, Kind.SERIES_MATRIX):
            for entry in self.index.find(kind, accession):
                title = entry.sniffed.fields.get("Series_title", ())
                if title:
                    return title[0]
        return ""
