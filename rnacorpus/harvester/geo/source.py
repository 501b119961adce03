"""The GEO source: discover series, fetch their files, parse them into one StudyBundle.

What a series is fetched from, in order of preference (each a real GEO file, ARCHIVES §2):

1. the family SOFT (``soft/GSE…_family.soft.gz``) — series, platforms and samples with their tables;
   MINiML (``miniml/GSE…_family.xml.tgz``) when GEO has no SOFT; when neither nor a series matrix
   exists, the series and its samples as acc.cgi records (``targ=self`` + ``targ=gsm``, SOFT then XML);
2. every series matrix listed in ``matrix/`` — used for samples' values only where the family file
   carried no table for that platform (and as the whole record when neither family file exists);
3. for array series, each platform's NCBI re-annotation (``annot/GPL….annot.gz``) when GEO has one;
   otherwise the platform table inside the family file serves for probe → gene mapping;
4. for sequencing series, the NCBI-generated RNA-seq counts linked from the download page, with the
   organism's annotation table, when GEO computed them;
5. for sequencing series, the authors' supplementary files that can hold expression values
   (:mod:`.suppl_fetch`; sizes capped by the config), read after everything else (:mod:`.suppl_assemble`).
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from rnacorpus.errors import NotFoundError
from rnacorpus.harvester.base import DiscoveryQuery, FetchedStudy, SourceBase, StudyGoneError, StudyRef
from rnacorpus.harvester.cache_policy import PINNED, CachePolicy
from rnacorpus.harvester.geo import urls
from rnacorpus.harvester.geo.discovery import discover_series
from rnacorpus.harvester.geo.header import read_series_header
from rnacorpus.harvester.geo.soft_records import parse_geo_date
from rnacorpus.schemas import SourceFile, StudyBundle

if TYPE_CHECKING:
    pass

__all__ = ["GeoSource"]

log = logging.getLogger(__name__)

_MATRIX_LINK = re.compile(r'href="(?:[^"]*/)?(GSE\d+(?:-GPL\d+)?_series_matrix\.txt\.gz)"')
_ARRAY_TYPE = re.compile(r"\bby array\b|\barray\b", re.IGNORECASE)
_SEQ_TYPE = re.compile(r"high throughput sequencing", re.IGNORECASE)


class GeoSource(SourceBase):
    name = "geo"

    # -- discover -----------------------------------------------------------------------------
    def discover(self, query: DiscoveryQuery) -> Iterator[StudyRef]:
        return discover_series(self.client, self.hosts, query)

    # -- fetch --------------------------------------------------------------------------------
    def fetch(self, ref: StudyRef, *, revalidate: bool = False) -> FetchedStudy:
        """The series' files; with ``revalidate`` every cached study file is checked with the archive
        (conditional GET: a 304 keeps it) so that a refresh sees what changed and pays little for the rest."""
        gse = ref.accession
        urls.accession_kind(gse)
        files: list[SourceFile] = []
        changed = False
        family = self._first_found(
            gse,
            [
                ("family_soft", urls.family_soft_url(gse, self.hosts), "soft"),
                ("miniml", urls.miniml_url(gse, self.hosts), "gzip"),
            ],
            revalidate,
        )
        if family is not None:
            files.append(family[0])
            changed |= family[1]
        for item, was_changed in self._series_matrices(gse, revalidate):
            files.append(item)
            changed |= was_changed
        if not files:
            for item, was_changed in self._acc_cgi_records(gse, revalidate):
                files.append(item)
                changed |= was_changed
        header = read_series_header(files[0].path) if files[0].role != "miniml" else {}
        for item, was_changed in self._extras(gse, header, revalidate):
            files.append(item)
            changed |= was_changed
        # the archive's own update stamp, known before parsing: a refresh's watermark must not pass it
        # when this study fails later on
        last_update = parse_geo_date(next(iter(header.get("Series_last_update_date", [])), None))
        stamped = dataclasses.replace(ref, last_update=last_update or ref.last_update)
        return FetchedStudy(ref=stamped, files=files, changed=changed)

    def _get(
        self, gse: str, role: str, url: str, expect: str, revalidate: bool, policy: CachePolicy | None = None
    ) -> tuple[SourceFile, bool]:
        return self.cached_file(gse, role, url, expect, revalidate, policy)

    def _first_found(
        self, gse: str, candidates: list[tuple[str, str, str]], revalidate: bool
    ) -> tuple[SourceFile, bool] | None:
        for role, url, expect in candidates:
            try:
                return self._get(gse, role, url, expect, revalidate)
            except NotFoundError:
                log.info("%s: no %s at %s", gse, role, url)
        return None

    def _series_matrices(self, gse: str, revalidate: bool) -> Iterator[tuple[SourceFile, bool]]:
        try:
            listing = self.client.get_text(
                urls.matrix_dir_url(gse, self.hosts), expect="html", accession=gse, revalidate=revalidate
            )
        except NotFoundError:
            return
        for name in sorted(set(_MATRIX_LINK.findall(listing))):
            if not name.startswith(gse + "_") and not name.startswith(gse + "-"):
                continue
            yield self._get(gse, "series_matrix", urls.matrix_file_url(gse, name, self.hosts), "gzip", revalidate)

    def _acc_cgi_records(self, gse: str, revalidate: bool) -> list[tuple[SourceFile, bool]]:
        """Last resort: the series and its samples as separate acc.cgi records (SOFT, then MINiML).

        A series record without its samples' records still loads (the samples it lists are recorded
        as missing by the parser): the archive does hold the study, so it is not gone.
        """
        series_only: list[tuple[SourceFile, bool]] = []
        for form, expect in (("text", "soft"), ("xml", "xml")):
            found = []
            for targ in ("self", "gsm"):
                url = urls.acc_cgi_url(gse, targ=targ, form=form, hosts=self.hosts)
                record = self._first_found(gse, [(f"acc_{targ}_{form}", url, expect)], revalidate)
                if record is not None:
                    found.append(record)
            if any(item.role == f"acc_gsm_{form}" for item, _ in found):
                return found
            if found and not series_only:
                series_only = found
        if series_only:
            return series_only
        raise StudyGoneError(
            "GEO holds no family SOFT, MINiML, series matrix or acc.cgi record for this series", accession=gse
        )

    def _extras(self, gse: str, header: dict[str, list[str]], revalidate: bool) -> Iterator[tuple[SourceFile, bool]]:
        types = header.get("Series_type", [])
        if any(_ARRAY_TYPE.search(t) for t in types) or not types:
            for gpl in header.get("Series_platform_id", []):
                try:
                    yield self._get(gse, f"platform_annot:{gpl}", urls.annot_url(gpl, self.hosts), "gzip", revalidate)
                except NotFoundError:
                    log.info("%s: GEO has no annotation file for %s; using the platform table", gse, gpl)
        if any(_SEQ_TYPE.search(t) for t in types):
            yield from self._ncbi_counts(gse, revalidate)
        if self.config.fetch_supplementary and (any(_SEQ_TYPE.search(t) for t in types) or not types):
            yield from self._supplementary(gse, header, revalidate)

    def _supplementary(
        self, gse: str, header: dict[str, list[str]], revalidate: bool
    ) -> Iterator[tuple[SourceFile, bool]]:
        from rnacorpus.harvester.geo.suppl_fetch import fetch_supplementary

        def get(role: str, url: str, expect: str) -> tuple[SourceFile, bool]:
            return self._get(gse, role, url, expect, revalidate)

        series_urls = header.get("Series_supplementary_file", [])
        yield from fetch_supplementary(self.client, self.config, gse, series_urls, get, revalidate=revalidate)

    def _ncbi_counts(self, gse: str, revalidate: bool) -> Iterator[tuple[SourceFile, bool]]:
        from rnacorpus.harvester.geo.ncbi_links import ncbi_count_files

        for role, url in ncbi_count_files(self.client, self.hosts, gse, revalidate=revalidate):
            # The annotation table is a pinned reference shared by every series of an organism
            # (PINNED ignores ``revalidate``).
            policy = PINNED if role == "ncbi_annotation" else None
            yield self._get(gse, role, url, "gzip", revalidate, policy)

    # -- parse --------------------------------------------------------------------------------
    def parse(self, fetched: FetchedStudy) -> StudyBundle:
        from rnacorpus.harvester.geo.assemble import assemble_bundle

        return assemble_bundle(fetched.ref.accession, fetched.files, limits=self.config)
