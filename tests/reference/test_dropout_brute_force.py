"""The engine with drop-out, drop-in and a silent allele equals brute-force enumeration.

Random small pedigrees (inbreeding and loops, untyped and half-typed persons, random
female and male mutation matrices, θ > 0) in which random persons are samples with
drop-out: a random observed set of 0–3 alleles, random d, d_hom (d² or free) and drop-in
c; a silent allele of random frequency at some markers. The reference
(:func:`reference.brute_force.brute_force_observed`) sums over every true genotype of
every person and enumerates every drop-out pattern and drop-in outcome.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from reference.brute_force import (
    brute_force_observed,
    observation_probability_by_enumeration,
)
from reference.test_brute_force import small_cases
from reunite.stats._observation import EncodedObservation, evidence_matrix
from reunite.stats.likelihood import encoded_log_likelihood, encoded_log_marginal
from reunite.stats.mutation import MutationModel

Observed = dict[int, tuple[frozenset[int], float, float, float]]


@dataclass(frozen=True)
class ObservedCase:
    fidx: list[int]
    midx: list[int]
    genotypes: list[tuple[int, int]]
    freqs: np.ndarray
    female: np.ndarray
    male: np.ndarray
    theta: float
    silent: float
    observed: Observed

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return (np.array(self.fidx, dtype=np.intp), np.array(self.midx, dtype=np.intp),
                np.array(self.genotypes, dtype=np.intp).reshape(-1, 2))

    def reference(self, query: int = -1) -> np.ndarray:
        return brute_force_observed(self.fidx, self.midx, self.genotypes, self.observed,
                                    self.freqs, self.female, self.male, self.theta,
                                    self.silent, query)

    @property
    def mutation(self) -> MutationModel:
        return MutationModel(female=self.female, male=self.male)


@st.composite
def observed_cases(draw: st.DrawFn, max_persons: int = 4) -> ObservedCase:
    fidx, midx, genotypes, freqs, female, male, theta = draw(
        small_cases(max_persons=max_persons))
    n = len(freqs)
    silent = draw(st.sampled_from([0.0, 0.0, 0.1, 0.3]))
    probability = st.floats(0.0, 1.0)
    observed: Observed = {}
    genotypes = list(genotypes)
    for k in range(len(fidx)):
        if not draw(st.booleans()):
            continue
        alleles = frozenset(draw(st.lists(st.integers(0, n - 1), max_size=3)))
        d = draw(probability)
        h = d * d if draw(st.booleans()) else draw(probability)
        c = draw(st.sampled_from([0.0, 0.05, 0.3]))
        observed[k] = (alleles, d, h, c)
        genotypes[k] = (-1, -1)
    return ObservedCase(fidx, midx, genotypes, freqs, female, male, theta, silent, observed)


def _encoded(observed: Observed) -> dict[int, EncodedObservation]:
    return {k: EncodedObservation(tuple(sorted(o)), d, h, c)
            for k, (o, d, h, c) in observed.items()}


def _check(case: ObservedCase) -> None:
    f, m, codes = case.arrays()
    expected = float(case.reference()[0])

    ll = encoded_log_likelihood(f, m, codes, case.freqs, case.mutation, theta=case.theta,
                                observations=_encoded(case.observed), silent=case.silent)

    assert math.isclose(math.exp(ll), expected, rel_tol=1e-9, abs_tol=1e-300)


@settings(max_examples=80, deadline=None)
@given(observed_cases())
def test_engine_with_dropout_equals_brute_force(case: ObservedCase) -> None:
    _check(case)


@pytest.mark.slow
@settings(max_examples=40, deadline=None)
@given(observed_cases(max_persons=5))
def test_engine_with_dropout_equals_brute_force__five_persons(case: ObservedCase) -> None:
    _check(case)


@settings(max_examples=40, deadline=None)
@given(observed_cases(), st.data())
def test_marginal_with_dropout_equals_brute_force(case: ObservedCase,
                                                  data: st.DataObject) -> None:
    """The genotype table of an untyped person given observed relatives."""
    untyped = [k for k, g in enumerate(case.genotypes) if tuple(g) == (-1, -1)
               and k not in case.observed]
    assume(untyped)
    query = data.draw(st.sampled_from(untyped))
    f, m, codes = case.arrays()
    expected = case.reference(query)

    log_scale, table = encoded_log_marginal(
        f, m, codes, case.freqs, case.mutation, query, theta=case.theta,
        observations=_encoded(case.observed), silent=case.silent)

    actual = table * math.exp(log_scale) if log_scale > -math.inf else np.zeros_like(table)
    np.testing.assert_allclose(actual, expected, rtol=1e-9,
                               atol=1e-12 * float(expected.max(initial=0.0)) + 1e-300)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 5), st.booleans(), st.lists(st.integers(0, 4), max_size=3),
       st.floats(0, 1), st.floats(0, 1), st.sampled_from([0.0, 0.1, 0.5]), st.data())
def test_evidence_matrix_equals_enumeration(n: int, with_silent: bool, raw: list[int],
                                            d: float, h: float, c: float,
                                            data: st.DataObject) -> None:
    """The kernel's closed form of P(O | g) against enumerating patterns and drop-ins."""
    observed = frozenset(a % n for a in raw)
    weights = np.array(data.draw(st.lists(st.floats(0.05, 1.0), min_size=n, max_size=n)))
    q = weights / weights.sum()
    m = n + 1 if with_silent else n
    silent = n if with_silent else -1
    q_ext = np.concatenate([q, [0.0]]) if with_silent else q
    expected = np.array([[observation_probability_by_enumeration(
        observed, i, j, silent, d, h, c, list(q)) for j in range(m)] for i in range(m)])

    actual = evidence_matrix(sorted(observed), m, q_ext, silent, d, h, c)

    np.testing.assert_allclose(actual, expected, rtol=1e-12, atol=1e-15)
