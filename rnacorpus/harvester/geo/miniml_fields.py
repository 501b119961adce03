"""MINiML elements → the SOFT field vocabulary, so one set of record rules serves both formats.

``<Characteristics tag="age">75</Characteristics>`` inside ``<Channel position="1">`` becomes the
SOFT field ``characteristics_ch1 = age: 75``; ``<Relation type="SRA" target="…"/>`` becomes
``relation = SRA: …``; multi-line texts (``<Data-Processing>``) become one value per line, as SOFT
writes them. Contributors are spelled ``First,Middle,Last`` like SOFT's ``!Series_contributor``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rnacorpus.harvester.geo.soft_entities import SoftEntity

__all__ = ["Contact", "element_entity", "local_name", "text_lines"]

Element = Any  # xml.etree.ElementTree.Element as produced by defusedxml

_SIMPLE = {
    "Title": "title",
    "Accession": "geo_accession",
    "Type": "type",
    "Channel-Count": "channel_count",
    "Pubmed-ID": "pubmed_id",
    "Summary": "summary",
    "Overall-Design": "overall_design",
    "Description": "description",
    "Data-Processing": "data_processing",
    "Hybridization-Protocol": "hyb_protocol",
    "Scan-Protocol": "scan_protocol",
    "Library-Strategy": "library_strategy",
    "Library-Source": "library_source",
    "Library-Selection": "library_selection",
    "Technology": "technology",
    "Distribution": "distribution",
    "Manufacturer": "manufacturer",
    "Manufacture-Protocol": "manufacture_protocol",
    "Web-Link": "web_link",
    "Supplementary-Data": "supplementary_file",
    "Anchor": "anchor",
    "Tag-Count": "tag_count",
    "Tag-Length": "tag_length",
    "Catalog-Number": "catalog_number",
    "Support": "support",
    "Coating": "coating",
}
_CHANNEL = {
    "Source": "source_name",
    "Treatment-Protocol": "treatment_protocol",
    "Growth-Protocol": "growth_protocol",
    "Molecule": "molecule",
    "Extract-Protocol": "extract_protocol",
    "Label": "label",
    "Label-Protocol": "label_protocol",
    "Biomaterial-Provider": "biomaterial_provider",
}
_STATUS = {
    "Submission-Date": "submission_date",
    "Release-Date": "release_date",
    "Last-Update-Date": "last_update_date",
}
_REFERENCES = {"Platform-Ref": "platform_id", "Sample-Ref": "sample_id", "Series-Ref": "series_id"}


@dataclass(frozen=True)
class Contact:
    name: str  # First,Middle,Last
    institute: str | None


def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def text_lines(element: Element) -> list[str]:
    """An element's text as SOFT would have it: stripped, one value per non-blank line."""
    text = (element.text or "").strip()
    return [line.strip() for line in text.split("\n") if line.strip()] if text else [""]


def _child(element: Element, name: str) -> Element | None:
    for child in element:
        if local_name(child.tag) == name:
            return child
    return None


def contact_of(element: Element) -> Contact:
    person = _child(element, "Person")
    parts = ["", "", ""]
    if person is not None:
        for k, name in enumerate(("First", "Middle", "Last")):
            node = _child(person, name)
            parts[k] = (node.text or "").strip() if node is not None else ""
    organization = _child(element, "Organization")
    institute = (organization.text or "").strip() if organization is not None else None
    return Contact(",".join(parts), institute or None)


def element_entity(element: Element, kind: str, path: str, contacts: dict[str, Contact]) -> SoftEntity:
    """A ``<Series>``, ``<Platform>`` or ``<Sample>`` element as a SOFT-shaped entity (table not included)."""
    name = element.get("iid") or ""
    entity = SoftEntity(kind=kind, name=name, line=getattr(element, "sourceline", 0) or 0, path=path)
    for child in element:
        _add_child(entity, child, contacts)
    if not name and (accession := entity.first("geo_accession")):
        entity.name = accession
    return entity


def _add_child(entity: SoftEntity, child: Element, contacts: dict[str, Contact]) -> None:
    tag = local_name(child.tag)
    add = entity.add_field
    if tag in _SIMPLE:
        for line in (
            text_lines(child)
            if tag in {"Summary", "Overall-Design", "Description", "Data-Processing"}
            else [(child.text or "").strip()]
        ):
            add(_SIMPLE[tag], line, entity.line)
    elif tag == "Status":
        for node in child:
            if (field := _STATUS.get(local_name(node.tag))) is not None:
                add(field, (node.text or "").strip(), entity.line)
    elif tag in _REFERENCES:
        add(_REFERENCES[tag], child.get("ref") or "", entity.line)
    elif tag == "Organism":
        _add_organism(entity, child, "")
    elif tag == "Channel":
        _add_channel(entity, child)
    elif tag == "Instrument-Model":
        node = _child(child, "Predefined")
        add("instrument_model", ((node if node is not None else child).text or "").strip(), entity.line)
    elif tag == "Relation":
        add("relation", f"{child.get('type') or ''}: {child.get('target') or ''}", entity.line)
    elif tag in {"Contributor-Ref", "Contact-Ref"}:
        _add_contact(entity, tag, contacts.get(child.get("ref") or ""))
    elif tag == "Data-Table":
        _add_data_table(entity, child)
    else:
        add(tag.lower().replace("-", "_"), (child.text or "").strip(), entity.line)


def _add_organism(entity: SoftEntity, element: Element, suffix: str) -> None:
    entity.add_field(f"organism{suffix}", (element.text or "").strip(), entity.line)
    if element.get("taxid"):
        entity.add_field(f"taxid{suffix}", element.get("taxid"), entity.line)


def _add_channel(entity: SoftEntity, channel: Element) -> None:
    suffix = f"_ch{channel.get('position') or '1'}"
    for node in channel:
        tag = local_name(node.tag)
        if tag == "Organism":
            _add_organism(entity, node, suffix)
        elif tag == "Characteristics":
            value = (node.text or "").strip()
            key = (node.get("tag") or "").strip()
            entity.add_field(f"characteristics{suffix}", f"{key}: {value}" if key else value, entity.line)
        elif tag in _CHANNEL:
            for line in text_lines(node):
                entity.add_field(f"{_CHANNEL[tag]}{suffix}", line, entity.line)
        else:
            entity.add_field(f"{tag.lower().replace('-', '_')}{suffix}", (node.text or "").strip(), entity.line)


def _add_contact(entity: SoftEntity, tag: str, contact: Contact | None) -> None:
    if contact is None:
        return
    if tag == "Contributor-Ref":
        entity.add_field("contributor", contact.name, entity.line)
        return
    entity.add_field("contact_name", contact.name, entity.line)
    if contact.institute:
        entity.add_field("contact_institute", contact.institute, entity.line)


def _add_data_table(entity: SoftEntity, table: Element) -> None:
    for node in table:
        tag = local_name(node.tag)
        if tag == "Column":
            name_node, description_node = _child(node, "Name"), _child(node, "Description")
            name = (name_node.text or "").strip() if name_node is not None else ""
            description = (description_node.text or "").strip() if description_node is not None else ""
            entity.columns.append((name, description))
        elif tag == "External-Data":
            if node.get("rows"):
                entity.add_field("data_row_count", node.get("rows"), entity.line)
            entity.add_field("external_data", (node.text or "").strip(), entity.line)
