"""A series' supplementary inputs: the files and archive members to read, their category, their table.

A *unit* is one readable file — a fetched file or an archive member copied to a temp file of our
own naming. :class:`SupplContext` carries the bundle, the size limits and the issues of one read:
a unit that cannot be opened, sniffed or read is quarantined on its own with a ``parse_issues`` row
naming it, and the caller goes on with the rest (:mod:`.suppl_assemble` drives the read).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from rnacorpus.errors import RnacorpusError
from rnacorpus.harvester.geo.suppl_discovery import FETCHED_CATEGORIES, classify_name, sniff_content
from rnacorpus.harvester.geo.suppl_fetch import UNAVAILABLE
from rnacorpus.harvester.geo.suppl_io import SupplLimits, iter_archive_members, open_decompressed
from rnacorpus.harvester.geo.suppl_readers import read_suppl_table
from rnacorpus.harvester.geo.suppl_table import SupplTable
from rnacorpus.schemas import ParseIssue, SourceFile, StudyBundle

__all__ = ["SupplContext", "SupplUnit", "archive_name", "iter_units", "mtx_part", "read_unit", "unit_category"]

_SNIFF = 64 * 1024


@dataclass
class SupplUnit:
    """One readable file: a fetched file or an archive member."""

    name: str
    data: str  # a cache path, or a temp copy of an archive member


@dataclass
class SupplContext:
    """One series' supplementary read: its bundle, the size limits, and the issues found so far."""

    bundle: StudyBundle
    limits: SupplLimits
    issues: list[ParseIssue] = field(default_factory=list)

    def issue(self, code: str, message: str, *, file: str, level: str = "error", line: int | None = None) -> None:
        self.issues.append(
            ParseIssue(
                level="error" if level == "error" else "warning",
                code=code,
                message=message,
                accession=self.bundle.study.accession,
                path=file,
                line=line,
            )
        )


def archive_name(item: SourceFile) -> str:
    """The file name GEO lists (the last segment of its URL)."""
    return PurePosixPath(urlsplit(item.url).path).name


def iter_units(files: Sequence[SourceFile], ctx: SupplContext, scratch: Path) -> Iterator[SupplUnit]:
    """Fetched files, then archive members copied to temp files of our own naming (never the
    member's: its name is only a label), skipping members fetched on their own already."""
    fetched = {archive_name(item) for item in files if item.role == "suppl"}
    for item in files:
        name = archive_name(item)
        if item.role == UNAVAILABLE:
            kind = urlsplit(item.url).fragment or "error"
            ctx.issue("suppl_not_fetched", f"listed by GEO but not fetched ({kind})", file=name, level="warning")
            continue
        if item.role == "suppl":
            yield SupplUnit(name, item.path)
            continue
        try:
            for member in iter_archive_members(item.path, name=name, wanted=_wanted_member, limits=ctx.limits):
                with member.data:
                    if member.name in fetched:
                        continue
                    fd, temp = tempfile.mkstemp(dir=scratch, suffix=".member")
                    with os.fdopen(fd, "wb") as out:
                        shutil.copyfileobj(member.data, out, 1 << 20)
                yield SupplUnit(member.name, temp)
        except RnacorpusError as exc:
            ctx.issue("suppl_archive_refused", exc.message, file=name)


def _wanted_member(name: str) -> bool:
    return classify_name(name)[0] in FETCHED_CATEGORIES


def unit_category(unit: SupplUnit, ctx: SupplContext) -> str | None:
    """The unit's category by name, revised by its content; None (with an issue) when not read."""
    category, _ = classify_name(unit.name)
    if category not in FETCHED_CATEGORIES:
        return None
    try:
        source = unit.data
        if _raw_head(source).startswith(b"PK\x03\x04") and unit.name.lower().endswith((".xlsx", ".xlsm")):
            return category  # a workbook: the Excel reader judges its content
        with open_decompressed(source, name=unit.name, limits=ctx.limits) as stream:
            head = stream.read(_SNIFF)
    except RnacorpusError as exc:
        ctx.issue("suppl_file_quarantined", exc.message, file=unit.name)
        return None
    revised, why = sniff_content(unit.name, head, category)
    if revised not in FETCHED_CATEGORIES:
        ctx.issue("suppl_not_expression", f"not read: {why}", file=unit.name, level="warning")
        return None
    return revised


def _raw_head(path: str) -> bytes:
    with Path(path).open("rb") as handle:
        return handle.read(8)


def mtx_part(name: str) -> str | None:
    """Which part of a 10x triplet a file name is (matrix, barcodes, features), or None."""
    lowered = name.lower()
    for part in ("matrix.mtx", "barcodes.tsv", "features.tsv", "genes.tsv"):
        if part in lowered:
            return "features" if part == "genes.tsv" else part.split(".")[0]
    return None


def read_unit(unit: SupplUnit, ctx: SupplContext) -> SupplTable | None:
    """The unit read as a table, or None with the file quarantined (an error issue naming it)."""
    try:
        return read_suppl_table(unit.data, name=unit.name, limits=ctx.limits)
    except RnacorpusError as exc:
        ctx.issue("suppl_file_quarantined", exc.message, file=unit.name, line=exc.line)
        return None
