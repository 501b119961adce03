"""SRA / ENA XML → runs, samples and studies: the alternative to the ENA portal's filereport.

Read, whatever the root (ARCHIVES §4; ``../shared/corpus/{sra,ena/browser_xml}``):

- NCBI ``efetch db=sra`` ``EXPERIMENT_PACKAGE_SET``: each package holds an ``EXPERIMENT``, its
  ``STUDY``, ``SAMPLE`` (with its BioSample and GEO ids) and ``RUN_SET`` — everything a filereport row
  holds except ENA's fastq mirror paths;
- ENA browser ``RUN_SET`` (run, its experiment, ``ENA-STUDY`` / ``ENA-SAMPLE`` links, first public,
  last update, spot and base counts as ``ENA-*`` attributes), ``EXPERIMENT_SET`` (library, platform,
  study and sample references), ``SAMPLE_SET`` and ``STUDY_SET``.

Records of one file are joined by accession: a run gets its experiment's library and platform, the
experiment's sample (SRS) and that sample's BioSample, the study's BioProject. XML is parsed with
defusedxml (no entities, no external references). An ENA ``ErrorDetails`` body (a recorded 404) is
:class:`~rnacorpus.errors.NotFoundError`; other XML is :class:`~rnacorpus.errors.ParseError`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as safe_xml
from defusedxml import DefusedXmlException

from rnacorpus.errors import NotFoundError, ParseError
from rnacorpus.harvester.dates import iso_date
from rnacorpus.schemas import SequencingRun
from rnacorpus.schemas.links import RunSource

__all__ = ["SraRecords", "SraSample", "SraStudy", "complete_run", "parse_sra_xml", "read_sra_xml"]

Element = Any  # xml.etree.ElementTree.Element as produced by defusedxml

_ROOTS = {"EXPERIMENT_PACKAGE_SET", "RUN_SET", "EXPERIMENT_SET", "SAMPLE_SET", "STUDY_SET", "SUBMISSION_SET"}


@dataclass
class SraSample:
    accession: str
    biosample: str | None = None
    alias: str | None = None
    title: str | None = None
    tax_id: int | None = None
    scientific_name: str | None = None
    #: SAMPLE_ATTRIBUTES as deposited (tag, value, unit)
    attributes: list[tuple[str, str, str | None]] = field(default_factory=list)
    #: other ids: EXTERNAL_ID namespace → value (GEO → GSM…)
    external: dict[str, str] = field(default_factory=dict)


@dataclass
class SraStudy:
    accession: str
    alias: str | None = None
    bioproject: str | None = None
    title: str | None = None
    external: dict[str, str] = field(default_factory=dict)


@dataclass
class _Experiment:
    accession: str
    alias: str | None = None
    study: str | None = None
    sample: str | None = None
    library: dict[str, str | None] = field(default_factory=dict)


@dataclass
class SraRecords:
    runs: list[SequencingRun] = field(default_factory=list)
    samples: dict[str, SraSample] = field(default_factory=dict)
    studies: dict[str, SraStudy] = field(default_factory=dict)
    experiments: dict[str, _Experiment] = field(default_factory=dict)


def _text(node: Element | None) -> str | None:
    if node is None or node.text is None:
        return None
    text = " ".join(node.text.split())
    return text or None


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text not in (None, "") else None
    except ValueError:
        return None


def _ids(node: Element) -> dict[str, str]:
    out: dict[str, str] = {}
    for ident in node.iterfind("IDENTIFIERS/EXTERNAL_ID"):
        namespace, value = ident.get("namespace") or "", _text(ident)
        if value:
            out.setdefault(namespace, value)
    return out


def _attributes(node: Element, path: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for attribute in node.iterfind(path):
        tag, value = _text(attribute.find("TAG")), _text(attribute.find("VALUE"))
        if tag and value:
            out.setdefault(tag, value)
    return out


def _links(node: Element, path: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for link in node.iterfind(path):
        db, ident = _text(link.find("DB")), _text(link.find("ID"))
        if db and ident:
            out.setdefault(db.upper(), ident)
    return out


def _experiment(node: Element) -> _Experiment:
    layout = node.find("DESIGN/LIBRARY_DESCRIPTOR/LIBRARY_LAYOUT")
    platform = node.find("PLATFORM")
    vendor = next(iter(platform), None) if platform is not None else None
    descriptor = node.find("DESIGN/LIBRARY_DESCRIPTOR")
    library: dict[str, str | None] = {
        "library_name": _text(descriptor.find("LIBRARY_NAME")) if descriptor is not None else None,
        "library_strategy": _text(descriptor.find("LIBRARY_STRATEGY")) if descriptor is not None else None,
        "library_source": _text(descriptor.find("LIBRARY_SOURCE")) if descriptor is not None else None,
        "library_selection": _text(descriptor.find("LIBRARY_SELECTION")) if descriptor is not None else None,
        "library_layout": next(iter(layout)).tag if layout is not None and len(layout) else None,
        "instrument_platform": vendor.tag if vendor is not None else None,
        "instrument_model": _text(vendor.find("INSTRUMENT_MODEL")) if vendor is not None else None,
    }
    study = node.find("STUDY_REF")
    sample = node.find("DESIGN/SAMPLE_DESCRIPTOR")
    return _Experiment(
        accession=node.get("accession") or "",
        alias=node.get("alias"),
        study=study.get("accession") if study is not None else None,
        sample=sample.get("accession") if sample is not None else None,
        library=library,
    )


def _sample(node: Element) -> SraSample:
    ids = _ids(node)
    name = node.find("SAMPLE_NAME")
    attributes = [
        (tag, value, _text(attribute.find("UNITS")))
        for attribute in node.iterfind("SAMPLE_ATTRIBUTES/SAMPLE_ATTRIBUTE")
        if (tag := _text(attribute.find("TAG"))) and (value := _text(attribute.find("VALUE")))
    ]
    return SraSample(
        accession=node.get("accession") or "",
        biosample=ids.get("BioSample"),
        alias=node.get("alias"),
        title=_text(node.find("TITLE")),
        tax_id=_int(_text(name.find("TAXON_ID"))) if name is not None else None,
        scientific_name=_text(name.find("SCIENTIFIC_NAME")) if name is not None else None,
        attributes=attributes,
        external=ids,
    )


def _study(node: Element) -> SraStudy:
    ids = _ids(node)
    return SraStudy(
        accession=node.get("accession") or "",
        alias=node.get("alias"),
        bioproject=ids.get("BioProject"),
        title=_text(node.find("DESCRIPTOR/STUDY_TITLE")),
        external=ids,
    )


def _run_fields(node: Element) -> dict[str, Any]:
    attributes = _attributes(node, "RUN_ATTRIBUTES/RUN_ATTRIBUTE")
    links = _links(node, "RUN_LINKS/RUN_LINK/XREF_LINK")
    experiment = node.find("EXPERIMENT_REF")
    published = node.get("published")
    return {
        "run_accession": node.get("accession"),
        "run_alias": node.get("alias"),
        "experiment_accession": experiment.get("accession") if experiment is not None else None,
        # the experiment's alias (GEO's GSM for GEO-brokered runs) when the file holds no EXPERIMENT
        "experiment_alias": experiment.get("refname") if experiment is not None else None,
        "secondary_study_accession": links.get("ENA-STUDY"),
        "secondary_sample_accession": links.get("ENA-SAMPLE"),
        "read_count": _int(node.get("total_spots")) or _int(attributes.get("ENA-SPOT-COUNT")),
        "base_count": _int(node.get("total_bases")) or _int(attributes.get("ENA-BASE-COUNT")),
        "first_public": iso_date(attributes.get("ENA-FIRST-PUBLIC") or published),
        "last_updated": iso_date(attributes.get("ENA-LAST-UPDATE")),
    }


def parse_sra_xml(data: bytes, *, source_file: str | None = None, path: str = "sra.xml") -> SraRecords:
    try:
        root = safe_xml.fromstring(data)
    except (safe_xml.ParseError, DefusedXmlException) as exc:
        raise ParseError(f"not well-formed SRA/ENA XML: {exc}", path=path) from exc
    if root.tag == "ErrorDetails":
        raise NotFoundError(f"the archive answered an error: {_text(root.find('message')) or 'not found'}", path=path)
    if root.tag not in _ROOTS:
        raise ParseError(f"<{root.tag}> is not an SRA/ENA record set ({', '.join(sorted(_ROOTS))})", path=path)
    records = SraRecords()
    pending: list[dict[str, Any]] = []
    for node in root.iter():
        if node.tag == "EXPERIMENT" and node.get("accession"):
            experiment = _experiment(node)
            records.experiments[experiment.accession] = experiment
        elif node.tag == "SAMPLE" and node.get("accession"):
            sample = _sample(node)
            records.samples.setdefault(sample.accession, sample)
        elif node.tag == "STUDY" and node.get("accession"):
            study = _study(node)
            records.studies.setdefault(study.accession, study)
        elif node.tag == "RUN" and node.get("accession"):
            pending.append(_run_fields(node))
    source: RunSource = "sra_xml" if root.tag == "EXPERIMENT_PACKAGE_SET" else "ena_xml"
    records.runs = [_joined(fields, records, source, source_file) for fields in pending]
    return records


def _joined(fields: dict[str, Any], records: SraRecords, source: RunSource, source_file: str | None) -> SequencingRun:
    return complete_run(SequencingRun.model_validate({**fields, "source": source, "source_file": source_file}), records)


def complete_run(run: SequencingRun, records: SraRecords) -> SequencingRun:
    """Fill what a run record leaves empty from the experiment, sample and study records held beside it
    (its library and platform, its SRA sample's BioSample and alias, its study's BioProject)."""
    found: dict[str, Any] = {}
    experiment = records.experiments.get(run.experiment_accession or "")
    if experiment is not None:
        found.update(experiment.library)
        found.update(
            experiment_alias=experiment.alias,
            secondary_study_accession=experiment.study,
            secondary_sample_accession=experiment.sample,
        )
    sample = records.samples.get(run.secondary_sample_accession or found.get("secondary_sample_accession") or "")
    if sample is not None:
        found.update(
            sample_accession=sample.biosample,
            sample_alias=sample.alias,
            sample_title=sample.title,
            tax_id=sample.tax_id,
            scientific_name=sample.scientific_name,
        )
    study = records.studies.get(run.secondary_study_accession or found.get("secondary_study_accession") or "")
    if study is not None:
        found.update(study_accession=study.bioproject, study_title=study.title)
    missing = {k: v for k, v in found.items() if v is not None and getattr(run, k) in (None, [])}
    return run.model_copy(update=missing) if missing else run


def read_sra_xml(path: str | Path, *, source_file: str | None = None) -> SraRecords:
    name = source_file or Path(path).name
    return parse_sra_xml(Path(path).read_bytes(), source_file=name, path=name)
