"""The default enrichment (ENA, then BioSamples) of a 500-sample series asks the archives a handful of
times, not 500: requests counted where they arrive, at the loopback mirror, the batched way and the
one-by-one way, with the same records merged. (A whole harvest counts the same: the generated-series
test of ``test_batched_enrichment_matches_one_by_one`` does it through ``api.harvest``.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from rnacorpus.harvester.enrich import enrich_bundle
from rnacorpus.harvester.geo.synthetic_series import metadata_series
from rnacorpus.harvester.http import HttpClient
from rnacorpus.pipeline.enrich import enriching_sources
from rnacorpus.schemas import StudyBundle
from tests.conftest import mirror_config
from tests.sources.generated_enrichment import CountingMirror, counting_mirror, generated_series_folder


def enrich(mirror: CountingMirror, folder: Path, *, batch: bool) -> tuple[StudyBundle, int, tuple[int, int]]:
    mirror.paths.clear()
    bundle = metadata_series(11, n_samples=500)
    config = mirror_config(folder, mirror.url, batch_lookups=batch)
    with HttpClient(config) as http:
        enrich_bundle(bundle, enriching_sources(config, http))
    return bundle, sum(mirror.paths.values()), mirror.biosample_requests()


@pytest.mark.slow
def test_500_biosamples_in_at_most_ten_requests_instead_of_500(tmp_path: Path) -> None:
    generated_series_folder(tmp_path / "mirror", 500, index=11)
    with counting_mirror(tmp_path / "mirror") as mirror:
        batched, batched_total, (search, single) = enrich(mirror, tmp_path / "batched", batch=True)
        one_by_one, single_total, asked = enrich(mirror, tmp_path / "single", batch=False)
    assert single == 0 and 5 <= search <= 10, mirror.paths  # 500 consecutive BioSamples: 6 blocks of 100
    assert batched_total <= search + 2  # ENA: the series' study in one filereport
    assert asked == (0, 500) and single_total >= 500
    assert len({c.origin for c in batched.external_characteristics}) == 500
    assert batched.external_characteristics == one_by_one.external_characteristics
    assert [s.xrefs for s in batched.samples] == [s.xrefs for s in one_by_one.samples]
