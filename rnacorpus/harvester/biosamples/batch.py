"""Many BioSamples per request: BioSamples' search, filtered to a block of accessions.

BioSamples has no multi-accession fetch, but its search (``/biosamples/samples?filter=acc:…``,
paged with ``size``/``page``) takes an accession filter whose value "supports wildcards" (BioSamples
docs, *Filters*: ``filter=acc:SAMN.*`` for NCBI samples) and answers with the same sample documents
``/samples/{ACC}`` serves, in HAL pages (``_embedded.samples``, ``page.totalPages``). The regex-style
``.*`` is what both of its search back ends took: the Solr one as a regular expression on the
accession, the Elasticsearch one turned into a wildcard query (``.*`` → ``*``;
EBIBioSamples/biosamples-search ``AccessionSearchFilter``). A study's BioSamples are accessioned
together, so their numbers run in blocks: ``SAMN30000001`` … ``SAMN30000500`` are six blocks of 100
(``acc:SAMN300000.*`` …), six requests instead of 500.

:func:`plan_blocks` (pure) groups accessions by prefix letters, digit count and all but their last
:data:`BLOCK_DIGITS` digits; a block holding at least :data:`MIN_PER_BLOCK` of them is asked as one
pattern, the rest one by one. What the answers mean (:func:`lookup_biosamples`):

- every page of a block read and an accession not among them: BioSamples' public search does not
  hold it — recorded as not found (``/samples/{ACC}`` answers such a sample with 403/404 too; a sample
  indexed later is found by the next refresh);
- a page holding a sample outside the pattern: the archive did not apply the filter, so its answer
  proves nothing about absence — the records it did hold are kept (they are the archive's own
  documents), the block's other accessions are asked one by one; likewise after a permanent error on
  a page (a 400, a malformed page);
- a block still going after :data:`MAX_PAGES` pages (the wildcard also matches longer accessions, as
  ``SAMEA``'s numbers vary in length): the accessions not seen yet are asked one by one;
- a malformed sample document fails that accession alone; a transient error fails the study (as the
  one-by-one path does), so the next run retries it.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from rnacorpus.errors import BadContentError, PermanentError, RnacorpusError
from rnacorpus.harvester.base import SourceBase, StudyRef
from rnacorpus.harvester.biosamples.records import record_from_document
from rnacorpus.harvester.lookup import Lookup
from rnacorpus.schemas import StudyBundle

__all__ = [
    "BLOCK_DIGITS",
    "MAX_PAGES",
    "MIN_PER_BLOCK",
    "PAGE_SIZE",
    "Block",
    "block_pattern",
    "lookup_biosamples",
    "plan_blocks",
]

log = logging.getLogger(__name__)

#: a block is all accessions sharing everything but their last BLOCK_DIGITS digits (100 numbers)
BLOCK_DIGITS = 2
#: fewer of a study's accessions in one block than this: asked one by one (a block answers with up
#: to 100 documents, worth it for a few of them, not for one or two)
MIN_PER_BLOCK = 3
#: samples per search page: a whole block of one length in one page
PAGE_SIZE = 100
#: pages read per block before the accessions not seen yet are asked one by one
MAX_PAGES = 3
_ACCESSION = re.compile(r"^(SAM[A-Z]*)(\d+)$")


@dataclass(frozen=True)
class Block:
    """One accession-filter value and the study's accessions it covers, in the study's order."""

    pattern: str
    accessions: tuple[str, ...]


def block_pattern(accession: str) -> str | None:
    """``SAMN30000123`` → ``SAMN300001.*``; None for what is no BioSample accession or too short."""
    match = _ACCESSION.match(accession)
    if match is None or len(match.group(2)) <= BLOCK_DIGITS:
        return None
    return f"{match.group(1)}{match.group(2)[:-BLOCK_DIGITS]}.*"


def plan_blocks(accessions: Iterable[str]) -> tuple[list[Block], list[str]]:
    """The blocks worth one search each, and the accessions asked one by one (both in input order)."""
    ordered = list(dict.fromkeys(accessions))
    by_pattern: dict[tuple[str, int], list[str]] = {}
    alone: list[str] = []
    for accession in ordered:
        pattern = block_pattern(accession)
        if pattern is None:
            alone.append(accession)
            continue
        by_pattern.setdefault((pattern, len(accession)), []).append(accession)
    blocks: dict[str, list[str]] = {}
    for (pattern, _), members in by_pattern.items():
        if len(members) >= MIN_PER_BLOCK:
            blocks.setdefault(pattern, []).extend(members)
        else:
            alone.extend(members)
    order = {accession: n for n, accession in enumerate(ordered)}
    planned = [Block(pattern, tuple(sorted(members, key=order.__getitem__))) for pattern, members in blocks.items()]
    return planned, sorted(alone, key=order.__getitem__)


def search_url(base: str, pattern: str, page: int) -> str:
    return f"{base}/samples?{urlencode([('size', PAGE_SIZE), ('page', page), ('filter', f'acc:{pattern}')])}"


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(re.escape(pattern.removesuffix(".*")) + r".*")


class FilterIgnored(Exception):
    """A search page held samples outside the block's pattern."""


