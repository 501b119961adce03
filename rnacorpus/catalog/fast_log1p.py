"""ln(1 + x) in float32 at SIMD speed: the export's and the store's log1p (``log1p_cpm``, ``log1p_tpm``).

The correction form, for every float32 x::

    u = 1 + x;  log1p(x) = log(u) - ((u - 1) - x) / u        (all float32)

``u - 1`` is what the rounded ``1 + x`` really added, so ``(u - 1) - x`` is the rounding error of
``u`` and dividing it by ``u`` is, to first order, what that error did to ``log(u)``. The result is
within **4 ulp** of ln(1 + x) (3.4 at most against a float64 reference over every 97th float32 bit
pattern in [0, inf); numpy's float32 ``log1p`` is within 0.8) and has the same bits as ``np.log1p``
for ~93% of values. It is exact for tiny x (``u == 1`` gives x back, subnormals too), needs no
branch per value, and keeps NaN → NaN and 0 → 0 (−0 → +0: the sign of a zero is not kept).

Why not ``np.log1p``: numpy's float32 ``log1p`` has a SIMD loop only with AVX-512; everywhere else
(AMD EPYC, numpy's X86_V3 dispatch) it calls the C library's scalar ``log1pf``, 20.9 ns a value in
16 × 20,120 chunks, while float32 ``np.log`` has an AVX2 loop (2.7 ns); the correction form costs
~4 ns. The export's ``log1p`` stage was then ~1/3 of its CPU at 10^4 samples. ``np.log1p``'s bits
differ between hosts (libm on one, numpy's AVX-512 loop on the other); numpy's float32 ``log`` runs
one algorithm in its AVX2 and AVX-512 loops, so this form's bits are expected to agree between them
(not yet checked on an AVX-512 host; a host without AVX2 falls back to libm's ``logf``).

The implementation is named in each export's manifest (:data:`IMPLEMENTATION`,
``normalization.log1p``): it changes the last bits of exported values, so a rebuild from a manifest
written with another implementation says so.

Two inputs need more than the formula: x = +inf gives ``inf - inf`` (NaN) in the correction, and
x = −1 gives ``0 / 0``; both have an infinite ``log(u)`` (the only inputs that do), which the
result then takes as is (inf and −inf, as ``np.log1p``). One ``isinf`` test of ``log(u)`` per call
finds them (~0.25 ns a value); the repair itself runs only when there is one.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["IMPLEMENTATION", "MAX_ULP", "Log1pScratch", "fast_log1p", "log1p_into"]

#: what the manifest records as the export's log1p (a new formula or constant is a new version)
IMPLEMENTATION = "rnacorpus correction form v1: log(u) - ((u-1)-x)/u, float32"
#: the error bound the tests hold the implementation to, in float32 ulp of the exact result
MAX_ULP = 4.0
#: values per pass of the formula: each step runs over this many values while they are in cache,
#: and the scratch is bounded by it (the export hands over 16 rows × ~20,000 genes, one pass)
BLOCK_VALUES = 1 << 19

_ONE = np.float32(1.0)


class Log1pScratch:
    """The work arrays of :func:`log1p_into` (``u``, the correction, where log(u) is infinite), reusable
    across calls: the export normalizes thousands of 16-row chunks with one."""

    def __init__(self, size: int = 0) -> None:
        self._allocate(size)

    def _allocate(self, size: int) -> None:
        self.u = np.empty(size, dtype=np.float32)
        self.d = np.empty(size, dtype=np.float32)
        self.infinite = np.empty(size, dtype=bool)

    def take(
        self, shape: tuple[int, ...]
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32], npt.NDArray[np.bool_]]:
        """The work arrays for ``shape`` (grown when too small)."""
        size = int(np.prod(shape))
        if len(self.u) < size:
            self._allocate(size)
        return self.u[:size].reshape(shape), self.d[:size].reshape(shape), self.infinite[:size].reshape(shape)


def fast_log1p(x: npt.ArrayLike) -> npt.NDArray[np.float32]:
    """ln(1 + x) of float32 values, in a new array (the input is cast to float32 first)."""
    values = np.array(x, dtype=np.float32)  # a copy: computed in place
    return log1p_into(values, values)


def log1p_into(
    x: npt.NDArray[np.float32], out: npt.NDArray[np.float32], scratch: Log1pScratch | None = None
) -> npt.NDArray[np.float32]:
    """ln(1 + x) into ``out`` (same shape as ``x``; may be ``x`` itself); returns ``out``.

    Both must be float32. C-contiguous arrays go through :data:`BLOCK_VALUES` at a time; others in
    one piece."""
    if x.dtype != np.float32 or out.dtype != np.float32:
        raise TypeError(f"log1p_into takes float32 arrays, not {x.dtype} into {out.dtype}")
    if x.shape != out.shape:
        raise ValueError(f"log1p_into: shapes differ, {x.shape} into {out.shape}")
    scratch = scratch or Log1pScratch()
    if x.flags.c_contiguous and out.flags.c_contiguous:
        flat_x, flat_out = x.reshape(-1), out.reshape(-1)
        for start in range(0, flat_x.size, BLOCK_VALUES):
            stop = start + BLOCK_VALUES
            _block(flat_x[start:stop], flat_out[start:stop], scratch)
    else:
        _block(x, out, scratch)
    return out


def _block(x: npt.NDArray[np.float32], out: npt.NDArray[np.float32], scratch: Log1pScratch) -> None:
    """The formula over one block; ``out`` may be ``x`` (x is read for the last time before log(u) is written)."""
    u, d, infinite = scratch.take(x.shape)
    np.add(x, _ONE, out=u)
    np.subtract(u, _ONE, out=d)
    with np.errstate(invalid="ignore", divide="ignore"):  # inf - inf, 0 / 0, log(0), log(<0): repaired or NaN
        np.subtract(d, x, out=d)
        np.log(u, out=out)
        np.isinf(out, out=infinite)
        np.divide(d, u, out=d)
        np.subtract(out, d, out=out)
    if infinite.any():  # x = +inf or -1: log(u) is the answer (inf, -inf), the correction is NaN
        with np.errstate(divide="ignore"):
            out[infinite] = np.log(u[infinite])
