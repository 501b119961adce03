"""The mirror's view of its folder: every file under the root, what it holds, and lookups over them.

Files are found by name and by what they hold (see :mod:`.sniff`), anywhere under the root. The index
stays current while the server runs at the price of one ``stat`` per directory per request: a folder
whose mtime moved is listed again, and only new or changed files in it are sniffed again. A file
edited in place (its folder's mtime does not move) is caught by :meth:`MirrorIndex.fresh`, which the
server calls on every file it is about to use. Timestamps within a second of "now" are treated as
racy (git's rule): file systems stamp at a clock tick, so a second change within the same tick would
otherwise go unseen.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from rnacorpus.mirror.sniff import Kind, Sniffed, sniff_file

__all__ = ["STUDY_KINDS", "FileEntry", "MirrorIndex"]

logger = logging.getLogger(__name__)

_RACY_NS = 1_000_000_000
#: kinds that make a series "held" by the mirror
STUDY_KINDS = frozenset(
    {
        Kind.SERIES_FAMILY_SOFT,
        Kind.SERIES_SOFT,
        Kind.SERIES_MATRIX,
        Kind.MINIML_FAMILY,
        Kind.MINIML_FAMILY_TGZ,
        Kind.MINIML_SERIES,
        Kind.SAMPLE_SET_SOFT,
        Kind.MINIML_SAMPLES,
    }
)


@dataclass(frozen=True)
class FileEntry:
    #: the real file (symlinks resolved, checked to lie inside the root); read this
    path: Path
    #: where it was found under the root, POSIX-style (lends accession hints, literal-path lookups)
    rel: str
    size: int
    mtime_ns: int
    ino: int
    sniffed: Sniffed
    #: stamped too close to "now" to trust (size, mtime) as a change detector
    racy: bool = False

    @property
    def name(self) -> str:
        return self.rel.rsplit("/", 1)[-1]

    @property
    def kind(self) -> Kind:
        return self.sniffed.kind

    @property
    def accession(self) -> str | None:
        return self.sniffed.accession

    def same_stat(self, stat: os.stat_result) -> bool:
        return (stat.st_size, stat.st_mtime_ns, stat.st_ino) == (self.size, self.mtime_ns, self.ino)


def _is_racy(mtime_ns: int) -> bool:
    return time.time_ns() - mtime_ns < _RACY_NS


class MirrorIndex:
    """All files under ``root``, kept current; every method is thread-safe."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve(strict=True)
        if not self.root.is_dir():
            raise NotADirectoryError(str(root))
        self._lock = threading.RLock()
        self._dirs: dict[Path, int] = {}  # listed path -> mtime_ns (-1: racy, list again)
        self._files: dict[Path, FileEntry] = {}  # listed path -> entry
        self._by_name: dict[str, list[FileEntry]] = {}
        self._by_kind: dict[Kind, dict[str, list[FileEntry]]] = {}
        self._sample_series: dict[str, tuple[str, ...]] = {}
        #: bumped whenever any entry changes; derived views cache on it
        self.generation = 0
        started = time.perf_counter()
        self._scan_tree(self.root, set())
        self._rebuild()
        logger.info("indexed %d files under %s in %.2fs", len(self._files), self.root, time.perf_counter() - started)

    # -- scanning ---------------------------------------------------------------------------------

    def _inside(self, path: Path) -> bool:
        return path == self.root or path.is_relative_to(self.root)

    def _scan_tree(self, directory: Path, seen: set[Path]) -> None:
        real = directory.resolve()
        if real in seen or not self._inside(real):
            return  # a symlink loop, or a link that leaves the root
        seen.add(real)
        try:
            stamp = directory.stat().st_mtime_ns
            items = list(os.scandir(directory))
        except OSError as exc:
            logger.debug("cannot list %s: %s", directory, exc)
            return
        self._dirs[directory] = -1 if _is_racy(stamp) else stamp
        for item in items:
            self._scan_item(Path(item.path), item, seen)

    def _scan_item(self, path: Path, item: os.DirEntry[str], seen: set[Path]) -> None:
        if item.name.startswith("."):
            return  # temp files of atomic writers, .git and the like
        try:
            if item.is_dir(follow_symlinks=True):
                self._scan_tree(path, seen)
            elif item.is_file(follow_symlinks=True):
                self._add_file(path)
        except OSError as exc:
            logger.debug("skipping %s: %s", path, exc)

    def _add_file(self, listed: Path) -> None:
        real = listed.resolve()
        if not self._inside(real):
            logger.debug("skipping %s: it points outside the mirror root", listed)
            self._files.pop(listed, None)
            return
        try:
            stat = real.stat()
        except OSError:
            self._files.pop(listed, None)
            return
        known = self._files.get(listed)
        if known is not None and known.path == real and known.same_stat(stat) and not known.racy:
            return
        rel = listed.relative_to(self.root).as_posix()
        self._files[listed] = FileEntry(
            path=real,
            rel=rel,
            size=stat.st_size,
            mtime_ns=stat.st_mtime_ns,
            ino=stat.st_ino,
            sniffed=sniff_file(real, rel),
            racy=_is_racy(stat.st_mtime_ns),
        )

    def _drop_under(self, directory: Path) -> None:
        for path in [p for p in self._dirs if p == directory or p.is_relative_to(directory)]:
            del self._dirs[path]
        for path in [p for p in self._files if p.is_relative_to(directory)]:
            del self._files[path]

    def _relist(self, directory: Path) -> None:
        """List one changed folder again: drop what left, sniff what is new or changed."""
        try:
            items = {Path(item.path): item for item in os.scandir(directory) if not item.name.startswith(".")}
            stamp = directory.stat().st_mtime_ns
        except OSError:
            self._drop_under(directory)
            return
        self._dirs[directory] = -1 if _is_racy(stamp) else stamp
        for path in [p for p in self._files if p.parent == directory and p not in items]:
            del self._files[path]
        for path in [p for p in self._dirs if p.parent == directory and p not in items]:
            self._drop_under(path)
        seen = {p.resolve() for p in self._dirs}
        for path, item in items.items():
            if path in self._dirs:
                continue  # a known subfolder watches itself
            self._scan_item(path, item, seen)

    def refresh(self) -> bool:
        """Notice files that appeared, vanished or were replaced; True when anything changed."""
        with self._lock:
            changed = False
            for directory, stamp in list(self._dirs.items()):
                if directory not in self._dirs:
                    continue  # dropped with a parent earlier in this loop
                try:
                    now = directory.stat().st_mtime_ns
                except OSError:
                    self._drop_under(directory)
                    changed = True
                    continue
                if now != stamp:
                    before = dict(self._files)
                    self._relist(directory)
                    changed = changed or before != self._files
            if changed:
                self._rebuild()
            return changed

    def fresh(self, entry: FileEntry) -> FileEntry | None:
        """The entry as the file is now (sniffed again if it changed), or None if it is gone."""
        with self._lock:
            listed = self.root / entry.rel
            current = self._files.get(listed)
            if current is None:
                return None
            try:
                stat = current.path.stat()
            except OSError:
                del self._files[listed]
                self._rebuild()
                return None
            if current.same_stat(stat) and not current.racy:
                return current
            self._add_file(listed)
            updated = self._files.get(listed)
            if updated != current:
                self._rebuild()
            return updated

    def fresh_all(self, entries: Iterable[FileEntry]) -> None:
        for entry in entries:
            self.fresh(entry)

    # -- lookups ----------------------------------------------------------------------------------

    def _rebuild(self) -> None:
        by_name: dict[str, list[FileEntry]] = defaultdict(list)
        by_kind: dict[Kind, dict[str, list[FileEntry]]] = defaultdict(lambda: defaultdict(list))
        sample_series: dict[str, list[str]] = defaultdict(list)
        entries = sorted(self._files.values(), key=lambda e: e.rel)
        for entry in entries:
            fields = entry.sniffed.fields
            if entry.kind in STUDY_KINDS and entry.accession:
                for gsm in fields.get("Series_sample_id", ()):
                    if entry.accession not in sample_series[gsm]:
                        sample_series[gsm].append(entry.accession)
        for entry in entries:
            entry = self._resolve_counts(entry, sample_series)
            by_name[entry.name].append(entry)
            by_kind[entry.kind][entry.accession or ""].append(entry)
            for series in entry.sniffed.series:
                if entry.kind in (Kind.SAMPLE_SET_SOFT, Kind.MINIML_SAMPLES) and series != entry.accession:
                    by_kind[entry.kind][series].append(entry)
        self._by_name = dict(by_name)
        self._by_kind = {kind: dict(group) for kind, group in by_kind.items()}
        self._sample_series = {gsm: tuple(series) for gsm, series in sample_series.items()}
        self.generation += 1

    @staticmethod
    def _resolve_counts(entry: FileEntry, sample_series: dict[str, list[str]]) -> FileEntry:
        """An oddly named NCBI counts file belongs to the series holding its sample columns."""
        if entry.kind is not Kind.NCBI_COUNTS or entry.accession:
            return entry
        for gsm in entry.sniffed.fields.get("samples", ()):
            if sample_series.get(gsm):
                series = sample_series[gsm][0]
                return replace(entry, sniffed=replace(entry.sniffed, accession=series, series=(series,)))
        return entry

    def by_name(self, name: str) -> list[FileEntry]:
        with self._lock:
            return list(self._by_name.get(name, ()))

    def find(self, kind: Kind, accession: str) -> list[FileEntry]:
        with self._lock:
            return list(self._by_kind.get(kind, {}).get(accession, ()))

    def of_kind(self, kind: Kind) -> list[FileEntry]:
        with self._lock:
            groups = self._by_kind.get(kind, {})
            unique = {entry.rel: entry for group in groups.values() for entry in group}
            return [unique[rel] for rel in sorted(unique)]

    def series_of_sample(self, gsm: str) -> tuple[str, ...]:
        with self._lock:
            return self._sample_series.get(gsm, ())

    def entries(self) -> list[FileEntry]:
        with self._lock:
            return sorted(self._files.values(), key=lambda e: e.rel)

    def at_path(self, request_path: str) -> FileEntry | None:
        """The file at this path under the root, if the index holds it (the "literal layout" lookup).

        Only indexed files can be returned, so ``..``, absolute paths and links out of the root never
        reach the file system from here.
        """
        parts = [part for part in request_path.split("/") if part]
        if not parts or any(part in {".", ".."} or "\\" in part or "\x00" in part for part in parts):
            return None
        with self._lock:
            return self._files.get(self.root.joinpath(*parts))

    def held_series(self) -> list[str]:
        with self._lock:
            held = {acc for kind in STUDY_KINDS for acc in self._by_kind.get(kind, {}) if acc}
            return sorted(held, key=lambda acc: int(acc[3:]))

    def __len__(self) -> int:
        with self._lock:
            return len(self._files)
