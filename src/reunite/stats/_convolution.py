"""Private kernels: convolution of per-marker log-LR distributions (no validation).

Each marker contributes a finite discrete distribution of ``x = ln LR`` with two mass
vectors, ``masses[0]`` under H1 and ``masses[1]`` under H2 (shape ``(2, n)``, float64).
The sum over independent markers is computed in one of two ways:

* :func:`exact_convolution`: every sum of atoms, atoms with equal values (within
  :data:`MERGE_TOLERANCE`) merged after each marker; exact, feasible while the number of
  distinct sums stays small.
* :func:`lattice_convolution`: each marker's values rounded *down* to a lattice of step
  ``δ`` (integers ``k``), the integer sums convolved directly (sums of non-negative
  terms, so every mass keeps its full relative precision: no FFT). Partial sums that can
  no longer reach ``k_floor`` are dropped, and those that reach ``k_certain`` whatever the
  remaining markers add are set aside (their mass times the remaining markers' total
  mass); both are exact prunings. The caller turns the integer sums into bounds on the
  exact sum (each marker's rounding error lies in ``[0, δ)``).

:func:`fft_convolution` is for display only (absolute precision ~1e-16 of the largest
mass): the plotted distribution of the LR.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "MERGE_TOLERANCE",
    "exact_convolution",
    "fft_convolution",
    "lattice_convolution",
    "merge_atoms",
]

MERGE_TOLERANCE = 1e-12
"""Values of ln LR closer than this are one atom (far below the 1e-9 tie tolerance)."""

Float = NDArray[np.float64]
Int = NDArray[np.int64]


def merge_atoms(values: Float, masses: Float) -> tuple[Float, Float]:
    """Sorted distinct values and their summed masses ``(2, n)``."""
    order = np.argsort(values, kind="stable")
    v = values[order]
    m = masses[:, order]
    if v.size == 0:
        return v, m
    starts = np.concatenate(([0], np.flatnonzero(np.diff(v) > MERGE_TOLERANCE) + 1))
    return v[starts], np.add.reduceat(m, starts, axis=1)


def exact_convolution(atoms: Sequence[tuple[Float, Float]], limit: int
                      ) -> tuple[Float, Float] | None:
    """Distribution of the sum: distinct values and masses; None past ``limit`` atoms."""
    values = np.zeros(1)
    masses = np.ones((2, 1))
    for v, m in atoms:
        if values.size * v.size > 8 * limit:
            return None
        sums = (values[:, None] + v[None, :]).ravel()
        prod = (masses[:, :, None] * m[:, None, :]).reshape(2, -1)
        values, masses = merge_atoms(sums, prod)
        if values.size > limit:
            return None
    return values, masses


def _shift_add(out: Float, arr: Float, offsets: Int, weights: Float) -> None:
    """``out[:, o:o+W] += w[:, None] · arr`` for every (offset o, weight column w)."""
    width = arr.shape[1]
    tmp = np.empty_like(arr)
    for j in range(offsets.size):
        o = int(offsets[j])
        np.multiply(arr, weights[:, j:j + 1], out=tmp)
        out[:, o:o + width] += tmp


def lattice_convolution(
    bins: Sequence[tuple[Int, Float]],
    k_floor: int,
    k_certain: int | None,
) -> tuple[int, Float, Float]:
    """Convolve per-marker integer distributions with exact pruning.

    ``bins[m] = (k, w)``: sorted distinct integers and their masses ``(2, n)``.
    Returns ``(lo, arr, certain)``: ``arr[:, i]`` is the mass of integer sum ``lo + i``
    among the kept sums (those that can reach ``k_floor``, and below ``k_certain``);
    ``certain`` the mass of sums certain to reach ``k_certain`` (None: keep them all).
    """
    n = len(bins)
    kmax = np.array([int(k[-1]) for k, _ in bins], dtype=np.int64)
    kmin = np.array([int(k[0]) for k, _ in bins], dtype=np.int64)
    totals = np.array([w.sum(axis=1) for _, w in bins]).reshape(n, 2)
    # After marker m: what the remaining markers m+1..n-1 can add, and their total mass.
    rmax = np.concatenate((np.cumsum(kmax[::-1])[::-1][1:], [0]))
    rmin = np.concatenate((np.cumsum(kmin[::-1])[::-1][1:], [0]))
    rmass = np.ones((n, 2))
    for m in range(n - 2, -1, -1):
        rmass[m] = rmass[m + 1] * totals[m + 1]
    lo = 0
    arr = np.ones((2, 1))
    certain = np.zeros(2)
    for m, (k, w) in enumerate(bins):
        base = int(k[0])
        out = np.zeros((2, arr.shape[1] + int(k[-1]) - base))
        _shift_add(out, arr, k - base, w)
        lo += base
        first = max(0, int(k_floor - rmax[m]) - lo)
        stop = out.shape[1]
        if k_certain is not None:
            stop = min(stop, max(first, int(k_certain - rmin[m]) - lo))
            if stop < out.shape[1]:
                certain += out[:, stop:].sum(axis=1) * rmass[m]
        if first >= stop:
            return lo + first, np.zeros((2, 0)), certain
        arr = out[:, first:stop]
        lo += first
    return lo, arr, certain


def fft_convolution(bins: Sequence[tuple[Int, Float]]) -> tuple[int, Float]:
    """Distribution of the integer sum by FFT, ``(lo, masses (rows, W))``; display only.

    ``bins[m] = (k, w)`` with ``w`` of shape ``(rows, n)``: each row is convolved on its own.
    """
    lo = sum(int(k[0]) for k, _ in bins)
    width = sum(int(k[-1]) - int(k[0]) for k, _ in bins) + 1
    size = 1 << max(1, int(width - 1).bit_length())
    rows = bins[0][1].shape[0]
    spectrum = np.ones((rows, size // 2 + 1), dtype=np.complex128)
    for k, w in bins:
        dense = np.zeros((rows, size))
        dense[:, k - int(k[0])] = w  # k is distinct
        spectrum *= np.fft.rfft(dense, axis=1)
    out = np.fft.irfft(spectrum, n=size, axis=1)[:, :width]
    return lo, np.clip(out, 0.0, None)
