"""Files added, edited, replaced or removed while the mirror runs are seen without a restart."""

from __future__ import annotations

import gzip
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from rnacorpus.config import ARCHIVE_HOSTS
from rnacorpus.harvester.geo.urls import family_soft_url
from rnacorpus.mirror import MirrorIndex, MirrorServer


@pytest.fixture()
def mirror_dir(tmp_path: Path, corpus: Path) -> Path:
    shutil.copy(corpus / "geo/soft/GSE63966_family.soft.gz", tmp_path)
    shutil.copy(corpus / "geo/soft/GSE1299_family.soft.gz", tmp_path)
    # stamped in the past, so changes are seen through stat() alone, not through the racy-stamp rule
    past = time.time() - 100
    for path in (*tmp_path.iterdir(), tmp_path):
        os.utime(path, (past, past))
    return tmp_path


@pytest.fixture()
def mirror(mirror_dir: Path) -> Iterator[MirrorServer]:
    with MirrorServer(mirror_dir) as server:
        yield server


def soft(server: MirrorServer, accession: str, **headers: str) -> requests.Response:
    url = family_soft_url(accession, dict.fromkeys(ARCHIVE_HOSTS, server.url))
    return requests.get(url, headers=headers, timeout=10)


def esearch(server: MirrorServer, term: str) -> list[str]:
    params = {"db": "gds", "term": term, "retmode": "json", "retmax": "100"}
    result: dict[str, Any] = requests.get(f"{server.url}/entrez/eutils/esearch.fcgi", params=params, timeout=10).json()
    return [f"GSE{int(uid) - 200_000_000}" for uid in result["esearchresult"]["idlist"]]


def edited(path: Path, old: str, new: str) -> bytes:
    text = gzip.decompress(path.read_bytes()).decode()
    assert old in text
    return gzip.compress(text.replace(old, new).encode())


def test_a_file_added_in_a_new_folder_is_found(mirror: MirrorServer, mirror_dir: Path, corpus: Path) -> None:
    assert soft(mirror, "GSE2122").status_code == 404
    assert esearch(mirror, "GSE2122[ACCN] AND gse[ETYP]") == []

    (mirror_dir / "later" / "deeper").mkdir(parents=True)
    shutil.copy(corpus / "geo/soft/GSE2122.soft.gz", mirror_dir / "later" / "deeper")

    assert soft(mirror, "GSE2122").content == (corpus / "geo/soft/GSE2122.soft.gz").read_bytes()
    assert esearch(mirror, "GSE2122[ACCN] AND gse[ETYP]") == ["GSE2122"]


def test_a_file_edited_in_place_is_served_and_searched_anew(mirror: MirrorServer, mirror_dir: Path) -> None:
    path = mirror_dir / "GSE63966_family.soft.gz"
    before = soft(mirror, "GSE63966")
    window = '("2030/01/01"[MDAT] : "3000"[MDAT]) AND gse[ETYP]'
    assert esearch(mirror, window) == []

    changed = edited(path, "!Series_last_update_date = May 15 2019", "!Series_last_update_date = Jan 05 2030")
    with path.open("r+b") as handle:  # in place: the folder's mtime does not move
        handle.write(changed)
        handle.truncate()

    after = soft(mirror, "GSE63966")
    assert after.content == changed
    assert after.headers["ETag"] != before.headers["ETag"]
    assert soft(mirror, "GSE63966", **{"If-None-Match": before.headers["ETag"]}).status_code == 200
    assert esearch(mirror, window) == ["GSE63966"]


def test_a_file_replaced_atomically_is_seen(mirror: MirrorServer, mirror_dir: Path) -> None:
    path = mirror_dir / "GSE1299_family.soft.gz"
    assert "Renamed series" not in requests.get(_summary_url(mirror, "200001299"), timeout=10).text

    temp = mirror_dir / ".GSE1299_family.soft.gz.part"
    temp.write_bytes(
        edited(path, "!Series_title = Breast Cancer Cell Line Experiment", "!Series_title = Renamed series")
    )
    temp.replace(path)

    doc = requests.get(_summary_url(mirror, "200001299"), timeout=10).json()["result"]["200001299"]
    assert doc["title"] == "Renamed series"


def test_a_file_that_now_holds_another_series_moves_with_its_content(
    mirror: MirrorServer, mirror_dir: Path, corpus: Path
) -> None:
    (mirror_dir / "GSE1299_family.soft.gz").write_bytes((corpus / "geo/soft/GSE2122.soft.gz").read_bytes())
    assert soft(mirror, "GSE1299").status_code == 404
    assert soft(mirror, "GSE2122").status_code == 200


def test_a_removed_file_is_gone(mirror: MirrorServer, mirror_dir: Path) -> None:
    assert soft(mirror, "GSE1299").status_code == 200
    (mirror_dir / "GSE1299_family.soft.gz").unlink()
    assert soft(mirror, "GSE1299").status_code == 404
    assert esearch(mirror, "gse[ETYP]") == ["GSE63966"]


def _summary_url(server: MirrorServer, uid: str) -> str:
    return f"{server.url}/entrez/eutils/esummary.fcgi?db=gds&retmode=json&id={uid}"


def test_a_change_within_the_same_clock_tick_is_not_missed(tmp_path: Path) -> None:
    """Same size, same mtime, same inode: only the racy-stamp rule can tell the file changed."""
    path = tmp_path / "GSE5_family.soft"
    header = "^DATABASE = GeoMiame\n^SERIES = GSE5\n!Series_title = {}\n"
    path.write_text(header.format("first"))
    stamp = path.stat().st_mtime_ns
    index = MirrorIndex(tmp_path)
    [entry] = index.entries()

    with path.open("r+") as handle:
        handle.write(header.format("fifth"))
    os.utime(path, ns=(stamp, stamp))

    current = index.fresh(entry)
    assert current is not None and current.sniffed.fields["Series_title"] == ("fifth",)
