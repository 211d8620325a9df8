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


# --- Drop-out, drop-in and a silent allele (reunite.stats.dropout) -----------------------
#
# Straight from the model's statement: every true ordered genotype of every person (the
# silent allele, if any, is the last allele), every drop-out pattern of each sample with
# drop-out (each allele of a heterozygote lost or not; a homozygote lost whole or not; a
# silent allele never seen) and every drop-in outcome (none, or one allele x drawn from
# the listed frequencies); the observed set is what survived plus the drop-in.


def observation_probability_by_enumeration(
    observed: frozenset[int], pat: int, mat: int, silent: int, d: float, h: float,
    c: float, q: Sequence[float],
) -> float:
    """P(observed set | true genotype pat/mat) by enumerating drop-out and drop-in."""
    visible = [a for a in (pat, mat) if a != silent]
    patterns: list[tuple[frozenset[int], float]] = []
    if len(visible) == 2 and visible[0] == visible[1]:
        patterns = [(frozenset(visible), 1.0 - h), (frozenset(), h)]
    else:
        for lost in itertools.product((False, True), repeat=len(visible)):
            prob = 1.0
            for gone in lost:
                prob *= d if gone else 1.0 - d
            survived = frozenset(a for a, gone in zip(visible, lost, strict=True)
                                 if not gone)
            patterns.append((survived, prob))
    total = 0.0
    for survived, prob in patterns:
        if survived == observed:
            total += prob * (1.0 - c)
        for x, qx in enumerate(q):
            if survived | {x} == observed:
                total += prob * c * qx
    return total


def consistent_with_silent(genotype: tuple[int, int], pat: int, mat: int, silent: int
                           ) -> bool:
    """A typed genotype without drop-out: the non-silent alleles are what was typed."""
    a, b = genotype
    if a < 0 and b < 0:
        return True
    if a >= 0 and b >= 0:
        return sorted({x for x in (pat, mat) if x != silent}) == sorted({a, b})
    known = a if a >= 0 else b
    return known in (pat, mat)


def brute_force_observed(
    fidx: Sequence[int], midx: Sequence[int], genotypes: Sequence[tuple[int, int]],
    observed: dict[int, tuple[frozenset[int], float, float, float]],
    freqs: NDArray[np.float64], female: NDArray[np.float64], male: NDArray[np.float64],
    theta: float = 0.0, silent: float = 0.0, query: int = -1,
) -> NDArray[np.float64]:
    """Sum over every ordered allele of every person, with the observation model.

    ``observed`` maps a person to ``(observed set, d, d_hom, c)``; the other persons'
    ``genotypes`` are read as typed genotypes (a silent allele may hide behind a
    homozygote). Returns the likelihood as a (1,) array, or with ``query`` ≥ 0 the
    (m, m) table of P(data, pat, mat of query).
    """
    n = len(freqs)
    m = n + 1 if silent > 0 else n
    sil = n if silent > 0 else -1
    p = np.concatenate([freqs * (1.0 - silent), [silent]]) if silent > 0 else freqs
    fem = np.eye(m)
    mal = np.eye(m)
    fem[:n, :n] = female
    mal[:n, :n] = male
    n_persons = len(fidx)
    grid = np.array(list(itertools.product(range(m), repeat=2 * n_persons)),
                    dtype=np.intp).reshape(-1, 2 * n_persons)
    prob = np.ones(grid.shape[0])
    founders = [k for k in range(n_persons) if fidx[k] < 0]
    columns = [2 * k + j for k in founders for j in (0, 1)]
    for j, col in enumerate(columns, start=1):
        earlier = (grid[:, columns[: j - 1]] == grid[:, [col]]).sum(axis=1)
        prob *= (earlier * theta + (1 - theta) * p[grid[:, col]]) / (1 + (j - 2) * theta)
    for k in range(n_persons):
        if fidx[k] >= 0:
            f, mo = fidx[k], midx[k]
            prob *= 0.5 * (mal[grid[:, 2 * f], grid[:, 2 * k]]
                           + mal[grid[:, 2 * f + 1], grid[:, 2 * k]])
            prob *= 0.5 * (fem[grid[:, 2 * mo], grid[:, 2 * k + 1]]
                           + fem[grid[:, 2 * mo + 1], grid[:, 2 * k + 1]])
        ev = np.zeros((m, m))
        for i in range(m):
            for j2 in range(m):
                if k in observed:
                    o, d, h, c = observed[k]
                    ev[i, j2] = observation_probability_by_enumeration(
                        o, i, j2, sil, d, h, c, list(freqs))
                else:
                    ev[i, j2] = float(consistent_with_silent(genotypes[k], i, j2, sil))
        prob *= ev[grid[:, 2 * k], grid[:, 2 * k + 1]]
    if query < 0:
        return np.array([prob.sum()])
    table = np.zeros((m, m))
    np.add.at(table, (grid[:, 2 * query], grid[:, 2 * query + 1]), prob)
    return table
