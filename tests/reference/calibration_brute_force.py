"""Naive calibration: every genotype of the missing person, every combination of markers.

Per marker, P(g | family) = P(references, MP = g) / P(references) and P(g | unrelated) =
P(references, POI = g) / P(references) with the POI an extra founder (the same
Balding–Nichols urn when θ > 0), each likelihood from :func:`brute_force_likelihood`
(enumeration of every allele of every person). Then every combination of genotypes over
the markers is listed with its probability under both hypotheses and its LR, and the
exclusion power and tail probabilities are plain sums over that list. Only for tiny
cases; the calibration module must equal it.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from reference.brute_force import brute_force_likelihood

Vector = NDArray[np.float64]


def brute_force_genotype_distribution(
    fidx: Sequence[int], midx: Sequence[int], genotypes: Sequence[tuple[int, int]], mp: int,
    freqs: Vector, female: Vector, male: Vector, theta: float = 0.0,
) -> tuple[Vector, Vector]:
    """``(P(g | family), P(g | unrelated))`` over unordered genotypes (i ≤ j, row-major)."""
    n = len(freqs)
    refs = brute_force_likelihood(fidx, midx, genotypes, freqs, female, male, theta)
    h1, h2 = [], []
    for i in range(n):
        for j in range(i, n):
            with_mp = list(genotypes)
            with_mp[mp] = (i, j)
            h1.append(brute_force_likelihood(fidx, midx, with_mp, freqs, female, male,
                                             theta) / refs)
            if theta == 0.0:
                # An unrelated founder's genotype is independent of the family: HW.
                h2.append(freqs[i] ** 2 if i == j else 2.0 * freqs[i] * freqs[j])
            else:
                h2.append(brute_force_likelihood([*fidx, -1], [*midx, -1],
                                                 [*genotypes, (i, j)], freqs, female, male,
                                                 theta) / refs)
    return np.array(h1), np.array(h2)


def combinations(markers: Sequence[tuple[Vector, Vector]]
                 ) -> list[tuple[float, float, float]]:
    """Every combination of outcomes: ``(LR, P(· | H1), P(· | H2))``."""
    out = []
    for combo in itertools.product(*(range(len(h1)) for h1, _ in markers)):
        p1 = math.prod(markers[m][0][g] for m, g in enumerate(combo))
        p2 = math.prod(markers[m][1][g] for m, g in enumerate(combo))
        if p1 == 0 and p2 == 0:
            continue
        lr = math.inf if p2 == 0 else p1 / p2
        out.append((lr, p1, p2))
    return out


def brute_force_exclusion_power(markers: Sequence[tuple[Vector, Vector]]) -> float:
    """P(LR = 0 | H2) summed over every combination."""
    return math.fsum(p2 for lr, _, p2 in combinations(markers) if lr == 0)


def brute_force_tails(markers: Sequence[tuple[Vector, Vector]], threshold: float,
                      tie: float = 1e-9) -> tuple[float, float]:
    """``(P(LR ≥ t | H2), P(LR ≥ t | H1))``; LRs within a relative ``tie`` count as t."""
    combos = combinations(markers)
    hit = [c for c in combos if c[0] >= threshold * (1 - tie)]
    return math.fsum(c[2] for c in hit), math.fsum(c[1] for c in hit)


def brute_force_database_threshold(markers: Sequence[tuple[Vector, Vector]],
                                   database_size: float, target: float) -> float:
    """The exact smallest t ≥ 1 with N · P(LR ≥ t | H2) ≤ target: 1, or just above an LR.

    Returns the infimum: an atom value ``a`` such that every t > a qualifies (or 1).
    """
    combos = combinations(markers)
    values = sorted({c[0] for c in combos if 0 < c[0] < math.inf and c[0] >= 1.0})
    c = target / database_size

    def tail(t: float) -> float:
        return math.fsum(x[2] for x in combos if x[0] >= t)

    if tail(1.0) <= c:
        return 1.0
    # The tail is a step function falling just after each atom: the infimum is the
    # largest atom whose own tail still exceeds c.
    return max(v for v in values if tail(v) > c)
