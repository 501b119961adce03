"""The ArrayExpress source, through BioStudies (ArrayExpress's home since 2021; ARCHIVES §3).

- ``discover``: ``/biostudies/api/v1/arrayexpress/search`` with ``release_date=[since TO until]``,
  ``facet.organism``, ``facet.study_type`` and free text, paged (100 a page) until a page comes back
  empty or the limit is reached. BioStudies windows by *release* date only: a study updated after
  its release is found again by a refresh's re-check (conditional requests), not by the search.
- ``fetch``: the study JSON (``/biostudies/api/v1/studies/{ACC}``), its ``/info`` (release and
  modification dates), the IDF and every SDRF the IDF names (``/biostudies/files/{ACC}/{name}``;
  names from the study's file list where it gives them, else ``{ACC}.idf.txt``). A study without an
  IDF still loads from its SDRF (an ``idf_missing`` issue); one with neither JSON, IDF nor SDRF is
  :class:`StudyGoneError`.
- ``parse``: :func:`.assemble.assemble_study` (one sample per SDRF source).
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from rnacorpus.errors import ConfigError, NotFoundError, RnacorpusError
from rnacorpus.harvester.arrayexpress import urls
from rnacorpus.harvester.arrayexpress.assemble import assemble_study
from rnacorpus.harvester.arrayexpress.biostudies import BioStudy, parse_info_dates, parse_search, parse_study
from rnacorpus.harvester.arrayexpress.idf import Investigation, read_idf
from rnacorpus.harvester.arrayexpress.sdrf import SdrfTable, read_sdrf
from rnacorpus.harvester.base import DiscoveryQuery, FetchedStudy, SourceBase, StudyGoneError, StudyRef
from rnacorpus.harvester.cache_policy import NO_STORE
from rnacorpus.identifiers import classify
from rnacorpus.schemas import ParseIssue, SourceFile, StudyBundle

if TYPE_CHECKING:
    pass

__all__ = ["ArrayExpressSource"]

log = logging.getLogger(__name__)

#: BioStudies answers at most this many hits a page
PAGE_SIZE = 100
#: pages one discovery may read (100 000 studies); a query that needs more should be narrowed
MAX_PAGES = 1000


class ArrayExpressSource(SourceBase):
    """ArrayExpress adds nothing to other archives' studies (``links`` is empty): its import of a GEO
    series is a study of its own, folded into the series by the catalog's identity rules."""

    name = "arrayexpress"

    # -- discover -----------------------------------------------------------------------------
    def discover(self, query: DiscoveryQuery) -> Iterator[StudyRef]:
        seen: set[str] = set()
        for page in range(1, MAX_PAGES + 1):
            params = urls.search_params(query, page=page, page_size=PAGE_SIZE)
            # a search answer changes under us: never taken from the cache
            answer = parse_search(self.client.get_json(urls.search_url(self.hosts), params, policy=NO_STORE))
            fresh = [hit for hit in answer.hits if hit.accession not in seen and _is_arrayexpress(hit.accession)]
            for hit in fresh:
                seen.add(hit.accession)
                yield StudyRef(accession=hit.accession, source=self.name, last_update=hit.release_date, title=hit.title)
                if query.limit is not None and len(seen) >= query.limit:
                    return
            if not answer.hits:
                return
        log.warning("BioStudies search still had hits after %d pages; narrow the query", MAX_PAGES)

    # -- fetch --------------------------------------------------------------------------------
    def fetch(self, ref: StudyRef, *, revalidate: bool = False) -> FetchedStudy:
        accession = ref.accession
        if not _is_arrayexpress(accession):
            raise ConfigError(f"{accession!r} is not an ArrayExpress accession (E-XXXX-n)")
        files: list[SourceFile] = []
        changed = False
        study = self._optional(accession, "biostudies_study", urls.study_url(accession, self.hosts), revalidate)
        info = self._optional(accession, "biostudies_info", urls.info_url(accession, self.hosts), revalidate)
        biostudy = _read_study(study[0], accession) if study else None
        idf_name = (biostudy.magetab(".idf.txt") if biostudy else None) or f"{accession}.idf.txt"
        idf = self._optional(accession, "idf", urls.file_url(accession, idf_name, self.hosts), revalidate)
        for found in (study, info, idf):
            if found is not None:
                files.append(found[0])
                changed |= found[1]
        for name in _sdrf_names(idf[0] if idf else None, biostudy, accession):
            found = self._optional(accession, "sdrf", urls.file_url(accession, name, self.hosts), revalidate)
            if found is None and idf is None and study is None:
                raise StudyGoneError(
                    "BioStudies serves neither the study, nor its IDF, nor its SDRF", accession=accession
                )
            if found is None:
                raise NotFoundError(f"the SDRF {name} is not served", accession=accession)
            files.append(found[0])
            changed |= found[1]
        released, modified = _info_dates(info[0]) if info else (None, None)
        stamped = dataclasses.replace(ref, last_update=modified or released or ref.last_update)
        return FetchedStudy(ref=stamped, files=files, changed=changed)

    def _get(self, accession: str, role: str, url: str, revalidate: bool) -> tuple[SourceFile, bool]:
        expect = "json" if role.startswith("biostudies") else "text"
        return self.cached_file(accession, role, url, expect, revalidate)

    def _optional(self, accession: str, role: str, url: str, revalidate: bool) -> tuple[SourceFile, bool] | None:
        try:
            return self._get(accession, role, url, revalidate)
        except NotFoundError:
            log.info("%s: no %s at %s", accession, role, url)
            return None

    # -- parse --------------------------------------------------------------------------------
    def parse(self, fetched: FetchedStudy) -> StudyBundle:
        accession = fetched.ref.accession
        by_role: dict[str, list[SourceFile]] = {}
        for item in fetched.files:
            by_role.setdefault(item.role, []).append(item)
        study_file = next(iter(by_role.get("biostudies_study", [])), None)
        info_file = next(iter(by_role.get("biostudies_info", [])), None)
        idf_file = next(iter(by_role.get("idf", [])), None)
        biostudy = _read_study(study_file, accession) if study_file else None
        idf = _with_file(accession, idf_file, lambda: read_idf(idf_file.path)) if idf_file else Investigation()
        tables = [
            _with_file(accession, item, lambda item=item: read_sdrf(item.path, name=_name(item), accession=accession))
            for item in by_role.get("sdrf", [])
        ]
        if not tables:
            raise NotFoundError("no SDRF file to read", accession=accession)
        sdrf = _merge_tables(tables)
        if idf_file is None:
            sdrf.issues.append(
                ParseIssue(code="idf_missing", message="BioStudies serves no IDF: study fields come from the JSON only")
            )
        released, modified = _info_dates(info_file) if info_file else (None, None)
        bundle = assemble_study(
            accession,
            idf,
            sdrf,
            biostudy=biostudy,
            last_update=modified or released,
            files_base=urls.files_base(accession, self.hosts),
        )
        bundle.files = list(fetched.files)
        return bundle


