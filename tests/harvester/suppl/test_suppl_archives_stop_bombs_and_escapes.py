"""Compressed files and archives are read within the bomb limits; members never escape their folder."""

from __future__ import annotations

import bz2
import gzip
import io
import tarfile
import zipfile
from pathlib import Path

import pytest

from rnacorpus.errors import LimitExceededError, UnsafePathError
from rnacorpus.harvester.geo.suppl_assemble import add_supplementary
from rnacorpus.harvester.geo.suppl_io import SupplLimits, iter_archive_members, open_decompressed, safe_name
from rnacorpus.schemas import Sample, SourceFile, Study, StudyBundle

SMALL = SupplLimits(max_bytes=1024**2, max_ratio=250.0, max_members=100, max_archive_bytes=2 * 1024**2)


def _zeros(n: int) -> bytes:
    return b"0" * n


@pytest.mark.parametrize("pack", [gzip.compress, bz2.compress], ids=["gzip", "bz2"])
def test_a_compressed_bomb_stops_at_the_byte_cap(tmp_path: Path, pack) -> None:
    path = tmp_path / "GSE1_counts.txt.x"
    path.write_bytes(pack(_zeros(8 * 1024**2)))
    with pytest.raises(LimitExceededError, match="limit"), open_decompressed(path, limits=SMALL) as stream:
        while stream.read(1 << 16):
            pass


def test_a_zip_bomb_is_refused_from_its_directory_before_inflating(tmp_path: Path) -> None:
    path = tmp_path / "GSE1_counts.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("counts.txt", _zeros(8 * 1024**2))
    with pytest.raises(LimitExceededError, match="zip bomb"):
        open_decompressed(path, limits=SMALL)
    with pytest.raises(LimitExceededError, match="zip bomb"):
        list(iter_archive_members(path, limits=SMALL))


def _tar(path: Path, members: dict[str, bytes], *, gz: bool = False, link: str | None = None) -> None:
    with tarfile.open(path, "w:gz" if gz else "w") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        if link:
            info = tarfile.TarInfo(link)
            info.type = tarfile.SYMTYPE
            info.linkname = "/etc/passwd"
            archive.addfile(info)


def test_a_tar_bomb_member_is_refused_by_its_declared_size(tmp_path: Path) -> None:
    path = tmp_path / "GSE1_RAW.tar.gz"
    _tar(path, {"GSM1_counts.txt": _zeros(3 * 1024**2)}, gz=True)
    with pytest.raises(LimitExceededError):
        list(iter_archive_members(path, limits=SMALL))


def test_tar_members_add_up_to_the_archive_cap(tmp_path: Path) -> None:
    path = tmp_path / "GSE1_RAW.tar"
    _tar(path, {f"GSM{i}_counts.txt": _zeros(900 * 1024) for i in range(4)})
    with pytest.raises(LimitExceededError, match="add up"):
        list(iter_archive_members(path, limits=SMALL))


@pytest.mark.parametrize("name", ["../GSM1_x.txt", "/etc/GSM1_x.txt", "a/../../GSM1_x.txt"])
def test_members_escaping_the_folder_are_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / "GSE1_RAW.tar"
    _tar(path, {name: b"gene\tx\nA\t1\n"})
    with pytest.raises(UnsafePathError):
        list(iter_archive_members(path, limits=SMALL))


def test_links_in_an_archive_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "GSE1_RAW.tar"
    _tar(path, {"GSM1_x.txt": b"gene\tx\nA\t1\n"}, link="GSM2_x.txt")
    with pytest.raises(UnsafePathError, match="link"):
        list(iter_archive_members(path, limits=SMALL))


def test_a_subfolder_member_is_read_by_its_base_name_and_unwanted_members_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "GSE1_RAW.tar"
    _tar(path, {"sub/GSM1_x.txt": b"a", "GSM2_y.CEL": b"b"})
    members = list(iter_archive_members(path, wanted=lambda n: n.endswith(".txt"), limits=SMALL))
    assert [(m.name, m.member, m.data.read()) for m in members] == [("GSM1_x.txt", "sub/GSM1_x.txt", b"a")]
    assert safe_name("GSM1_x.txt.gz") == "GSM1_x.txt.gz"


def test_a_bomb_in_a_series_archive_quarantines_that_file_and_the_study_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "GSE1_RAW.tar"
    _tar(path, {"GSM1_counts.txt.gz": gzip.compress(b"gene\tcount\n" + _zeros(6 * 1024**2))})
    bundle = StudyBundle(
        study=Study(accession="GSE1", archive="geo"),
        samples=[Sample(accession="GSM1", study_accession="GSE1", archive="geo")],
    )
    url = "https://ftp.ncbi.nlm.nih.gov/geo/series/GSE1nnn/GSE1/suppl/GSE1_RAW.tar"
    add_supplementary(bundle, [SourceFile(url, str(path), "", 0, "suppl_archive")], limits=SMALL)
    assert bundle.expression == []
    (issue,) = [i for i in bundle.issues if i.level == "error"]
    assert issue.path == "GSM1_counts.txt.gz" and "limit" in issue.message
