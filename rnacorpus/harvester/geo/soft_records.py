"""Deposited GEO fields → schema records (Study, Sample, Platform).

The input is a :class:`~rnacorpus.harvester.geo.soft_entities.SoftEntity`: field names without their
entity prefix (``title``, ``characteristics_ch1`` …) mapped to the values in deposited order. SOFT,
series-matrix and MINiML readers all produce that shape, so one set of rules builds the records for
every GEO format. Nothing is guessed: a field that is not deposited stays empty, a date or number
that does not parse becomes a warning :class:`~rnacorpus.schemas.ParseIssue`, and every field is
also kept verbatim in ``attributes``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlparse

from rnacorpus.harvester.geo.soft_entities import SoftEntity
from rnacorpus.schemas import Characteristic, CrossRef, ParseIssue, Platform, Sample, Study, TableColumn

__all__ = [
    "IssueLog",
    "build_platform",
    "build_sample",
    "build_study",
    "format_geo_date",
    "parse_geo_date",
    "relation_xref",
    "split_characteristic",
    "table_columns",
]

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NUMBER = {name.lower(): number for number, name in enumerate(_MONTHS, start=1)}
_GEO_DATE = re.compile(r"^([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_CHANNEL_FIELD = re.compile(r"^characteristics(?:_ch(\d+))?$")
_CHANNEL_SUFFIX = re.compile(r"_ch(\d+)$")
_ACCESSION_TOKEN = re.compile(r"\b([A-Z]{1,6}[A-Z_-]*\d+)\b")
#: a URL of the shape GEO writes in every sample's relations (``https://host/path`` with no query, or
#: with one ``key=value`` of plain characters): nothing in it that ``urlparse``/``parse_qs`` would
#: split, decode or reject (no ``;`` params, ``#``, ``%``, ``+``, ``&``, brackets, whitespace or
#: controls), so the path and the value are read off directly — the same answer as the urllib path,
#: which takes the other URLs (~4x the CPU, and two relations per sample: 0.02 ms a sample)
_PLAIN_URL = re.compile(
    r"[A-Za-z][A-Za-z0-9.-]*://[!$'()*,\-.0-9:=@A-Z_a-z~]*(?P<path>/[!$'()*,\-./0-9:=@A-Z_a-z~]*)?"
    r"(?:\?(?P<key>[A-Za-z]+)=(?P<value>[\-.0-9A-Z_a-z]+))?"
)
#: the query keys that name the accession, in the order they are tried
_ACCESSION_KEYS = ("term", "acc", "accession", "id")
_DB_BY_LABEL = {
    "sra": "SRA",
    "bioproject": "BioProject",
    "biosample": "BioSample",
    "dbgap": "dbGaP",
    "arrayexpress": "ArrayExpress",
    "pubmed": "PubMed",
    "peptidome": "Peptidome",
}
_DB_BY_PREFIX = (
    (re.compile(r"^G(SE|SM|PL|DS)\d+$"), "GEO"),
    (re.compile(r"^[SED]R[APRSXZ]\d+$"), "SRA"),
    (re.compile(r"^PRJ[A-Z]{1,2}\d+$"), "BioProject"),
    (re.compile(r"^SAM[NEAD][A-Z]?\d+$"), "BioSample"),
    (re.compile(r"^E-[A-Z]{4}-\d+$"), "ArrayExpress"),
    (re.compile(r"^phs\d+"), "dbGaP"),
)
_ARRAY_TECHNOLOGY_HINTS = ("oligonucleotide", "spotted", "array", "beads", "rt-pcr", "antibody")


@dataclass
class IssueLog:
    """Warnings collected while parsing one file."""

    path: str
    issues: list[ParseIssue] = field(default_factory=list)

    def warn(self, code: str, message: str, *, accession: str | None, line: int | None) -> None:
        self.issues.append(
            ParseIssue(level="warning", code=code, message=message, accession=accession, path=self.path, line=line)
        )


@functools.lru_cache(maxsize=1024)  # a study's records repeat a few dates; a date is immutable
def parse_geo_date(text: str | None) -> dt.date | None:
    """``Apr 13 2004`` (SOFT), ``2004-04-13`` (MINiML) or ``Public on Apr 13 2004`` → a date."""
    if not text:
        return None
    cleaned = text.strip()
    if cleaned.lower().startswith("public on "):
        cleaned = cleaned[len("public on ") :].strip()
    try:
        if match := _GEO_DATE.match(cleaned):
            month = _MONTH_NUMBER.get(match.group(1).lower())
            return dt.date(int(match.group(3)), month, int(match.group(2))) if month else None
        if match := _ISO_DATE.match(cleaned):
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:  # Feb 30 and friends
        return None
    return None


def format_geo_date(day: dt.date) -> str:
    """The SOFT spelling, independent of locale: ``Apr 13 2004``."""
    return f"{_MONTHS[day.month - 1]} {day.day:02d} {day.year}"


def split_characteristic(text: str) -> tuple[str | None, str]:
    """``tissue: liver`` → (``tissue``, ``liver``); no ``:`` (or a bare URL) → (None, text)."""
    key, sep, value = text.partition(":")
    if not sep or not key.strip() or value.startswith("//"):
        return None, text.strip()
    return key.strip(), value.strip()


def relation_xref(text: str) -> CrossRef | None:
    """``SRA: https://www.ncbi.nlm.nih.gov/sra?term=SRP050954`` → CrossRef(SRA, SRP050954)."""
    label, sep, target = text.partition(":")
    label, target = label.strip(), target.strip()
    if not sep or not label or not target or target.startswith("//"):  # no label, just a URL
        return None
    url = target if target.lower().startswith(("http://", "https://", "ftp://")) else None
    accession = _accession_in_url(url) if url else None
    if accession is None:
        token = _ACCESSION_TOKEN.search(target)
        accession = token.group(1) if token and not url else target
    return CrossRef(db=_database_for(label, accession), accession=accession, relation=label, url=url)


