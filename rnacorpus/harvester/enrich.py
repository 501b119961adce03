"""Adding other archives' records to a study: runs from ENA, characteristics from BioSamples.

For each enriching source, in order (ENA first: its runs name the BioSamples the next one reads):
``links(bundle)`` → ``fetch`` → ``parse`` → :func:`merge_records` into the study's bundle. The
study's own records stay as deposited; what is added is kept apart and says where it came from:

- a record of the other archive is matched to **one** of the study's samples by an accession both
  state (the GSM GEO gave the SRA experiment as its alias, an SRX / ERR / ERS / SAMN the study's
  sample names) — never by similar names; a record matching two samples, or none, is not merged
  and is reported (``<source>_record_unmatched`` / ``…_ambiguous``);
- a matched record's accessions become the sample's cross-references (so identity joins them), its
  runs become the sample's runs, its characteristics :class:`ExternalCharacteristic` rows with their
  origin; sample fields the study left empty (library strategy, instrument) are filled from runs;
- runs that match no sample are kept, under the study, with no sample.

Failures: a link the archive does not hold (404, bad answer) is recorded as an issue and the rest
goes on; a transient failure (network, 5xx after retries) fails the study, so the next run retries
it rather than loading it without its runs.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from rnacorpus.harvester.base import Source
from rnacorpus.harvester.lookup import BatchLookup, lookup_each
from rnacorpus.identifiers import SAMPLE_LINK_KINDS, classify
from rnacorpus.schemas import CrossRef, ParseIssue, Sample, StudyBundle

__all__ = ["enrich_bundle", "merge_records"]

log = logging.getLogger(__name__)

_DB = {"geo": "GEO", "biosamples": "BioSample", "sra": "SRA", "ena": "ENA", "ddbj": "DDBJ"}
_FILLED = ("library_strategy", "library_source", "library_selection", "instrument_model")


def _keys(sample: Sample) -> set[str]:
    keys = {sample.accession}
    for xref in sample.xrefs:
        known = classify(xref.accession)
        if known is not None and known.kind in SAMPLE_LINK_KINDS:
            keys.add(known.accession)
    return keys


def enrich_bundle(bundle: StudyBundle, sources: Sequence[Source], *, revalidate: bool = False) -> None:
    """Fetch and merge every enriching source's records for ``bundle`` (in place).

    A source that answers many references per request (:class:`~rnacorpus.harvester.lookup.BatchLookup`:
    BioSamples, ENA) is asked for all of them at once; the records are merged in the order the study
    names them either way, so the result is the same as asking one at a time."""
    for source in sources:
        refs = source.links(bundle)
        if isinstance(source, BatchLookup):
            answer = source.lookup(refs, revalidate=revalidate)
        else:
            answer = lookup_each(source, refs, revalidate=revalidate)
        merger = _Merger(bundle)
        for ref in refs:
            records = answer.records.get(ref.accession)
            if records is not None:
                merger.merge(records, source=source.name)
        bundle.files.extend(answer.files)
        failed = [(ref.accession, answer.failed[ref.accession]) for ref in refs if ref.accession in answer.failed]
        if failed:
            bundle.issues.append(_link_failures(source.name, failed, len(refs)))


def _link_failures(source: str, failed: list[tuple[str, str]], asked: int) -> ParseIssue:
    """One issue per source and study, however many of its links the archive does not hold."""
    shown = "; ".join(f"{accession}: {message}" for accession, message in failed[:3])
    more = f"; and {len(failed) - 3} more" if len(failed) > 3 else ""
    return ParseIssue(
        code=f"{source}_link_failed",
        message=f"{source} has nothing usable for {len(failed)} of {asked} records the study names ({shown}{more})",
        accession=failed[0][0],
    )


def merge_records(bundle: StudyBundle, records: StudyBundle, *, source: str) -> None:
    """Merge another archive's records of the study's samples into ``bundle`` (rules: module docstring)."""
    _Merger(bundle).merge(records, source=source)


class _Merger:
    """Merges a source's records into one study, one answer after another, keeping its indexes (which
    sample owns which accession, the characteristics and runs held) up to date instead of rebuilding
    them per answer — a 500-sample study gets 500 BioSamples answers. The result is the same as
    :func:`merge_records` per answer: each answer sees the accessions earlier ones added."""

    def __init__(self, bundle: StudyBundle) -> None:
        self.bundle = bundle
        self.owners: dict[str, list[Sample]] = {}
        for sample in bundle.samples:
            for key in _keys(sample):
                self.owners.setdefault(key, []).append(sample)
        self.held = {(c.sample_accession, c.origin, c.position) for c in bundle.external_characteristics}
        self.known_runs = {run.run_accession for run in bundle.runs}
        self.filled = False

    def merge(self, records: StudyBundle, *, source: str) -> None:
        bundle = self.bundle
        runs_of: dict[str, list[int]] = {}
        for index, run in enumerate(records.runs):
            runs_of.setdefault(run.catalog_sample or "", []).append(index)
        host_of: dict[str, str | None] = {}
        linked: list[tuple[Sample, list[str]]] = []
        for record in records.samples:
            keys = _keys(record) | {
                k for i in runs_of.get(record.accession, []) for k in _run_keys(records, i) if classify(k) is not None
            }
            hosts = {id(s): s for key in keys for s in self.owners.get(key, [])}
            if len(hosts) != 1:
                code = "ambiguous" if hosts else "unmatched"
                bundle.issues.append(
                    ParseIssue(
                        code=f"{source}_record_{code}",
                        message=f"{source} record {record.accession} matches "
                        + (f"{len(hosts)} samples" if hosts else "no sample of the study")
                        + "; kept apart",
                        accession=record.accession,
                    )
                )
                host_of[record.accession] = None
                continue
            host = next(iter(hosts.values()))
            host_of[record.accession] = host.accession
            linked.append((host, _add_links(host, keys, source)))
            self._add_characteristics(host, records, record)
        for run in records.runs:
            if run.run_accession in self.known_runs:
                continue
            run.catalog_sample = host_of.get(run.catalog_sample or "")
            bundle.runs.append(run)
            self.known_runs.add(run.run_accession)
        if records.runs or not self.filled:  # with no new run, the fill would find what it found before
            _fill_from_runs(bundle)
            self.filled = True
        bundle.issues.extend(issue for issue in records.issues if issue not in bundle.issues)
        # the next answer sees the accessions this one added (as if the owners were rebuilt now)
        for host, added in linked:
            for accession in added:
                known = classify(accession)
                owners = self.owners.setdefault(known.accession if known else accession, [])
                if all(owner is not host for owner in owners):
                    owners.append(host)

    def _add_characteristics(self, host: Sample, records: StudyBundle, record: Sample) -> None:
        """The record's characteristics, as its archive states them (with units and terms), under the host."""
        for item in records.external_characteristics:
            key = (host.accession, item.origin, item.position)
            if item.sample_accession == record.accession and key not in self.held:
                self.bundle.external_characteristics.append(
                    item.model_copy(update={"sample_accession": host.accession})
                )
                self.held.add(key)