def lookup_biosamples(
    source: SourceBase,
    refs: Sequence[StudyRef],
    to_bundle: Callable[[Any], StudyBundle],
    *,
    revalidate: bool,
) -> tuple[Lookup, list[str]]:
    """Ask BioSamples' search for every block of ``refs`` (``to_bundle``: a record → its bundle);
    returns the answers and the accessions still to be asked one by one (rules: module docstring)."""
    blocks, alone = plan_blocks(ref.accession for ref in refs)
    answer = Lookup()
    for block in blocks:
        try:
            seen, complete = _read_block(source, block, answer, revalidate, to_bundle)
        except (FilterIgnored, PermanentError) as exc:
            log.info("BioSamples search for acc:%s not usable (%s); asking one by one", block.pattern, exc)
            alone.extend(a for a in block.accessions if a not in answer.records and a not in answer.failed)
            continue
        for accession in block.accessions:
            if accession in seen:
                continue
            if complete:
                answer.failed[accession] = f"BioSamples' search holds no {accession} (acc:{block.pattern})"
            else:
                alone.append(accession)
    return answer, alone


def _read_block(
    source: SourceBase, block: Block, answer: Lookup, revalidate: bool, to_bundle: Callable[[Any], StudyBundle]
) -> tuple[set[str], bool]:
    """Read a block's pages into ``answer``; the accessions seen, and whether every page was read."""
    wanted = set(block.accessions)
    seen: set[str] = set()
    allowed = _pattern_regex(block.pattern)
    base = source.hosts["biosamples"].rstrip("/")
    for page in range(MAX_PAGES):
        url = search_url(base, block.pattern, page)
        item, _ = source.cached_file(block.accessions[0], "biosample_search", url, "json", revalidate)
        answer.files.append(item)
        try:
            doc = json.loads(Path(item.path).read_bytes())
        except ValueError as exc:
            raise BadContentError(f"not JSON: {exc}", url=url) from exc
        samples = (doc.get("_embedded") or {}).get("samples", []) if isinstance(doc, dict) else None
        if not isinstance(samples, list):
            raise BadContentError("a BioSamples search page without _embedded.samples", url=url)
        for sample in samples:
            accession = sample.get("accession") if isinstance(sample, dict) else None
            if not isinstance(accession, str) or not allowed.fullmatch(accession):
                raise FilterIgnored(f"page {page} holds {accession!r}")
            if accession not in wanted or accession in seen:
                continue
            seen.add(accession)
            try:
                record = record_from_document(sample, path=url)
            except RnacorpusError as exc:
                answer.failed[accession] = exc.message
                continue
            bundle = to_bundle(record)
            bundle.files = [item]
            answer.records[accession] = bundle
        total_pages = (doc.get("page") or {}).get("totalPages")
        if not samples or not isinstance(total_pages, int) or page + 1 >= total_pages or seen == wanted:
            return seen, True
    return seen, False