def _accession_in_url(url: str) -> str | None:
    plain = _PLAIN_URL.fullmatch(url)
    if plain is None:
        return _accession_in_any_url(url)
    if plain["key"] in _ACCESSION_KEYS:
        return plain["value"]
    return _last_segment(plain["path"] or "")


def _accession_in_any_url(url: str) -> str | None:
    parsed = urlparse(url)
    query = parse_qs(parsed.query) if parsed.query else {}  # parsed once, not once per key tried
    for key in _ACCESSION_KEYS:
        values = query.get(key)
        if values and values[0].strip():
            return values[0].strip()
    return _last_segment(parsed.path)


def _last_segment(path: str) -> str | None:
    return path.rstrip("/").rsplit("/", 1)[-1] or None


def _database_for(label: str, accession: str) -> str:
    for pattern, database in _DB_BY_PREFIX:
        if pattern.match(accession):
            return database
    return _DB_BY_LABEL.get(label.lower(), label)


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(value for value in values if value))


def _joined(values: list[str] | None) -> str | None:
    if not values:
        return None
    text = "\n".join(values)
    return text if text.strip() else None


def _integer(entity: SoftEntity, name: str, log: IssueLog) -> int | None:
    text = entity.first(name)
    if text is None or not text.strip():
        return None
    token = re.split(r"[\s,;]+", text.strip(), maxsplit=1)[0]
    if token.isdigit():
        return int(token)
    log.warn(
        "unparsed_number",
        f"{name} = {text[:40]!r} is not a whole number",
        accession=entity.name,
        line=entity.field_lines.get(name),
    )
    return None


def _date(entity: SoftEntity, name: str, log: IssueLog) -> dt.date | None:
    text = entity.first(name)
    if text is None or not text.strip():
        return None
    day = parse_geo_date(text)
    if day is None and not (name == "status" and not text.lower().startswith("public on")):
        log.warn(
            "unparsed_date",
            f"{name} = {text[:40]!r} is not a GEO date",
            accession=entity.name,
            line=entity.field_lines.get(name),
        )
    return day


def _taxids(values: list[str]) -> list[int]:
    found = [int(token) for value in values for token in re.split(r"[\s,;]+", value) if token.isdigit()]
    return list(dict.fromkeys(found))


def _supplementary(entity: SoftEntity) -> list[str]:
    names = [name for name in entity.fields if name == "supplementary_file" or name.startswith("supplementary_file_")]
    files = [value.strip() for name in names for value in entity.fields[name]]
    return [value for value in files if value and value.upper() != "NONE"]


def _xrefs(entity: SoftEntity) -> list[CrossRef]:
    return [xref for text in entity.fields.get("relation", []) if (xref := relation_xref(text)) is not None]


def _check_accession(entity: SoftEntity, log: IssueLog) -> None:
    declared = entity.first("geo_accession")
    if declared and declared.strip() != entity.name:
        log.warn(
            "accession_mismatch",
            f"^{entity.kind} = {entity.name} declares geo_accession {declared!r}",
            accession=entity.name,
            line=entity.field_lines.get("geo_accession"),
        )


def table_columns(entity: SoftEntity) -> list[TableColumn]:
    """Table columns in header order with their ``#name = description`` text (matched by name, in order)."""
    descriptions = list(entity.columns)
    if entity.table is None or not entity.table.header:
        return [TableColumn(name=name, description=text or None) for name, text in descriptions]
    used = [False] * len(descriptions)
    out = []
    for name in entity.table.header:
        description = None
        for k, (described, text) in enumerate(descriptions):
            if not used[k] and described == name:
                used[k] = True
                description = text or None
                break
        out.append(TableColumn(name=name, description=description))
    return out


