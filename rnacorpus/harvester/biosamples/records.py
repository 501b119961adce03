"""BioSamples records → one sample each, characteristics kept as the archive states them.

Two shapes (ARCHIVES §4):

- EBI BioSamples JSON (``/biosamples/samples/{SAMEA…|SAMN…|SAMD…}``): ``characteristics`` is an
  object of **arrays** of ``{text, unit?, ontologyTerms?, tag?}``; ``sraAccession`` or the
  ``SRA accession`` / ``INSDC secondary accession`` characteristics give the INSDC sample (SRS/ERS/DRS);
- NCBI ``efetch db=biosample`` XML (``BioSampleSet``): ``<Attribute attribute_name=… harmonized_name=…>``
  elements, ``<Organism taxonomy_id=…>``, ``<Ids>``.

Every value becomes an :class:`ExternalCharacteristic` (origin = the BioSample accession), in the
archive's order, with its unit and ontology terms. Which of them may inform harmonization is the
pipeline's choice (:mod:`rnacorpus.pipeline.external`), never this reader's.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import defusedxml.ElementTree as safe_xml
from defusedxml import DefusedXmlException

from rnacorpus.errors import BadContentError, ParseError
from rnacorpus.harvester.dates import iso_date
from rnacorpus.identifiers import classify
from rnacorpus.schemas import ExternalCharacteristic

__all__ = ["BioSampleRecord", "parse_biosample_json", "parse_biosample_xml", "record_from_document"]


@dataclass
class BioSampleRecord:
    accession: str
    name: str | None = None
    tax_id: int | None = None
    organism: str | None = None
    release: dt.date | None = None
    update: dt.date | None = None
    characteristics: list[ExternalCharacteristic] = field(default_factory=list)
    #: other accessions the record names for itself (SRS / ERS / DRS, GSM)
    links: list[str] = field(default_factory=list)


def _add_link(record: BioSampleRecord, text: str | None) -> None:
    known = classify(text or "")
    if known is not None and known.accession != record.accession and known.accession not in record.links:
        record.links.append(known.accession)


def parse_biosample_json(data: bytes | str, *, path: str = "biosample.json") -> BioSampleRecord:
    try:
        doc = json.loads(data)
    except ValueError as exc:
        raise ParseError(f"not JSON: {exc}", path=path) from exc
    return record_from_document(doc, path=path)


def record_from_document(doc: Any, *, path: str = "biosample.json") -> BioSampleRecord:
    """One BioSamples sample document (``/samples/{ACC}``, or one of a search page's ``samples``)."""
    if not isinstance(doc, Mapping) or not isinstance(doc.get("accession"), str):
        raise BadContentError("a BioSamples answer without an accession", path=path)
    accession = str(doc["accession"])
    record = BioSampleRecord(
        accession=accession,
        name=doc.get("name"),
        tax_id=doc.get("taxId") if isinstance(doc.get("taxId"), int) else None,
        release=iso_date(doc.get("release")),
        update=iso_date(doc.get("update")),
    )
    characteristics = doc.get("characteristics") or {}
    if not isinstance(characteristics, Mapping):
        raise BadContentError("BioSamples 'characteristics' is not an object", path=path, accession=accession)
    position = 0
    for key, values in characteristics.items():
        for value in values if isinstance(values, list) else [values]:
            if not isinstance(value, Mapping) or not str(value.get("text") or "").strip():
                continue
            position += 1
            terms = value.get("ontologyTerms") or []
            record.characteristics.append(
                ExternalCharacteristic(
                    sample_accession=accession,
                    origin=accession,
                    position=position,
                    key=str(key),
                    value=str(value["text"]).strip(),
                    unit=str(value["unit"]) if value.get("unit") else None,
                    term_ids=[str(t) for t in terms if t],
                )
            )
            if str(key).lower() == "organism":
                record.organism = str(value["text"]).strip()
            if str(key).lower() in ("sra accession", "insdc secondary accession"):
                _add_link(record, str(value["text"]))
    _add_link(record, doc.get("sraAccession"))
    return record


def _text(node: Any) -> str:
    return " ".join((node.text or "").split()) if node is not None else ""


def parse_biosample_xml(data: bytes, *, path: str = "biosample.xml") -> list[BioSampleRecord]:
    """An NCBI ``BioSampleSet`` → one record per ``<BioSample>``."""
    try:
        root = safe_xml.fromstring(data)
    except (safe_xml.ParseError, DefusedXmlException) as exc:
        raise ParseError(f"not well-formed BioSample XML: {exc}", path=path) from exc
    samples = [root] if root.tag == "BioSample" else list(root.iter("BioSample"))
    if root.tag not in ("BioSample", "BioSampleSet"):
        raise ParseError(f"<{root.tag}> is not a BioSampleSet", path=path)
    records = []
    for node in samples:
        accession = node.get("accession") or ""
        organism = node.find("Description/Organism")
        taxid = organism.get("taxonomy_id") if organism is not None else None
        record = BioSampleRecord(
            accession=accession,
            name=_text(node.find("Description/Title")) or None,
            tax_id=int(taxid) if taxid and taxid.isdigit() else None,
            organism=organism.get("taxonomy_name") if organism is not None else None,
            release=iso_date(node.get("publication_date")),
            update=iso_date(node.get("last_update")),
        )
        for position, attribute in enumerate(node.iterfind("Attributes/Attribute"), start=1):
            key = attribute.get("attribute_name") or attribute.get("harmonized_name")
            record.characteristics.append(
                ExternalCharacteristic(
                    sample_accession=accession,
                    origin=accession,
                    position=position,
                    key=key,
                    value=_text(attribute) or "",
                    unit=attribute.get("unit"),
                )
            )
        for ident in node.iterfind("Ids/Id"):
            _add_link(record, _text(ident))
        records.append(record)
    return records
