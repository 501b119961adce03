"""Response checks, fed the way downloads feed them: chunk by chunk, before the file is renamed."""

from __future__ import annotations

import gzip
import io
import json
import tarfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnacorpus.errors import BadContentError, HtmlPageError, LimitExceededError, RateLimitedError, TruncatedError
from rnacorpus.harvester.body_checks import eutils_error
from rnacorpus.harvester.checks import CheckLimits, StreamChecker, check_bytes
from tests.faults import ESEARCH_ERROR, EUTILS_RATE_LIMIT, HTML_ERROR_PAGE

SOFT = b"^DATABASE = GeoMiame\n!Database_name = Gene Expression Omnibus (GEO)\n^SERIES = GSE1\n"


def feed_in_pieces(data: bytes, expect: str, size: int, **kwargs: object) -> StreamChecker:
    checker = StreamChecker(expect, **kwargs)  # type: ignore[arg-type]
    for start in range(0, len(data), size):
        checker.feed(data[start : start + size])
    checker.finish()
    return checker


def tar_bytes(members: dict[str, bytes], *, compress: bool = False) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz" if compress else "w") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


# -- gzip ---------------------------------------------------------------------------------------


def test_gzip_that_inflates_to_its_end_passes() -> None:
    checker = check_bytes(gzip.compress(SOFT), "gzip")
    assert checker.is_gzip


def test_multi_member_gzip_passes() -> None:
    check_bytes(gzip.compress(SOFT) + gzip.compress(SOFT), "soft")


@pytest.mark.parametrize("keep", [3, 20, -8, -1])
def test_cut_gzip_is_truncated(keep: int) -> None:
    data = gzip.compress(SOFT * 50)
    with pytest.raises(TruncatedError):
        check_bytes(data[:keep], "gzip")


def test_not_gzip_where_gzip_expected() -> None:
    with pytest.raises(BadContentError, match="expected gzip"):
        check_bytes(SOFT, "gzip")


def test_garbage_after_the_gzip_stream() -> None:
    with pytest.raises(BadContentError, match="after the end"):
        check_bytes(gzip.compress(SOFT) + b"trailing junk", "gzip")


def test_zero_padding_after_the_gzip_stream_is_fine() -> None:
    check_bytes(gzip.compress(SOFT) + b"\0" * 100, "gzip")


def test_gzip_bomb_by_size() -> None:
    with pytest.raises(LimitExceededError, match="limit"):
        limits = CheckLimits(max_decompressed_bytes=1_000_000)
        check_bytes(gzip.compress(b"\0" * 5_000_000), "gzip", limits=limits)


def test_gzip_bomb_by_ratio() -> None:
    bomb = gzip.compress(b"\0" * (70 * 1024**2), compresslevel=9)
    with pytest.raises(LimitExceededError, match="ratio"):
        check_bytes(bomb, "gzip", limits=CheckLimits(max_ratio=100.0))


def test_gzip_of_an_html_page_is_rejected() -> None:
    with pytest.raises(HtmlPageError, match="HTML"):
        check_bytes(gzip.compress(HTML_ERROR_PAGE), "gzip")


# -- SOFT, text ---------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", [b"", b"\xef\xbb\xbf", b"\n\n  "])
def test_soft_prefix_after_bom_and_blank_lines(prefix: bytes) -> None:
    check_bytes(prefix + SOFT, "soft")
    check_bytes(gzip.compress(prefix + SOFT), "soft")


def test_soft_wrong_start_is_rejected_even_inside_valid_gzip() -> None:
    with pytest.raises(BadContentError, match="not a SOFT file"):
        check_bytes(gzip.compress(b"GeneID\tGSM1\n1\t2\n"), "soft")


def test_text_with_nul_bytes_is_binary() -> None:
    with pytest.raises(BadContentError, match="binary"):
        check_bytes(b"ID\tvalue\n\0\0\0", "tsv")


def test_empty_body_is_transient_where_content_is_required() -> None:
    with pytest.raises(TruncatedError, match="empty"):
        check_bytes(b"", "json")
    check_bytes(b"", "text")


# -- HTML error pages -----------------------------------------------------------------------------


@pytest.mark.parametrize("expect", ["gzip", "soft", "json", "xml", "tsv", "text", "tar"])
def test_html_page_is_a_transient_html_page_error_for_every_non_html_expectation(expect: str) -> None:
    with pytest.raises(HtmlPageError, match="HTML"):
        feed_in_pieces(HTML_ERROR_PAGE, expect, 1)


