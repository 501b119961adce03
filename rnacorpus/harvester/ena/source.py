"""The ENA source: sequencing runs from the ENA portal API (``filereport``, ``result=read_run``).

As a study source (``rnacorpus harvest --source ena SRP…``) it loads an INSDC study as ENA holds it:
one sample record per BioSample, its runs in ``runs_sequencing``. Its more common job is adding to
other sources' studies (:meth:`EnaSource.links`): the runs of a GEO series (``!Series_relation =
SRA: …SRP…``) or of an ArrayExpress study (its ENA study link, or ``Comment[ENA_RUN]`` per source),
matched to their samples by :mod:`rnacorpus.harvester.enrich`.

- ``discover``: portal ``search`` over ``read_run`` (transcriptomic, ``last_updated`` in the window,
  organism, the user's own ENA query), grouped into studies by ``secondary_study_accession``;
- ``fetch``: one ``filereport`` with explicit fields. An empty answer — ENA holds no runs for that
  accession (nf-core/fetchngs#85) — is a valid answer, recorded as a ``ena_no_runs`` issue;
- ``lookup`` (enrichment): a study named by its samples' experiments or runs asks for them by OR'ed
  portal searches, 50 per request (:mod:`.batch`);
- ``parse``: :mod:`.filereport`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from rnacorpus.errors import ConfigError, RnacorpusError
from rnacorpus.harvester.base import DiscoveryQuery, FetchedStudy, SourceBase, StudyRef
from rnacorpus.harvester.cache_policy import NO_STORE
from rnacorpus.harvester.ena import urls
from rnacorpus.harvester.ena.batch import lookup_runs
from rnacorpus.harvester.ena.filereport import parse_filereport
from rnacorpus.harvester.lookup import Lookup, lookup_each
from rnacorpus.identifiers import classify
from rnacorpus.schemas import CrossRef, ParseIssue, Sample, SequencingRun, Study, StudyBundle

__all__ = ["EnaSource", "bundle_from_runs"]

log = logging.getLogger(__name__)

#: per-sample filereports one study may ask for when it states no study-level ENA/SRA accession
MAX_SAMPLE_LINKS = 2000
_RUN_ALIAS = re.compile(r"^(GSM\d+)_r\d+$")
_STUDY_KINDS = ("sra_study", "bioproject")


class EnaSource(SourceBase):
    name = "ena"

    # -- discover -----------------------------------------------------------------------------
    def discover(self, query: DiscoveryQuery) -> Iterator[StudyRef]:
        text = self.client.get_text(urls.search_url(query, self.hosts), expect="tsv", policy=NO_STORE)
        studies: dict[str, StudyRef] = {}
        for run in parse_filereport(text, path="ENA portal search"):
            accession = run.secondary_study_accession or run.study_accession
            if not accession:
                continue
            held = studies.get(accession)
            dates = [d for d in (run.last_updated, held.last_update if held else None) if d is not None]
            project = run.study_accession if run.study_accession != accession else None
            studies[accession] = StudyRef(
                accession=accession,
                source=self.name,
                last_update=max(dates, default=None),
                also=tuple(a for a in {*(held.also if held else ()), project} if a),
            )
        refs = sorted(studies.values(), key=lambda ref: ref.accession)
        yield from refs[: query.limit] if query.limit is not None else refs

    # -- fetch --------------------------------------------------------------------------------
    def fetch(self, ref: StudyRef, *, revalidate: bool = False) -> FetchedStudy:
        if classify(ref.accession) is None:
            raise ConfigError(f"{ref.accession!r} is not an INSDC study, sample, experiment or run accession")
        url = urls.filereport_url(ref.accession, self.hosts)
        item, changed = self.cached_file(ref.accession, "ena_filereport", url, "tsv", revalidate)
        return FetchedStudy(ref=ref, files=[item], changed=changed)

    # -- parse --------------------------------------------------------------------------------
    def parse(self, fetched: FetchedStudy) -> StudyBundle:
        accession = fetched.ref.accession
        runs: list[SequencingRun] = []
        for item in fetched.files:
            try:
                text = Path(item.path).read_bytes().decode("utf-8", "replace")
                runs += parse_filereport(text, source_file=f"filereport {accession}", path=f"filereport {accession}")
            except RnacorpusError as exc:
                raise exc.with_context(accession=accession, url=item.url) from exc
        bundle = bundle_from_runs(accession, runs)
        bundle.files = list(fetched.files)
        return bundle

    # -- lookup -------------------------------------------------------------------------------
    def lookup(self, refs: Sequence[StudyRef], *, revalidate: bool = False) -> Lookup:
        """A study's runs: its study-level filereport(s) as they are; per-sample experiments and runs by
        OR'ed portal searches (:mod:`.batch`) — the same bundles their filereports give one by one."""
        if not self.config.batch_lookups or len(refs) < 2:
            return lookup_each(self, refs, revalidate=revalidate)
        answer, alone = lookup_runs(self, refs, bundle_from_runs, revalidate=revalidate)
        answer.add(lookup_each(self, alone, revalidate=revalidate))
        return answer

    # -- links --------------------------------------------------------------------------------
    def links(self, bundle: StudyBundle) -> list[StudyRef]:
        """The filereports that hold a study's runs: its SRA/ENA study (one request), else its
        BioProject, else each sample's experiment or run (bounded). A SuperSeries has none of its own."""
        if bundle.study.archive == "ena" or bundle.study.sub_series:
            return []
        by_kind: dict[str, list[str]] = {}
        for xref in bundle.study.xrefs:
            known = classify(xref.accession)
            if known is not None and known.kind in _STUDY_KINDS:
                by_kind.setdefault(known.kind, []).append(known.accession)
        for kind in _STUDY_KINDS:
            if by_kind.get(kind):
                return [StudyRef(accession=a, source=self.name) for a in sorted(set(by_kind[kind]))]
        per_sample: list[str] = []
        for sample in bundle.samples:
            found = [
                k.accession for x in sample.xrefs if (k := classify(x.accession)) and k.kind in ("experiment", "run")
            ]
            per_sample += [a for a in found[:1] if a not in per_sample]
        if len(per_sample) > MAX_SAMPLE_LINKS:
            log.warning(
                "%s: %d samples name runs; asking ENA for the first %d",
                bundle.study.accession,
                len(per_sample),
                MAX_SAMPLE_LINKS,
            )
        return [StudyRef(accession=a, source=self.name) for a in per_sample[:MAX_SAMPLE_LINKS]]


