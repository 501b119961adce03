"""GEO's supplementary folders as GEO lays them out, from files laid out under ``…/GSE…/suppl/``.

On GEO, ``series/…/GSE…/suppl/`` holds the series-level files, ``GSE…_RAW.tar`` (every sample's
files) and ``filelist.txt`` (``#Archive/File  Name  Time  Size  Type``: the tar, then its members);
each sample's files are also served on their own from ``samples/…/GSM…/suppl/``. A mirror folder
keeps them all in the series' ``suppl/`` (as a ``_RAW.tar`` unpacked), so here:

* files named ``GSM…_*`` are the members of a ``GSE…_RAW.tar`` built on demand (a real
  ``_RAW.tar`` in the folder is served as it is) and are served from their sample's folder;
* the other files are the series' own; a file the series record lists as ``NAME.gz`` while the
  folder keeps ``NAME`` plain is served under the record's name, gzipped on the way out.
"""

from __future__ import annotations

import re
import tarfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from rnacorpus.harvester.geo.urls import geo_stub
from rnacorpus.mirror.geo_files import GeoFiles
from rnacorpus.mirror.index import FileEntry, MirrorIndex
from rnacorpus.mirror.listing import ListingRow, directory_listing
from rnacorpus.mirror.responses import DerivedCache, Reply, bytes_reply, file_reply, gzip_into
from rnacorpus.mirror.sniff import Kind

__all__ = ["SUPPL_ROUTES", "GeoSuppl"]

HTML = "text/html; charset=utf-8"
_GSM_FILE = re.compile(r"^(GSM\d+)[_.-]")
_STUB = r"(?P<stub>[A-Z]{3}\d*nnn)"
#: (path pattern, GeoSuppl method name): tried before the generic GEO routes
SUPPL_ROUTES = (
    (rf"^/geo/series/{_STUB}/(?P<acc>GSE\d+)/suppl/?$", "series_listing"),
    (rf"^/geo/series/{_STUB}/(?P<acc>GSE\d+)/suppl/filelist\.txt$", "filelist"),
    (rf"^/geo/series/{_STUB}/(?P<acc>GSE\d+)/suppl/(?P=acc)_RAW\.tar$", "raw_tar"),
    (rf"^/geo/series/{_STUB}/(?P<acc>GSE\d+)/suppl/(?P<name>[^/]+)$", "series_file"),
    (rf"^/geo/samples/{_STUB}/(?P<acc>GSM\d+)/suppl/?$", "sample_listing"),
    (rf"^/geo/samples/{_STUB}/(?P<acc>GSM\d+)/suppl/(?P<name>[^/]+)$", "sample_file"),
)


@dataclass(frozen=True)
class _Served:
    name: str
    entry: FileEntry
    gzip: bool = False  # gzipped on the way out