def test_html_content_type_is_refused_before_any_body() -> None:
    with pytest.raises(HtmlPageError, match="Content-Type"):
        StreamChecker("soft", content_type="text/html; charset=UTF-8")


@pytest.mark.parametrize("expect", ["html", "any"])
def test_html_is_fine_when_asked_for(expect: str) -> None:
    feed_in_pieces(HTML_ERROR_PAGE, expect, 7, content_type="text/html")


def test_uppercase_html_tag_is_detected() -> None:
    with pytest.raises(HtmlPageError, match="HTML"):
        check_bytes(b"  <HTML><BODY>Error</BODY></HTML>", "text")


# -- JSON, E-utilities ------------------------------------------------------------------------------


def test_json_value_is_kept() -> None:
    checker = check_bytes(b'{"esearchresult": {"count": "2", "idlist": ["1", "2"]}}', "json")
    assert checker.json_value["esearchresult"]["idlist"] == ["1", "2"]


def test_invalid_json() -> None:
    with pytest.raises(BadContentError, match="JSON"):
        check_bytes(b'{"esearchresult": ', "json")


def test_eutils_rate_limit_object_is_rate_limited() -> None:
    with pytest.raises(RateLimitedError):
        check_bytes(json.dumps(EUTILS_RATE_LIMIT).encode(), "json")


def test_esearch_error_is_bad_content() -> None:
    with pytest.raises(BadContentError, match="Empty term"):
        check_bytes(json.dumps(ESEARCH_ERROR).encode(), "json")


def test_other_eutils_error_is_bad_content() -> None:
    error = eutils_error({"error": "Invalid uid 99 at position 0"})
    assert isinstance(error, BadContentError)
    assert eutils_error({"esearchresult": {"count": "0", "idlist": []}}) is None
    assert eutils_error([1, 2]) is None


# -- XML --------------------------------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;">]>
<MINiML>&lol3;</MINiML>"""
EXTERNAL = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>"""


def test_xml_parses_in_pieces() -> None:
    feed_in_pieces(b'<?xml version="1.0"?><MINiML><Series iid="GSE1"/></MINiML>', "xml", 5)


@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL], ids=["entities", "external"])
def test_unsafe_xml_is_rejected(document: bytes) -> None:
    with pytest.raises(BadContentError, match="unsafe XML"):
        check_bytes(document, "xml")


def test_malformed_xml() -> None:
    with pytest.raises(BadContentError, match="well-formed"):
        check_bytes(b"<MINiML><Series></MINiML>", "xml")


# -- tar --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("compress", [False, True], ids=["tar", "tgz"])
@pytest.mark.parametrize("piece", [1, 511, 4096])
def test_tar_walks_to_the_end_marker(compress: bool, piece: int) -> None:
    members = {"GSE1_family.xml": b"<MINiML/>" * 100, "GPL1-tbl-1.txt": b"1\t2\n" * 300}
    data = tar_bytes(members, compress=compress)
    feed_in_pieces(data, "tar", piece)


def test_cut_tar_is_truncated() -> None:
    data = tar_bytes({"a.txt": b"x" * 5000, "b.txt": b"y" * 5000})
    with pytest.raises(TruncatedError, match="tar"):
        check_bytes(data[:6000], "tar")


def test_non_tar_is_bad_content() -> None:
    with pytest.raises(BadContentError, match="not a tar"):
        check_bytes(b"x" * 2048, "tar")


# -- the verdict does not depend on how the body is cut into chunks ------------------------------------


@settings(max_examples=40, deadline=None)
@given(cuts=st.lists(st.integers(min_value=1, max_value=64), min_size=1, max_size=20), good=st.booleans())
def test_chunking_never_changes_the_verdict(cuts: list[int], good: bool) -> None:
    data = gzip.compress(SOFT * 20 if good else b"<!DOCTYPE html><html></html>" * 20)
    checker = StreamChecker("soft")
    position = 0
    try:
        for size in cuts:
            checker.feed(data[position : position + size])
            position += size
        checker.feed(data[position:])
        checker.finish()
        verdict = "ok"
    except HtmlPageError:
        verdict = "bad"
    assert verdict == ("ok" if good else "bad")


def test_unknown_expectation_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown expect"):
        StreamChecker("pdf")
