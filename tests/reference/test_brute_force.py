"""The variable-elimination engine equals brute-force enumeration on small random pedigrees.

Random pedigrees include inbreeding and loops (children of siblings, of parent and
child), untyped and half-typed persons, random mutation matrices with separate female and
male rates, and θ > 0.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference.brute_force import brute_force_likelihood, sequential_founder_probability
from reunite.stats.likelihood import encoded_log_likelihood
from reunite.stats.mutation import MutationModel
from reunite.stats.theta import founder_partitions


@st.composite
def small_cases(draw: st.DrawFn, max_persons: int = 4, max_alleles: int = 3,
                ) -> tuple[list[int], list[int], list[tuple[int, int]], np.ndarray,
                           np.ndarray, np.ndarray, float]:
    n_alleles = draw(st.integers(2, max_alleles))
    n_persons = draw(st.integers(1, max_persons))
    fidx: list[int] = []
    midx: list[int] = []
    sexes: list[int] = []  # 0 male, 1 female
    for k in range(n_persons):
        males = [i for i in range(k) if sexes[i] == 0]
        females = [i for i in range(k) if sexes[i] == 1]
        if males and females and draw(st.booleans()):
            fidx.append(draw(st.sampled_from(males)))
            midx.append(draw(st.sampled_from(females)))
        else:
            fidx.append(-1)
            midx.append(-1)
        sexes.append(draw(st.integers(0, 1)))
    allele = st.integers(0, n_alleles - 1)
    genotype = st.one_of(
        st.just((-1, -1)),
        st.tuples(allele, allele),
        st.tuples(allele, st.just(-1)),
    )
    genotypes = [draw(genotype) for _ in range(n_persons)]
    weights = np.array(draw(st.lists(st.floats(0.05, 1.0), min_size=n_alleles,
                                     max_size=n_alleles)))
    freqs = weights / weights.sum()
    if draw(st.booleans()):
        female = male = np.eye(n_alleles)
    else:
        mats = []
        for _ in range(2):
            raw = np.array(draw(st.lists(st.floats(0.0, 1.0), min_size=n_alleles ** 2,
                                         max_size=n_alleles ** 2))).reshape(n_alleles,
                                                                             n_alleles)
            raw += np.eye(n_alleles) * draw(st.floats(0.0, 20.0))
            raw += 1e-3
            mats.append(raw / raw.sum(axis=1, keepdims=True))
        female, male = mats
    # θ couples all founder alleles (Bell-number many IBD partitions): keep θ cases to at
    # most three founders so the suite stays fast.
    n_founders = sum(1 for f in fidx if f < 0)
    theta = draw(st.sampled_from([0.0, 0.0, 0.03, 0.2])) if n_founders <= 3 else 0.0
    return fidx, midx, genotypes, freqs, female, male, theta


Case = tuple[list[int], list[int], list[tuple[int, int]], np.ndarray, np.ndarray,
             np.ndarray, float]


@settings(max_examples=80, deadline=None)
@given(small_cases())
def test_engine_equals_brute_force(case: Case) -> None:
    _check(case)


@pytest.mark.slow
@settings(max_examples=40, deadline=None)
@given(small_cases(max_persons=5))
def test_engine_equals_brute_force__five_persons(case: Case) -> None:
    _check(case)


def _check(case: Case) -> None:
    fidx, midx, genotypes, freqs, female, male, theta = case
    expected = brute_force_likelihood(fidx, midx, genotypes, freqs, female, male, theta)

    mutation = MutationModel(female=female, male=male)
    ll = encoded_log_likelihood(np.array(fidx, dtype=np.intp), np.array(midx, dtype=np.intp),
                                np.array(genotypes, dtype=np.intp).reshape(-1, 2), freqs,
                                mutation, theta=theta)
    actual = math.exp(ll)

    assert math.isclose(actual, expected, rel_tol=1e-9, abs_tol=1e-300)


def test_brute_force__trio_closed_form() -> None:
    """The reference itself: a trio with no mutation is p_a²·2p_ap_b·½ (child a/b)."""
    freqs = np.array([0.2, 0.3, 0.5])
    eye = np.eye(3)
    # Father a/a, mother b/c, child a/b:  P = p_a² · 2 p_b p_c · ½.
    got = brute_force_likelihood([-1, -1, 0], [-1, -1, 1], [(0, 0), (1, 2), (0, 1)], freqs,
                                 eye, eye)

    assert math.isclose(got, 0.2 ** 2 * 2 * 0.3 * 0.5 * 0.5, rel_tol=1e-12)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 2), min_size=1, max_size=6), st.floats(0.0, 0.5))
def test_partition_weights_reproduce_sequential_formula(alleles: list[int],
                                                        theta: float) -> None:
    """Σ over IBD partitions consistent with the alleles = the sequential urn formula."""
    freqs = np.array([0.2, 0.3, 0.5])
    items = list(range(len(alleles)))
    total = 0.0
    for blocks, weight in founder_partitions(items, theta):
        if all(len({alleles[i] for i in block}) == 1 for block in blocks):
            total += weight * math.prod(freqs[alleles[block[0]]] for block in blocks)

    expected = sequential_founder_probability(alleles, freqs, theta)

    assert math.isclose(total, expected, rel_tol=1e-12)
