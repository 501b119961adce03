"""GEO MINiML (XML) readers: family ``.xml``, the ``GSE…_family.xml.tgz`` GEO serves, single records.

Public API::

    parse_miniml(path, *, accession=None) -> StudyBundle
    parse_miniml_records(path, *, study_accession=None) -> SoftRecords

XML is parsed with ``defusedxml`` (entity declarations and external references are refused) and
streamed with ``iterparse``: each top-level ``<Sample>``/``<Platform>`` is turned into records and
cleared before the next one is read. A ``.tgz`` is unpacked member by member into a temporary folder
(``tarfile`` ``filter="data"``, flat safe names only, a cap on total size); the sample tables its
``<External-Data>`` elements name (``GSM…-tbl-1.txt``: tab-separated, no header) are then read like
SOFT sample tables. Records follow exactly the SOFT rules (:mod:`.soft_records`).
"""

from __future__ import annotations

import codecs
import logging
import re
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as safe_xml
from defusedxml import DefusedXmlException

from rnacorpus.errors import BadContentError, LimitExceededError, ParseError, RnacorpusError
from rnacorpus.harvester.checks import CheckLimits
from rnacorpus.harvester.geo.miniml_fields import Contact, contact_of, element_entity, local_name
from rnacorpus.harvester.geo.soft import SoftRecords, _Collector, _select_study
from rnacorpus.harvester.geo.soft_entities import SoftEntity, SoftTable
from rnacorpus.harvester.geo.soft_lines import LEGACY_FALLBACK, open_soft_bytes
from rnacorpus.harvester.geo.soft_records import IssueLog
from rnacorpus.schemas import Study, StudyBundle

__all__ = ["parse_miniml", "parse_miniml_records"]

logger = logging.getLogger(__name__)

_SAFE_MEMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_RECORD_KINDS = {"Series": "SERIES", "Platform": "PLATFORM", "Sample": "SAMPLE"}
_GSE_IN_NAME = re.compile(r"(GSE\d+)")
_DECLARED_ENCODING = re.compile(rb"""encoding=["']([A-Za-z0-9._-]+)["']""")


