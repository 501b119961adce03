"""BioStudies API v1 answers the mirror writes from the MAGE-TAB files it holds.

The corpus keeps ArrayExpress's IDF/SDRF files (and the retired JSON v3 API, as history) but no
BioStudies v1 answers, so the mirror writes them in the documented PageTab format (ARCHIVES §3;
field names as in live answers): the study document, its ``/info`` and the paged search. A held
``{ACC}.json`` that *is* a v1 document (it has a ``section``) is served as it is instead.

Facts come from the study's own IDF/SDRF, read here with a deliberately small reader (tag → values,
``Characteristics[organism]`` cells) so that the mirror does not share code with the harvester it
stands in for. Dates: ``ReleaseDate`` / ``released`` from ``Public Release Date``; ``modified`` from
the IDF's last-update comments, else its release date, else the newest of the study's files on disk
(a changed file is still found by its content hash, whatever its date).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rnacorpus.mirror.index import FileEntry, MirrorIndex

__all__ = ["BioStudiesService", "HeldStudy"]

_IDF_NAME = re.compile(r"^(E-[A-Z]{4}-\d+)\.idf\.txt$")
_RANGE = re.compile(r"^\[\s*(\S+)\s+TO\s+(\S+)\s*\]$", re.IGNORECASE)
_LAST_UPDATE_TAGS = ("comment[geolastupdatedate]", "comment[arrayexpresslastupdatedate]", "comment[lastupdatedate]")


@dataclass
class HeldStudy:
    accession: str
    idf: FileEntry
    sdrfs: list[FileEntry]
    tags: dict[str, list[str]] = field(default_factory=dict)
    organisms: list[str] = field(default_factory=list)
    n_samples: int = 0

    def first(self, tag: str) -> str | None:
        values = [v for v in self.tags.get(tag, []) if v]
        return values[0] if values else None

    def day(self, *tags: str) -> dt.date | None:
        for tag in tags:
            text = self.first(tag)
            try:
                return dt.date.fromisoformat(text[:10]) if text else None
            except ValueError:
                continue
        return None

    @property
    def release_date(self) -> dt.date | None:
        return self.day("publicreleasedate")

    @property
    def modified(self) -> dt.datetime:
        stated = self.day(*_LAST_UPDATE_TAGS) or self.release_date
        if stated is not None:
            return dt.datetime.combine(stated, dt.time(), dt.UTC)
        newest = max(entry.mtime_ns for entry in [self.idf, *self.sdrfs])
        return dt.datetime.fromtimestamp(newest / 1e9, dt.UTC)

    @property
    def study_types(self) -> list[str]:
        return [v for v in self.tags.get("comment[aeexperimenttype]", []) if v]


def _text(entry: FileEntry) -> list[str]:
    data = entry.path.read_bytes()
    return data.decode("utf-8", errors="replace").lstrip("\ufeff").splitlines()


def _read_idf(entry: FileEntry) -> dict[str, list[str]]:
    tags: dict[str, list[str]] = {}
    for line in _text(entry):
        cells = [cell.strip().strip('"') for cell in line.split("\t")]
        if cells and cells[0] and not cells[0].startswith("#"):
            tags.setdefault(re.sub(r"\s+", "", cells[0]).lower(), []).extend(c for c in cells[1:] if c)
    return tags


def _read_sdrf(entry: FileEntry) -> tuple[list[str], int]:
    """Organisms and number of distinct sources of one SDRF (a plain scan)."""
    lines = [line for line in _text(entry) if line.strip()]
    if not lines:
        return [], 0
    header = [re.sub(r"\s+", "", cell).lower() for cell in lines[0].split("\t")]
    organism = [i for i, cell in enumerate(header) if cell == "characteristics[organism]"]
    source = header.index("sourcename") if "sourcename" in header else 0
    organisms: list[str] = []
    sources: set[str] = set()
    for line in lines[1:]:
        cells = line.split("\t")
        if source < len(cells):
            sources.add(cells[source].strip())
        for i in organism:
            if i < len(cells) and cells[i].strip() and cells[i].strip() not in organisms:
                organisms.append(cells[i].strip())
    return organisms, len(sources)


class BioStudiesService:
    """Studies held under the mirror root (by their ``{ACC}.idf.txt``), cached per index generation."""

    def __init__(self, index: MirrorIndex, base_url: str = "https://www.ebi.ac.uk/biostudies") -> None:
        self.index = index
        self.base_url = base_url
        self._generation = -1
        self._studies: dict[str, HeldStudy] = {}

    def studies(self) -> dict[str, HeldStudy]:
        if self._generation != self.index.generation:
            self._studies = self._scan()
            self._generation = self.index.generation
        return self._studies

    def _scan(self) -> dict[str, HeldStudy]:
        held: dict[str, HeldStudy] = {}
        for entry in self.index.entries():
            match = _IDF_NAME.match(entry.name)
            if match is None or match.group(1) in held:
                continue
            accession = match.group(1)
            tags = _read_idf(entry)
            names = tags.get("sdrffile") or [f"{accession}.sdrf.txt"]
            sdrfs = [found[0] for name in names if (found := self.index.by_name(name.rsplit("/", 1)[-1]))]
            study = HeldStudy(accession, entry, sdrfs, tags)
            for sdrf in sdrfs:
                organisms, n_sources = _read_sdrf(sdrf)
                study.organisms += [o for o in organisms if o not in study.organisms]
                study.n_samples += n_sources
            held[accession] = study
        return held

    # -- answers ------------------------------------------------------------------------------

    def study_document(self, accession: str) -> bytes | None:
        verbatim = self._verbatim(accession)
        if verbatim is not None:
            return verbatim
        study = self.studies().get(accession)
        return None if study is None else _dump(self._document(study))

    def _verbatim(self, accession: str) -> bytes | None:
        for entry in self.index.by_name(f"{accession}.json"):
            data = entry.path.read_bytes()
            try:
                doc = json.loads(data)
            except ValueError:
                continue
            if isinstance(doc, dict) and "section" in doc:  # a v1 document, not the retired v3 API
                return data
        return None

    def info_document(self, accession: str) -> bytes | None:
        study = self.studies().get(accession)
        if study is None:
            return None
        released = study.release_date
        link = f"{self.base_url.replace('://www.', '://ftp.')}/fire/{_rel_path(accession)}"
        return _dump(
            {
                "files": 1 + len(study.sdrfs),
                "httpLink": link,
                "ftpLink": link.replace("https://", "ftp://"),
                "isPublic": True,
                "relPath": _rel_path(accession),
                "released": _millis(dt.datetime.combine(released, dt.time(), dt.UTC)) if released else None,
                "modified": _millis(study.modified),
                "views": 0,
            }
        )

    def _document(self, study: HeldStudy) -> dict[str, Any]:
        title = study.first("investigationtitle") or study.accession
        released = study.release_date.isoformat() if study.release_date else None
        attributes = [{"name": "Title", "value": title}]
        if study.study_types:
            attributes.append({"name": "Study type", "value": study.study_types[0]})
        attributes += [{"name": "Organism", "value": organism} for organism in study.organisms]
        description = study.first("experimentdescription")
        if description:
            attributes.append({"name": "Description", "value": description})
        links = [
            [{"url": acc, "attributes": [{"name": "Type", "value": "GEO" if acc.startswith("GSE") else "ENA"}]}]
            for acc in _linked(study)
        ]
        files = [
            {
                "path": entry.name,
                "size": entry.size,
                "attributes": [{"name": "Description", "value": what}],
                "type": "file",
            }
            for entry, what in [(study.idf, "Investigation Design Format (IDF)")]
            + [(sdrf, "Sample and Data Relationship Format (SDRF)") for sdrf in study.sdrfs]
        ]
        subsections: list[Any] = [
            {"accno": f"mt-{study.accession}", "type": "MAGE-TAB Files", "files": [files]},
            {
                "accno": f"s-samples-factors-{study.accession}",
                "type": "Samples",
                "attributes": [{"name": "Sample count", "value": str(study.n_samples)}]
                + [{"name": "Experimental Factors", "value": f} for f in study.tags.get("experimentalfactorname", [])],
            },
        ]
        return {
            "accno": study.accession,
            "attributes": [
                {"name": "Title", "value": title},
                *([{"name": "ReleaseDate", "value": released}] if released else []),
                {"name": "RootPath", "value": study.accession},
                {"name": "AttachTo", "value": "ArrayExpress"},
            ],
            "section": {
                "accno": f"s-{study.accession}",
                "type": "Study",
                "attributes": attributes,
                "links": links,
                "subsections": subsections,
            },
            "type": "submission",
        }

    def search(self, params: Mapping[str, str]) -> bytes:
        """A search page over the held studies, newest release first (what BioStudies sorts by)."""
        page = max(1, _int(params.get("page"), 1))
        size = min(max(1, _int(params.get("pagesize"), 20)), 100)
        hits = [study for study in self.studies().values() if _matches(study, params)]
        hits.sort(key=lambda s: (s.release_date or dt.date.min, s.accession), reverse=True)
        chosen = hits[(page - 1) * size : page * size]
        return _dump(
            {
                "page": page,
                "pageSize": size,
                "totalHits": len(hits),
                "isTotalHitsExact": True,
                "sortBy": "release_date",
                "sortOrder": "descending",
                "query": params.get("query"),
                "facets": None,
                "hits": [_hit(study) for study in chosen],
            }
        )


def _linked(study: HeldStudy) -> list[str]:
    out = [a for v in study.tags.get("comment[secondaryaccession]", []) for a in v.replace(";", " ").split()]
    out += [uri.rstrip("/").rsplit("/", 1)[-1] for uri in study.tags.get("comment[sequencedatauri]", [])]
    return list(dict.fromkeys(a for a in out if re.match(r"^(GSE|[ESD]RP|PRJ)", a)))


def _hit(study: HeldStudy) -> dict[str, Any]:
    return {
        "accession": study.accession,
        "type": "study",
        "title": study.first("investigationtitle"),
        "author": " ".join(
            f"{first} {last}"
            for first, last in zip(
                study.tags.get("personfirstname", []), study.tags.get("personlastname", []), strict=False
            )
        ),
        "links": len(_linked(study)),
        "files": 1 + len(study.sdrfs),
        "release_date": study.release_date.isoformat() if study.release_date else None,
        "views": 0,
        "isPublic": True,
        "content": f"{study.accession} {study.first('investigationtitle') or ''}",
    }


def _matches(study: HeldStudy, params: Mapping[str, str]) -> bool:
    kind = params.get("type")
    if kind and kind.lower() != "study":
        return False
    window = _RANGE.match(params.get("release_date", "").strip())
    if window is not None:
        day = study.release_date
        start, end = (None if v == "*" else dt.date.fromisoformat(v[:10]) for v in window.groups())
        if day is None or (start and day < start) or (end and day > end):
            return False
    organism = params.get("facet.organism") or params.get("organism")
    if organism and organism.strip('"').lower() not in {o.lower() for o in study.organisms}:
        return False
    study_type = params.get("facet.study_type")
    if study_type and study_type.strip('"').lower() not in {t.lower() for t in study.study_types}:
        return False
    text = params.get("query", "").strip()
    if text and text != "*:*":
        haystack = " ".join(
            [study.accession, *study.tags.get("investigationtitle", []), *study.tags.get("experimentdescription", [])]
        ).lower()
        return all(word.strip('"').lower() in haystack for word in text.split())
    return True


def _rel_path(accession: str) -> str:
    prefix, number = accession.rsplit("-", 1)
    return f"{prefix}-/{number[-3:].zfill(3)}/{accession}"


def _millis(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def _dump(doc: Any) -> bytes:
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")
