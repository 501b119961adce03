"""Tell what an archive file holds from its first lines, whatever it is called.

A family SOFT is a family SOFT because its first entity after ``^DATABASE`` is ``^SERIES = GSE…``, not
because of its name; ``GSE14618.soft.gz`` and an uncompressed ``GSE105845_family.soft`` are found the
same way. Only a bounded prefix is read and reading stops at the first ``^PLATFORM`` / ``^SAMPLE`` or
data table, so indexing a large mirror costs a few kilobytes per file.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType, TracebackType

from rnacorpus.errors import RnacorpusError
from rnacorpus.fileio import is_gzip, open_maybe_gzip
from rnacorpus.mirror import miniml
from rnacorpus.mirror.recorded import Recording, load_json_text, parse_eutils_json, parse_eutils_xml
from rnacorpus.mirror.soft import TABLE_BEGIN, TABLE_END, entity_of, matrix_row, soft_field

__all__ = ["Kind", "Sniffed", "sniff_file"]

logger = logging.getLogger(__name__)

#: decompressed bytes read to classify one file (a header, one sample block, the head of an XML)
SNIFF_CAP = 4 * 1024**2
#: E-utilities recordings are parsed whole; anything bigger is not one
RECORDING_CAP = 64 * 1024**2
_LINE_CAP = 1024**2
_JSON_HEAD = 64 * 1024
#: an esearch result, an esummary result, or esummary documents keyed by UID (a fragment)
_EUTILS_JSON = re.compile(r'"esearchresult"|"uids"\s*:|^\{\s*"\d+"\s*:\s*\{')


class Kind(StrEnum):
    SERIES_FAMILY_SOFT = "series_family_soft"
    PLATFORM_FAMILY_SOFT = "platform_family_soft"
    SERIES_SOFT = "series_soft"  # acc.cgi targ=self: the series record alone
    SAMPLE_SOFT = "sample_soft"  # one GSM record
    SAMPLE_SET_SOFT = "sample_set_soft"  # acc.cgi targ=gsm: ^SAMPLE blocks of one series
    PLATFORM_SOFT = "platform_soft"
    DATASET_SOFT = "dataset_soft"
    ANNOT = "annot"
    SERIES_MATRIX = "series_matrix"
    MINIML_FAMILY = "miniml_family"
    MINIML_FAMILY_TGZ = "miniml_family_tgz"
    MINIML_SERIES = "miniml_series"
    MINIML_SAMPLES = "miniml_samples"
    MINIML_SAMPLE = "miniml_sample"
    NCBI_COUNTS = "ncbi_counts"
    NCBI_ANNOT_TABLE = "ncbi_annot_table"
    EUTILS = "eutils"
    OTHER = "other"


Fields = Mapping[str, tuple[str, ...]]
_NO_FIELDS: Fields = MappingProxyType({})


@dataclass(frozen=True)
class Sniffed:
    kind: Kind
    accession: str | None = None
    #: header fields with SOFT keys (``Series_title`` → values); MINiML is translated to the same keys
    fields: Fields = field(default_factory=lambda: _NO_FIELDS)
    #: the series a sample set, matrix or counts file belongs to
    series: tuple[str, ...] = ()
    gzipped: bool = False
    #: recorded error bodies (ENA's ErrorDetails 404) are replayed with their status
    status: int = 200
    recording: Recording | None = None


_MINIML_TGZ_NAME = re.compile(r"^(GSE\d+)_family\.xml\.tgz$")
_MATRIX_NAME = re.compile(r"^(GSE\d+)(?:-GPL\d+)?_series_matrix\.txt(?:\.gz)?$")
_COUNTS_NAME = re.compile(r"^(GSE\d+)_(?:raw|norm)_counts_.+\.tsv(?:\.gz)?$")
_NCBI_ANNOT_NAME = re.compile(r"^[A-Z][a-z]+\.[\w.]+\.annot\.tsv(?:\.gz)?$")
_GSE_IN_PATH = re.compile(r"GSE\d+")
_GSM = re.compile(r"^GSM\d+$")
_ACCESSION = re.compile(r"^(?:GSE|GSM|GPL|GDS)\d+$")
#: Sample_* rows of a series matrix worth keeping (the rest can be long and is not needed here)
_MATRIX_SAMPLE_ROWS = {
    "Sample_title",
    "Sample_geo_accession",
    "Sample_status",
    "Sample_last_update_date",
    "Sample_organism_ch1",
    "Sample_organism_ch2",
    "Sample_platform_id",
}


class _PrefixLines:
    """Decoded lines from the start of a (maybe gzipped) file, never more than ``cap`` bytes in all."""

    def __init__(self, path: Path, cap: int | None = None) -> None:
        with path.open("rb") as raw:
            self.gzipped = is_gzip(raw.read(2))
        self._handle = open_maybe_gzip(path)
        self._cap = SNIFF_CAP if cap is None else cap
        self.consumed = 0

    def __enter__(self) -> _PrefixLines:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._handle.close()

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        remaining = self._cap - self.consumed
        if remaining <= 0:
            raise StopIteration
        try:
            raw = self._handle.readline(min(remaining, _LINE_CAP))
        except (RnacorpusError, OSError, EOFError):  # truncated/corrupt gzip: what we read is all there is
            raise StopIteration from None
        if not raw:
            raise StopIteration
        self.consumed += len(raw)
        return raw.decode("utf-8", "replace").rstrip("\r\n")

    def rest(self, cap: int) -> str:
        """Everything left (for small whole-file formats such as JSON), up to ``cap`` bytes."""
        try:
            data = self._handle.read(cap)
        except (RnacorpusError, OSError, EOFError):
            return ""
        return data.decode("utf-8", "replace")


def sniff_file(path: Path, rel: str) -> Sniffed:
    """Classify one file; ``rel`` (its path under the mirror root) lends accession hints to sample sets."""
    name = path.name
    tgz = _MINIML_TGZ_NAME.match(name)
    if tgz:
        return Sniffed(Kind.MINIML_FAMILY_TGZ, tgz.group(1), gzipped=True)
    try:
        with _PrefixLines(path) as lines:
            first = next((line for line in lines if line.strip()), None)
            if first is None:
                return Sniffed(Kind.OTHER, gzipped=lines.gzipped)
            result = _dispatch(first.lstrip("\ufeff").lstrip(), lines, path, rel)
            return replace(result, gzipped=lines.gzipped)
    except OSError as exc:
        logger.debug("cannot sniff %s: %s", path, exc)
        return Sniffed(Kind.OTHER)


def _dispatch(first: str, lines: _PrefixLines, path: Path, rel: str) -> Sniffed:
    if first.startswith("^"):
        return _sniff_soft(first, lines, rel)
    if first.startswith("!Series_") and "\t" in first:
        return _sniff_matrix(first, lines)
    if first.startswith("<"):
        return _sniff_xml(first, lines, path, rel)
    if first.startswith(("{", "[")):
        return _sniff_json(first, lines)
    if first.startswith("GeneID\t"):
        return _sniff_counts(first, path.name)
    return Sniffed(Kind.OTHER)


def _sniff_json(first: str, lines: _PrefixLines) -> Sniffed:
    """Only documents that look like E-utilities answers are parsed whole; other JSON is left alone."""
    head = first + "\n" + lines.rest(_JSON_HEAD)
    if not _EUTILS_JSON.search(head):
        return Sniffed(Kind.OTHER)
    recording = parse_eutils_json(load_json_text(head + lines.rest(RECORDING_CAP)))
    return Sniffed(Kind.EUTILS, recording=recording) if recording else Sniffed(Kind.OTHER)


def _read_header(lines: Iterator[str]) -> tuple[dict[str, list[str]], str | None]:
    """Fields up to the next entity or table; also returns the line that stopped the read."""
    fields: dict[str, list[str]] = {}
    for line in lines:
        if line.startswith("^") or TABLE_BEGIN.match(line):
            return fields, line
        parsed = soft_field(line)
        if parsed is not None:
            fields.setdefault(parsed[0], []).append(parsed[1])
    return fields, None


def _frozen(fields: Mapping[str, list[str]]) -> Fields:
    return MappingProxyType({key: tuple(values) for key, values in fields.items()})


def _sniff_soft(first: str, lines: Iterator[str], rel: str) -> Sniffed:
    head = entity_of(first)
    if head is None:
        return Sniffed(Kind.OTHER)
    entity, accession = head
    family = entity == "DATABASE"
    if family:
        _, stop = _read_header(lines)
        head = entity_of(stop) if stop else None
        if head is None:
            return Sniffed(Kind.OTHER)
        entity, accession = head
    fields, stop = _read_header(lines)
    if entity == "ANNOTATION":
        platform = fields.get("Annotation_platform", [""])[0]
        return Sniffed(Kind.ANNOT, platform, _frozen(fields)) if _ACCESSION.match(platform) else Sniffed(Kind.OTHER)
    if not _ACCESSION.match(accession):
        return Sniffed(Kind.OTHER)  # GEO's submission examples name records freely; they are not archive files
    followed_by_records = stop is not None and stop.startswith(("^PLATFORM", "^SAMPLE"))
    if entity == "SERIES":
        kind = Kind.SERIES_FAMILY_SOFT if family or followed_by_records else Kind.SERIES_SOFT
        return Sniffed(kind, accession, _frozen(fields), (accession,))
    if entity == "PLATFORM":
        return Sniffed(Kind.PLATFORM_FAMILY_SOFT if family else Kind.PLATFORM_SOFT, accession, _frozen(fields))
    if entity == "DATASET":
        return Sniffed(Kind.DATASET_SOFT, accession, _frozen(fields))
    if entity == "SAMPLE":
        return _sniff_samples(accession, fields, stop, lines, rel)
    return Sniffed(Kind.OTHER)


def _sniff_samples(
    accession: str, fields: dict[str, list[str]], stop: str | None, lines: Iterator[str], rel: str
) -> Sniffed:
    if stop is not None and TABLE_BEGIN.match(stop):
        # one sample with its table, or the first of a set: look past the table (still within the cap)
        stop = next((line for line in lines if TABLE_END.match(line)), None)
        stop = next((line for line in lines if line.strip()), None) if stop else None
    is_set = stop is not None and stop.startswith("^SAMPLE")
    series = series_hint(rel, tuple(fields.get("Sample_series_id", ())))
    if is_set:
        return Sniffed(Kind.SAMPLE_SET_SOFT, series[0] if len(series) == 1 else None, _frozen(fields), series)
    return Sniffed(Kind.SAMPLE_SOFT, accession, _frozen(fields), series)


def series_hint(rel: str, candidates: tuple[str, ...]) -> tuple[str, ...]:
    """Which series a file of samples belongs to: a series named in its path wins over the others.

    ``acc_cgi/GSE146540/GSM.soft`` holds samples that also belong to SuperSeries GSE146583; the folder
    name says which series was asked for.
    """
    in_path = _GSE_IN_PATH.findall(rel)
    named = [acc for acc in in_path if acc in candidates]
    if named:
        return (named[-1],)
    if not candidates and in_path:
        return (in_path[-1],)
    return candidates


def _sniff_matrix(first: str, lines: Iterator[str]) -> Sniffed:
    fields: dict[str, list[str]] = {}
    for line in _chain(first, lines):
        if line.lower().startswith("!series_matrix_table_begin"):
            break
        row = matrix_row(line)
        if row is None:
            continue
        key, values = row
        if key.startswith("Series_"):
            fields.setdefault(key, []).extend(value for value in values if value)
        elif key in _MATRIX_SAMPLE_ROWS:
            fields[key] = list(values)
    # a series matrix lists its samples on one line, space-separated
    sample_ids = " ".join(fields.pop("Series_sample_id", [])).split()
    if sample_ids:
        fields["Series_sample_id"] = sample_ids
    accession = fields.get("Series_geo_accession", [None])[0]
    if accession is None:
        return Sniffed(Kind.OTHER)
    return Sniffed(Kind.SERIES_MATRIX, accession, _frozen(fields), (accession,))


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def _sniff_counts(first: str, name: str) -> Sniffed:
    by_name = _COUNTS_NAME.match(name)
    if by_name:
        return Sniffed(Kind.NCBI_COUNTS, by_name.group(1), series=(by_name.group(1),))
    if _NCBI_ANNOT_NAME.match(name):
        return Sniffed(Kind.NCBI_ANNOT_TABLE)
    samples = tuple(column for column in first.split("\t")[1:] if _GSM.match(column))
    if samples:
        # named oddly: the index resolves the series from these sample columns
        return Sniffed(Kind.NCBI_COUNTS, None, MappingProxyType({"samples": samples}))
    return Sniffed(Kind.OTHER)


def _sniff_xml(first: str, lines: _PrefixLines, path: Path, rel: str) -> Sniffed:
    head_lines = [first]
    size = len(first)
    for line in lines:
        head_lines.append(line)
        size += len(line) + 1
        if size > miniml.HEAD_BYTES:
            break
    head = "\n".join(head_lines)
    if "<MINiML" in head:
        return _sniff_miniml(head, lines, path, rel)
    if "<eSearchResult" in head or "<eSummaryResult" in head:
        recording = parse_eutils_xml(head + "\n" + lines.rest(RECORDING_CAP))
        return Sniffed(Kind.EUTILS, recording=recording) if recording else Sniffed(Kind.OTHER)
    status = re.search(r"<ErrorDetails>.*?<status>(\d{3})</status>", head, re.DOTALL)
    return Sniffed(Kind.OTHER, status=int(status.group(1)) if status else 200)


def _sniff_miniml(head: str, lines: _PrefixLines, path: Path, rel: str) -> Sniffed:
    tail = miniml.read_tail(path, head, lines.gzipped, lines.rest)
    doc = miniml.summarize(head, tail)
    if doc.series_accession is not None:
        kind = Kind.MINIML_FAMILY if doc.platforms else Kind.MINIML_SERIES
        return Sniffed(kind, doc.series_accession, MappingProxyType(doc.fields), (doc.series_accession,))
    if doc.samples:
        series = series_hint(rel, ())
        if series and series[0] in path.name:
            return Sniffed(Kind.MINIML_SAMPLES, series[0], MappingProxyType(doc.fields), series)
        if len(doc.samples) == 1:
            return Sniffed(Kind.MINIML_SAMPLE, doc.samples[0], MappingProxyType(doc.fields), series)
    return Sniffed(Kind.OTHER)
