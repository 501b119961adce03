"""BioStudies URLs of an ArrayExpress study (ARCHIVES §3). Pure functions of the configured hosts.

Every URL starts with ``hosts["biostudies"]`` (``https://www.ebi.ac.uk/biostudies``), so ``--mirror``
keeps its path and the BioStudies rate limit applies to all of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

from rnacorpus.harvester.base import DiscoveryQuery

__all__ = ["file_url", "files_base", "info_url", "search_params", "search_url", "study_url"]


def _base(hosts: Mapping[str, str]) -> str:
    return hosts["biostudies"].rstrip("/")


def study_url(accession: str, hosts: Mapping[str, str]) -> str:
    return f"{_base(hosts)}/api/v1/studies/{quote(accession)}"


def info_url(accession: str, hosts: Mapping[str, str]) -> str:
    return f"{study_url(accession, hosts)}/info"


def files_base(accession: str, hosts: Mapping[str, str]) -> str:
    return f"{_base(hosts)}/files/{quote(accession)}"


def file_url(accession: str, name: str, hosts: Mapping[str, str]) -> str:
    return f"{files_base(accession, hosts)}/{quote(name)}"


def search_url(hosts: Mapping[str, str]) -> str:
    """The ArrayExpress collection's search (only ArrayExpress studies come back)."""
    return f"{_base(hosts)}/api/v1/arrayexpress/search"


def search_params(query: DiscoveryQuery, *, page: int, page_size: int) -> dict[str, str | int]:
    """Search parameters: free text, a release-date window, organism and study type facets."""
    params: dict[str, str | int] = {"type": "study", "page": page, "pageSize": page_size}
    if query.text:
        params["query"] = query.text
    if query.since or query.until:
        start = query.since.isoformat() if query.since else "*"
        end = query.until.isoformat() if query.until else "*"
        params["release_date"] = f"[{start} TO {end}]"
    if query.organism:
        params["facet.organism"] = query.organism.lower()
    if query.study_type:
        params["facet.study_type"] = query.study_type.lower()
    return params
