"""From a parsed StudyBundle to a LoadPlan: the harmonize step, run per study.

The plan holds everything the load writes: per-sample harmonized columns, the shards (as deposited,
and gene-level where the genes could be mapped), per-sample units, and rows for other parts' tables
(ontology annotations, gene-mapping reports). ``pipeline_salt`` names every version that changes how
raw files are interpreted; it is part of each study's content hash, so upgrading a reference
re-harmonizes studies on the next run instead of leaving them stale.
"""

from __future__ import annotations

import functools
from concurrent.futures import ThreadPoolExecutor

from rnacorpus.catalog.plan import LoadPlan
from rnacorpus.harmonize.ontology import release_stamp
from rnacorpus.harmonize.ontology.curated import curation_stamp
from rnacorpus.pipeline.expression import (
    HarmonizedMatrices,
    OnShard,
    finish_expression,
    harmonize_matrices,
    has_values,
    reference_releases,
)
from rnacorpus.pipeline.metadata import fill_taxa, harmonize_metadata
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


def build_load_plan(
    bundle: StudyBundle, *, content_sha256: str, run_id: str = "", on_shard: OnShard | None = None
) -> LoadPlan:
    """Harmonize ``bundle``: its samples' metadata, then its matrices.

    With matrices to harmonize, the metadata step runs in a thread beside the costly part of the
    expression step (unit detection, probe mapping: numpy work that releases the GIL most of the
    time, while annotation is Python); the plan comes out as the steps run one after another make it.
    ``on_shard`` sees each shard as soon as the expression step plans it (:mod:`.shards_ahead`).
    """
    plan = LoadPlan(
        bundle=bundle,
        content_sha256=content_sha256,
        run_id=run_id,
        harmonized={sample.accession: {} for sample in bundle.samples},
    )
    fill_taxa(bundle)  # first: the gene mapping needs the organism taxa
    if not any(has_values(matrix) for matrix in bundle.expression):
        harmonize_metadata(bundle, plan)
        finish_expression(bundle, plan, harmonize_matrices(bundle, plan, on_shard))
        return plan
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="rnacorpus-metadata") as pool:
        metadata = pool.submit(harmonize_metadata, bundle, plan)
        matrices: HarmonizedMatrices | None = None
        failure: BaseException | None = None
        try:
            matrices = harmonize_matrices(bundle, plan, on_shard)
        except BaseException as exc:  # the metadata step's own error is raised first, as in sequence
            failure = exc
        metadata.result()
    if failure is not None:
        raise failure
    assert matrices is not None
    finish_expression(bundle, plan, matrices)
    return plan
