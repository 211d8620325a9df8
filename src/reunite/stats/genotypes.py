"""Unordered genotypes over a marker's allele list: how many, and where each one sits.

The statistics engine lays out every per-genotype quantity of a marker with ``n`` alleles
(P(g | family), P(g | unrelated), pairwise LRs) as a vector of length ``n(n+1)/2`` in
allele-index order: (0,0), (0,1), …, (0,n−1), (1,1), (1,2), …, (n−1,n−1) — the upper
triangle of an ``n × n`` table read row by row. :func:`genotype_index` is the position of
``{i, j}`` in that vector, for one pair or for arrays of pairs; it is the only place the
formula is written.

The search index's genotype *codes* (:mod:`reunite.search.encode`) rank pairs differently,
so that a marker's allele dictionary can grow without re-encoding; search converts codes to
allele indices of the marker and then to positions with :func:`genotype_index`.
"""

from __future__ import annotations

import functools
from typing import overload

import numpy as np
from numpy.typing import NDArray

__all__ = ["genotype_index", "genotype_pairs", "hardy_weinberg", "n_genotypes"]


def n_genotypes(n_alleles: int) -> int:
    """Number of unordered genotypes of ``n_alleles`` alleles: n(n+1)/2."""
    return n_alleles * (n_alleles + 1) // 2


@overload
def genotype_index(i: int, j: int, n: int) -> int: ...


@overload
def genotype_index(
    i: NDArray[np.integer], j: NDArray[np.integer], n: int
) -> NDArray[np.intp]: ...


def genotype_index(
    i: int | NDArray[np.integer], j: int | NDArray[np.integer], n: int
) -> int | NDArray[np.intp]:
    """Position of the unordered genotype ``{i, j}`` among the ``n(n+1)/2`` of ``n`` alleles.

    Order: (0,0), (0,1), …, (0,n−1), (1,1), …; ``i`` and ``j`` may come in either order.
    Integers give an integer; integer arrays (same shape) give an ``intp`` array of
    positions. An index outside ``0..n−1`` raises :class:`IndexError`.
    """
    if isinstance(i, int | np.integer) and isinstance(j, int | np.integer):
        lo, hi = (int(i), int(j)) if i <= j else (int(j), int(i))
        if not 0 <= lo <= hi < n:
            raise IndexError(f"allele index out of range: ({i}, {j}) with n = {n}")
        return lo * (2 * n - lo + 1) // 2 + (hi - lo)
    a = np.asarray(i, dtype=np.intp)
    b = np.asarray(j, dtype=np.intp)
    lo_arr, hi_arr = np.minimum(a, b), np.maximum(a, b)
    if lo_arr.size and (int(lo_arr.min()) < 0 or int(hi_arr.max()) >= n):
        raise IndexError(f"allele index out of range 0..{n - 1}")
    return np.asarray(lo_arr * (2 * n - lo_arr + 1) // 2 + (hi_arr - lo_arr), dtype=np.intp)


@functools.lru_cache(maxsize=256)
def genotype_pairs(n: int) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Allele indices ``(i, j)``, ``i ≤ j``, of every genotype in :func:`genotype_index`
    order (read-only arrays of length n(n+1)/2)."""
    rows, cols = np.triu_indices(n)
    out = rows.astype(np.intp), cols.astype(np.intp)
    for array in out:
        array.setflags(write=False)
    return out


def hardy_weinberg(frequencies: NDArray[np.float64]) -> NDArray[np.float64]:
    """P(g) under Hardy–Weinberg for every genotype: ``p_i²`` and ``2 p_i p_j`` (NRC II 4.1),
    in :func:`genotype_index` order."""
    p = np.asarray(frequencies, dtype=np.float64)
    i, j = genotype_pairs(p.size)
    return np.where(i == j, p[i] * p[i], 2.0 * p[i] * p[j])
