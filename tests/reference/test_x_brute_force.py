"""The engine at X markers equals brute-force enumeration of every X allele.

Random small pedigrees with both sexes (fathers male, mothers female, the others drawn;
inbreeding and loops from children of relatives), typed, half-typed and untyped persons
(males typed with one allele), random female and male mutation matrices, θ > 0, samples
with drop-out and drop-in (a male's observed set: at most one allele plus a drop-in) and
silent alleles. The reference (:func:`reference.x_brute.brute_force_x`) sums over every
founder allele and every transmission; the engine must agree to 1e-9, for the likelihood
and for the genotype table of an untyped person (a missing person).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from reference.x_brute import ObservedX, brute_force_x, male_observation_probability
from reunite.stats._observation import EncodedObservation, evidence_matrix
from reunite.stats.likelihood import encoded_log_likelihood, encoded_log_marginal
from reunite.stats.mutation import MutationModel


@dataclass(frozen=True)
class XCase:
    fidx: list[int]
    midx: list[int]
    males: list[bool]
    genotypes: list[tuple[int, int]]
    observed: ObservedX
    freqs: np.ndarray
    female: np.ndarray
    male: np.ndarray
    theta: float
    silent: float

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        return (np.array(self.fidx, dtype=np.intp), np.array(self.midx, dtype=np.intp),
                np.array(self.genotypes, dtype=np.intp).reshape(-1, 2),
                np.array(self.males, dtype=bool))

    def reference(self, query: int = -1) -> np.ndarray:
        return brute_force_x(self.fidx, self.midx, self.males, self.genotypes,
                             self.observed, self.freqs, self.female, self.male,
                             self.theta, self.silent, query)

    def encoded_observations(self) -> dict[int, EncodedObservation]:
        return {k: EncodedObservation(tuple(sorted(o)), d, h, c, hemizygous=self.males[k])
                for k, (o, d, h, c) in self.observed.items()}

    @property
    def mutation(self) -> MutationModel:
        return MutationModel(female=self.female, male=self.male)

    def engine(self) -> float:
        fidx, midx, codes, males = self.arrays()
        return math.exp(encoded_log_likelihood(
            fidx, midx, codes, self.freqs, self.mutation, theta=self.theta,
            observations=self.encoded_observations(), silent=self.silent,
            hemizygous=males))


@st.composite
def x_cases(draw: st.DrawFn, max_persons: int = 4, max_alleles: int = 3,
            dropout: bool = True) -> XCase:
    n = draw(st.integers(2, max_alleles))
    # Larger pedigrees drawn more often (hypothesis otherwise favours tiny ones).
    n_persons = draw(st.sampled_from([*range(1, max_persons + 1), max_persons - 1,
                                      max_persons, max_persons]))
    fidx: list[int] = []
    midx: list[int] = []
    males: list[bool] = []
    for k in range(n_persons):
        fathers = [i for i in range(k) if males[i]]
        mothers = [i for i in range(k) if not males[i]]
        # Mostly children once a couple exists (transmissions, and loops when the parents
        # are themselves relatives); the first two persons are a man and a woman.
        if fathers and mothers and draw(st.integers(0, 3)) > 0:
            fidx.append(draw(st.sampled_from(fathers)))
            midx.append(draw(st.sampled_from(mothers)))
        else:
            fidx.append(-1)
            midx.append(-1)
        males.append(not males[0] if k == 1 else draw(st.booleans()))
    allele = st.integers(0, n - 1)
    genotypes: list[tuple[int, int]] = []
    for k in range(n_persons):
        if males[k]:
            g = draw(st.one_of(st.just((-1, -1)), allele.map(lambda a: (a, a)),
                               allele.map(lambda a: (a, -1))))
        else:
            g = draw(st.one_of(st.just((-1, -1)), st.tuples(allele, allele),
                               st.tuples(allele, st.just(-1))))
        genotypes.append(g)
    weights = np.array(draw(st.lists(st.floats(0.05, 1.0), min_size=n, max_size=n)))
    freqs = weights / weights.sum()
    if draw(st.booleans()):
        female = male = np.eye(n)
    else:
        mats = []
        for _ in range(2):
            raw = np.array(draw(st.lists(st.floats(0.0, 1.0), min_size=n * n,
                                         max_size=n * n))).reshape(n, n)
            raw += np.eye(n) * draw(st.floats(0.0, 20.0))
            raw += 1e-3
            mats.append(raw / raw.sum(axis=1, keepdims=True))
        female, male = mats
    # θ couples the founder alleles (Bell-number many partitions): at most 6 of them.
    n_founder_alleles = sum((1 if males[k] else 2) for k in range(n_persons) if fidx[k] < 0)
    theta = draw(st.sampled_from([0.0, 0.0, 0.05, 0.2])) if n_founder_alleles <= 6 else 0.0
    silent = draw(st.sampled_from([0.0, 0.0, 0.1, 0.3])) if dropout else 0.0
    observed: ObservedX = {}
    if dropout:
        probability = st.floats(0.0, 1.0)
        for k in range(n_persons):
            if not draw(st.booleans()):
                continue
            c = draw(st.sampled_from([0.0, 0.05, 0.3]))
            most = (1 if males[k] else 2) + (1 if c > 0 else 0)
            alleles = frozenset(draw(st.lists(allele, max_size=most)))
            assume(len(alleles) <= most)
            d = draw(probability)
            h = d * d if draw(st.booleans()) else draw(probability)
            observed[k] = (alleles, d, h, c)
            genotypes[k] = (-1, -1)
    return XCase(fidx, midx, males, genotypes, observed, freqs, female, male, theta,
                 silent)


def _close(actual: float, expected: float) -> bool:
    return math.isclose(actual, expected, rel_tol=1e-9, abs_tol=1e-300)


@settings(max_examples=80, deadline=None)
@given(x_cases(dropout=False))
def test_x_engine_equals_brute_force__genotypes(case: XCase) -> None:
    assert _close(case.engine(), float(case.reference()[0]))


@settings(max_examples=80, deadline=None)
@given(x_cases())
def test_x_engine_equals_brute_force__dropout_and_silent(case: XCase) -> None:
    assert _close(case.engine(), float(case.reference()[0]))


@pytest.mark.slow
@settings(max_examples=40, deadline=None)
@given(x_cases(max_persons=5))
def test_x_engine_equals_brute_force__five_persons(case: XCase) -> None:
    assert _close(case.engine(), float(case.reference()[0]))


@settings(max_examples=60, deadline=None)
@given(x_cases(), st.data())
def test_x_marginal_equals_brute_force(case: XCase, data: st.DataObject) -> None:
    """The joint table of an untyped person (a missing person: diagonal for a male)."""
    untyped = [k for k in range(len(case.fidx))
               if case.genotypes[k] == (-1, -1) and k not in case.observed]
    assume(untyped)
    query = data.draw(st.sampled_from(untyped))
    fidx, midx, codes, males = case.arrays()
    log_scale, table = encoded_log_marginal(
        fidx, midx, codes, case.freqs, case.mutation, query, theta=case.theta,
        observations=case.encoded_observations(), silent=case.silent, hemizygous=males)
    expected = case.reference(query)
    got = math.exp(log_scale) * table if log_scale > -math.inf else np.zeros_like(table)
    assert got.shape == expected.shape
    assert np.allclose(got, expected, rtol=1e-9, atol=1e-14 * max(expected.max(), 1e-300))
    if case.males[query]:
        assert np.count_nonzero(got - np.diag(np.diag(got))) == 0


@settings(max_examples=200, deadline=None)
@given(st.integers(2, 4), st.floats(0.0, 1.0), st.sampled_from([0.0, 0.05, 0.3]),
       st.booleans(), st.data())
def test_male_evidence_matrix_equals_enumeration(n: int, d: float, c: float, silent: bool,
                                                 data: st.DataObject) -> None:
    """The engine's hemizygous evidence (diagonal) equals the enumerated observation model."""
    m = n + 1 if silent else n
    sil = n if silent else -1
    q = np.zeros(m)
    q[:n] = np.arange(1, n + 1) / (n * (n + 1) / 2)
    most = 2 if c > 0 else 1
    observed = sorted(set(data.draw(st.lists(st.integers(0, n - 1), max_size=most))))
    e = evidence_matrix(observed, m, q, sil, d, d * d, c, hemizygous=True)
    for a in range(m):
        assert math.isclose(e[a, a], male_observation_probability(
            frozenset(observed), a, sil, d, c, list(q[:n])), rel_tol=1e-12, abs_tol=1e-15)
    assert np.count_nonzero(e - np.diag(np.diag(e))) == 0


def test_brute_force_x__father_daughter_closed_form() -> None:
    """The reference itself: father a, daughter a/b, mother untyped → p_a·p_b."""
    freqs = np.array([0.2, 0.3, 0.5])
    eye = np.eye(3)
    got = brute_force_x([-1, -1, 0], [-1, -1, 1], [True, False, False],
                        [(0, 0), (-1, -1), (0, 1)], {}, freqs, eye, eye)
    assert math.isclose(float(got[0]), 0.2 * 0.3, rel_tol=1e-12)


def test_brute_force_x__father_son_share_nothing() -> None:
    """The reference itself: father a, son b (no X from father) → p_a·p_b."""
    freqs = np.array([0.2, 0.3, 0.5])
    eye = np.eye(3)
    got = brute_force_x([-1, -1, 0], [-1, -1, 1], [True, False, True],
                        [(0, 0), (-1, -1), (1, 1)], {}, freqs, eye, eye)
    assert math.isclose(float(got[0]), 0.2 * 0.3, rel_tol=1e-12)
