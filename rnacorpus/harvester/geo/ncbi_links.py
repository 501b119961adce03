"""Which NCBI-generated RNA-seq files GEO offers for a series (read off its download page)."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from rnacorpus.errors import NotFoundError
from rnacorpus.harvester.geo.download_page import parse_download_page
from rnacorpus.harvester.geo.urls import download_page_url

if TYPE_CHECKING:
    from rnacorpus.harvester.http import HttpClient

__all__ = ["ncbi_count_files"]

log = logging.getLogger(__name__)


def ncbi_count_files(
    client: HttpClient, hosts: Mapping[str, str], gse: str, *, revalidate: bool = False
) -> Iterator[tuple[str, str]]:
    """(role, url) of GEO's raw counts for ``gse`` and the annotation table they are keyed by.

    TPM/FPKM tables are derived from the same counts, so only the raw counts are fetched; a series
    whose page links none yields nothing (GEO did not process it).
    """
    page_url = download_page_url(gse, hosts)
    try:
        html = client.get_text(page_url, expect="html", accession=gse, revalidate=revalidate)
    except NotFoundError:
        log.info("%s: no download page", gse)
        return
    links = parse_download_page(html, page_url)
    if not links.has_counts:
        return
    for item in links.raw_counts:
        yield "ncbi_counts", item.url
    for item in links.annotation:
        yield "ncbi_annotation", item.url
