"""Fetching a series' supplementary files: list, plan (:func:`plan_supplementary`), then download.

The series' ``suppl/`` index and its ``filelist.txt`` are small answers; a series without a
``suppl/`` folder has none of either and fetches nothing. Each planned file lands in the raw cache
with the check its name implies (gzip inflated to its end within the bomb limits, tar headers
walked, text free of NUL bytes). A sample's file that GEO does not serve on its own (404) is read
out of ``GSE…_RAW.tar`` instead, when the archive is within the size cap.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from rnacorpus.errors import NotFoundError, PermanentError
from rnacorpus.harvester.geo import urls
from rnacorpus.harvester.geo.suppl_discovery import SupplFile, parse_filelist, parse_listing, plan_supplementary
from rnacorpus.schemas import SourceFile

if TYPE_CHECKING:
    from rnacorpus.config import Config
    from rnacorpus.harvester.http import HttpClient

__all__ = ["SUPPL_ROLES", "UNAVAILABLE", "expect_for", "fetch_supplementary", "unavailable"]

log = logging.getLogger(__name__)

Getter = Callable[[str, str, str], tuple[SourceFile, bool]]  # (role, url, expect) -> file, changed


#: role of a planned file GEO did not serve (becomes a parse issue); the error kind rides in the URL's
#: fragment, which the study's content key ignores (a 404 and an offline miss are the same input)
UNAVAILABLE = "suppl_unavailable"
#: every role a supplementary SourceFile has: a file, an archive (a series' RAW.tar), one GEO did not serve
SUPPL_ROLES = ("suppl", "suppl_archive", UNAVAILABLE)


def unavailable(url: str, kind: str) -> tuple[SourceFile, bool]:
    return SourceFile(url=f"{url}#{kind}", path="", sha256="", size=0, role=UNAVAILABLE), False


def expect_for(name: str) -> str:
    """The response check a file's name calls for."""
    lowered = name.lower()
    if lowered.endswith((".tar", ".tgz", ".tar.gz")):
        return "tar"
    if lowered.endswith(".gz"):
        return "gzip"
    if lowered.endswith((".txt", ".tsv", ".csv", ".tab", ".mtx")):
        return "text"
    return "any"  # xlsx, zip, bz2 …: judged by the readers


def fetch_supplementary(
    client: HttpClient, config: Config, gse: str, series_urls: list[str], get: Getter, *, revalidate: bool
) -> Iterator[tuple[SourceFile, bool]]:
    """Download what :func:`plan_supplementary` chose; yields (file, changed) like the other fetches."""
    hosts = config.base_urls
    folder = urls.suppl_dir_url(gse, hosts)
    try:
        listing = parse_listing(client.get_text(folder, expect="html", accession=gse, revalidate=revalidate))
    except NotFoundError:
        listing = {}
    filelist = []
    if f"{gse}_RAW.tar" in listing or "filelist.txt" in listing:
        try:
            text = client.get_text(folder + "filelist.txt", expect="text", accession=gse, revalidate=revalidate)
            filelist = parse_filelist(text)
        except NotFoundError:
            log.info("%s: no filelist.txt beside the RAW archive", gse)
    plan = plan_supplementary(
        gse,
        host=hosts["ncbi_ftp"],
        series_urls=series_urls,
        listing=listing,
        filelist=filelist,
        max_file_bytes=config.max_suppl_file_bytes,
        max_series_bytes=config.max_suppl_series_bytes,
    )
    for item in plan.files:
        if not item.fetch:
            log.debug("%s: %s %s", gse, item.name, item.reason)
    missing: list[SupplFile] = []
    for item in plan.to_fetch:
        assert item.url is not None
        role = "suppl_archive" if item.category == "archive" else "suppl"
        try:
            yield get(role, item.url, expect_for(item.name))
        except NotFoundError:
            if item.container is None:
                yield unavailable(item.url, "not_found")
            else:
                missing.append(item)
        except PermanentError as exc:
            # one bad file (an HTML page, a bomb, a cut archive) is that file's problem, not the study's
            log.warning("%s: %s not fetched: %s", gse, item.name, exc)
            yield unavailable(item.url, exc.kind)
    archive = next((f for f in plan.files if f.name == f"{gse}_RAW.tar"), None)
    if missing and archive is not None and archive.url and not archive.fetch:
        if archive.size is not None and archive.size > config.max_suppl_file_bytes:
            log.warning("%s: %d sample file(s) missing and %s is above the size cap", gse, len(missing), archive.name)
            return
        log.info("%s: %d sample file(s) not served on their own; reading %s", gse, len(missing), archive.name)
        yield get("suppl_archive", archive.url, "tar")
