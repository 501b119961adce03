"""``rnacorpus refresh`` through the real console entry point: one summary line, failures listed,
``--json`` the report, exit codes 0 / 1 / 2 — what a cron job sees."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
from pathlib import Path

from rnacorpus.mirror import MirrorServer
from tests.reliability.refresh_support import clone_site, edit_series, read_one, run_cli


def test_first_refresh_of_an_empty_catalog_asks_for_since(tmp_path: Path) -> None:
    catalog = tmp_path / "new.duckdb"
    done = run_cli("refresh", "--catalog", str(catalog), "--mirror", "http://127.0.0.1:9", cwd=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "give --since DATE for the first refresh" in done.stderr
    assert not catalog.exists(), "a run that cannot plan creates nothing"


def test_an_unchanged_archive_prints_one_line_and_exits_0(tmp_path: Path) -> None:
    site = clone_site(tmp_path / "site")
    with MirrorServer(site.archive) as mirror:
        done = run_cli("refresh", *site.cli_paths(), "--mirror", mirror.url, "--json", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout)
        assert report["counts"]["new"] == report["counts"]["updated"] == report["counts"]["failed"] == 0
        assert report["refresh"]["window_from"] == "2024-07-17" and report["refresh"]["watermark_after"] == "2024-07-20"

        plain = run_cli("refresh", *site.cli_paths(), "--mirror", mirror.url, cwd=tmp_path)
    assert plain.returncode == 0, plain.stderr
    assert re.fullmatch(r"refresh \d{8}T\d{6}-[0-9a-f]{8}: 0 new, 0 updated, 2 unchanged, 0 failed\n", plain.stdout)
    assert plain.stderr == "", "quiet by default: nothing for cron to mail"
    stored = json.loads(str(read_one(site.catalog, "SELECT details FROM runs ORDER BY started DESC LIMIT 1")))
    assert stored["command"] == "refresh" and stored["refresh"]["basis"] == "watermark"


def test_a_failed_study_is_listed_and_exits_1(tmp_path: Path) -> None:
    site = clone_site(tmp_path / "site")
    # GEO's counts table for GSE990101 now repeats a sample column: a parse error, found after fetching
    counts = site.archive / "GSE990101_raw_counts_GRCh38.p13_NCBI.tsv.gz"
    header, rest = gzip.decompress(counts.read_bytes()).decode().split("\n", 1)
    columns = header.split("\t")
    counts.write_bytes(
        gzip.compress("\t".join([*columns[:2], columns[1], *columns[3:]]).encode() + b"\n" + rest.encode())
    )
    edit_series(site.archive, "GSE990101", last_update=dt.date(2024, 9, 9))
    with MirrorServer(site.archive) as mirror:
        done = run_cli("refresh", *site.cli_paths(), "--mirror", mirror.url, cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    summary, failure = done.stdout.splitlines()
    assert summary.endswith(": 0 new, 0 updated, 2 unchanged, 1 failed")
    assert failure.startswith("  failed GSE990101 [parse/parse_error]: ") and "repeated sample columns" in failure
    assert read_one(site.catalog, "SELECT step FROM quarantine WHERE accession = 'GSE990101'") == "parse"
    assert read_one(site.catalog, "SELECT last_update FROM watermarks") == dt.date(2024, 7, 20)
