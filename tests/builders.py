"""Small synthetic StudyBundles for catalog tests (the project's own fixtures, not archive copies)."""

from __future__ import annotations

import numpy as np

from rnacorpus.schemas import (
    Characteristic,
    ExpressionMatrix,
    ExpressionSource,
    Platform,
    Sample,
    Study,
    StudyBundle,
)


def make_bundle(
    accession: str,
    samples: list[str],
    *,
    platform: str = "GPL1",
    features: list[str] | None = None,
    sub_series: list[str] | None = None,
    tissue: str = "liver",
    seed: int = 0,
    kind: str = "sample_tables",
) -> StudyBundle:
    features = features if features is not None else [f"probe_{i}" for i in range(5)]
    rng = np.random.default_rng(seed)
    study = Study(
        accession=accession,
        archive="geo",
        title=f"study {accession}",
        sample_accessions=list(samples),
        sub_series=list(sub_series or []),
        platform_accessions=[platform],
    )
    records = [
        Sample(
            accession=s,
            study_accession=accession,
            archive="geo",
            platform_accession=platform,
            organism_taxid=9606,
            organism_name="Homo sapiens",
            title=f"sample {s}",
            characteristics=[
                Characteristic(key="tissue", value=tissue),
                Characteristic(key="age", value=f"{20 + i}"),
            ],
        )
        for i, s in enumerate(samples)
    ]
    values = rng.normal(8, 2, size=(len(samples), len(features))).astype(np.float32)
    matrix = ExpressionMatrix(
        source=ExpressionSource(study_accession=accession, platform_accession=platform, kind=kind, file="x.soft.gz"),
        sample_accessions=list(samples),
        feature_ids=list(features),
        values=values,
    )
    return StudyBundle(
        study=study,
        samples=records,
        expression=[matrix],
        platforms=[Platform(accession=platform, archive="geo", title="a platform")],
    )
