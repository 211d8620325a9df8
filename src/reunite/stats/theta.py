"""Subpopulation correction θ: Balding–Nichols sampling of founder alleles.

Model (Balding & Nichols 1994; NRC II 4.10; as pedprobr and Familias apply it): the
founder alleles of a hypothesis are drawn one after another; the j-th is allele ``a``
with probability ``(b·θ + (1 − θ)·p_a) / (1 + (j − 2)·θ)``, where ``b`` counts the
earlier founder alleles equal to ``a`` (:func:`sequential_probability`). This is the
Dirichlet-multinomial (Pólya urn), which is exchangeable: untyped founders with no typed
descendants can be dropped, and unobserved alleles lumped, without changing anything.

The urn is a mixture over *identity-by-descent partitions* of the founder alleles (the
Chinese-restaurant form): the j-th allele is "fresh" (drawn from ``p``) with weight
``(1 − θ)/(1 + (j − 2)θ)`` or a copy of one of the ``k`` earlier alleles of an existing
block with weight ``kθ/(1 + (j − 2)θ)``. Summed over partitions, each block carrying one
allele drawn from ``p``, this is exactly the sequential formula. The likelihood engine
uses :func:`founder_partitions` to turn the coupled founder prior into a weighted sum of
ordinary pedigree likelihoods in which the alleles of a block are one variable — exact for
every mutation model and pedigree shape. The number of partitions is the Bell number of
the number of founder alleles (15 for two founders, 203 for three, 4,140 for four).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
from numpy.typing import NDArray

__all__ = ["bell_number", "founder_partitions", "sequential_probability"]


def sequential_probability(alleles: Sequence[int], freqs: NDArray[np.float64],
                           theta: float) -> float:
    """Probability of drawing ``alleles`` (indices) in this order under the urn."""
    prob = 1.0
    for j, a in enumerate(alleles, start=1):
        b = sum(1 for x in alleles[: j - 1] if x == a)
        prob *= (b * theta + (1.0 - theta) * float(freqs[a])) / (1.0 + (j - 2) * theta)
    return prob


def bell_number(m: int) -> int:
    """Number of set partitions of ``m`` items."""
    row = [1]
    for _ in range(m):
        nxt = [row[-1]]
        for x in row:
            nxt.append(nxt[-1] + x)
        row = nxt
    return row[0]


def founder_partitions(items: Sequence[int], theta: float,
                       domains: Sequence[frozenset[int] | None] | None = None,
                       ) -> Iterator[tuple[list[list[int]], float]]:
    """Every partition of ``items`` into IBD blocks, with its urn weight.

    The weights sum to 1. Items are taken in the given order (the order does not change
    the result; the urn is exchangeable). ``domains`` (optional, parallel to ``items``)
    gives the alleles each item can take (``None``: any); partitions with a block whose
    members cannot share an allele are skipped, since their likelihood is 0.
    """
    m = len(items)
    if m == 0:
        yield [], 1.0
        return
    doms = list(domains) if domains is not None else [None] * m

    def rec(j: int, blocks: list[list[int]], block_doms: list[frozenset[int] | None],
            weight: float) -> Iterator[tuple[list[list[int]], float]]:
        if j == m:
            yield [list(b) for b in blocks], weight
            return
        den = 1.0 + (j - 1) * theta  # j is 0-based here: (1 + (j+1 − 2)θ)
        fresh = (1.0 - theta) / den
        if fresh > 0:
            blocks.append([items[j]])
            block_doms.append(doms[j])
            yield from rec(j + 1, blocks, block_doms, weight * fresh)
            blocks.pop()
            block_doms.pop()
        if theta > 0:
            for b, block in enumerate(blocks):
                old = block_doms[b]
                mine = doms[j]
                new = mine if old is None else (old if mine is None else old & mine)
                if new is not None and not new:
                    continue
                w = len(block) * theta / den
                block.append(items[j])
                block_doms[b] = new
                yield from rec(j + 1, blocks, block_doms, weight * w)
                block.pop()
                block_doms[b] = old

    yield from rec(0, [], [], 1.0)


def partition_key(blocks: Sequence[Sequence[int]], items: Sequence[int],
                  swaps: Sequence[tuple[int, int]]) -> tuple[int, ...]:
    """A key equal for partitions that differ only by swapping the items of ``swaps``.

    A founder's two alleles play the same role (both transmitted with probability ½,
    same prior, unordered genotype), so partitions that swap them have the same
    likelihood; the engine computes one per key. The key is the smallest
    restricted-growth labelling of ``items`` over all combinations of the swaps.
    """
    block_of: dict[int, int] = {}
    for b, block in enumerate(blocks):
        for v in block:
            block_of[v] = b
    best: tuple[int, ...] | None = None
    for mask in range(1 << len(swaps)):
        image = dict(zip(items, items, strict=True))
        for bit, (u, v) in enumerate(swaps):
            if mask >> bit & 1:
                image[u], image[v] = v, u
        first: dict[int, int] = {}
        labels = []
        for v in items:
            b = block_of[image[v]]
            if b not in first:
                first[b] = len(first)
            labels.append(first[b])
        key = tuple(labels)
        if best is None or key < best:
            best = key
    assert best is not None
    return best
