"""The BioSamples source: characteristics of SAMN / SAMEA / SAMD records, a metadata-only source.

It brings no studies (``provides = "sample_metadata"``): its bundles hold one sample record each and
are merged into the samples of studies that name them (:mod:`rnacorpus.harvester.enrich`) — a GSM's
``!Sample_relation = BioSample: …``, an ArrayExpress ``Comment[BioSD_SAMPLE]``, the BioSample of an
ENA run. Their characteristics are kept beside the study's own (``external_characteristics``) and
inform harmonization only where the study's own are silent (:mod:`rnacorpus.pipeline.external`).

- ``discover``: ``/biosamples/samples?filter=dt:update:from=…`` (records updated in a window), paged —
  what a refresh uses to find held samples whose BioSample changed;
- ``fetch``: ``/biosamples/samples/{ACC}.json``;
- ``lookup`` (a study's BioSamples at once): ``/biosamples/samples?filter=acc:SAMN300001.*`` per block
  of accessions, the rest one by one (:mod:`.batch`);
- ``parse``: :mod:`.records`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from rnacorpus.errors import ConfigError, RnacorpusError
from rnacorpus.harvester.base import DiscoveryQuery, FetchedStudy, Provides, SourceBase, StudyRef
from rnacorpus.harvester.biosamples.batch import lookup_biosamples
from rnacorpus.harvester.biosamples.records import BioSampleRecord, parse_biosample_json
from rnacorpus.harvester.cache_policy import NO_STORE
from rnacorpus.harvester.dates import iso_date
from rnacorpus.harvester.lookup import Lookup, lookup_each
from rnacorpus.identifiers import classify
from rnacorpus.schemas import CrossRef, Sample, Study, StudyBundle

__all__ = ["BioSamplesSource", "bundle_from_record"]

log = logging.getLogger(__name__)

PAGE_SIZE = 200
MAX_PAGES = 5000


class BioSamplesSource(SourceBase):
    name = "biosamples"
    provides: Provides = "sample_metadata"

    @property
    def base(self) -> str:
        return self.hosts["biosamples"].rstrip("/")

    def discover(self, query: DiscoveryQuery) -> Iterator[StudyRef]:
        """BioSamples updated in the window (``query.since`` … ``query.until``), newest pages first."""
        filters = []
        if query.since or query.until:
            # BioSamples' date filter: dt:update:from=YYYY-MM-DDuntil=YYYY-MM-DD (either bound optional)
            window = "dt:update:"
            window += f"from={query.since.isoformat()}" if query.since else ""
            window += f"until={query.until.isoformat()}" if query.until else ""
            filters.append(window)
        if query.organism:
            filters.append(f"attr:organism:{query.organism}")
        seen = 0
        for page in range(MAX_PAGES):
            params: list[tuple[str, Any]] = [("size", PAGE_SIZE), ("page", page)]
            params += [("filter", f) for f in filters]
            if query.text:
                params.append(("text", query.text))
            doc = self.client.get_json(f"{self.base}/samples?{urlencode(params)}", policy=NO_STORE)
            samples = (doc.get("_embedded") or {}).get("samples") or []
            for item in samples:
                accession = item.get("accession") if isinstance(item, dict) else None
                if isinstance(accession, str):
                    yield StudyRef(accession=accession, source=self.name, last_update=iso_date(item.get("update")))
                    seen += 1
                    if query.limit is not None and seen >= query.limit:
                        return
            total_pages = (doc.get("page") or {}).get("totalPages")
            if not samples or (isinstance(total_pages, int) and page + 1 >= total_pages):
                return

    def fetch(self, ref: StudyRef, *, revalidate: bool = False) -> FetchedStudy:
        known = classify(ref.accession)
        if known is None or known.kind != "biosample":
            raise ConfigError(f"{ref.accession!r} is not a BioSample accession (SAMN…, SAMEA…, SAMD…)")
        url = f"{self.base}/samples/{quote(ref.accession)}.json"
        item, changed = self.cached_file(ref.accession, "biosample", url, "json", revalidate)
        return FetchedStudy(ref=ref, files=[item], changed=changed)

    def parse(self, fetched: FetchedStudy) -> StudyBundle:
        item = fetched.files[0]
        try:
            record = parse_biosample_json(Path(item.path).read_bytes(), path=f"{fetched.ref.accession}.json")
        except RnacorpusError as exc:
            raise exc.with_context(accession=fetched.ref.accession, url=item.url) from exc
        bundle = bundle_from_record(record)
        bundle.files = list(fetched.files)
        return bundle

    def lookup(self, refs: Sequence[StudyRef], *, revalidate: bool = False) -> Lookup:
        """Every reference's record, by accession block where a block holds enough of them (:mod:`.batch`),
        the rest one by one; the same records :meth:`fetch` + :meth:`parse` give one at a time."""
        if not self.config.batch_lookups:
            return lookup_each(self, refs, revalidate=revalidate)
        answer, alone = lookup_biosamples(self, refs, bundle_from_record, revalidate=revalidate)
        wanted = set(alone)
        answer.add(lookup_each(self, [ref for ref in refs if ref.accession in wanted], revalidate=revalidate))
        return answer

    def links(self, bundle: StudyBundle) -> list[StudyRef]:
        """The BioSamples a study's samples (and their runs) name, each once."""
        named: list[str] = []
        accessions = [x.accession for s in bundle.samples for x in s.xrefs] + [
            a for run in bundle.runs for a in (run.sample_accession,) if a
        ]
        for accession in accessions:
            known = classify(accession)
            if known is not None and known.kind == "biosample" and known.accession not in named:
                named.append(known.accession)
        return [StudyRef(accession=a, source=self.name) for a in named]


def bundle_from_record(record: BioSampleRecord) -> StudyBundle:
    """One BioSample → a bundle holding its one sample record (merged into studies, never loaded alone)."""
    sample = Sample(
        accession=record.accession,
        study_accession=record.accession,
        archive="biosamples",
        title=record.name,
        organism_taxid=record.tax_id,
        organism_name=record.organism,
        last_update_date=record.update,
        xrefs=[CrossRef(db="SRA", accession=a, relation="BioSamples") for a in record.links],
    )
    study = Study(
        accession=record.accession,
        archive="biosamples",
        title=record.name,
        public_date=record.release,
        last_update_date=record.update,
        sample_accessions=[record.accession],
    )
    return StudyBundle(study=study, samples=[sample], external_characteristics=list(record.characteristics))
