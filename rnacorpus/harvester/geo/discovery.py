"""Finding GEO series through E-utilities (``db=gds``): esearch with history, esummary in pages.

The term is built from the user's own E-utilities text plus filters (series only, organism, series
type, last-update window). Results are paged through the server-side history (WebEnv + query_key),
and the number collected is checked against ``count``: E-utilities sometimes returns an empty page
mid-way (ARCHIVES §1), so an empty page before ``count`` is retried, never taken as the end.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from rnacorpus.errors import BadContentError, TransientError
from rnacorpus.harvester.base import DiscoveryQuery, StudyRef
from rnacorpus.harvester.geo.urls import eutils_url

if TYPE_CHECKING:
    from rnacorpus.harvester.http import HttpClient

__all__ = ["PAGE_SIZE", "build_term", "discover_series"]

log = logging.getLogger(__name__)

PAGE_SIZE = 500
_EMPTY_PAGE_RETRIES = 3


def _quoted(text: str) -> str:
    return '"' + text.replace('"', " ").strip() + '"'


def _date(value: dt.date) -> str:
    return value.strftime("%Y/%m/%d")


def build_term(query: DiscoveryQuery) -> str:
    """An E-utilities ``db=gds`` term for series matching ``query`` (pure)."""
    parts = [f"({query.text})"] if query.text else []
    parts.append("gse[ETYP]")
    if query.organism:
        parts.append(f"{_quoted(query.organism)}[ORGN]")
    if query.study_type:
        parts.append(f"{_quoted(query.study_type)}[DataSet Type]")
    if query.since or query.until:
        low = _date(query.since) if query.since else "1900/01/01"
        high = _date(query.until) if query.until else "3000"
        parts.append(f'("{low}"[MDAT] : "{high}"[MDAT])')
    return " AND ".join(parts)


def _esearch(client: HttpClient, hosts: Mapping[str, str], term: str) -> tuple[int, str, str]:
    params = {"db": "gds", "term": term, "retmode": "json", "usehistory": "y", "retmax": "0"}
    doc = client.get_json(eutils_url("esearch", hosts), params=params)
    result = doc.get("esearchresult")
    if not isinstance(result, Mapping) or "count" not in result:
        raise BadContentError(f"esearch answer has no esearchresult.count: {str(doc)[:200]}")
    try:
        count = int(result["count"])
    except (TypeError, ValueError) as exc:
        raise BadContentError(f"esearch count is not a number: {result['count']!r}") from exc
    return count, str(result.get("webenv", "")), str(result.get("querykey", ""))


def _summary_page(
    client: HttpClient, hosts: Mapping[str, str], webenv: str, query_key: str, retstart: int, size: int
) -> list[dict[str, Any]]:
    params = {
        "db": "gds",
        "retmode": "json",
        "query_key": query_key,
        "WebEnv": webenv,
        "retstart": str(retstart),
        "retmax": str(size),
    }
    doc = client.get_json(eutils_url("esummary", hosts), params=params)
    result = doc.get("result")
    if not isinstance(result, Mapping):
        raise BadContentError(f"esummary answer has no result: {str(doc)[:200]}")
    uids = result.get("uids", [])
    return [result[uid] for uid in uids if isinstance(result.get(uid), Mapping)]


def _ref(doc: Mapping[str, Any]) -> StudyRef | None:
    if str(doc.get("entrytype", "")).upper() != "GSE":
        return None
    accession = str(doc.get("accession") or f"GSE{doc.get('gse', '')}")
    return StudyRef(accession=accession, source="geo", title=doc.get("title") or None)


def discover_series(
    client: HttpClient, hosts: Mapping[str, str], query: DiscoveryQuery, *, page_size: int = PAGE_SIZE
) -> Iterator[StudyRef]:
    term = build_term(query)
    count, webenv, query_key = _esearch(client, hosts, term)
    wanted = min(count, query.limit) if query.limit is not None else count
    log.info("esearch %r: %d series", term, count)
    seen: set[str] = set()
    retstart = 0
    while retstart < wanted:
        size = min(page_size, wanted - retstart)
        docs = _page_with_retries(client, hosts, webenv, query_key, retstart, size)
        for doc in docs:
            ref = _ref(doc)
            if ref is not None and ref.accession not in seen:
                seen.add(ref.accession)
                yield ref
        retstart += size


def _page_with_retries(
    client: HttpClient, hosts: Mapping[str, str], webenv: str, query_key: str, retstart: int, size: int
) -> list[dict[str, Any]]:
    for _ in range(_EMPTY_PAGE_RETRIES):
        docs = _summary_page(client, hosts, webenv, query_key, retstart, size)
        if docs:
            return docs
        log.warning("esummary returned an empty page at retstart=%d; retrying", retstart)
    raise TransientError(f"esummary kept returning empty pages at retstart={retstart} before the end of the results")
