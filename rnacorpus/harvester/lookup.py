"""Looking up the records a study links to in another archive: one at a time, or many per request.

Enrichment (:mod:`rnacorpus.harvester.enrich`) asks a source for the records a study names — the
BioSample of every sample, the runs of every experiment. :func:`lookup_each` asks for them one
request each (``fetch`` + ``parse`` per reference, as the :class:`~rnacorpus.harvester.base.Source`
protocol defines). A source that can answer many references per request also implements
:class:`BatchLookup`; its answer must be the same :class:`Lookup` the one-at-a-time path gives — the
same record per reference — and it falls back to :func:`lookup_each` for whatever its batches did not
answer. Either way a reference the archive has nothing usable for is recorded in ``failed`` with the
reason, and the others go on; a transient failure propagates (the study is retried on the next run).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from rnacorpus.errors import PermanentError
from rnacorpus.harvester.base import Source, StudyRef
from rnacorpus.schemas import SourceFile, StudyBundle

__all__ = ["BatchLookup", "Lookup", "lookup_each"]


@dataclass
class Lookup:
    """What a source answered for a study's references."""

    #: reference accession → the records read for it (a bundle, as ``Source.parse`` returns)
    records: dict[str, StudyBundle] = field(default_factory=dict)
    #: the raw files the answers were read from, in the cache
    files: list[SourceFile] = field(default_factory=list)
    #: reference accession → why the archive has nothing usable for it
    failed: dict[str, str] = field(default_factory=dict)

    def add(self, other: Lookup) -> None:
        self.records.update(other.records)
        self.files.extend(other.files)
        self.failed.update(other.failed)


@runtime_checkable
class BatchLookup(Protocol):
    """A source that answers many references per request (see the module docstring)."""

    def lookup(self, refs: Sequence[StudyRef], *, revalidate: bool = False) -> Lookup: ...


def lookup_each(source: Source, refs: Sequence[StudyRef], *, revalidate: bool = False) -> Lookup:
    """One ``fetch`` + ``parse`` per reference; a permanent failure is recorded for that one alone."""
    answer = Lookup()
    for ref in refs:
        try:
            fetched = source.fetch(ref, revalidate=revalidate)
            records = source.parse(fetched)
        except PermanentError as exc:
            answer.failed[ref.accession] = exc.message
            continue
        answer.records[ref.accession] = records
        answer.files.extend(fetched.files)
    return answer
