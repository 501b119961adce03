"""Cache keys and paths: readable, stable, free of secrets, and never outside the cache root."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnacorpus.errors import UnsafePathError
from rnacorpus.harvester.cache import RawCache
from rnacorpus.harvester.cachekeys import (
    cache_key,
    cache_relpath,
    join_under,
    normalize_url,
    redact_text,
    redact_url,
    safe_component,
    safe_filename,
)

SOFT_URL = "https://ftp.ncbi.nlm.nih.gov/geo/series/GSE1nnn/GSE1000/soft/GSE1000_family.soft.gz"


def test_geo_file_path_is_readable() -> None:
    assert str(cache_relpath("ncbi_ftp", SOFT_URL)) == (
        "ncbi_ftp/geo/series/GSE1nnn/GSE1000/soft/GSE1000_family.soft.gz"
    )


def test_directory_url_and_query_get_placeholders() -> None:
    listing = cache_relpath("ncbi_ftp", "https://ftp.ncbi.nlm.nih.gov/geo/series/GSE1nnn/GSE1000/matrix/")
    assert listing.name == "%index" and listing.parent.name == "matrix"
    page = cache_relpath("ncbi_www", "https://www.ncbi.nlm.nih.gov/geo/download/?acc=GSE1000")
    assert page.parent.as_posix() == "ncbi_www/geo/download"
    assert page.name.startswith("%index%q-") and len(page.name) == len("%index%q-") + 12


def test_query_order_and_credentials_do_not_change_key_or_path() -> None:
    plain = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esearch.fcgi?db=gds&term=GSE%5BETYP%5D"
    variant = (
        "https://EUTILS.ncbi.nlm.nih.gov:443/entrez/eutils/esearch.fcgi"
        "?api_key=SECRET&term=GSE%5BETYP%5D&tool=x&db=gds&email=a%40b.org#frag"
    )
    assert cache_key(plain) == cache_key(variant)
    assert cache_relpath("eutils", plain) == cache_relpath("eutils", variant)
    assert "SECRET" not in normalize_url(variant) and "a%40b" not in normalize_url(variant)
    assert cache_key(plain) != cache_key(plain.replace("db=gds", "db=sra"))


def test_redaction_keeps_everything_but_the_secrets() -> None:
    url = "https://eutils.ncbi.nlm.nih.gov/x.fcgi?db=gds&api_key=SECRET&email=me%40x.org&tool=rnacorpus"
    redacted = redact_url(url)
    assert "SECRET" not in redacted and "me%40x" not in redacted
    assert "api_key=REDACTED" in redacted and "tool=rnacorpus" in redacted and "db=gds" in redacted
    assert redact_url(SOFT_URL) == SOFT_URL
    assert redact_text("failed: /x?api_key=abc123&db=1 (x)") == "failed: /x?api_key=REDACTED&db=1 (x)"


@pytest.mark.parametrize("segment", ["..", ".", "%2e%2e", "%2E", ".%2e"])
def test_dot_segments_are_refused(segment: str) -> None:
    with pytest.raises(UnsafePathError):
        safe_component(segment)


def test_traversal_through_a_url_is_refused(tmp_path: Path) -> None:
    cache = RawCache(tmp_path)
    for url in (
        "https://ftp.ncbi.nlm.nih.gov/geo/../../../etc/passwd",
        "https://ftp.ncbi.nlm.nih.gov/geo/%2e%2e/%2e%2e/x",
    ):
        with pytest.raises(UnsafePathError):
            cache.path_for("ncbi_ftp", url)


@pytest.mark.parametrize(
    ("segment", "expected"),
    [
        # an encoded slash is a character, not a separator
        ("..%2F..%2Fetc%2Fpasswd", "%2E.%2F..%2Fetc%2Fpasswd"),
        (".hidden", "%2Ehidden"),  # dot-names are reserved for sidecars and temp files
        ("a b&c", "a%20b%26c"),
        ("GSE1-GPL2_series_matrix.txt.gz", "GSE1-GPL2_series_matrix.txt.gz"),
        ("%index", "%25index"),  # cannot collide with the directory placeholder
        ("naïve", "na%C3%AFve"),
    ],
)
def test_odd_characters_are_escaped(segment: str, expected: str) -> None:
    assert safe_component(segment) == expected


def test_long_names_are_shortened_with_a_hash() -> None:
    long = "x" * 300
    short = safe_component(long)
    assert len(short) < 200 and short != safe_component("x" * 299)


def test_symlink_out_of_the_cache_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "cache"
    (root / "ncbi_ftp").mkdir(parents=True)
    (root / "ncbi_ftp" / "geo").symlink_to(outside)
    with pytest.raises(UnsafePathError):
        RawCache(root).path_for("ncbi_ftp", "https://ftp.ncbi.nlm.nih.gov/geo/x.gz")


def test_join_under_refuses_absolute_and_parent_parts(tmp_path: Path) -> None:
    assert join_under(tmp_path, "a", "b") == tmp_path.resolve() / "a" / "b"
    for parts in (("/etc", "passwd"), ("a", ".."), ("",)):
        with pytest.raises(UnsafePathError):
            join_under(tmp_path, *parts)


@pytest.mark.parametrize("name", ["..", "", "dir/..", "a b.txt", "x;rm -rf", "C:\\..\\"])
def test_safe_filename_refuses_unsafe_archive_names(name: str) -> None:
    with pytest.raises(UnsafePathError):
        safe_filename(name)


def test_safe_filename_keeps_the_base_name() -> None:
    assert safe_filename("GSE1/suppl/GSM1_counts.txt.gz") == "GSM1_counts.txt.gz"
    assert safe_filename("/abs/path/GSM2.CEL.gz") == "GSM2.CEL.gz"
    assert safe_filename("../../GSM3.txt") == "GSM3.txt"  # reduced to its name, never joined as given


@settings(max_examples=100, deadline=None)
@given(
    segments=st.lists(st.text(min_size=1, max_size=40), min_size=1, max_size=5),
    query=st.text(max_size=30),
)
def test_no_url_path_escapes_the_root(
    tmp_path_factory: pytest.TempPathFactory, segments: list[str], query: str
) -> None:
    root = tmp_path_factory.getbasetemp() / "cache-root"
    url = "https://ftp.ncbi.nlm.nih.gov/" + "/".join(segments) + ("?" + query if query else "")
    try:
        path = RawCache(root).path_for("ncbi_ftp", url)
    except UnsafePathError:
        return
    assert path.resolve().is_relative_to(root.resolve())
    assert not path.name.startswith(".")
