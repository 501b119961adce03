"""BioStudies API v1 answers (ArrayExpress's home since 2021, ARCHIVES §3): study, info, search.

A study (``GET /biostudies/api/v1/studies/{ACC}``) is a PageTab document::

    {"accno": "E-GEOD-16059", "attributes": [{"name": "Title", "value": …}, {"name": "ReleaseDate", …}],
     "section": {"type": "Study", "attributes": [{"name": "Study type", …}, {"name": "Organism", …}],
                 "links": [[{"url": "GSE16059", "attributes": [{"name": "Type", "value": "GEO"}]}]],
                 "files": [[{"path": "E-GEOD-16059.idf.txt", "size": 1234, "attributes": […]}]],
                 "subsections": [[{"type": "Protocols", …}], {"type": "Author", …}, …]}}

``links``, ``files`` and ``subsections`` hold objects or lists of objects (tables), nested at any
depth; every reader here walks both shapes. The info answer (``…/studies/{ACC}/info``) gives
``released`` / ``modified`` as epoch milliseconds and the study's ``httpLink``; a search page
(``…/search``) gives ``hits`` (``accession``, ``title``, ``release_date``) and ``totalHits``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from rnacorpus.errors import BadContentError
from rnacorpus.harvester.dates import iso_date

__all__ = ["BioStudy", "SearchHit", "SearchPage", "parse_info_dates", "parse_search", "parse_study"]


@dataclass(frozen=True)
class StudyLink:
    url: str
    type: str | None


@dataclass(frozen=True)
class StudyFile:
    path: str
    size: int | None
    description: str | None
    section: str | None


@dataclass
class BioStudy:
    accession: str
    #: top-level and Study-section attributes, names as given → values in order
    attributes: dict[str, list[str]] = field(default_factory=dict)
    links: list[StudyLink] = field(default_factory=list)
    files: list[StudyFile] = field(default_factory=list)
    #: subsection type → count (Author, Organization, Protocols, Publication, Samples …)
    sections: dict[str, int] = field(default_factory=dict)

    def first(self, name: str) -> str | None:
        values = self.attributes.get(name.lower())
        return values[0] if values else None

    @property
    def release_date(self) -> dt.date | None:
        return iso_date(self.first("releasedate"))

    def magetab(self, suffix: str) -> str | None:
        """Name of the study's ``.idf.txt`` / ``.sdrf.txt`` as its file list gives it (None: unlisted)."""
        names = [f.path.rsplit("/", 1)[-1] for f in self.files if f.path.lower().endswith(suffix)]
        return names[0] if names else None


def _items(value: Any) -> Iterator[Mapping[str, Any]]:
    """Objects in a PageTab list that may nest lists (tables) at any depth."""
    if isinstance(value, Mapping):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _items(item)


def _attributes(node: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for attribute in _items(node.get("attributes", [])):
        name, value = attribute.get("name"), attribute.get("value")
        if isinstance(name, str) and isinstance(value, str) and value.strip():
            yield name, value.strip()


def parse_study(doc: Mapping[str, Any], *, accession: str) -> BioStudy:
    """A study document → :class:`BioStudy`; a document that is not one is :class:`BadContentError`."""
    if "errorMessage" in doc:
        raise BadContentError(f"BioStudies answered an error: {doc.get('errorMessage')}", accession=accession)
    section = doc.get("section")
    if not isinstance(section, Mapping):
        raise BadContentError("BioStudies study JSON without a 'section'", accession=accession)
    study = BioStudy(accession=str(doc.get("accno") or accession))
    for node in (doc, section):
        for name, value in _attributes(node):
            study.attributes.setdefault(name.lower(), []).append(value)
    _walk(section, study, section_type=str(section.get("type") or "Study"))
    return study


def _walk(node: Mapping[str, Any], study: BioStudy, section_type: str) -> None:
    for link in _items(node.get("links", [])):
        url = link.get("url")
        if isinstance(url, str) and url.strip():
            kinds = [value for name, value in _attributes(link) if name.lower() == "type"]
            study.links.append(StudyLink(url.strip(), kinds[0] if kinds else None))
    for item in _items(node.get("files", [])):
        path = item.get("path") or item.get("filePath")
        if isinstance(path, str) and path.strip():
            size = item.get("size")
            notes = [value for name, value in _attributes(item) if name.lower() == "description"]
            study.files.append(
                StudyFile(
                    path.strip(),
                    int(size) if isinstance(size, int) else None,
                    notes[0] if notes else None,
                    section_type,
                )
            )
    for sub in _items(node.get("subsections", [])):
        kind = str(sub.get("type") or "")
        study.sections[kind] = study.sections.get(kind, 0) + 1
        _walk(sub, study, kind)


def parse_info_dates(doc: Mapping[str, Any]) -> tuple[dt.date | None, dt.date | None]:
    """(released, modified) of an info answer (epoch milliseconds) — None where absent."""
    out: list[dt.date | None] = []
    for key in ("released", "modified"):
        value = doc.get(key)
        out.append(dt.datetime.fromtimestamp(value / 1000, dt.UTC).date() if isinstance(value, int | float) else None)
    return out[0], out[1]


@dataclass(frozen=True)
class SearchHit:
    accession: str
    title: str | None
    release_date: dt.date | None


@dataclass(frozen=True)
class SearchPage:
    hits: list[SearchHit]
    total_hits: int | None
    exact: bool


def parse_search(doc: Mapping[str, Any]) -> SearchPage:
    hits = doc.get("hits")
    if not isinstance(hits, list):
        raise BadContentError("BioStudies search answer without a 'hits' list")
    parsed = [
        SearchHit(str(hit["accession"]), hit.get("title"), iso_date(hit.get("release_date")))
        for hit in hits
        if isinstance(hit, Mapping) and isinstance(hit.get("accession"), str)
    ]
    total = doc.get("totalHits")
    return SearchPage(parsed, int(total) if isinstance(total, int) else None, bool(doc.get("isTotalHitsExact")))
