"""GEO's ``/geo/query/acc.cgi`` answered from the records the mirror holds.

``targ=self`` is the record alone, ``targ=gsm`` the samples of a series, ``targ=gpl`` its platforms,
``targ=all`` all of them; ``form=text`` is SOFT and ``form=xml`` MINiML; ``view=brief`` leaves data
tables out. A record held as its own file (an acc.cgi recording, a GSM SOFT) is used as it is;
otherwise its blocks are cut out of a family SOFT (or MINiML family document), streaming.
``view=quick`` and ``view=data`` are answered like ``view=full``.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from rnacorpus.fileio import open_maybe_gzip, open_text
from rnacorpus.mirror.index import FileEntry, MirrorIndex
from rnacorpus.mirror.sniff import Kind
from rnacorpus.mirror.soft import iter_blocks, strip_tables

__all__ = ["AccPlan", "plan_acc_cgi"]

Producer = Callable[[IO[bytes]], None]
Wanted = Callable[[str, str], bool]
_SERIES_TAG = re.compile(r"<Series iid=")
_RECORD_START = re.compile(r"<(?:Platform|Sample|Series) iid=")
_SAMPLE_IID = re.compile(r'<Sample iid="([^"]+)"')


@dataclass(frozen=True)
class AccPlan:
    sources: tuple[FileEntry, ...]
    produce: Producer
    content_type: str
    #: the answer is this file exactly as it is on disk (no cutting, no decompressing)
    verbatim: FileEntry | None = None


def _lines(path: Path) -> Iterator[str]:
    with open_text(path) as handle:
        for line in handle:
            yield line.rstrip("\n")


def _soft_blocks(sources: list[tuple[FileEntry, Wanted]], view: str) -> Producer:
    def produce(out: IO[bytes]) -> None:
        for entry, wanted in sources:
            for entity, accession, block in iter_blocks(_lines(entry.path)):
                if wanted(entity, accession):
                    kept = strip_tables(block) if view == "brief" else block
                    out.write(("\n".join(kept) + "\n").encode("utf-8"))

    return produce


def _decompressed(entry: FileEntry) -> Producer:
    def produce(out: IO[bytes]) -> None:
        with open_maybe_gzip(entry.path) as handle:
            shutil.copyfileobj(handle, out, 1 << 20)

    return produce


def _whole(entry: FileEntry, view: str) -> AccPlan:
    """A record file used as it is (decompressed); a brief view still passes through the cutter."""
    plan = _soft_blocks([(entry, lambda entity, accession: True)], view) if view == "brief" else _decompressed(entry)
    verbatim = entry if view != "brief" and not entry.sniffed.gzipped else None
    return AccPlan((entry,), plan, "text/plain; charset=utf-8", verbatim)


def _cut(entries: list[FileEntry], wanted: Wanted, view: str) -> AccPlan:
    return AccPlan(tuple(entries), _soft_blocks([(e, wanted) for e in entries], view), "text/plain; charset=utf-8")


def _families_holding(index: MirrorIndex, field: str, accession: str) -> list[FileEntry]:
    return [
        entry for entry in index.of_kind(Kind.SERIES_FAMILY_SOFT) if accession in entry.sniffed.fields.get(field, ())
    ]


def _series_text(index: MirrorIndex, gse: str, targ: str, view: str) -> AccPlan | None:
    families = index.find(Kind.SERIES_FAMILY_SOFT, gse)[:1]
    if targ == "self":
        records = index.find(Kind.SERIES_SOFT, gse)
        if records:
            return _whole(records[0], view)
        if families:
            return _cut(families, lambda entity, acc: entity == "SERIES", view)
        return _series_from_header(index, gse)
    if targ == "gsm":
        sets = [entry for entry in index.find(Kind.SAMPLE_SET_SOFT, gse) if entry.sniffed.series == (gse,)]
        sets = sets or index.find(Kind.SAMPLE_SET_SOFT, gse)
        if sets:
            return _whole(sets[0], view)
        return _cut(families, lambda entity, acc: entity == "SAMPLE", view) if families else None
    if targ == "gpl":
        if families:
            return _cut(families, lambda entity, acc: entity == "PLATFORM", view)
        return None
    if targ == "all" and families:
        return _cut(families, lambda entity, acc: entity in {"SERIES", "PLATFORM", "SAMPLE"}, view)
    return None


def _header_writer(accession: str, fields: Mapping[str, tuple[str, ...]]) -> Producer:
    def produce(out: IO[bytes]) -> None:
        lines = [f"^SERIES = {accession}"]
        lines += [
            f"!{key} = {value}" for key, values in fields.items() if key.startswith("Series_") for value in values
        ]
        out.write(("\n".join(lines) + "\n").encode("utf-8"))

    return produce


def _series_from_header(index: MirrorIndex, gse: str) -> AccPlan | None:
    """The series record written out from a series matrix or MINiML header, when no SOFT is held."""
    for kind in (Kind.SERIES_MATRIX, Kind.MINIML_SERIES, Kind.MINIML_FAMILY):
        held = index.find(kind, gse)
        if held:
            return AccPlan((held[0],), _header_writer(gse, held[0].sniffed.fields), "text/plain; charset=utf-8")
    return None


def _sample_text(index: MirrorIndex, gsm: str, view: str) -> AccPlan | None:
    own = index.find(Kind.SAMPLE_SOFT, gsm)
    if own:
        return _whole(own[0], view)
    wanted: Wanted = lambda entity, acc: entity == "SAMPLE" and acc == gsm  # noqa: E731
    for series in index.series_of_sample(gsm):
        holders = index.find(Kind.SAMPLE_SET_SOFT, series) + index.find(Kind.SERIES_FAMILY_SOFT, series)
        if holders:
            return _cut(holders[:1], wanted, view)
    return None


def _platform_text(index: MirrorIndex, gpl: str, view: str) -> AccPlan | None:
    own = index.find(Kind.PLATFORM_SOFT, gpl)
    if own:
        return _whole(own[0], view)
    wanted: Wanted = lambda entity, acc: entity == "PLATFORM" and acc == gpl  # noqa: E731
    holders = index.find(Kind.PLATFORM_FAMILY_SOFT, gpl) or _families_holding(index, "Series_platform_id", gpl)
    return _cut(holders[:1], wanted, view) if holders else None


def _miniml_series_only(entry: FileEntry) -> Producer:
    """A family document cut down to the series record: its head, sample stubs and the Series element."""

    def produce(out: IO[bytes]) -> None:
        head: list[str] = []
        samples: list[str] = []
        series: list[str] = []
        state = "head"
        for line in _lines(entry.path):
            if state == "head" and _RECORD_START.search(line):
                state = "skip"
            if state == "skip" and _SERIES_TAG.search(line):
                state = "series"
            if state == "head":
                head.append(line)
            elif state == "series":
                series.append(line)
                state = "done" if "</Series>" in line else state
            samples.extend(_SAMPLE_IID.findall(line) if state == "skip" else ())
        stubs = [
            f'  <Sample iid="{gsm}">\n    <Accession database="GEO">{gsm}</Accession>\n  </Sample>\n' for gsm in samples
        ]
        out.write(("\n".join(head) + "\n" + "\n".join(stubs) + "\n".join(series) + "\n\n</MINiML>\n").encode())

    return produce


def _miniml_without_series(entry: FileEntry) -> Producer:
    def produce(out: IO[bytes]) -> None:
        inside = False
        for line in _lines(entry.path):
            inside = inside or bool(_SERIES_TAG.search(line))
            if not inside:
                out.write((line + "\n").encode("utf-8"))
            elif "</Series>" in line:
                inside = False

    return produce


def _xml(index: MirrorIndex, accession: str, targ: str) -> AccPlan | None:
    xml = "text/xml; charset=utf-8"
    held = {
        ("GSE", "self"): Kind.MINIML_SERIES,
        ("GSE", "gsm"): Kind.MINIML_SAMPLES,
        ("GSM", "self"): Kind.MINIML_SAMPLE,
        ("GSE", "all"): Kind.MINIML_FAMILY,
    }.get((accession[:3], targ))
    own = index.find(held, accession) if held else []
    if own:
        return AccPlan((own[0],), _decompressed(own[0]), xml, own[0] if not own[0].sniffed.gzipped else None)
    families = index.find(Kind.MINIML_FAMILY, accession) if accession.startswith("GSE") else []
    if not families or families[0].sniffed.gzipped:
        return None
    if targ == "self":
        return AccPlan((families[0],), _miniml_series_only(families[0]), xml)
    if targ == "gsm":
        return AccPlan((families[0],), _miniml_without_series(families[0]), xml)
    return None


def plan_acc_cgi(index: MirrorIndex, accession: str, targ: str, form: str, view: str) -> AccPlan | None:
    """How to answer ``acc.cgi`` for this record, or None when the mirror does not hold it."""
    if form == "xml":
        return _xml(index, accession, targ)
    if accession.startswith("GSE"):
        return _series_text(index, accession, targ, view)
    if accession.startswith("GSM") and targ == "self":
        return _sample_text(index, accession, view)
    if accession.startswith("GPL") and targ == "self":
        return _platform_text(index, accession, view)
    return None
