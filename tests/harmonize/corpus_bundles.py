"""Every GEO study record in the shared corpus, parsed in place (for tests over all real samples)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from rnacorpus.errors import RnacorpusError
from rnacorpus.harvester.geo.gds import parse_gds_soft
from rnacorpus.harvester.geo.matrix import parse_series_matrix
from rnacorpus.harvester.geo.miniml import parse_miniml
from rnacorpus.harvester.geo.soft import parse_family_soft
from rnacorpus.pipeline.metadata import fill_taxa
from rnacorpus.schemas import StudyBundle
from tests.conftest import corpus_root

_PARSERS: tuple[tuple[str, Callable[[Path], StudyBundle]], ...] = (
    ("geo/soft/GSE*", parse_family_soft),
    ("geo/miniml/*.xml", parse_miniml),
    ("geo/series_matrix/*", parse_series_matrix),
    ("geo/gds/*", parse_gds_soft),
)


@functools.cache
def corpus_bundles() -> tuple[StudyBundle, ...]:
    """One bundle per parseable study file, organism taxa filled as the harvest fills them."""
    bundles = []
    for pattern, parse in _PARSERS:
        for path in sorted(corpus_root().glob(pattern)):
            try:
                bundle = parse(path)
            except RnacorpusError:
                continue  # the corpus keeps some broken files on purpose; other tests cover them
            fill_taxa(bundle)
            bundles.append(bundle)
    return tuple(bundles)