class _Utf8Repair:
    """Bytes that claim to be UTF-8 but carry stray Latin-1/Windows-1252 bytes (2003-era GEO records do)
    → valid UTF-8, so expat does not stop at the first ``µ``."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._decoder = codecs.getincrementaldecoder("utf-8")(LEGACY_FALLBACK)

    def read(self, size: int = -1) -> bytes:
        while True:
            raw = self._stream.read(size if size and size > 0 else 1 << 16)
            text = self._decoder.decode(raw, final=not raw)
            if text or not raw:
                return text.encode("utf-8")


def _xml_source(stream: BinaryIO) -> BinaryIO | _Utf8Repair:
    head = stream.peek(256)[:256] if hasattr(stream, "peek") else b""
    declared = _DECLARED_ENCODING.search(head.split(b"?>", 1)[0]) if head.startswith(b"<?xml") else None
    if declared and declared.group(1).lower().replace(b"_", b"-") not in {b"utf-8", b"utf8"}:
        return stream  # the document names its own encoding; let expat honour it
    return _Utf8Repair(stream)


def parse_miniml(
    path: str | Path,
    *,
    accession: str | None = None,
    file_name: str | None = None,
    limits: CheckLimits | None = None,
) -> StudyBundle:
    """A MINiML family document (``.xml``, ``.xml.gz`` or GEO's ``.tgz``) → one :class:`StudyBundle`.

    Without a ``<Series>`` element (some tools trim it) the study is named by ``accession`` or the
    GSE in the file name, and a ``series_record_missing`` warning says so.
    """
    records = parse_miniml_records(path, study_accession=accession, file_name=file_name, limits=limits)
    log = IssueLog(str(path), list(records.issues))
    if records.studies:
        study = _select_study(records, accession)
    else:
        study = _stand_in_study(file_name or Path(path).name, accession, records, log)
    declared = set(study.sample_accessions)
    present = {sample.accession for sample in records.samples}
    for missing in [name for name in study.sample_accessions if name not in present]:
        log.warn(
            "declared_sample_missing",
            f"{study.accession} lists {missing} but the document has no record for it",
            accession=missing,
            line=None,
        )
    if not declared:
        study.sample_accessions = [sample.accession for sample in records.samples]
    return StudyBundle(
        study=study,
        platforms=records.platforms,
        samples=records.samples,
        expression=records.expression,
        platform_tables=records.platform_tables,
        issues=log.issues,
    )


def parse_miniml_records(
    path: str | Path,
    *,
    study_accession: str | None = None,
    file_name: str | None = None,
    limits: CheckLimits | None = None,
) -> SoftRecords:
    """Every record of a MINiML document, whatever it holds (one GSM, a series, a whole family).

    ``limits``: the decompression limits (:func:`open_soft_bytes`), also the cap on a ``.tgz``'s members.
    """
    limits = limits or CheckLimits()
    if _is_tar(path, limits):
        with tempfile.TemporaryDirectory(prefix="rnacorpus-miniml-") as folder:
            xml_path = _unpack(path, Path(folder), limits)
            return _read_document(xml_path, Path(folder), study_accession, str(path), file_name, limits)
    return _read_document(Path(path), None, study_accession, str(path), file_name, limits)


def _is_tar(path: str | Path, limits: CheckLimits) -> bool:
    try:
        with limits.open(path) as stream, tarfile.open(fileobj=stream, mode="r|") as tar:
            return tar.next() is not None
    except (OSError, tarfile.TarError, EOFError, RnacorpusError):
        return False


def _unpack(path: str | Path, folder: Path, limits: CheckLimits) -> Path:
    """Extract the flat, safely named regular files of the archive; return the family XML's path."""
    total = 0
    xml_files: list[Path] = []
    try:
        with limits.open(path) as stream, tarfile.open(fileobj=stream, mode="r|") as tar:
            for member in tar:
                if not member.isfile() or not _SAFE_MEMBER.match(member.name):
                    logger.warning("%s: skipping archive member %r (not a plain, safely named file)", path, member.name)
                    continue
                total += member.size
                if total > limits.max_decompressed_bytes:
                    raise LimitExceededError("archive members exceed the decompression limit", path=path)
                tar.extract(member, folder, filter="data")
                if member.name.endswith(".xml"):
                    xml_files.append(folder / member.name)
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BadContentError(f"not a readable MINiML archive ({exc})", path=path) from exc
    if not xml_files:
        raise BadContentError("the archive holds no MINiML .xml document", path=path)
    family = [p for p in xml_files if p.name.endswith("_family.xml")]
    return (family or xml_files)[0]


def _stand_in_study(name_of_file: str, accession: str | None, records: SoftRecords, log: IssueLog) -> Study:
    match = _GSE_IN_NAME.search(name_of_file)
    name = accession or (match.group(1) if match else None)
    if name is None:
        raise ParseError(
            "no <Series> element and no GSE accession in the file name; read single records with parse_miniml_records",
            path=log.path,
        )
    log.warn(
        "series_record_missing",
        f"the document has no <Series> element; study named {name} from "
        f"{'the caller' if accession else 'the file name'}",
        accession=name,
        line=None,
    )
    for sample in records.samples:
        sample.study_accession = name
    for matrix in records.expression:
        matrix.source.study_accession = name
    return Study(
        accession=name,
        archive="geo",
        platform_accessions=[platform.accession for platform in records.platforms],
    )


def _read_document(
    xml_path: Path,
    tables: Path | None,
    study_accession: str | None,
    shown_path: str,
    file_name: str | None,
    limits: CheckLimits,
) -> SoftRecords:
    collector = _Collector(shown_path, study_accession, file_name=file_name or Path(shown_path).name)
    contacts: dict[str, Contact] = {}
    stub_samples: list[str] = []
    stub_platforms: list[str] = []
    external = False
    for tag, element in _top_level_elements(xml_path, shown_path, limits):
        if tag == "Contributor":
            contacts[element.get("iid") or ""] = contact_of(element)
            continue
        kind = _RECORD_KINDS.get(tag)
        if kind is None:
            continue
        entity = element_entity(element, kind, shown_path, contacts)
        if kind != "SERIES" and set(entity.fields) <= {"geo_accession"}:  # a reference, not a record
            (stub_samples if kind == "SAMPLE" else stub_platforms).append(entity.name)
            continue
        external |= _attach_table(entity, tables, shown_path)
        collector.add(entity)
    records = collector.finish()
    _fill_series_from_records(records, stub_platforms)
    if external and tables is None:
        IssueLog(shown_path, records.issues).warn(
            "external_tables_missing",
            "the document names data tables in <External-Data> but they ship only in "
            "the .tgz; no table values were read",
            accession=study_accession,
            line=None,
        )
    return records


def _top_level_elements(xml_path: Path, shown_path: str, limits: CheckLimits) -> Iterator[tuple[str, Element]]:
    """(tag, element) for each child of ``<MINiML>``; each element is cleared after use."""
    try:
        with open_soft_bytes(xml_path, limits=limits) as stream:
            depth = 0
            for event, element in safe_xml.iterparse(_xml_source(stream), events=("start", "end")):
                if event == "start":
                    depth += 1
                    continue
                depth -= 1
                if depth == 1:
                    yield local_name(element.tag), element
                    element.clear()
    except DefusedXmlException as exc:
        raise BadContentError(f"unsafe XML refused ({exc.__class__.__name__})", path=shown_path) from exc
    except safe_xml.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise ParseError(f"malformed MINiML XML ({exc})", path=shown_path, line=line) from exc


def _attach_table(entity: SoftEntity, tables: Path | None, shown_path: str) -> bool:
    """Give the entity its ``<External-Data>`` table when the file is at hand; True if one is named."""
    names = entity.fields.pop("external_data", [])
    entity.field_lines.pop("external_data", None)
    if not names or not names[0]:
        return False
    file_name = names[0].strip()
    if tables is None or not _SAFE_MEMBER.match(file_name) or not (tables / file_name).is_file():
        entity.table_elsewhere = True
        return True
    header = [name for name, _ in entity.columns]
    body = (tables / file_name).read_bytes()
    first_line, _, rest = body.partition(b"\n")
    header_line = 0  # data rows start at line 1 of the member file
    if first_line.rstrip(b"\r").split(b"\t") == [name.encode() for name in header]:
        body, header_line = rest, 1  # some tables repeat the column names; MINiML's do not as a rule
    where = f"{shown_path}!{file_name}"
    entity.table = SoftTable(entity.kind.lower(), header, body, header_line, header_line, None, where)
    return True


def _fill_series_from_records(records: SoftRecords, stub_platforms: list[str]) -> None:
    """MINiML series state neither platforms nor organisms; the document's own records do."""
    platforms = [p.accession for p in records.platforms] + stub_platforms
    platforms += [s.platform_accession for s in records.samples if s.platform_accession]
    taxids = [p.organism_taxid for p in records.platforms] + [s.organism_taxid for s in records.samples]
    for study in records.studies:
        if not study.platform_accessions:
            study.platform_accessions = list(dict.fromkeys(platforms))
        if not study.organism_taxids:
            study.organism_taxids = list(dict.fromkeys(t for t in taxids if t is not None))