def build_study(entity: SoftEntity, log: IssueLog) -> Study:
    fields = entity.fields
    _check_accession(entity, log)
    xrefs = _xrefs(entity)
    return Study(
        accession=entity.name,
        archive="geo",
        title=entity.first("title"),
        summary=_joined(fields.get("summary")),
        overall_design=_joined(fields.get("overall_design")),
        types=list(fields.get("type", [])),
        submission_date=_date(entity, "submission_date", log),
        last_update_date=_date(entity, "last_update_date", log),
        public_date=_date(entity, "status", log) or _date(entity, "release_date", log),
        pubmed_ids=_unique(fields.get("pubmed_id", [])),
        contributors=list(fields.get("contributor", [])),
        institutions=_unique(fields.get("contact_institute", []) + fields.get("submitter_institute", [])),
        platform_accessions=_unique(fields.get("platform_id", [])),
        organism_taxids=_taxids(fields.get("sample_taxid", []) + fields.get("platform_taxid", [])),
        sample_accessions=_unique(fields.get("sample_id", [])),
        super_series=[x.accession for x in xrefs if (x.relation or "").lower() == "subseries of"],
        sub_series=[x.accession for x in xrefs if (x.relation or "").lower() == "superseries of"],
        xrefs=xrefs,
        supplementary_files=_supplementary(entity),
        attributes={name: list(values) for name, values in fields.items()},
    )


def _characteristics(entity: SoftEntity, log: IssueLog) -> list[Characteristic]:
    out = []
    for name, values in entity.fields.items():
        match = _CHANNEL_FIELD.match(name)
        if not match:
            continue
        channel = int(match.group(1) or 1)
        if channel < 1:
            log.warn(
                "bad_channel",
                f"{name}: channel numbers start at 1",
                accession=entity.name,
                line=entity.field_lines.get(name),
            )
            continue
        for text in values:
            if text.strip():
                key, value = split_characteristic(text)
                out.append(Characteristic(key=key, value=value, channel=channel))
    return out


def _channel_count(entity: SoftEntity, log: IssueLog) -> int:
    declared = _integer(entity, "channel_count", log)
    if declared is not None and declared >= 1:
        return declared
    # Without a count, the record's own channel fields say it (``…_ch2``); 2001-era records write
    # "dual channel" in Sample_type and ``target_source2`` instead.
    channels = [int(match.group(1)) for name in entity.fields if (match := _CHANNEL_SUFFIX.search(name))]
    sample_type = (entity.first("type") or "").lower()
    legacy_dual = "dual channel" in sample_type or "target_source2" in entity.fields
    return max([1, *channels, 2 if legacy_dual else 1])


def build_sample(entity: SoftEntity, *, study_accession: str, rows_read: int | None, log: IssueLog) -> Sample:
    first = entity.first
    _check_accession(entity, log)
    organism = first("organism_ch1") or first("organism")
    taxids = _taxids(entity.fields.get("taxid_ch1", []))
    return Sample(
        accession=entity.name,
        study_accession=study_accession,
        archive="geo",
        platform_accession=first("platform_id"),
        title=first("title"),
        source_name=first("source_name_ch1") or first("target_source") or first("target_source1"),
        organism_taxid=taxids[0] if taxids else None,
        organism_name=organism,
        molecule=first("molecule_ch1") or first("molecule"),
        library_strategy=first("library_strategy"),
        library_source=first("library_source"),
        library_selection=first("library_selection"),
        instrument_model=first("instrument_model"),
        sample_type=first("type"),
        channel_count=_channel_count(entity, log),
        description=_joined(entity.fields.get("description")),
        submission_date=_date(entity, "submission_date", log),
        last_update_date=_date(entity, "last_update_date", log),
        characteristics=_characteristics(entity, log),
        xrefs=_xrefs(entity),
        supplementary_files=_supplementary(entity),
        table_columns=table_columns(entity),
        data_row_count_declared=_integer(entity, "data_row_count", log),
        data_row_count=rows_read,
        attributes={name: list(values) for name, values in entity.fields.items()},
    )


def build_platform(entity: SoftEntity, *, rows_read: int | None, log: IssueLog) -> Platform:
    first = entity.first
    _check_accession(entity, log)
    taxids = _taxids(entity.fields.get("taxid", []))
    return Platform(
        accession=entity.name,
        archive="geo",
        title=first("title"),
        technology=first("technology"),
        distribution=first("distribution"),
        manufacturer=first("manufacturer"),
        organism_taxid=taxids[0] if taxids else None,
        organism_name=first("organism"),
        table_columns=table_columns(entity),
        data_row_count_declared=_integer(entity, "data_row_count", log),
        data_row_count=rows_read,
        last_update_date=_date(entity, "last_update_date", log),
        attributes={name: list(values) for name, values in entity.fields.items()},
    )


def feature_id_kind(platform: Platform | None) -> str:
    """What a sample table's ID_REF holds: a platform probe for arrays; unknown for sequencing/SAGE.

    GEO sample-table IDs always point into the platform table, so without a platform record we still
    say ``probe``; sequencing "platforms" have no table and their sample tables name genes or tags.
    """
    if platform is None or not platform.technology:
        return "probe"
    technology = platform.technology.lower()
    if "sequencing" in technology or "sage" in technology:
        return "unknown"
    return "probe" if any(hint in technology for hint in _ARRAY_TECHNOLOGY_HINTS) else "unknown"
