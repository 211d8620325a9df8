"""Pairwise relationships by IBD coefficients (κ0, κ1, κ2), with closed-form LRs.

For two non-inbred persons, κ_k is the probability that they share exactly k alleles
identical by descent (Thompson 1975; Weir, Anderson & Hepler 2006, Nat. Rev. Genet.
7:771). Without mutation and with θ = 0 the joint genotype probability is

    P(g1, g2) = κ0·P(g1)P(g2) + κ1·P(g1)·P(g2 | g1, one allele IBD) + κ2·P(g1)·[g1 = g2],

where P(g) is Hardy–Weinberg and, for one IBD allele, each of g1's alleles is the shared
one with probability ½ and g2's other allele is drawn from the population. The LR against
"unrelated" is P(g1, g2) / (P(g1)P(g2)). These equal the general pedigree engine on the
corresponding pedigrees (tested).

:func:`pairwise_genotype_lrs` gives that LR for every genotype a second person may have
(laid out by :func:`reunite.stats.genotypes.genotype_index`): the table a search looks
candidates up in (:func:`reunite.search.screen.pairwise_log_lr_table`). With a marker
mutation model it covers parent–child, the typed person being the father: his transmitted
allele is ``t = ½ (M_male[a] + M_male[b])``, the untyped mother's ``q = p · M_female``, so
``P(g = c,d | r) = t_c q_d + t_d q_c`` (``t_c q_c`` for a homozygote), as the exact engine
computes on :func:`reunite.genetics.pedigree.parent_child`. Mutation with other κ is refused
(it needs the meioses, not only the IBD coefficients). :func:`pairwise_lr` and
:func:`pairwise_likelihood` read one entry of it.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from reunite.errors import CaseError, InputError
from reunite.stats.genotypes import genotype_index, genotype_pairs, hardy_weinberg
from reunite.stats.mutation import MutationModel

__all__ = ["KAPPA", "pairwise_genotype_lrs", "pairwise_likelihood", "pairwise_lr"]

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


def pairwise_genotype_lrs(
    reference: tuple[int, int],
    freqs: NDArray[np.float64],
    relationship: str | tuple[float, float, float],
    *,
    mutation: MutationModel | None = None,
) -> NDArray[np.float64]:
    """LR of ``relationship`` against unrelated for every genotype of a second person.

    ``reference`` is the first person's genotype (allele indices, both known); the result
    is float64 of length n(n+1)/2, entry :func:`~reunite.stats.genotypes.genotype_index`
    ``(i, j, n)`` for the second person's genotype ``{i, j}``: ``κ0 + κ1 · P(g | one allele
    IBD with r) / P(g) + κ2 · [g = r] / P(g)`` (module docstring). θ = 0. A non-trivial
    ``mutation`` model is allowed for parent–child only (``reference`` the father);
    :class:`~reunite.errors.InputError` otherwise.
    """
    k0, k1, k2 = _kappa(relationship)
    p = np.asarray(freqs, dtype=np.float64)
    n = p.size
    a, b = reference
    if not (0 <= a < n and 0 <= b < n):
        raise IndexError(f"allele index out of range: {reference} with n = {n}")
    i, j = genotype_pairs(n)
    hw = hardy_weinberg(p)
    if mutation is not None and not mutation.is_trivial:
        if (k0, k1, k2) != (0.0, 1.0, 0.0):
            raise InputError("a mutation model is supported for parent-child only",
                             field="kappa", value=relationship)
        t = 0.5 * (mutation.male[a] + mutation.male[b])
        q = p @ mutation.female
        child = np.where(i == j, t[i] * q[i], t[i] * q[j] + t[j] * q[i])
        return np.asarray(child / hw, dtype=np.float64)
    one_ibd = np.zeros(i.shape, dtype=np.float64)
    for x in (a, b):
        # Candidate carries x (shared) and a random allele: x,x has p_x; x,y has p_y.
        one_ibd += 0.5 * (np.where(i == x, p[j], 0.0) + np.where((j == x) & (i != x),
                                                                  p[i], 0.0))
    same = np.zeros(i.shape, dtype=np.float64)
    same[genotype_index(a, b, n)] = 1.0
    return np.asarray(k0 + (k1 * one_ibd + k2 * same) / hw, dtype=np.float64)


def pairwise_likelihood(g1: tuple[int, int], g2: tuple[int, int],
                        freqs: NDArray[np.float64],
                        relationship: str | tuple[float, float, float]) -> float:
    """P(g1, g2) for two persons related by ``relationship`` (name or κ triple).

    Genotypes are allele-index pairs (both alleles known); no mutation, θ = 0.
    """
    p = np.asarray(freqs, dtype=np.float64)
    hw = hardy_weinberg(p)
    n = p.size
    lrs = pairwise_genotype_lrs(g1, p, relationship)
    return float(hw[genotype_index(*g1, n)] * hw[genotype_index(*g2, n)]
                 * lrs[genotype_index(*g2, n)])


def pairwise_lr(g1: tuple[int, int], g2: tuple[int, int], freqs: NDArray[np.float64],
                relationship: str | tuple[float, float, float]) -> float:
    """LR of ``relationship`` against unrelated: κ0 + κ1·Pr(IBD1 match) + κ2·Pr(IBD2)."""
    p = np.asarray(freqs, dtype=np.float64)
    return float(pairwise_genotype_lrs(g1, p, relationship)[genotype_index(*g2, p.size)])
