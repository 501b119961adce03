"""An ArrayExpress study's files (BioStudies JSON, IDF, SDRF) → one StudyBundle (the ``parse`` step).

Samples are SDRF sources (:mod:`.sdrf`): one record per ``Source Name``, accession
``<study>:<Source Name>`` (a source name is unique only within its study). From each source:

- ``Characteristics[…]`` become characteristics as deposited (a unit appended: ``54 year``), then
  ``Factor Value[…]`` whose name no characteristic already gives and whose value is the same on all
  the source's rows — so the harmonizer sees exactly what GEO's characteristics give it;
- organism and its NCBITaxon term, array design (platform), material types, description;
- sequencing comments (``Comment[LIBRARY_STRATEGY]`` … ``Comment[INSTRUMENT_MODEL]``);
- links (never guessed): any ``Comment[…]`` cell that is a whole sample-level accession
  (``Comment[ENA_RUN] = ERR…``, ``Comment[BioSD_SAMPLE] = SAMEA…``, ``Comment[ENA_SAMPLE] = ERS…``);
  and, in an ArrayExpress import of GEO (``E-GEOD-n``), the GSM its Source Name or Assay Name
  carries — GEO's importer names sources ``GSMnnn 1`` and assays ``GSMnnn``;
- its data files (raw / processed, with their FTP archive) as :class:`DataFile` rows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import PurePosixPath

from rnacorpus.harvester.arrayexpress.biostudies import BioStudy
from rnacorpus.harvester.arrayexpress.idf import Investigation
from rnacorpus.harvester.arrayexpress.sdrf import SdrfTable, SourceRecord, Value
from rnacorpus.identifiers import SAMPLE_LINK_KINDS, classify
from rnacorpus.schemas import Characteristic, CrossRef, DataFile, ParseIssue, Platform, Sample, Study, StudyBundle

__all__ = ["assemble_study", "sample_accession"]

_TAXON = re.compile(r"NCBITaxon[_:#](\d+)", re.IGNORECASE)
_DB_OF_ARCHIVE = {"sra": "SRA", "ena": "ENA", "ddbj": "DDBJ", "biosamples": "BioSample", "geo": "GEO"}
_SEQ_COMMENTS = {
    "library_strategy": ("Comment[LIBRARY_STRATEGY]",),
    "library_source": ("Comment[LIBRARY_SOURCE]",),
    "library_selection": ("Comment[LIBRARY_SELECTION]",),
    "instrument_model": ("Comment[INSTRUMENT_MODEL]", "Parameter Value[sequencer]"),
}


def sample_accession(study: str, source_name: str) -> str:
    """The catalog accession of an ArrayExpress source: ``E-MTAB-3050:donor A islets``."""
    return f"{study}:{source_name}"


def _characteristics(record: SourceRecord) -> list[Characteristic]:
    items = [Characteristic(key=value.name, value=value.text) for value in record.characteristics]
    given = {value.name.lower() for value in record.characteristics}
    for name, values in record.factors.items():
        if len(values) == 1 and name.lower() not in given:
            items.append(Characteristic(key=name, value=values[0].text))
    return items


def _organism(record: SourceRecord) -> tuple[str | None, int | None]:
    found: Value | None = next((v for v in record.characteristics if v.name.lower() == "organism"), None)
    if found is None:
        return None, None
    match = _TAXON.search(found.term_accession or "")
    return found.value, int(match.group(1)) if match else None


def _xrefs(record: SourceRecord, geo_import: bool) -> list[CrossRef]:
    out: dict[str, CrossRef] = {}
    for header, values in record.columns.items():
        is_comment = header.replace(" ", "").lower().startswith("comment[")
        names_node = header.replace(" ", "").lower() in ("sourcename", "assayname", "hybridizationname")
        if not is_comment and not (geo_import and names_node):
            continue
        for value in values:
            tokens = value.split() if names_node else [value]
            for token in tokens:
                known = classify(token)
                if known is None or known.kind not in SAMPLE_LINK_KINDS:
                    continue
                relation = "GEO import" if names_node else header
                out.setdefault(
                    known.accession,
                    CrossRef(db=_DB_OF_ARCHIVE[known.archive], accession=known.accession, relation=relation),
                )
    return list(out.values())


def _first(values: Sequence[str]) -> str | None:
    return values[0] if values else None


def _sample(study: str, record: SourceRecord, geo_import: bool, issues: list[ParseIssue]) -> Sample:
    organism, taxid = _organism(record)
    designs = record.column_values("Array Design REF")
    if len(designs) > 1:
        issues.append(
            ParseIssue(code="several_array_designs", message=f"source {record.name!r} was hybridized to {designs}")
        )
    material = record.attributes.get("material type")
    molecules = [m for m in record.column_values("Material Type") if m != material]
    seq = {field: _first(record.column_values(*headers)) for field, headers in _SEQ_COMMENTS.items()}
    attributes = {header: list(values) for header, values in record.columns.items()}
    for name, values in record.factors.items():
        attributes[f"Factor Value[{name}]"] = [v.text for v in values]
    return Sample(
        accession=sample_accession(study, record.name),
        study_accession=study,
        archive="arrayexpress",
        platform_accession=_first(designs),
        title=record.name,
        source_name=record.name,
        organism_name=organism,
        organism_taxid=taxid,
        molecule=_first(molecules),
        sample_type=material,
        description=record.attributes.get("description"),
        characteristics=_characteristics(record),
        xrefs=_xrefs(record, geo_import),
        supplementary_files=[name for _, name, _ in record.files],
        attributes=attributes,
        **seq,
    )


def _date(*candidates: dt.date | None) -> dt.date | None:
    return next((day for day in candidates if day is not None), None)


def _study_xrefs(accession: str, idf: Investigation, biostudy: BioStudy | None) -> list[CrossRef]:
    out: dict[str, CrossRef] = {}
    for token in idf.secondary_accessions:
        if token != accession and classify(token) is not None:
            out.setdefault(token, CrossRef(db=_db(token), accession=token, relation="SecondaryAccession"))
    for uri in idf.values("Comment[SequenceDataURI]"):
        token = PurePosixPath(uri.rstrip("/")).name
        if classify(token) is not None:
            out.setdefault(token, CrossRef(db=_db(token), accession=token, relation="SequenceDataURI", url=uri))
    for link in biostudy.links if biostudy else []:
        token = link.url.strip()
        if token != accession and classify(token) is not None:
            out.setdefault(token, CrossRef(db=link.type or _db(token), accession=token, relation="BioStudies link"))
    return list(out.values())


def _db(accession: str) -> str:
    known = classify(accession)
    if known is None:
        return "other"
    return {"bioproject": "BioProject", "geo": "GEO", "arrayexpress": "ArrayExpress"}.get(
        known.archive, _DB_OF_ARCHIVE.get(known.archive, known.archive)
    )


def assemble_study(
    accession: str,
    idf: Investigation,
    sdrf: SdrfTable,
    *,
    biostudy: BioStudy | None = None,
    last_update: dt.date | None = None,
    files_base: str | None = None,
) -> StudyBundle:
    """``files_base``: the URL folder the study's files are served from (names in ``data_files``)."""
    geo_import = accession.startswith("E-GEOD-")
    issues = list(sdrf.issues)
    if idf.fallback_lines:
        issues.append(
            ParseIssue(
                code="encoding_fallback",
                message=f"IDF lines {idf.fallback_lines[:10]} are not UTF-8; read as Windows-1252 (Latin-1)",
                line=idf.fallback_lines[0],
            )
        )
    samples = [_sample(accession, record, geo_import, issues) for record in sdrf.sources]
    public = _date(idf.date("Public Release Date"), biostudy.release_date if biostudy else None)
    study = Study(
        accession=accession,
        archive="arrayexpress",
        title=idf.title or (biostudy.first("title") if biostudy else None),
        summary=idf.description or (biostudy.first("description") if biostudy else None),
        overall_design="; ".join(idf.values("Experimental Design")) or None,
        types=idf.values("Comment[AEExperimentType]")
        or (biostudy.attributes.get("study type", []) if biostudy else []),
        submission_date=idf.date("Comment[ArrayExpressSubmissionDate]"),
        public_date=public,
        last_update_date=_date(last_update, idf.date("Comment[GEOLastUpdateDate]"), public),
        pubmed_ids=[p for value in idf.values("PubMed ID") for p in value.split(";") if p.strip().isdigit()],
        contributors=idf.people(),
        institutions=list(dict.fromkeys(idf.values("Person Affiliation"))),
        platform_accessions=sorted({s.platform_accession for s in samples if s.platform_accession}),
        organism_taxids=sorted({s.organism_taxid for s in samples if s.organism_taxid}),
        sample_accessions=[s.accession for s in samples],
        xrefs=_study_xrefs(accession, idf, biostudy),
        supplementary_files=[
            v for tag, vals in idf.tags.items() if tag.startswith("comment[additionalfile") for v in vals if v
        ],
        attributes={idf.names[tag]: [v for v in values if v] for tag, values in idf.tags.items() if any(values)},
    )
    platforms = [
        Platform(accession=acc, archive="arrayexpress", technology=_first(sdrf_technology(sdrf, acc)))
        for acc in study.platform_accessions
    ]
    return StudyBundle(
        study=study,
        platforms=platforms,
        samples=samples,
        issues=issues,
        data_files=_data_files(accession, sdrf, biostudy, files_base),
    )


def sdrf_technology(sdrf: SdrfTable, design: str) -> list[str]:
    out: list[str] = []
    for record in sdrf.sources:
        if design in record.column_values("Array Design REF"):
            out += [t for t in record.column_values("Technology Type") if t not in out]
    return out


def _data_files(accession: str, sdrf: SdrfTable, biostudy: BioStudy | None, base: str | None) -> list[DataFile]:
    files = [
        DataFile(name=name, kind=kind, sample_accession=sample_accession(accession, record.name), url=url)
        for record in sdrf.sources
        for kind, name, url in record.files
    ]
    for item in biostudy.files if biostudy else []:
        url = f"{base.rstrip('/')}/{item.path}" if base else None
        files.append(DataFile(name=item.path, kind="study_file", url=url))
    return files
