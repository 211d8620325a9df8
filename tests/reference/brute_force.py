"""Naive pedigree likelihood by enumerating every allele of every person.

Straight from the definitions, no cleverness: sum over all ordered allele pairs of every
person (n^(2N) terms) of

    P(founder alleles)  ×  Π_children Π_parents ½·(M[p_pat, c] + M[p_mat, c])  ×  evidence,

where P(founder alleles) is the Balding–Nichols sequential formula over all founder alleles
(θ = 0: the product of frequencies). Only for tiny pedigrees; the fast engine must equal it.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray


def sequential_founder_probability(alleles: Sequence[int], freqs: NDArray[np.float64],
                                   theta: float) -> float:
    prob = 1.0
    for j, a in enumerate(alleles, start=1):
        b = sum(1 for x in alleles[: j - 1] if x == a)
        prob *= (b * theta + (1 - theta) * freqs[a]) / (1 + (j - 2) * theta)
    return prob


def consistent(genotype: tuple[int, int], pat: int, mat: int) -> bool:
    a, b = genotype
    if a < 0 and b < 0:
        return True
    if a >= 0 and b >= 0:
        return sorted((a, b)) == sorted((pat, mat))
    known = a if a >= 0 else b
    return known in (pat, mat)


def brute_force_likelihood(
    fidx: Sequence[int], midx: Sequence[int], genotypes: Sequence[tuple[int, int]],
    freqs: NDArray[np.float64], female: NDArray[np.float64], male: NDArray[np.float64],
    theta: float = 0.0,
) -> float:
    n_persons = len(fidx)
    n = len(freqs)
    founders = [k for k in range(n_persons) if fidx[k] < 0]
    total = 0.0
    for assignment in itertools.product(range(n), repeat=2 * n_persons):
        if not all(consistent(genotypes[k], assignment[2 * k], assignment[2 * k + 1])
                   for k in range(n_persons)):
            continue
        founder_alleles = [assignment[2 * k + j] for k in founders for j in (0, 1)]
        prob = sequential_founder_probability(founder_alleles, freqs, theta)
        for k in range(n_persons):
            if fidx[k] < 0:
                continue
            f, m = fidx[k], midx[k]
            prob *= 0.5 * (male[assignment[2 * f], assignment[2 * k]]
                           + male[assignment[2 * f + 1], assignment[2 * k]])
            prob *= 0.5 * (female[assignment[2 * m], assignment[2 * k + 1]]
                           + female[assignment[2 * m + 1], assignment[2 * k + 1]])
        total += prob
    return total