def _is_arrayexpress(accession: str) -> bool:
    known = classify(accession)
    return known is not None and known.kind == "arrayexpress"


def _name(item: SourceFile) -> str:
    return PurePosixPath(item.url.split("?", 1)[0]).name


def _located(exc: RnacorpusError, accession: str, item: SourceFile) -> RnacorpusError:
    """Name the archive file (not the cache path) in the error."""
    if exc.path is not None and Path(exc.path) == Path(item.path):
        exc.path = _name(item)
    return exc.with_context(accession=accession, path=_name(item), url=item.url)


def _with_file(accession: str, item: SourceFile, read: Any) -> Any:
    try:
        return read()
    except RnacorpusError as exc:
        raise _located(exc, accession, item) from exc


def _load_json(item: SourceFile, accession: str) -> dict[str, Any]:
    try:
        doc = json.loads(Path(item.path).read_bytes())
    except ValueError as exc:
        raise _located(RnacorpusError(f"not JSON: {exc}"), accession, item) from exc
    if not isinstance(doc, dict):
        raise _located(RnacorpusError("not a JSON object"), accession, item)
    return doc


def _read_study(item: SourceFile, accession: str) -> BioStudy:
    return _with_file(accession, item, lambda: parse_study(_load_json(item, accession), accession=accession))  # type: ignore[no-any-return]


def _info_dates(item: SourceFile) -> tuple[Any, Any]:
    try:
        return parse_info_dates(json.loads(Path(item.path).read_bytes()))
    except (ValueError, TypeError, AttributeError):
        return None, None


def _sdrf_names(idf: SourceFile | None, biostudy: BioStudy | None, accession: str) -> list[str]:
    try:
        named = read_idf(idf.path).sdrf_files if idf is not None else []
    except RnacorpusError:
        named = []  # parse() reports a broken IDF with its file and line
    listed = biostudy.magetab(".sdrf.txt") if biostudy else None
    names = [PurePosixPath(n).name for n in named] or [listed or f"{accession}.sdrf.txt"]
    return list(dict.fromkeys(names))


def _merge_tables(tables: list[SdrfTable]) -> SdrfTable:
    """Several SDRFs of one study (rare: one per technology) → one table of sources."""
    merged = tables[0]
    known = {record.name for record in merged.sources}
    for table in tables[1:]:
        merged.sources += [record for record in table.sources if record.name not in known]
        known |= {record.name for record in table.sources}
        merged.issues += table.issues
        merged.n_rows += table.n_rows
    return merged
