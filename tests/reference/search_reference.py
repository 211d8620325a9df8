"""Slow, obviously correct reference implementations the search kernels must equal.

Plain Python over allele *texts* (sets of alleles), one profile at a time: no codes, no
tables, no vectorisation: the direct match's stringency and its NRC II 4.10 LR. (The
screen's reference is the exact likelihood engine itself: screen scores equal
``missing_person_lr`` for every candidate, ``tests/search/test_search_screen.py``.)
"""

from __future__ import annotations

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


def rmp_reference(p: float, q: float | None, theta: float) -> float:
    """NRC II 4.10 written out once more, term by term."""
    d = (1 + theta) * (1 + 2 * theta)
    if q is None:
        return (2 * theta + (1 - theta) * p) * (3 * theta + (1 - theta) * p) / d
    return 2 * (theta + (1 - theta) * p) * (theta + (1 - theta) * q) / d
