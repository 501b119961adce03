"""From a parsed StudyBundle to a LoadPlan: the harmonize step, run per study.

The plan holds everything the load writes: per-sample harmonized columns, the shards (as deposited,
and gene-level where the genes could be mapped), per-sample units, and rows for other parts' tables
(ontology annotations, gene-mapping reports). ``pipeline_salt`` names every version that changes how
raw files are interpreted; it is part of each study's content hash, so upgrading a reference
re-harmonizes studies on the next run instead of leaving them stale.
"""

from __future__ import annotations

import functools

from rnacorpus.catalog.plan import LoadPlan
from rnacorpus.harmonize.ontology import release_stamp
from rnacorpus.harmonize.ontology.curated import curation_stamp
from rnacorpus.pipeline.expression import harmonize_expression, reference_releases
from rnacorpus.pipeline.metadata import harmonize_metadata
from rnacorpus.schemas import SCHEMA_VERSION, StudyBundle

__all__ = ["build_load_plan", "pipeline_salt", "reference_versions"]

#: bump when the pipeline's own interpretation of raw files changes
PIPELINE_VERSION = "1"


@functools.lru_cache(maxsize=1)
def reference_versions() -> dict[str, str]:
    """Releases of every reference the harmonize step uses, stamped into the catalog and exports."""
    return {
        "pipeline_version": PIPELINE_VERSION,
        "ontology_release": release_stamp(),
        "harmonize_curation": curation_stamp(),
        **reference_releases(),
    }


def pipeline_salt() -> str:
    stamps = ";".join(f"{k}={v}" for k, v in sorted(reference_versions().items()))
    return f"schema={SCHEMA_VERSION};{stamps}"


def build_load_plan(bundle: StudyBundle, *, content_sha256: str, run_id: str = "") -> LoadPlan:
    plan = LoadPlan(
        bundle=bundle,
        content_sha256=content_sha256,
        run_id=run_id,
        harmonized={sample.accession: {} for sample in bundle.samples},
    )
    harmonize_metadata(bundle, plan)  # first: fills organism taxa the gene mapping needs
    harmonize_expression(bundle, plan)
    return plan