class GeoSuppl:
    def __init__(self, index: MirrorIndex, derived: DerivedCache, files: GeoFiles) -> None:
        self.index = index
        self.derived = derived
        self.files = files  # the series' own files wherever the folder keeps them (records, loose names)

    # -- what the folder holds --------------------------------------------------------------------

    def _folder(self, gse: str) -> list[FileEntry]:
        """Files under any ``…/GSE…/suppl/`` folder of the mirror, as they are now."""
        found = []
        for entry in self.index.entries():
            parts = entry.rel.split("/")
            if len(parts) >= 3 and parts[-2] == "suppl" and parts[-3] == gse:
                current = self.index.fresh(entry)
                if current is not None:
                    found.append(current)
        return found

    def _listed_names(self, gse: str) -> set[str]:
        names: set[str] = set()
        for kind in (Kind.SERIES_FAMILY_SOFT, Kind.SERIES_SOFT, Kind.SERIES_MATRIX, Kind.MINIML_FAMILY):
            for entry in self.index.find(kind, gse):
                for value in entry.sniffed.fields.get("Series_supplementary_file", ()):
                    names.add(value.rstrip("/").rsplit("/", 1)[-1])
        return names

    def series_files(self, gse: str) -> dict[str, _Served]:
        listed = self._listed_names(gse)
        served: dict[str, _Served] = {}
        found = {e.rel: e for e in self._folder(gse)}
        found.update({s.entry.rel: s.entry for s in self.files.suppl_files(gse).values()})
        for entry in found.values():
            if _GSM_FILE.match(entry.name) or entry.name in (f"{gse}_RAW.tar", "filelist.txt"):
                continue
            gz_name = f"{entry.name}.gz"
            if gz_name in listed and not entry.sniffed.gzipped:
                served[gz_name] = _Served(gz_name, entry, gzip=True)
            else:
                served[entry.name] = _Served(entry.name, entry)
        return served

    def members(self, gse: str) -> list[FileEntry]:
        """The per-sample files of the series (the members of its ``_RAW.tar``), by name."""
        return sorted((e for e in self._folder(gse) if _GSM_FILE.match(e.name)), key=lambda e: e.name)

    def _real_tar(self, gse: str) -> FileEntry | None:
        return next((e for e in self._folder(gse) if e.name == f"{gse}_RAW.tar"), None)

    # -- answers ----------------------------------------------------------------------------------

    def series_listing(self, match: re.Match[str]) -> Reply | None:
        gse = match["acc"]
        files = self.series_files(gse)
        members = self.members(gse)
        if not files and not members and self._real_tar(gse) is None:
            return None
        rows = [ListingRow(s.name, s.entry.mtime_ns / 1e9, None if s.gzip else s.entry.size) for s in files.values()]
        if members or self._real_tar(gse):
            newest = max((m.mtime_ns for m in members), default=0) / 1e9
            rows.append(ListingRow(f"{gse}_RAW.tar", newest, self._tar_size(gse)))
            rows.append(ListingRow("filelist.txt", newest, len(self._filelist_text(gse))))
        return bytes_reply(directory_listing(_dir(match), rows), HTML)

    def filelist(self, match: re.Match[str]) -> Reply | None:
        gse = match["acc"]
        if not self.members(gse) and self._real_tar(gse) is None:
            return None
        return bytes_reply(self._filelist_text(gse), "text/plain; charset=utf-8")

    def _filelist_text(self, gse: str) -> bytes:
        def stamp(mtime_ns: int) -> str:
            return time.strftime("%m/%d/%Y %H:%M:%S", time.gmtime(mtime_ns / 1e9))

        members = self.members(gse)
        newest = max((m.mtime_ns for m in members), default=0)
        lines = ["#Archive/File\tName\tTime\tSize\tType"]
        lines.append(f"Archive\t{gse}_RAW.tar\t{stamp(newest)}\t{self._tar_size(gse)}\tTAR")
        for entry in members:
            kind = entry.name.removesuffix(".gz").rsplit(".", 1)[-1].upper()
            lines.append(f"File\t{entry.name}\t{stamp(entry.mtime_ns)}\t{entry.size}\t{kind}")
        return ("\n".join(lines) + "\n").encode()

    def _tar_size(self, gse: str) -> int:
        real = self._real_tar(gse)
        if real is not None:
            return real.size
        # ustar: a 512-byte header per member, data padded to 512, two zero blocks, record padding
        size = sum(512 + -(-m.size // 512) * 512 for m in self.members(gse)) + 1024
        return -(-size // 10240) * 10240

    def raw_tar(self, match: re.Match[str]) -> Reply | None:
        gse = match["acc"]
        real = self._real_tar(gse)
        if real is not None:
            return file_reply(real.path, name=real.name)
        members = self.members(gse)
        if not members:
            return None
        key = ("raw_tar", gse, tuple((m.path, m.size, m.mtime_ns) for m in members))
        last = max(m.mtime_ns for m in members) / 1e9
        return self.derived.reply(key, _tar_into(members), content_type="application/x-tar", last_modified=last)

    def series_file(self, match: re.Match[str]) -> Reply | None:
        served = self.series_files(match["acc"]).get(match["name"])
        if served is None:
            return None
        return self._serve(served)

    def _serve(self, served: _Served) -> Reply:
        entry = served.entry
        if served.gzip:
            key = ("gzip", entry.path, entry.size, entry.mtime_ns)
            return self.derived.reply(
                key, gzip_into(entry.path), content_type="application/x-gzip", last_modified=entry.mtime_ns / 1e9
            )
        return file_reply(entry.path, name=served.name)

    def _sample_files(self, gsm: str) -> dict[str, FileEntry]:
        found: dict[str, FileEntry] = {}
        for gse in self.index.series_of_sample(gsm) or self._series_holding(gsm):
            for entry in self.members(gse):
                if entry.name.startswith(f"{gsm}_"):
                    found.setdefault(entry.name, entry)
        return found

    def _series_holding(self, gsm: str) -> tuple[str, ...]:
        """Series folders that keep this sample's files (when no record links sample and series)."""
        series = set()
        for entry in self.index.entries():
            if not entry.name.startswith(f"{gsm}_"):
                continue
            parts = entry.rel.split("/")
            if len(parts) >= 3 and parts[-2] == "suppl" and parts[-3].startswith("GSE"):
                series.add(parts[-3])
        return tuple(sorted(series))

    def sample_listing(self, match: re.Match[str]) -> Reply | None:
        files = self._sample_files(match["acc"])
        if not files:
            return None
        rows = [ListingRow(name, e.mtime_ns / 1e9, e.size) for name, e in files.items()]
        return bytes_reply(directory_listing(_dir(match), rows), HTML)

    def sample_file(self, match: re.Match[str]) -> Reply | None:
        entry = self._sample_files(match["acc"]).get(match["name"])
        return file_reply(entry.path, name=entry.name) if entry is not None else None

    def handler(self, method: str) -> Callable[[re.Match[str]], Reply | None]:
        answer: Callable[[re.Match[str]], Reply | None] = getattr(self, method)

        def guarded(match: re.Match[str]) -> Reply | None:
            return answer(match) if geo_stub(match["acc"]) == match["stub"] else None

        return guarded


def _tar_into(members: list[FileEntry]) -> Callable[[IO[bytes]], None]:
    """A producer writing GEO's ``_RAW.tar``: the sample files, flat, in name order, fixed metadata."""

    def produce(out: IO[bytes]) -> None:
        with tarfile.open(fileobj=out, mode="w", format=tarfile.USTAR_FORMAT) as archive:
            for entry in members:
                info = tarfile.TarInfo(entry.name)
                info.size = entry.size
                info.mtime = entry.mtime_ns // 1_000_000_000
                info.mode = 0o644
                with entry.path.open("rb") as handle:
                    archive.addfile(info, handle)

    return produce


def _dir(match: re.Match[str]) -> str:
    path = match.string
    return path if path.endswith("/") else path + "/"
