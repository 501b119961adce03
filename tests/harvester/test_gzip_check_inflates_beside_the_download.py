"""A gzip body is inflated in a worker thread while the download goes on; a bad body still stops it.

The check keeps one chunk in flight: the error of chunk n surfaces at the feed of chunk n + 1 (or at
``finish``), so a download stops within a chunk of the bad spot, with the error the check always gave.
"""

from __future__ import annotations

import gzip
import random

import pytest

from rnacorpus.errors import HtmlPageError, LimitExceededError, TruncatedError
from rnacorpus.harvester.checks import CheckLimits, StreamChecker
from tests.faults import HTML_ERROR_PAGE

PIECE = 4096


def pieces(data: bytes) -> list[bytes]:
    return [data[start : start + PIECE] for start in range(0, len(data), PIECE)]


def test_a_bomb_stops_the_download_within_a_chunk_of_the_limit() -> None:
    # incompressible bytes: the output passes the limit after ~250 pieces of a ~1,200-piece body
    body = pieces(gzip.compress(random.Random(0).randbytes(5_000_000), compresslevel=1))
    checker = StreamChecker("gzip", limits=CheckLimits(max_decompressed_bytes=1_000_000))
    fed = 0
    with pytest.raises(LimitExceededError, match="limit"):
        for piece in body:
            checker.feed(piece)
            fed += 1
        checker.finish()
    # the next feed after the limit reports it, long before the end of the body
    assert 200 < fed < len(body) // 2


def test_an_html_page_inside_gzip_is_refused_by_the_next_feed_or_finish() -> None:
    checker = StreamChecker("soft")
    with pytest.raises(HtmlPageError):
        for piece in pieces(gzip.compress(HTML_ERROR_PAGE * 50)):
            checker.feed(piece)
        checker.finish()


def test_a_cut_body_fed_in_pieces_is_truncated_at_finish() -> None:
    text = "".join(f"{random.Random(k).random()}\n" for k in range(20_000)).encode()
    data = gzip.compress(b"^SERIES = GSE1\n" + text)
    checker = StreamChecker("soft")
    with pytest.raises(TruncatedError):
        for piece in pieces(data[: len(data) * 2 // 3]):
            checker.feed(piece)
        checker.finish()


def test_a_good_body_fed_in_pieces_passes_and_counts_every_byte() -> None:
    data = gzip.compress(b"^SERIES = GSE1\n" + b"!Series_title = x\n" * 50_000)
    checker = StreamChecker("soft")
    for piece in pieces(data):
        checker.feed(piece)
    checker.finish()
    assert checker.raw_bytes == len(data)
    assert checker.is_gzip
