"""BioSamples records for a generated GEO series, as a mirror would hold them (nothing here is real data).

A generated series' samples (:mod:`rnacorpus.harvester.geo.synthetic_series`) each name a BioSample,
as GEO's sequencing samples do. :func:`write_biosample_records` writes the record BioSamples would
serve for each (``/biosamples/samples/{ACC}.json``): the submitter's characteristics under their own
keys, the organism with its NCBITaxon term, name, taxId and dates — so the mirror answers both the
per-sample route and the search pages (:mod:`rnacorpus.mirror.biosamples`) for a generated corpus, and
enrichment there is measured doing real work. ``skip`` leaves some out (samples BioSamples does not hold).
"""

from __future__ import annotations

import json
from collections.abc import Container
from pathlib import Path
from typing import Any

from rnacorpus.fileio import atomic_write
from rnacorpus.identifiers import classify
from rnacorpus.schemas import Sample, StudyBundle

__all__ = ["biosample_document", "write_biosample_records"]


def _biosample_of(sample: Sample) -> str | None:
    for xref in sample.xrefs:
        known = classify(xref.accession)
        if known is not None and known.kind == "biosample":
            return known.accession
    return None


def biosample_document(sample: Sample, accession: str) -> dict[str, Any]:
    """The BioSamples JSON record of one generated sample (shape: ARCHIVES §4)."""
    characteristics: dict[str, list[dict[str, Any]]] = {}
    if sample.organism_name:
        terms = [f"http://purl.obolibrary.org/obo/NCBITaxon_{sample.organism_taxid}"] if sample.organism_taxid else []
        characteristics["organism"] = [{"text": sample.organism_name, "ontologyTerms": terms}]
    for item in sample.characteristics:
        if item.key and item.value:
            characteristics.setdefault(item.key, []).append({"text": item.value})
    day = sample.last_update_date.isoformat() if sample.last_update_date else "2020-01-01"
    return {
        "name": sample.title or accession,
        "accession": accession,
        "taxId": sample.organism_taxid,
        "characteristics": characteristics,
        "release": f"{day}T00:00:00Z",
        "update": f"{day}T00:00:00Z",
    }


def write_biosample_records(folder: Path, bundle: StudyBundle, *, skip: Container[str] = ()) -> list[Path]:
    """One ``{ACC}.json`` per BioSample the series' samples name, under ``folder/biosamples``."""
    out = folder / "biosamples"
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for sample in bundle.samples:
        accession = _biosample_of(sample)
        if accession is None or accession in skip:
            continue
        path = out / f"{accession}.json"
        with atomic_write(path) as handle:
            handle.write(json.dumps(biosample_document(sample, accession), indent=1).encode("utf-8"))
        written.append(path)
    return written
