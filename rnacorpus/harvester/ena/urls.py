"""ENA portal API URLs (ARCHIVES §4). Pure functions of the configured hosts.

Every URL starts with ``hosts["ena_portal"]`` (``https://www.ebi.ac.uk/ena/portal/api``), so
``--mirror`` keeps its path and the portal's own rate limit applies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import urlencode

from rnacorpus.harvester.base import DiscoveryQuery
from rnacorpus.harvester.ena.filereport import READ_RUN_FIELDS

__all__ = ["DISCOVERY_FIELDS", "filereport_url", "runs_of_url", "search_query", "search_url"]

#: what discovery reads per run: enough to group runs into studies and date them
DISCOVERY_FIELDS = ("run_accession", "study_accession", "secondary_study_accession", "last_updated")


def _base(hosts: Mapping[str, str]) -> str:
    return hosts["ena_portal"].rstrip("/")


def filereport_url(accession: str, hosts: Mapping[str, str], fields: Sequence[str] = READ_RUN_FIELDS) -> str:
    """``filereport`` for any study, sample, experiment or run accession; ``limit=0`` is "all rows"."""
    params = {"accession": accession, "result": "read_run", "fields": ",".join(fields), "format": "tsv", "limit": 0}
    return f"{_base(hosts)}/filereport?{urlencode(params)}"


def search_query(query: DiscoveryQuery) -> str:
    """ENA advanced-search text: transcriptomic runs, updated in the window, of the organism, plus the
    user's own query text (ENA syntax) when given."""
    terms = ['library_source="TRANSCRIPTOMIC"']
    if query.since:
        terms.append(f"last_updated>={query.since.isoformat()}")
    if query.until:
        terms.append(f"last_updated<={query.until.isoformat()}")
    if query.organism:
        terms.append(f'scientific_name="{query.organism}"')
    if query.study_type:
        terms.append(f'library_strategy="{query.study_type}"')
    if query.text:
        terms.append(f"({query.text})")
    return " AND ".join(terms)


def search_url(query: DiscoveryQuery, hosts: Mapping[str, str]) -> str:
    params = {
        "result": "read_run",
        "query": search_query(query),
        "fields": ",".join(DISCOVERY_FIELDS),
        "format": "tsv",
        "limit": 0,
    }
    return f"{_base(hosts)}/search?{urlencode(params)}"


def runs_of_url(
    terms: Sequence[tuple[str, str]], hosts: Mapping[str, str], fields: Sequence[str] = READ_RUN_FIELDS
) -> str:
    """``search`` for the runs of several experiments/runs at once: ``experiment_accession="SRX1" OR
    run_accession="SRR2" …`` (ENA advanced search ORs terms), the same fields as :func:`filereport_url`."""
    query = " OR ".join(f'{field}="{accession}"' for field, accession in terms)
    params = {"result": "read_run", "query": query, "fields": ",".join(fields), "format": "tsv", "limit": 0}
    return f"{_base(hosts)}/search?{urlencode(params)}"
