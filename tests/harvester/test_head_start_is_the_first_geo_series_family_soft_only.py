"""What a harvest's head start downloads (:mod:`rnacorpus.harvester.head_start`): the family SOFT of
the first study when that study is a GEO series — the file, URL and expectation GEO's fetch asks for
first — and nothing when the first study is another archive's, when the run is offline or its cache
is remote, or when the run will refuse its accessions."""

from __future__ import annotations

from pathlib import Path

import pytest

from rnacorpus.config import Config
from rnacorpus.harvester.head_start import HeadFile, _start, head_file


def test_a_geo_series_starts_with_its_family_soft() -> None:
    config = Config(mirror="http://127.0.0.1:9")
    assert head_file(" gse2221 ", config) == HeadFile(
        "GSE2221", "https://ftp.ncbi.nlm.nih.gov/geo/series/GSE2nnn/GSE2221/soft/GSE2221_family.soft.gz", "soft"
    )


@pytest.mark.parametrize("accession", ["E-MTAB-5214", "SRP049776", "PRJNA268567", "GSM1561753", "nonsense"])
def test_other_accessions_start_nothing(accession: str) -> None:
    assert head_file(accession, Config()) is None


@pytest.mark.parametrize(
    ("accessions", "options"),
    [
        ([], {}),
        (["GSE2221"], {"offline": True}),
        (["GSE2221"], {"cache_dir": "s3://bucket/cache"}),
        (["GSE2221", "GSM1561753"], {}),  # the run refuses a sample accession before fetching anything
        (["E-MTAB-5214", "GSE2221"], {}),
    ],
    ids=["none", "offline", "remote-cache", "refused", "first-not-geo"],
)
def test_no_child_is_started(tmp_path: Path, accessions: list[str], options: dict[str, object]) -> None:
    config = Config(**{"cache_dir": tmp_path / "cache", "mirror": "http://127.0.0.1:9", **options})  # type: ignore[arg-type]
    assert _start(accessions, config) is None
