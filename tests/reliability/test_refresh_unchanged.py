"""A refresh over an unchanged mirror: "0 new, 0 updated", nothing written but the run log."""

from __future__ import annotations

import json
from pathlib import Path

from rnacorpus.harvester.geo.urls import family_soft_url, matrix_dir_url
from rnacorpus.harvester.http import HttpClient
from rnacorpus.mirror import MirrorServer
from rnacorpus.pipeline.refresh import RefreshRequest, refresh
from tests.reliability.refresh_support import (
    TEMPLATE_WATERMARK,
    clone_site,
    data_fingerprint,
    read_one,
    store_files,
)


def _sidecar(client: HttpClient, url: str) -> dict[str, object]:
    """What the raw cache recorded about one file (fetched_at moves on download, validated_at on 304 too)."""
    path = client.cache.path_for("ncbi_ftp", url)
    data: dict[str, object] = json.loads(client.cache.sidecar_path(path).read_text())
    return data


def test_unchanged_mirror_means_no_data_writes(tmp_path: Path) -> None:
    site = clone_site(tmp_path / "site")
    with MirrorServer(site.archive) as mirror:
        config = site.config(mirror.url)
        # A copied folder gives the files new inodes, hence new ETags: settle once so that the run
        # under test sees exactly what a nightly run over an unchanged archive sees.
        settle = refresh(config=config)
        assert settle.exit_code == 0, settle.to_dict()

        tables, files = data_fingerprint(site.catalog), store_files(config.store_dir)
        runs_before = read_one(site.catalog, "SELECT count(*) FROM runs")
        with HttpClient(config) as client:
            soft = family_soft_url("GSE990103", config.base_urls)
            listing = matrix_dir_url("GSE990103", config.base_urls)
            before, listing_before = _sidecar(client, soft), _sidecar(client, listing)
            report = refresh(RefreshRequest(), config=config, client=client)
            after, listing_after = _sidecar(client, soft), _sidecar(client, listing)

    assert report.exit_code == 0, report.to_dict()
    assert report.summary_line().endswith(": 0 new, 0 updated, 2 unchanged, 0 failed")
    assert {r.accession for r in report.results} == {"GSE990100", "GSE990103"}  # the window's studies
    assert data_fingerprint(site.catalog) == tables, "a data table changed"
    assert store_files(config.store_dir) == files, "a store file was written"
    assert report.watermark_after == TEMPLATE_WATERMARK
    assert read_one(site.catalog, "SELECT last_update FROM watermarks WHERE source = 'geo'") == TEMPLATE_WATERMARK
    # the run log is the one write, and it records the run
    assert read_one(site.catalog, "SELECT count(*) FROM runs") == int(str(runs_before)) + 1
    assert read_one(site.catalog, "SELECT status FROM runs WHERE run_id = ?", [report.run_id]) == "ok"
    # the family SOFT was asked about (conditional request answered 304), not downloaded again
    assert after["validated_at"] != before["validated_at"]
    assert (after["fetched_at"], after["sha256"]) == (before["fetched_at"], before["sha256"])
    # so was the series-matrix listing, a small answer read through get_text
    assert listing_after["validated_at"] != listing_before["validated_at"]
    assert listing_after["sha256"] == listing_before["sha256"]


def test_refreshing_everything_since_a_date_is_unchanged_too(tmp_path: Path) -> None:
    site = clone_site(tmp_path / "site")
    with MirrorServer(site.archive) as mirror:
        config = site.config(mirror.url)
        report = refresh(RefreshRequest(since=TEMPLATE_WATERMARK.replace(month=1, day=1)), config=config)
    assert report.counts == {**report.counts, "new": 0, "updated": 0, "unchanged": 4, "failed": 0}
    assert report.watermark_after == TEMPLATE_WATERMARK
