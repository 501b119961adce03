"""A gzip body checked with ``defer_after`` is inflated for its head only, and still refused for
everything its head shows: an HTML page, the wrong format, a bomb. A body no longer than the prefix,
or one whose expectation needs all of it (JSON, XML, tar), is checked whole as without deferral.
"""

from __future__ import annotations

import gzip

import pytest

from rnacorpus.errors import BadContentError, HtmlPageError, LimitExceededError, TruncatedError
from rnacorpus.harvester.checks import CheckLimits, StreamChecker, check_bytes
from tests.faults import HTML_ERROR_PAGE, text_payload

PREFIX = 32 * 1024
SOFT = b"^SERIES = GSE1\n!Series_title = a study\n" + text_payload(2_000_000)


def checked(body: bytes, expect: str = "soft", step: int = 1 << 20, **kw: object) -> StreamChecker:
    checker = StreamChecker(expect, defer_after=PREFIX, **kw)  # type: ignore[arg-type]
    for start in range(0, len(body), step):
        checker.feed(body[start : start + step])
    checker.finish()
    return checker


@pytest.mark.parametrize("step", [1 << 20, 5000], ids=["1MiB-chunks", "small-chunks"])
def test_a_cut_tail_passes_the_deferred_check_and_is_reported_incomplete(step: int) -> None:
    body = gzip.compress(SOFT)
    cut = body[: int(len(body) * 0.7)]  # cut far past the prefix: only the tail is missing
    with pytest.raises(TruncatedError):
        check_bytes(cut, "soft")  # without deferral the check inflates to the end
    assert not checked(cut, step=step).complete
    assert not checked(body, step=step).complete  # a whole body too: its end is for the reader to prove


def test_html_inside_gzip_is_still_an_html_page() -> None:
    page = gzip.compress(HTML_ERROR_PAGE + b"<p>" + text_payload(2_000_000) + b"</p>")
    with pytest.raises(HtmlPageError):
        checked(page)


def test_the_wrong_format_is_still_refused() -> None:
    tsv = gzip.compress(b"GeneID\tGSM1\n" + text_payload(2_000_000))
    with pytest.raises(BadContentError, match="not a SOFT file"):
        checked(tsv)


def test_a_bomb_in_the_head_is_still_stopped() -> None:
    bomb = gzip.compress(b"^" + b"\0" * 20_000_000)
    with pytest.raises(LimitExceededError):
        checked(bomb, limits=CheckLimits(max_decompressed_bytes=1_000_000))


def test_a_body_within_the_prefix_is_checked_whole() -> None:
    small = gzip.compress(SOFT[:100_000])
    assert len(small) < PREFIX
    assert checked(small).complete
    with pytest.raises(TruncatedError):
        checked(small[: len(small) // 2])


def test_expectations_that_need_the_whole_body_never_defer() -> None:
    body = gzip.compress(b'{"a": "' + text_payload(2_000_000).replace(b"\t", b" ").replace(b"\n", b" ") + b'"}')
    assert checked(body, expect="json").complete
    with pytest.raises(TruncatedError):
        checked(body[: int(len(body) * 0.7)], expect="json")
