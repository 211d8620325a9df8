"""Naive X-linked pedigree likelihood: every X allele of every person, enumerated.

Straight from the biology, written without the engine's reductions (no pruning, no
lumping, no variable elimination, no tied variables):

* a female carries two X alleles (paternal, maternal); a male carries one;
* founder alleles are those with no parent to copy: a female founder's two, a male
  founder's one. Their joint probability is the Balding–Nichols sequential formula over
  all of them in person order (θ = 0: the product of frequencies);
* a daughter's paternal allele is her father's one allele, through the *male* mutation
  matrix: ``M♂[x_father, pat]``; every child's maternal allele (a son's only allele) is
  one of the mother's two with probability ½ each, through the *female* matrix:
  ``½·(M♀[m_pat, c] + M♀[m_mat, c])``; a father gives his son nothing on the X;
* evidence: a typed female as for autosomes (a silent allele hides behind a homozygote);
  a typed male shows his allele, or nothing when it is silent; a sample with drop-out
  (the observed set, d, d_hom, c) loses a male's one allele with probability d, and its
  drop-in adds one allele ``x`` with probability ``c·q_x``.

With a silent allele of frequency s the alphabet has one more allele (last), founders
draw the listed alleles with ``p·(1 − s)`` and it with ``s``; it never mutates.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from reference.brute_force import (
    consistent_with_silent,
    observation_probability_by_enumeration,
)

ObservedX = dict[int, tuple[frozenset[int], float, float, float]]


def male_observation_probability(observed: frozenset[int], allele: int, silent: int,
                                 d: float, c: float, q: Sequence[float]) -> float:
    """P(observed set | a male's one allele) by enumerating drop-out and drop-in."""
    if allele == silent:
        patterns = [(frozenset(), 1.0)]
    else:
        patterns = [(frozenset({allele}), 1.0 - d), (frozenset(), d)]
    total = 0.0
    for survived, prob in patterns:
        if survived == observed:
            total += prob * (1.0 - c)
        for x, qx in enumerate(q):
            if survived | {x} == observed:
                total += prob * c * qx
    return total


def male_consistent(genotype: tuple[int, int], allele: int) -> bool:
    """A typed male (``(a, a)`` or ``(a, -1)``, ``a`` a listed allele) shows his allele,
    so a silent one is excluded; untyped: anything."""
    known = [a for a in genotype if a >= 0]
    if not known:
        return True
    return allele == known[0]


def brute_force_x(
    fidx: Sequence[int], midx: Sequence[int], males: Sequence[bool],
    genotypes: Sequence[tuple[int, int]], observed: ObservedX,
    freqs: NDArray[np.float64], female: NDArray[np.float64], male: NDArray[np.float64],
    theta: float = 0.0, silent: float = 0.0, query: int = -1,
) -> NDArray[np.float64]:
    """The likelihood as a (1,) array, or with ``query`` ≥ 0 the (m, m) table of
    P(data, pat = i, mat = j) of that person (for a male: his allele on the diagonal).

    Every assignment of an allele to every X of every person is one row of a grid; each
    factor above multiplies the rows' probabilities (numpy only for speed).
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
    # Column layout: a female k has two columns (pat, mat), a male one.
    columns: list[list[int]] = []
    width = 0
    for k in range(n_persons):
        size = 1 if males[k] else 2
        columns.append(list(range(width, width + size)))
        width += size
    grid = np.array(list(itertools.product(range(m), repeat=width)),
                    dtype=np.intp).reshape(-1, width)
    prob = np.ones(grid.shape[0])
    founder_columns = [c for k in range(n_persons) if fidx[k] < 0 for c in columns[k]]
    for j, col in enumerate(founder_columns, start=1):
        earlier = (grid[:, founder_columns[: j - 1]] == grid[:, [col]]).sum(axis=1)
        prob *= (earlier * theta + (1.0 - theta) * p[grid[:, col]]) / (1.0 + (j - 2) * theta)
    q = list(freqs)
    for k in range(n_persons):
        cols = columns[k]
        if fidx[k] >= 0:
            mother = columns[midx[k]]
            maternal = grid[:, cols[-1]]
            prob *= 0.5 * (fem[grid[:, mother[0]], maternal] + fem[grid[:, mother[1]], maternal])
            if not males[k]:
                father_x = grid[:, columns[fidx[k]][0]]
                prob *= mal[father_x, grid[:, cols[0]]]
        if males[k]:
            ev1 = np.zeros(m)
            for a in range(m):
                if k in observed:
                    o, d, _, c = observed[k]
                    ev1[a] = male_observation_probability(o, a, sil, d, c, q)
                else:
                    ev1[a] = float(male_consistent(genotypes[k], a))
            prob *= ev1[grid[:, cols[0]]]
        else:
            ev2 = np.zeros((m, m))
            for a in range(m):
                for b in range(m):
                    if k in observed:
                        o, d, h, c = observed[k]
                        ev2[a, b] = observation_probability_by_enumeration(
                            o, a, b, sil, d, h, c, q)
                    else:
                        ev2[a, b] = float(consistent_with_silent(genotypes[k], a, b, sil))
            prob *= ev2[grid[:, cols[0]], grid[:, cols[1]]]
    if query < 0:
        return np.array([prob.sum()])
    table = np.zeros((m, m))
    q_cols = columns[query]
    first = grid[:, q_cols[0]]
    second = grid[:, q_cols[-1]]
    np.add.at(table, (first, second), prob)
    return table