def _run_keys(records: StudyBundle, index: int) -> Iterable[str]:
    run = records.runs[index]
    return [
        a
        for a in (
            run.run_accession,
            run.experiment_accession,
            run.sample_accession,
            run.secondary_sample_accession,
            run.experiment_alias,
            run.sample_alias,
        )
        if a
    ]


def _add_links(host: Sample, keys: set[str], source: str) -> list[str]:
    """The keys the host did not state become its cross-references; returns those added."""
    have = {x.accession for x in host.xrefs} | {host.accession}
    added = []
    for key in sorted(keys - have):
        known = classify(key)
        if known is not None and known.kind in SAMPLE_LINK_KINDS:
            host.xrefs.append(CrossRef(db=_DB.get(known.archive, known.archive), accession=key, relation=source))
            added.append(key)
    return added


def _fill_from_runs(bundle: StudyBundle) -> None:
    """Library strategy / source / selection and instrument from the sample's runs, where the study's
    own record is silent and all its runs agree."""
    by_sample: dict[str, list[dict[str, str | None]]] = {}
    for run in bundle.runs:
        if run.catalog_sample:
            by_sample.setdefault(run.catalog_sample, []).append({f: getattr(run, f) for f in _FILLED})
    for sample in bundle.samples:
        runs = by_sample.get(sample.accession)
        if not runs:
            continue
        for name in _FILLED:
            values = {r[name] for r in runs if r[name]}
            if getattr(sample, name) is None and len(values) == 1:
                setattr(sample, name, values.pop())
