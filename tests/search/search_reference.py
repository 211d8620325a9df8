"""Slow, obviously correct reference implementations the search kernels must equal.

Plain Python over allele *texts* (sets of alleles), one profile at a time: no codes, no
tables, no vectorisation. Imported by the search tests as ``search_reference``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

Texts = Mapping[str, Sequence[str]]


def match_level(query: Sequence[str], candidate: Sequence[str], *, query_partial: bool) -> int:
    """0 identical, 1 one contained in the other, 2 one allele shared, 3 disjoint."""
    q, c = set(query), set(candidate)
    if not query_partial and sorted(query * (2 // len(query))) == sorted(candidate):
        return 0
    if q <= c or c <= q:
        return 1
    if q & c:
        return 2
    return 3


def direct_reference(
    query: Texts,
    profiles: Mapping[str, Texts],
    *,
    worst: int,
    min_shared: int,
    max_mismatch: int,
    partial: Sequence[str] = (),
) -> dict[str, tuple[int, int]]:
    """{profile id: (shared, mismatches)} for every profile passing the criteria."""
    out: dict[str, tuple[int, int]] = {}
    for pid, genotypes in profiles.items():
        shared = mism = 0
        for marker, q in query.items():
            c = genotypes.get(marker)
            if not q or not c:
                continue
            shared += 1
            if match_level(list(q), list(c), query_partial=marker in partial) > worst:
                mism += 1
        if shared >= min_shared and mism <= max_mismatch:
            out[pid] = (shared, mism)
    return out


def screen_reference(log_lr: Mapping[str, Mapping[frozenset[str] | tuple[str, str], float]],
                     genotypes: Texts) -> float:
    """Sum over typed markers of the per-genotype log-LR (keys: sorted allele pairs)."""
    total = 0.0
    for marker, table in log_lr.items():
        g = genotypes.get(marker)
        if not g:
            continue
        a, b = sorted(g) if len(g) == 2 else (g[0], g[0])
        total += table[(a, b)]
    return total


def rmp_reference(p: float, q: float | None, theta: float) -> float:
    """NRC II 4.10 written out once more, term by term."""
    d = (1 + theta) * (1 + 2 * theta)
    if q is None:
        return (2 * theta + (1 - theta) * p) * (3 * theta + (1 - theta) * p) / d
    return 2 * (theta + (1 - theta) * p) * (theta + (1 - theta) * q) / d


def log10(x: float) -> float:
    return math.log10(x)
