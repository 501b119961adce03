"""The threaded gzip stream a SOFT parser reads (``open_maybe_gzip(threaded=True)``) hands over the
blocks its inflating thread made (``read_block``) instead of copying them into the reader's buffer.
It must give the same bytes as the plain reader, in order, across members; raise a corrupt or cut
stream's error in the reading thread after the bytes before it, as ``TruncatedError``; keep the size
limit; record a file read to its end as proven whole; and leave no thread behind when it is closed
early. The SOFT scanner must read the same entities through it as from the plain text."""

from __future__ import annotations

import contextlib
import gzip
import io
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnacorpus.errors import LimitExceededError, TruncatedError
from rnacorpus.fileio import file_identity, open_maybe_gzip, recording_whole_reads
from rnacorpus.harvester.geo.soft_entities import iter_entities
from rnacorpus.inflated_blocks import InflatingThread

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


def _text(size: int, seed: int) -> bytes:
    """Incompressible-enough text (the blocks are ISA-L's size, the members' ends fall anywhere)."""
    out, x = bytearray(), seed
    while len(out) < size:
        x = (x * 6364136223846793005 + 1442695040888963407) % 2**64
        out += f"{x:x}\t{x % 997}\n".encode()
    return bytes(out[:size])


def _read_all(stream: io.RawIOBase, how: str) -> bytes:
    parts = []
    while True:
        if how == "blocks":
            part = stream.read_block()  # type: ignore[attr-defined]
        else:
            buffer = bytearray(70_001)
            n = stream.readinto(buffer)
            part = bytes(buffer[: n or 0])
        if not part:
            return b"".join(parts)
        parts.append(part)


def _threads() -> set[str]:
    return {t.name for t in threading.enumerate()}


@settings(max_examples=12, deadline=None)
@given(st.lists(st.integers(0, 3_000_000), min_size=1, max_size=3), st.sampled_from(["blocks", "readinto", "mixed"]))
def test_the_blocks_are_the_inflated_bytes_in_order(
    tmp_path_factory: pytest.TempPathFactory, sizes: list[int], how: str
) -> None:
    folder = tmp_path_factory.mktemp("gz")
    members = [_text(size, seed) for seed, size in enumerate(sizes)]
    path = folder / "x.gz"
    path.write_bytes(b"".join(gzip.compress(member, compresslevel=1) for member in members))
    with open_maybe_gzip(path, threaded=True) as stream:
        if how == "mixed":  # a readinto that takes part of a block, then whole blocks
            head = bytearray(1000)
            n = stream.readinto(head)
            got = bytes(head[:n]) + _read_all(stream, "blocks")  # type: ignore[arg-type]
        else:
            got = _read_all(stream, how)  # type: ignore[arg-type]
    assert got == b"".join(members)


@pytest.mark.parametrize("how", ["blocks", "readinto"])
def test_a_corrupt_stream_raises_in_the_reader_after_the_bytes_before_it(tmp_path: Path, how: str) -> None:
    text = _text(6_000_000, 7)
    body = bytearray(gzip.compress(text, compresslevel=1))
    body[len(body) * 3 // 4 :] = bytes(len(body) - len(body) * 3 // 4)  # the last quarter zeroed
    path = tmp_path / "bad.gz"
    path.write_bytes(bytes(body))
    got = bytearray()
    with open_maybe_gzip(path, threaded=True) as stream, pytest.raises(TruncatedError):
        while True:
            if how == "blocks":
                part = stream.read_block()  # type: ignore[attr-defined]
            else:
                buffer = bytearray(1 << 20)
                part = bytes(buffer[: stream.readinto(buffer)])  # type: ignore[attr-defined]
            if not part:
                break
            got += part
    # what came before the damage was handed over first (the damaged block itself may decode to anything)
    assert len(got) > 1 << 20 and bytes(got[: 1 << 20]) == text[: 1 << 20]


def test_a_cut_stream_is_truncated_and_not_recorded_as_whole(tmp_path: Path) -> None:
    body = gzip.compress(_text(3_000_000, 3), compresslevel=1)
    path = tmp_path / "cut.gz"
    path.write_bytes(body[: len(body) - 100])
    with (
        recording_whole_reads() as whole,
        open_maybe_gzip(path, threaded=True) as stream,
        pytest.raises(TruncatedError),
    ):
        _read_all(stream, "blocks")  # type: ignore[arg-type]
    assert not whole


def test_a_file_read_to_its_end_by_blocks_is_recorded_as_whole(tmp_path: Path) -> None:
    path = tmp_path / "whole.gz"
    path.write_bytes(gzip.compress(_text(2_500_000, 5), compresslevel=1))
    with recording_whole_reads() as whole, open_maybe_gzip(path, threaded=True) as stream:
        _read_all(stream, "blocks")  # type: ignore[arg-type]
    assert whole == {file_identity(path.stat())}


def test_the_size_limit_holds_for_blocks(tmp_path: Path) -> None:
    path = tmp_path / "big.gz"
    path.write_bytes(gzip.compress(bytes(5_000_000)))
    with open_maybe_gzip(path, threaded=True, max_bytes=3_000_000) as stream, pytest.raises(LimitExceededError):
        _read_all(stream, "blocks")  # type: ignore[arg-type]


def test_closing_early_stops_the_inflating_thread_and_leaves_the_file_to_its_owner(tmp_path: Path) -> None:
    path = tmp_path / "long.gz"
    path.write_bytes(gzip.compress(_text(8_000_000, 9), compresslevel=1))
    before = _threads()
    with path.open("rb") as raw:
        reader = InflatingThread(raw)  # type: ignore[arg-type]
        assert reader.read_block()
        reader.close()
        assert not raw.closed  # the caller's
        with pytest.raises(ValueError):
            reader.read_block()
    deadline = time.monotonic() + 5
    while "inflate-gzip" in _threads() - before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert "inflate-gzip" not in _threads() - before


def test_the_soft_scanner_reads_the_same_entities_through_the_blocks(tmp_path: Path) -> None:
    sources = sorted(CORPUS.glob("**/*family.soft.gz"))[:3]
    if not sources:
        pytest.skip("no family SOFT in the shared corpus")
    for source in sources:
        plain = tmp_path / (source.name[: -len(".gz")])
        with gzip.open(source, "rb") as inflated:
            plain.write_bytes(inflated.read())
        for_blocks, for_text = (list(_entities(p)) for p in (source, plain))
        assert for_blocks == for_text and for_blocks


def _entities(path: Path) -> list[tuple[object, ...]]:
    with contextlib.closing(iter_entities(path)) as entities:
        return [
            (
                e.kind,
                e.name,
                e.line,
                e.fields,
                e.field_lines,
                e.columns,
                None if e.table is None else vars(e.table) | {"path": ""},
            )
            for e in entities
        ]