def _sample_key(run: SequencingRun) -> str:
    return run.sample_accession or run.secondary_sample_accession or f"{run.run_accession}:sample"


def _aliases(run: SequencingRun) -> list[str]:
    """GEO names GEO-brokered experiments and samples GSM… and their runs GSM…_r1 (pysradb)."""
    out = [a for a in (run.experiment_alias, run.sample_alias) if a and classify(a) is not None]
    match = _RUN_ALIAS.match(run.run_alias or "")
    return out + ([match.group(1)] if match else [])


def bundle_from_runs(accession: str, runs: list[SequencingRun]) -> StudyBundle:
    """Runs of one ENA answer → an ENA study bundle: one sample record per BioSample, runs attached."""
    samples: dict[str, Sample] = {}
    for run in runs:
        key = _sample_key(run)
        sample = samples.get(key)
        if sample is None:
            sample = samples[key] = Sample(
                accession=key,
                study_accession=accession,
                archive="ena",
                title=run.sample_title or run.sample_alias,
                organism_taxid=run.tax_id,
                organism_name=run.scientific_name,
                library_strategy=run.library_strategy,
                library_source=run.library_source,
                library_selection=run.library_selection,
                instrument_model=run.instrument_model,
            )
        known = {x.accession for x in sample.xrefs}
        for linked in [run.secondary_sample_accession, run.experiment_accession, run.run_accession, *_aliases(run)]:
            if linked and linked not in known and linked != sample.accession:
                sample.xrefs.append(CrossRef(db=_db(linked), accession=linked, relation="ENA filereport"))
                known.add(linked)
        run.catalog_sample = key
    first = runs[0] if runs else None
    study_links = (
        [a for a in (first.study_accession, first.secondary_study_accession) if a and a != accession] if first else []
    )
    study = Study(
        accession=accession,
        archive="ena",
        title=first.study_title if first else None,
        organism_taxids=sorted({r.tax_id for r in runs if r.tax_id}),
        sample_accessions=list(samples),
        last_update_date=max((r.last_updated for r in runs if r.last_updated), default=None),
        public_date=min((r.first_public for r in runs if r.first_public), default=None),
        xrefs=[CrossRef(db=_db(a), accession=a, relation="ENA filereport") for a in study_links],
    )
    issues = []
    if not runs:
        issues.append(ParseIssue(code="ena_no_runs", message=f"ENA holds no runs for {accession} (empty answer)"))
    return StudyBundle(study=study, samples=list(samples.values()), runs=list(runs), issues=issues)


def _db(accession: str) -> str:
    known = classify(accession)
    if known is None:
        return "ENA"
    return {"geo": "GEO", "biosamples": "BioSample", "bioproject": "BioProject", "sra": "SRA", "ddbj": "DDBJ"}.get(
        known.archive, "ENA"
    )
