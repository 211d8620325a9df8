"""Genotype codes: one small unsigned integer per marker for an unordered allele pair.

The search index stores, for every profile and marker, a single *genotype code*:

* ``0`` means untyped (no call at that marker);
* an unordered pair of allele indices ``i <= j`` (positions in the marker's allele
  dictionary) has code ``j * (j + 1) // 2 + i + 1``.

This is the co-lexicographic rank of the pair, plus one. It is chosen because it is
*stable under growth*: appending a new allele to a marker's dictionary never changes the
code of any existing genotype, so profiles can be added incrementally without re-encoding
the index. With ``n`` alleles the largest code is ``n (n + 1) / 2``, so one byte (``uint8``,
codes up to 255) holds every genotype of a marker with at most 22 alleles; a matrix whose
dictionaries outgrow that is widened once to ``uint16`` (up to 361 alleles per marker).

A 24-locus profile therefore takes 24 bytes (48 bytes when some marker has more than 22
alleles in the index, e.g. SE33 in a large database).

Note the difference from the statistics engine's ``genotype_index(i, j, n)``, which ranks
pairs over a *fixed* allele list; :func:`code_to_pair` and :func:`pair_to_code` convert.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "MAX_ALLELES_UINT8",
    "MAX_ALLELES_UINT16",
    "UNTYPED",
    "code_count",
    "code_dtype_for",
    "code_to_pair",
    "codes_from_indices",
    "pair_table",
    "pair_to_code",
]

UNTYPED = 0
"""The genotype code of an untyped marker."""

MAX_ALLELES_UINT8 = 22
"""Most alleles a marker may have while its codes fit in one byte (22 · 23 / 2 = 253)."""

MAX_ALLELES_UINT16 = 361
"""Most alleles a marker may have while its codes fit in two bytes (361 · 362 / 2 = 65341)."""


def pair_to_code(i: int, j: int) -> int:
    """The genotype code of the unordered allele pair ``{i, j}`` (indices from 0)."""
    if i < 0 or j < 0:
        raise ValueError(f"allele indices must be non-negative, got {i}, {j}")
    lo, hi = (i, j) if i <= j else (j, i)
    return hi * (hi + 1) // 2 + lo + 1


def code_to_pair(code: int) -> tuple[int, int]:
    """The allele indices ``(i, j)``, ``i <= j``, of a genotype code (``code >= 1``)."""
    if code < 1:
        raise ValueError(f"code {code} is untyped or invalid")
    rank = code - 1
    # Largest j with j (j + 1) / 2 <= rank; isqrt keeps it exact for any size.
    j = (math.isqrt(8 * rank + 1) - 1) // 2
    return rank - j * (j + 1) // 2, j


@functools.lru_cache(maxsize=512)
def pair_table(n_alleles: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """For every code ``0 .. n(n+1)/2`` of a marker with ``n_alleles`` alleles, its allele
    indices ``(i, j)``, ``i <= j`` (``-1, -1`` at code 0). Cached and read-only."""
    width = code_count(n_alleles)
    i = np.full(width, -1, dtype=np.int64)
    j = np.full(width, -1, dtype=np.int64)
    for hi in range(n_alleles):
        start = hi * (hi + 1) // 2 + 1
        i[start : start + hi + 1] = np.arange(hi + 1)
        j[start : start + hi + 1] = hi
    i.flags.writeable = False
    j.flags.writeable = False
    return i, j


def code_count(n_alleles: int) -> int:
    """Width of a per-marker lookup table for ``n_alleles``: every code plus ``UNTYPED``."""
    return n_alleles * (n_alleles + 1) // 2 + 1


def code_dtype_for(max_alleles: int) -> np.dtype[Any]:
    """``uint8`` when every marker has at most 22 alleles, else ``uint16``."""
    if max_alleles <= MAX_ALLELES_UINT8:
        return np.dtype(np.uint8)
    if max_alleles <= MAX_ALLELES_UINT16:
        return np.dtype(np.uint16)
    raise ValueError(
        f"a marker with {max_alleles} alleles exceeds the {MAX_ALLELES_UINT16} the index holds"
    )


def codes_from_indices(
    indices: npt.ArrayLike, dtype: npt.DTypeLike = np.uint16
) -> npt.NDArray[np.unsignedinteger[Any]]:
    """Genotype codes from allele indices.

    Parameters
    ----------
    indices : array_like, integer, shape (n_profiles, n_loci, 2)
        Allele indices into each marker's dictionary; ``-1`` means missing. A marker with
        one index missing and the other present is encoded as the homozygote of the
        present allele (lab files write a homozygote once); both missing means untyped.
    dtype : the unsigned integer type of the result.

    Returns
    -------
    ndarray, ``dtype``, shape (n_profiles, n_loci)
    """
    arr = np.asarray(indices)
    if arr.ndim != 3 or arr.shape[2] != 2:
        raise ValueError(f"indices must have shape (n, L, 2), got {arr.shape}")
    if arr.dtype.kind not in "iu":
        raise ValueError(f"indices must be integers, got {arr.dtype}")
    a = arr[:, :, 0].astype(np.int64)
    b = arr[:, :, 1].astype(np.int64)
    a = np.where(a < 0, b, a)
    b = np.where(b < 0, a, b)
    lo = np.minimum(a, b)
    hi = np.maximum(a, b)
    codes = np.where(lo < 0, UNTYPED, hi * (hi + 1) // 2 + lo + 1)
    out_dtype = np.dtype(dtype)
    if codes.size and int(codes.max()) > np.iinfo(out_dtype).max:
        raise ValueError(f"genotype codes exceed {out_dtype}")
    return codes.astype(out_dtype)
