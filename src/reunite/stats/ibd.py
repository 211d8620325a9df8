"""Pairwise relationships by IBD coefficients (κ0, κ1, κ2), with closed-form LRs.

For two non-inbred persons, κ_k is the probability that they share exactly k alleles
identical by descent (Thompson 1975; Weir, Anderson & Hepler 2006, Nat. Rev. Genet.
7:771). Without mutation and with θ = 0 the joint genotype probability is

    P(g1, g2) = κ0·P(g1)P(g2) + κ1·P(g1)·P(g2 | g1, one allele IBD) + κ2·P(g1)·[g1 = g2],

where P(g) is Hardy–Weinberg and, for one IBD allele, each of g1's alleles is the shared
one with probability ½ and g2's other allele is drawn from the population. The LR against
"unrelated" is P(g1, g2) / (P(g1)P(g2)). These equal the general pedigree engine on the
corresponding pedigrees (tested).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from reunite.errors import CaseError

__all__ = ["KAPPA", "pairwise_likelihood", "pairwise_lr"]

KAPPA: Mapping[str, tuple[float, float, float]] = {
    "parent-child": (0.0, 1.0, 0.0),
    "full-siblings": (0.25, 0.5, 0.25),
    "half-siblings": (0.5, 0.5, 0.0),
    "grandparent": (0.5, 0.5, 0.0),
    "avuncular": (0.5, 0.5, 0.0),
    "first-cousins": (0.75, 0.25, 0.0),
    "unrelated": (1.0, 0.0, 0.0),
}
"""κ0, κ1, κ2 of the standard non-inbred relationships."""


def _hw(g: tuple[int, int], p: NDArray[np.float64]) -> float:
    a, b = g
    return float(p[a] ** 2) if a == b else float(2.0 * p[a] * p[b])


def _one_ibd(g1: tuple[int, int], g2: tuple[int, int], p: NDArray[np.float64]) -> float:
    """P(g2 | g1, exactly one allele IBD): the shared allele is either of g1's, ½ each."""
    total = 0.0
    for shared in g1:
        c, d = g2
        if c == shared and d == shared:
            total += 0.5 * float(p[shared])
        elif c == shared:
            total += 0.5 * float(p[d])
        elif d == shared:
            total += 0.5 * float(p[c])
    return total


def _kappa(relationship: str | tuple[float, float, float]) -> tuple[float, float, float]:
    if isinstance(relationship, str):
        if relationship not in KAPPA:
            raise CaseError(f"unknown relationship; expected one of {', '.join(KAPPA)}",
                            field="relationship", value=relationship)
        return KAPPA[relationship]
    k0, k1, k2 = (float(x) for x in relationship)
    if min(k0, k1, k2) < 0 or abs(k0 + k1 + k2 - 1.0) > 1e-12:
        raise CaseError("κ must be non-negative and sum to 1", field="kappa",
                        value=relationship)
    return k0, k1, k2


def pairwise_likelihood(g1: tuple[int, int], g2: tuple[int, int],
                        freqs: NDArray[np.float64],
                        relationship: str | tuple[float, float, float]) -> float:
    """P(g1, g2) for two persons related by ``relationship`` (name or κ triple).

    Genotypes are allele-index pairs (both alleles known); no mutation, θ = 0.
    """
    k0, k1, k2 = _kappa(relationship)
    p = np.asarray(freqs, dtype=np.float64)
    p1 = _hw(g1, p)
    same = sorted(g1) == sorted(g2)
    return p1 * (k0 * _hw(g2, p) + k1 * _one_ibd(g1, g2, p) + (k2 if same else 0.0))


def pairwise_lr(g1: tuple[int, int], g2: tuple[int, int], freqs: NDArray[np.float64],
                relationship: str | tuple[float, float, float]) -> float:
    """LR of ``relationship`` against unrelated: κ0 + κ1·Pr(IBD1 match) + κ2·Pr(IBD2)."""
    p = np.asarray(freqs, dtype=np.float64)
    return pairwise_likelihood(g1, g2, p, relationship) / (_hw(g1, p) * _hw(g2, p))
