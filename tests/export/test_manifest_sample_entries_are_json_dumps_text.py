"""The manifest's ``samples`` entries are built from each value's JSON string instead of one
``json.dumps`` per entry: for any values (any text — quotes, backslashes, control characters,
non-ASCII, surrogates — or None) the text is exactly what ``json.dumps`` of the entry gives, and
the manifest streamed in batches (empty ones too) is the same bytes as the entries written one by
one, and parses back to the head plus every entry."""

from __future__ import annotations

import io
import json

from hypothesis import given
from hypothesis import strategies as st

from rnacorpus.catalog.export_manifest import SAMPLE_KEYS, dump_manifest, sample_entry

values = st.one_of(st.none(), st.text(), st.integers(), st.booleans())
entries = st.tuples(values, values, values, values)


@given(entries)
def test_an_entry_is_the_text_json_dumps_gives(entry: tuple[object, ...]) -> None:
    assert sample_entry(*entry) == json.dumps(dict(zip(SAMPLE_KEYS, entry, strict=True)))


def _one_by_one(head: dict[str, object], samples: list[dict[str, object]]) -> bytes:
    """The manifest as written entry by entry with ``json.dumps`` (the format before batching)."""
    text = json.dumps(head, indent=1, default=str)
    out = text[:-2].encode() + b',\n "samples": ['
    for i, entry in enumerate(samples):
        out += (",\n  " if i else "\n  ").encode() + json.dumps(entry).encode()
    return out + b"\n ]\n}\n"


@given(st.lists(st.lists(entries, max_size=4), max_size=5))
def test_a_manifest_streamed_in_batches_is_the_same_bytes(batches: list[list[tuple[object, ...]]]) -> None:
    head = {"format": "rnacorpus-export/2", "files": [{"path": "a", "bytes": 1}], "n_samples": 3}
    handle = io.BytesIO()
    dump_manifest(handle, head, iter([[sample_entry(*e) for e in batch] for batch in batches]))
    samples = [dict(zip(SAMPLE_KEYS, e, strict=True)) for batch in batches for e in batch]
    assert handle.getvalue() == _one_by_one(head, samples)
    assert json.loads(handle.getvalue()) == {**head, "samples": samples}
