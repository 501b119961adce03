"""Replacing an export reads its manifest only up to ``files``: the per-sample list after it is not
loaded (memory would grow with the old export's samples), and what is read agrees with ``json``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnacorpus.outfolder import read_members

KEYS = ("format", "files")


def write_manifest(path: Path, n_samples: int) -> dict[str, Any]:
    head = {
        "format": "rnacorpus-export/2",
        "n_samples": n_samples,
        "files": [{"path": "train/part-00000.parquet", "bytes": 10}],
    }
    with path.open("w", encoding="utf-8") as handle:  # the layout export writes: samples last, one per line
        handle.write(json.dumps(head, indent=1)[:-2] + ',\n "samples": [')
        for i in range(n_samples):
            handle.write((",\n  " if i else "\n  ") + json.dumps({"sample_accession": f"GSM{i}", "split": "train"}))
        handle.write("\n ]\n}\n")
    return head


class CountingOpen:
    """Wraps Path.open so a test sees how many bytes were read."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.read = 0
        original = Path.open
        counter = self

        def counting_open(path: Path, *args: Any, **kwargs: Any) -> Any:
            handle = original(path, *args, **kwargs)
            inner_read = handle.read

            def read(size: int = -1) -> bytes:
                data = inner_read(size)
                counter.read += len(data)
                return data

            handle.read = read
            return handle

        monkeypatch.setattr(Path, "open", counting_open)


def test_the_samples_after_files_are_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "manifest.json"
    head = write_manifest(path, 100_000)
    counting = CountingOpen(monkeypatch)
    found = read_members(path, KEYS)
    assert found == {"format": head["format"], "files": head["files"]}
    assert counting.read < path.stat().st_size / 20  # the first chunk, not the 5 MB of samples


def test_keys_after_a_long_member_are_still_found(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    listing = {"samples": [{"sample_accession": f"GSM{i}"} for i in range(30_000)], "files": [], "format": "x/1"}
    path.write_text(json.dumps(listing), encoding="utf-8")
    assert read_members(path, KEYS) == {"files": [], "format": "x/1"}


@pytest.mark.parametrize(
    "text",
    ["", "[]", '{"format": "x"', '{"format" "x"}', '{"format": "x",, "files": []}', "{1: 2}", '{"format": tru}'],
)
def test_what_is_not_a_json_object_reads_as_none(tmp_path: Path, text: str) -> None:
    path = tmp_path / "manifest.json"
    path.write_text(text, encoding="utf-8")
    assert read_members(path, KEYS) is None


def test_a_number_cut_by_a_chunk_boundary_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    prefix = '{"pad": "' + "x" * (64 * 1024 - 26) + '", "files": '
    path.write_text(prefix + "1234567890123456789}", encoding="utf-8")
    assert read_members(path, ("files",)) == {"files": 1234567890123456789}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(
    members=st.dictionaries(st.sampled_from(["format", "files", "samples", "ü", "a b"]), json_values, max_size=5),
    indent=st.sampled_from([None, 0, 2]),
)
def test_what_is_read_agrees_with_json(
    tmp_path_factory: pytest.TempPathFactory, members: dict[str, Any], indent: int | None
) -> None:
    path = tmp_path_factory.mktemp("m") / "manifest.json"
    path.write_text(json.dumps(members, indent=indent, ensure_ascii=False), encoding="utf-8")
    expected = {k: members[k] for k in KEYS if k in members}
    assert read_members(path, KEYS) == expected
