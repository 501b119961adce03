"""Discovery through E-utilities on the mirror, and a second run with --offline from the cache alone."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from rnacorpus import api
from rnacorpus.mirror import MirrorServer
from tests.conftest import corpus_root, mirror_config


def mouse_series_in_corpus() -> set[str]:
    """Series whose own header (family SOFT / series matrix) names Mus musculus — a plain text scan."""
    found = set()
    for path in [*corpus_root().glob("geo/soft/*"), *corpus_root().glob("geo/series_matrix/*")]:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8", errors="replace") as handle:
            header = "".join(line for _, line in zip(range(400), handle, strict=False))
        series = re.search(r"^!Series_geo_accession\s*[=\t]\s*\"?(GSE\d+)", header, re.M)
        if series and re.search(r"^!Series_(sample_)?(organism|taxid)\S*\s*[=\t].*(Mus musculus|10090)", header, re.M):
            found.add(series.group(1))
    return found


def test_discovery_by_organism_harvests_what_the_archive_lists(corpus_mirror: MirrorServer, tmp_path: Path) -> None:
    config = mirror_config(tmp_path, corpus_mirror.url)
    report = api.harvest(organism="Mus musculus", config=config)
    discovered = {r.accession for r in report.results}
    expected = mouse_series_in_corpus()
    assert len(expected) >= 3 and expected <= discovered
    assert report.counts["failed"] == 0, [r.message for r in report.failed]


def test_offline_rerun_reads_only_the_cache(corpus_mirror: MirrorServer, tmp_path: Path) -> None:
    online = mirror_config(tmp_path, corpus_mirror.url)
    first = api.harvest(["GSE1299", "GSE63966"], config=online)
    assert first.counts["new"] == 2
    # No mirror, real archive hosts: any request would leave this machine and fail; offline makes none.
    offline = online.with_(mirror=None, offline=True)
    again = api.harvest(["GSE1299", "GSE63966"], config=offline)
    assert again.counts == {**again.counts, "unchanged": 2, "failed": 0}
    missing = api.harvest(["GSE2388"], config=offline)
    assert [(r.outcome, r.error_kind) for r in missing.results] == [("failed", "offline_miss")]


@pytest.mark.parametrize("term", ['"Homo sapiens"[ORGN] AND "2023/01/01"[PDAT] : "3000"[PDAT]'])
def test_free_text_query_goes_through_esearch(corpus_mirror: MirrorServer, tmp_path: Path, term: str) -> None:
    report = api.harvest(query=term, config=mirror_config(tmp_path, corpus_mirror.url), limit=5)
    assert 0 < len(report.results) <= 5
    assert report.exit_code == 0, [r.message for r in report.failed]
