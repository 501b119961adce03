"""The block-handing inflater (``rnacorpus.inflated_blocks``) is built on a private name of isal's
(its C gzip reader). When a future isal lacks it, ``open_maybe_gzip(threaded=True)`` must still
read the same bytes with isal's own threaded reader -- not fail, and not drop ISA-L for plain zlib --
and the SOFT scanner, which reads blocks only when the stream offers them, must read the same
entities; a cut stream is still a ``TruncatedError``."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

import rnacorpus.fileio as fileio
from rnacorpus.errors import TruncatedError
from rnacorpus.fileio import open_maybe_gzip
from rnacorpus.harvester.geo.soft_entities import iter_entities

SOFT = b"".join(
    f"^SAMPLE = GSM{i}\n!Sample_title = sample {i}\n!Sample_characteristics_ch1 = tissue: liver\n".encode()
    for i in range(2_000)
)


def _gzip(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "family.soft.gz"
    half = len(data) // 2
    path.write_bytes(gzip.compress(data[:half]) + gzip.compress(data[half:]))  # two members
    return path


@pytest.fixture
def without_block_inflater(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fileio, "_inflating_thread", None)


@pytest.mark.usefixtures("without_block_inflater")
def test_the_threaded_reader_falls_back_to_isal_threaded(tmp_path: Path) -> None:
    opened: list[object] = []
    from isal import igzip_threaded

    real_open = igzip_threaded.open

    def spy(*args: object, **kwargs: object) -> object:
        opened.append(args)
        return real_open(*args, **kwargs)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(igzip_threaded, "open", spy)
        with open_maybe_gzip(_gzip(tmp_path, SOFT), threaded=True) as stream:
            assert not hasattr(stream, "read_block")  # the scanner reads plain chunks from it
            assert stream.read() == SOFT
    assert len(opened) == 1


@pytest.mark.usefixtures("without_block_inflater")
def test_the_scanner_reads_the_same_entities(tmp_path: Path) -> None:
    text = tmp_path / "family.soft"
    text.write_bytes(SOFT)

    def entities(path: Path) -> list[tuple[str, str, int, dict[str, list[str]]]]:
        return [(e.kind, e.name, e.line, e.fields) for e in iter_entities(path)]

    plain = entities(text)
    assert entities(_gzip(tmp_path, SOFT)) == plain
    assert len(plain) == 2_000


@pytest.mark.usefixtures("without_block_inflater")
def test_a_cut_stream_is_still_truncated(tmp_path: Path) -> None:
    path = tmp_path / "cut.soft.gz"
    path.write_bytes(gzip.compress(SOFT)[:-40])
    with pytest.raises(TruncatedError), open_maybe_gzip(path, threaded=True) as stream:
        stream.read()
