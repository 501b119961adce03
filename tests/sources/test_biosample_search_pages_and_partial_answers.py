"""BioSamples' search answers a block in pages; what a block's pages do not answer is handled per
accession: a record the search does not hold is recorded as not found, a block cut off after its last
allowed page or a search that ignored the filter is asked one by one, a malformed record fails that
accession alone, and a transient failure fails the study (retried next run) — never a silent loss."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from rnacorpus.errors import ServerError
from rnacorpus.harvester.base import SourceBase, get_source
from rnacorpus.harvester.biosamples import batch
from rnacorpus.harvester.enrich import enrich_bundle
from rnacorpus.harvester.geo.synthetic_series import metadata_series
from rnacorpus.harvester.http import HttpClient
from rnacorpus.schemas import StudyBundle
from tests.conftest import mirror_config
from tests.sources.generated_enrichment import CountingMirror, counting_mirror, generated_series_folder

N = 30
INDEX = 21


def biosamples(bundle: StudyBundle) -> list[str]:
    return [x.accession for s in bundle.samples for x in s.xrefs if x.accession.startswith("SAMN")]


@pytest.fixture(scope="module")
def mirror(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CountingMirror]:
    folder = tmp_path_factory.mktemp("biosamples-mirror")
    held = biosamples(metadata_series(INDEX, n_samples=N))
    generated_series_folder(folder, N, index=INDEX, skip={held[4]})  # BioSamples does not hold the 5th
    generated_series_folder(folder, 5, index=INDEX + 50)  # another study's records, in another block
    broken = folder / "biosamples" / f"{held[7]}.json"
    doc = json.loads(broken.read_text())
    broken.write_text(json.dumps({**doc, "characteristics": "not an object"}))
    with counting_mirror(folder) as server:
        yield server


def enrich(mirror: CountingMirror, tmp: Path, *, batch_lookups: bool = True) -> StudyBundle:
    mirror.paths.clear()
    bundle = metadata_series(INDEX, n_samples=N)
    config = mirror_config(tmp, mirror.url, batch_lookups=batch_lookups)
    with HttpClient(config) as http:
        enrich_bundle(bundle, [get_source("biosamples", http, config)])
    return bundle


def merged(bundle: StudyBundle) -> list[tuple[str, str, str]]:
    return [(c.sample_accession, c.key, c.value) for c in bundle.external_characteristics]


def failure(bundle: StudyBundle) -> str:
    (issue,) = [i for i in bundle.issues if i.code == "biosamples_link_failed"]
    return issue.message


def test_pages_of_a_block_are_read_until_the_last(
    mirror: CountingMirror, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch, "PAGE_SIZE", 4)
    monkeypatch.setattr(batch, "MAX_PAGES", 10)
    bundle = enrich(mirror, tmp_path)
    assert mirror.biosample_requests() == (8, 0)  # 30 held records (one of them broken) in pages of 4
    one_by_one = enrich(mirror, tmp_path / "single", batch_lookups=False)
    assert mirror.biosample_requests() == (0, N)
    assert merged(bundle) == merged(one_by_one) and len({c[0] for c in merged(bundle)}) == N - 2
    held = biosamples(bundle)
    message = failure(bundle)
    assert "2 of 30 records" in message and f"{held[4]}: BioSamples' search holds no {held[4]}" in message
    assert held[7] in message and "characteristics" in message
    assert "2 of 30 records" in failure(one_by_one) and held[7] in failure(one_by_one)


def test_a_block_cut_off_after_its_last_allowed_page_is_finished_one_by_one(
    mirror: CountingMirror, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch, "PAGE_SIZE", 4)
    monkeypatch.setattr(batch, "MAX_PAGES", 2)
    bundle = enrich(mirror, tmp_path)
    # two pages hold the first 8 held records; the other 22 accessions are asked one by one
    assert mirror.biosample_requests() == (2, 22)
    assert merged(bundle) == merged(enrich(mirror, tmp_path / "single", batch_lookups=False))


def test_a_search_that_ignores_the_filter_is_not_trusted(
    mirror: CountingMirror, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unfiltered(base: str, pattern: str, page: int) -> str:
        return f"{base}/samples?size=100&page={page}&filter=dt:update:from=1900-01-01"

    monkeypatch.setattr(batch, "search_url", unfiltered)
    bundle = enrich(mirror, tmp_path)
    # the page's records are the archive's own documents and are kept; but an answer that ignored the
    # filter proves nothing about absence: the one accession it did not hold is asked on its own (404)
    assert mirror.biosample_requests() == (1, 1)
    assert merged(bundle) == merged(enrich(mirror, tmp_path / "single", batch_lookups=False))
    missing = biosamples(bundle)[4]
    assert f"{missing}: " in failure(bundle) and "search holds no" not in failure(bundle)


def test_a_transient_failure_of_a_page_fails_the_study(
    mirror: CountingMirror, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fetch = SourceBase.cached_file

    def failing(self: SourceBase, accession: str, role: str, *args: object, **kwargs: object) -> object:
        if role == "biosample_search":
            raise ServerError("503 Service Unavailable", status=503, url="search")
        return fetch(self, accession, role, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(SourceBase, "cached_file", failing)
    with pytest.raises(ServerError):
        enrich(mirror, tmp_path)
