"""Records → the ordered ``(field, value)`` header lines GEO writes for a series, sample or platform.

Rule: a field the schema models (title, dates, characteristics, relations …) is written from the
typed record; everything else comes from ``attributes`` in deposited order, placed where GEO places
contact and protocol fields. A date the parser could not read has no typed value, so its deposited
text is written back. Parsing what this module writes gives the same records again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from rnacorpus.harvester.geo.soft_records import format_geo_date, relation_xref
from rnacorpus.schemas import CrossRef, Platform, Sample, Study

__all__ = ["platform_fields", "sample_fields", "series_fields"]

Slot = tuple[str, list[str] | None]  # None: no typed value, write the deposited attribute instead
_CHANNEL_ATTRIBUTE_FIELDS = (
    "treatment_protocol",
    "growth_protocol",
    "molecule",
    "extract_protocol",
    "label",
    "label_protocol",
)


def _date(day: dt.date | None) -> list[str] | None:
    return [format_geo_date(day)] if day is not None else None


def _lines(text: str | None) -> list[str]:
    return text.split("\n") if text is not None else []


def _one(value: object) -> list[str]:
    return [] if value is None else [str(value)]


def _relations(deposited: list[str], xrefs: list[CrossRef], supers: list[str], subs: list[str]) -> list[str]:
    """Relation lines; the deposited text is kept when it still says exactly what the records say."""
    covered = {x.accession for x in xrefs}
    if (
        deposited
        and [x for text in deposited if (x := relation_xref(text)) is not None] == xrefs
        and covered.issuperset(supers)
        and covered.issuperset(subs)
    ):
        return list(deposited)
    lines = [f"{x.relation}: {x.url or x.accession}" for x in xrefs if x.relation]
    listed: dict[str, set[str]] = {}
    for x in xrefs:
        listed.setdefault((x.relation or "").lower(), set()).add(x.accession)
    lines += [f"SubSeries of: {acc}" for acc in supers if acc not in listed.get("subseries of", set())]
    lines += [f"SuperSeries of: {acc}" for acc in subs if acc not in listed.get("superseries of", set())]
    return lines


def _layout(
    slots: list[Slot], attributes: dict[str, list[str]], extras_after: str, is_typed: Callable[[str], bool]
) -> list[tuple[str, str]]:
    """Slots in order; attributes not covered by any slot go right after ``extras_after``."""
    names = {name for name, _ in slots}
    extras = [
        (name, value)
        for name, values in attributes.items()
        if name not in names and not is_typed(name)
        for value in values
    ]
    out: list[tuple[str, str]] = []
    for name, typed in slots:
        values = typed if typed is not None else attributes.get(name, [])
        out += [(name, _single_line(value)) for value in values]
        if name == extras_after:
            out += [(extra, _single_line(value)) for extra, value in extras]
    return out


def _single_line(value: str) -> str:
    return " ".join(value.splitlines()) if "\n" in value or "\r" in value else value


def series_fields(study: Study) -> list[tuple[str, str]]:
    attributes = dict(study.attributes)
    if "contact_institute" not in attributes and study.institutions:
        attributes["contact_institute"] = list(study.institutions)
    derived_taxids = [str(t) for t in study.organism_taxids]
    has_taxid_fields = "platform_taxid" in attributes or "sample_taxid" in attributes
    slots: list[Slot] = [
        ("title", _one(study.title)),
        ("geo_accession", [study.accession]),
        ("status", [f"Public on {format_geo_date(study.public_date)}"] if study.public_date else None),
        ("submission_date", _date(study.submission_date)),
        ("last_update_date", _date(study.last_update_date)),
        ("pubmed_id", list(study.pubmed_ids)),
        ("summary", _lines(study.summary)),
        ("overall_design", _lines(study.overall_design)),
        ("type", list(study.types)),
        ("contributor", list(study.contributors)),
        ("sample_id", list(study.sample_accessions)),
        ("supplementary_file", list(study.supplementary_files)),
        ("platform_id", list(study.platform_accessions)),
        ("platform_taxid", None if has_taxid_fields else derived_taxids),
        ("sample_taxid", None if has_taxid_fields else derived_taxids),
        (
            "relation",
            _relations(attributes.get("relation", []), study.xrefs, study.super_series, study.sub_series),
        ),
    ]
    return _layout(slots, attributes, "sample_id", lambda name: name == "release_date")


def _channels(sample: Sample) -> list[int]:
    highest = max([sample.channel_count, *(c.channel for c in sample.characteristics)])
    return list(range(1, highest + 1))


def _channel_slots(sample: Sample, channel: int) -> list[Slot]:
    suffix = f"_ch{channel}"
    first = channel == 1
    traits = [
        f"{c.key}: {c.value}" if c.key is not None else c.value for c in sample.characteristics if c.channel == channel
    ]
    slots: list[Slot] = [
        (f"source_name{suffix}", _one(sample.source_name) if first else None),
        (f"organism{suffix}", _one(sample.organism_name) if first else None),
        (f"taxid{suffix}", _one(sample.organism_taxid) if first else None),
        (f"characteristics{suffix}", traits),
    ]
    for name in _CHANNEL_ATTRIBUTE_FIELDS:
        typed = _one(sample.molecule) if first and name == "molecule" else None
        slots.append((f"{name}{suffix}", typed))
    return slots


def _is_typed_sample_field(name: str) -> bool:
    # legacy spellings are read into typed fields; writing them back as well would duplicate them
    return name.startswith(("supplementary_file", "characteristics")) or name in {
        "organism",
        "target_source",
        "target_source1",
        "molecule",
        "release_date",
    }


def sample_fields(sample: Sample, *, rows_written: int, study_accession: str) -> list[tuple[str, str]]:
    attributes = sample.attributes
    channel_slots = [slot for channel in _channels(sample) for slot in _channel_slots(sample, channel)]
    supplementary = sample.supplementary_files or ["NONE"]
    slots: list[Slot] = [
        ("title", _one(sample.title)),
        ("geo_accession", [sample.accession]),
        ("status", None),
        ("submission_date", _date(sample.submission_date)),
        ("last_update_date", _date(sample.last_update_date)),
        ("type", _one(sample.sample_type)),
        ("channel_count", [str(sample.channel_count)]),
        *channel_slots,
        ("hyb_protocol", None),
        ("scan_protocol", None),
        ("description", _lines(sample.description)),
        ("data_processing", None),
        ("platform_id", _one(sample.platform_accession)),
        ("instrument_model", _one(sample.instrument_model)),
        ("library_selection", _one(sample.library_selection)),
        ("library_source", _one(sample.library_source)),
        ("library_strategy", _one(sample.library_strategy)),
        ("relation", _relations(attributes.get("relation", []), sample.xrefs, [], [])),
        *[(f"supplementary_file_{k}", [name]) for k, name in enumerate(supplementary, start=1)],
        ("series_id", None if "series_id" in attributes else [study_accession]),
        ("data_row_count", [str(rows_written)]),
    ]
    return _layout(slots, attributes, "platform_id", _is_typed_sample_field)


def platform_fields(platform: Platform, *, rows_written: int) -> list[tuple[str, str]]:
    slots: list[Slot] = [
        ("title", _one(platform.title)),
        ("geo_accession", [platform.accession]),
        ("status", None),
        ("submission_date", None),
        ("last_update_date", _date(platform.last_update_date)),
        ("technology", _one(platform.technology)),
        ("distribution", _one(platform.distribution)),
        ("organism", _one(platform.organism_name)),
        ("taxid", _one(platform.organism_taxid)),
        ("manufacturer", _one(platform.manufacturer)),
        ("data_row_count", [str(rows_written)]),
    ]
    return _layout(slots, platform.attributes, "manufacturer", lambda name: name == "release_date")
