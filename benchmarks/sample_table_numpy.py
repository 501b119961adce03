"""A two-column sample-table reader built from NumPy passes and Arrow's string → float cast.

Not used by rnacorpus: this is the "cheaper reader" design the 1 GB harvest target suggested
(issue 11), kept so that ``bench_sample_tables.py`` measures it on the same tables as the product's
reader. The idea: a GEO sample table is almost always ``ID_REF<TAB>VALUE`` rows, so instead of
Arrow's CSV tokenizer,

1. one vectorized pass finds every tab and newline (``np.flatnonzero(bytes <= 10)``) and checks
   that they alternate (exactly one tab per row, no blank row, no other control byte);
2. the IDs and the values become Arrow ``string_view`` arrays over the table's own bytes (no copy
   of the text: a 16-byte view per cell, cells of ≤ 12 bytes inlined as the format requires);
3. the missing-value tokens are found among the short cells that do not start with a digit and
   become ``nan`` views;
4. ``pyarrow.compute.cast`` (C++, the same float parser as the CSV reader) turns the values into
   float32; the IDs are cast to ``string`` for the platform-order comparison the harvest does.

Anything unusual (a space, CR, non-ASCII, a row without exactly one tab, an empty ID, a value the
cast refuses) returns None: the product's reader would take it.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from rnacorpus.harvester.geo.tables import MISSING_VALUE_TOKENS, float32_values

__all__ = ["read_two_columns"]

_INLINE = 12  # Arrow's string_view inlines cells of up to 12 bytes
_VIEW = np.dtype([("length", "<i4"), ("inline", f"V{_INLINE}")])
#: row k: 0xFF for the first k bytes, zero after (a cell's inline bytes past its length must be zero)
_MASKS = (
    np.array([[255 if byte < k else 0 for byte in range(_INLINE)] for k in range(_INLINE + 1)], np.uint8)
    .view(f"V{_INLINE}")
    .ravel()
)
_NULLS = np.array(sorted(token.encode() for token in MISSING_VALUE_TOKENS), f"S{_INLINE}")
_NAN = np.array([(3, b"nan".ljust(_INLINE, b"\0"))], _VIEW)
_TAB, _NEWLINE, _ZERO, _NINE, _A, _Z = 9, 10, ord("0"), ord("9"), ord("A"), ord("Z")


def _views(
    padded: bytes, starts: npt.NDArray[np.int64], lengths: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.void], npt.NDArray[np.uint8]]:
    """string_view structs for the cells ``padded[start:start + length]`` and their first 12 bytes."""
    n = len(starts)
    windows = np.ndarray(
        buffer=padded, dtype=f"V{_INLINE}", shape=(len(padded) - _INLINE + 1,), strides=(1,)
    )  # every 12-byte window of the text, without a copy
    inline = windows[starts].view(np.uint8).reshape(n, _INLINE)
    inline &= _MASKS[np.minimum(lengths, _INLINE)].view(np.uint8).reshape(n, _INLINE)
    views = np.empty(n, _VIEW)
    views["length"] = lengths
    views["inline"] = inline.view(f"V{_INLINE}").ravel()
    long = np.flatnonzero(lengths > _INLINE)
    if len(long):  # 4-byte prefix (already there), buffer 0, offset into it
        ints = views.view(np.int32).reshape(n, 4)
        ints[long, 2] = 0
        ints[long, 3] = starts[long]
    return views, inline


def read_two_columns(body: bytes) -> tuple[pa.Array, npt.NDArray[np.float32]] | None:
    """(IDs, float32 values) of an ``ID<TAB>VALUE`` table body; None where Arrow's CSV reader is needed."""
    if not body.endswith(b"\n") or not body.isascii() or b"\r" in body or b" " in body:
        return None
    data = np.frombuffer(body, np.uint8)
    marks = np.flatnonzero(data <= _NEWLINE)
    if len(marks) % 2:
        return None
    pairs = marks.reshape(-1, 2)  # (tab, newline) of each row
    if not ((data[pairs[:, 0]] == _TAB).all() and (data[pairs[:, 1]] == _NEWLINE).all()):
        return None
    n = len(pairs)
    starts = np.empty(n, np.int64)
    starts[0] = 0
    starts[1:] = pairs[:-1, 1] + 1
    id_lengths = pairs[:, 0] - starts
    if not id_lengths.all():
        return None
    padded = body + bytes(_INLINE)
    id_views, _ = _views(padded, starts, id_lengths)
    value_starts = pairs[:, 0] + 1
    value_lengths = pairs[:, 1] - value_starts
    value_views, inline = _views(padded, value_starts, value_lengths)
    first = inline[:, 0]
    maybe = np.flatnonzero((value_lengths <= _INLINE) & ((first < _ZERO) | (first > _NINE)))
    if len(maybe):
        cells = inline[maybe]
        lowered = np.where((cells >= _A) & (cells <= _Z), cells + 32, cells).astype(np.uint8)
        value_views[maybe[np.isin(lowered.view(f"S{_INLINE}").ravel(), _NULLS)]] = _NAN
    text = pa.py_buffer(body)
    ids = pa.Array.from_buffers(pa.string_view(), n, [None, pa.py_buffer(id_views), text])
    values = pa.Array.from_buffers(pa.string_view(), n, [None, pa.py_buffer(value_views), text])
    try:
        numbers = float32_values(pc.cast(values, pa.float32()))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    numbers[~np.isfinite(numbers)] = np.nan
    return ids.cast(pa.string()), numbers
