"""The runs of many experiments per request: ENA's portal search with OR'ed accession terms.

A study that states no SRA/ENA study (nor BioProject) names its runs sample by sample — an SRX per
GEO sample, an ``ENA_RUN`` per ArrayExpress source — and one ``filereport`` each would cost a request
per sample. The portal's ``search`` (``result=read_run``) takes ENA's advanced-search syntax, whose
terms combine with ``OR``, and returns the ``read_run`` fields ``filereport`` returns: so up to
:data:`CHUNK` experiments or runs go in one request (``experiment_accession="SRX1" OR …``; GET, so the
URL stays a few kB), and each reference gets the rows naming it — the runs its own ``filereport``
would list, in the answer's order, made into the same bundle (:func:`~.source.bundle_from_runs`).
A reference no row names gets the empty answer ``filereport`` gives for it (an ``ena_no_runs``
issue). A permanent error on a chunk sends that chunk's references to ``filereport`` one by one; a
transient one fails the study, as one by one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from rnacorpus.errors import PermanentError, RnacorpusError
from rnacorpus.harvester.base import SourceBase, StudyRef
from rnacorpus.harvester.ena import urls
from rnacorpus.harvester.ena.filereport import parse_filereport
from rnacorpus.harvester.lookup import Lookup
from rnacorpus.identifiers import classify
from rnacorpus.schemas import SequencingRun, StudyBundle

__all__ = ["CHUNK", "lookup_runs"]

log = logging.getLogger(__name__)

#: experiments or runs per search: ~40 characters a term, URL-encoded: a ~3 kB GET
CHUNK = 50
_FIELD = {"experiment": "experiment_accession", "run": "run_accession"}


def lookup_runs(
    source: SourceBase,
    refs: Sequence[StudyRef],
    to_bundle: Callable[[str, list[SequencingRun]], StudyBundle],
    *,
    revalidate: bool,
) -> tuple[Lookup, list[StudyRef]]:
    """Runs of the experiment/run references, by chunks of :data:`CHUNK`; returns the answers and the
    references left to ``filereport`` one by one (other kinds, or a chunk the portal refused)."""
    answer, alone = Lookup(), []
    terms: list[tuple[StudyRef, str]] = []
    for ref in refs:
        known = classify(ref.accession)
        if known is None or known.kind not in _FIELD:
            alone.append(ref)
        else:
            terms.append((ref, _FIELD[known.kind]))
    for start in range(0, len(terms), CHUNK):
        chunk = terms[start : start + CHUNK]
        url = urls.runs_of_url([(field, ref.accession) for ref, field in chunk], source.hosts)
        try:
            item, _ = source.cached_file(chunk[0][0].accession, "ena_search", url, "tsv", revalidate)
            text = Path(item.path).read_bytes().decode("utf-8", "replace")
            runs = parse_filereport(text, path="ENA portal search")
        except PermanentError as exc:
            log.info("ENA search for %d runs not usable (%s); asking filereport one by one", len(chunk), exc)
            alone.extend(ref for ref, _ in chunk)
            continue
        except RnacorpusError as exc:
            raise exc.with_context(accession=chunk[0][0].accession, url=url) from exc
        answer.files.append(item)
        for ref, field in chunk:
            found = f"ENA search {field}={ref.accession}"
            mine = [
                run.model_copy(update={"source_file": found}) for run in runs if getattr(run, field) == ref.accession
            ]
            bundle = to_bundle(ref.accession, mine)
            bundle.files = [item]
            answer.records[ref.accession] = bundle
    return answer, alone
