"""Calibration: exclusion power, tail probabilities, p-values and database thresholds.

Checked three ways (STYLE rule 10): closed forms by hand on one parent and one marker;
the brute-force enumerator of ``tests/reference/calibration_brute_force.py`` (every
genotype of the missing person by naive pedigree enumeration, then every combination of
markers) on random small pedigrees, with mutation and θ; and invariants on every family
tested (Markov's ``P(LR ≥ t | H2) ≤ 1/t``, ``P(LR ≥ t | H1) ≥ t · P(LR ≥ t | H2)``, the
bracket holding the exact value, lattice equal to exact where both run).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from reference.brute_force import brute_force_likelihood
from reference.calibration_brute_force import (
    brute_force_database_threshold,
    brute_force_exclusion_power,
    brute_force_genotype_distribution,
    brute_force_tails,
    combinations,
)
from reunite.errors import InputError
from reunite.genetics.observation import DropoutModel
from reunite.genetics.pedigree import Pedigree, Person, parent_child
from reunite.stats.calibration import (
    TIE_TOLERANCE,
    Bracket,
    MarkerOutcomes,
    assess_family,
    calibrate,
    database_threshold,
    exclusion_power,
    format_threshold,
    lr_distribution,
    outcomes_from_observation_table,
    outcomes_from_table,
    p_value,
    tail_function,
    tail_probabilities,
)
from reunite.stats.likelihood import KinshipMarker
from reunite.stats.missing_person import (
    missing_person_genotype_table,
    missing_person_observation_table,
)
from reunite.stats.mutation import MutationModel, MutationSpec, mutation_matrix

ALLELES = ("10", "11", "12", "13")
P = {"10": 0.1, "11": 0.2, "12": 0.3, "13": 0.4}
FREQS = np.array([P[a] for a in ALLELES])


def _one_parent(father: tuple[str, str] = ("10", "11"), name: str = "M",
                mutation: MutationModel | None = None) -> tuple[MarkerOutcomes, ...]:
    marker = KinshipMarker(name, ALLELES, FREQS, mutation)
    table = missing_person_genotype_table(parent_child("FA", "MP"), "MP",
                                          {"FA": {name: father}}, [marker])
    return outcomes_from_table(table)


def _close(a: float, b: float, rel: float = 1e-9, floor: float = 1e-300) -> bool:
    return abs(a - b) <= rel * max(abs(a), abs(b), floor)


class TestClosedForms:
    def test_exclusion_power__heterozygous_parent_is_one_minus_pa_pb_squared(self) -> None:
        # The child is excluded when it carries neither of the father's alleles 10, 11:
        # EP = (1 − p10 − p11)².
        expected = (1 - P["10"] - P["11"]) ** 2

        ep = exclusion_power(_one_parent(("10", "11")))

        assert _close(ep.total, expected)
        assert _close(ep.per_marker["M"], expected)

    def test_exclusion_power__homozygous_parent_is_one_minus_pa_squared(self) -> None:
        expected = (1 - P["12"]) ** 2

        ep = exclusion_power(_one_parent(("12", "12")))

        assert _close(ep.total, expected)

    def test_exclusion_power__two_markers_combine_as_one_minus_product(self) -> None:
        e1, e2 = (1 - P["10"] - P["11"]) ** 2, (1 - P["13"]) ** 2
        outcomes = (*_one_parent(("10", "11"), "A"), *_one_parent(("13", "13"), "B"))

        ep = exclusion_power(outcomes)

        assert _close(ep.total, 1 - (1 - e1) * (1 - e2))

    def test_tails__one_parent_written_out(self) -> None:
        # Father 10/11. LR of a child g: 10/10: 1/(2p10) = 5; 10/11: (p10+p11)/(4 p10 p11)
        # = 3.75; 10/12, 10/13: 1/(4 p10) = 2.5; 11/11: 1/(2 p11) = 2.5; 11/12, 11/13:
        # 1/(4 p11) = 1.25; others 0. At t = 2.5 (a three-way tie, "≥" inclusive):
        hw = {("10", "10"): 0.01, ("10", "11"): 0.04, ("10", "12"): 0.06,
              ("10", "13"): 0.08, ("11", "11"): 0.04}
        expected_h2 = sum(hw.values())                                # 0.23
        expected_h1 = 0.5 * 0.1 + 0.5 * (0.1 + 0.2) + 0.5 * 0.3 + 0.5 * 0.4 + 0.5 * 0.2

        result = tail_probabilities(_one_parent(), 2.5)

        assert result.method.name == "exact"
        assert _close(result.h2.estimate, expected_h2)
        assert _close(result.h1.estimate, expected_h1)
        assert result.h2.lower == result.h2.upper

    def test_tails__threshold_just_above_a_tie_drops_it(self) -> None:
        result = tail_probabilities(_one_parent(), 2.5 * (1 + 1e-6))

        assert _close(result.h2.estimate, 0.01 + 0.04)

    def test_database_threshold__one_parent_is_just_above_the_tie(self) -> None:
        # N = 100, target 10: P(LR ≥ t) ≤ 0.1 for every t > 2.5 (tail 0.05), not at 2.5
        # (tail 0.23): the infimum is 2.5.
        result = database_threshold(_one_parent(), 100, target=10)

        assert result.infimum_lower <= 2.5 < result.threshold <= 2.5 * math.exp(0.01) + 1e-12
        assert 100 * result.tail.upper <= 10
        assert _close(result.tail.estimate, 0.05)
        assert not result.at_floor

    def test_database_threshold__floor_when_lr_one_is_already_rare(self) -> None:
        # P(LR ≥ 1 | H2) = 0.23 + 0.12 + 0.16 = 0.51.
        result = database_threshold(_one_parent(), 1, target=0.6)

        assert result.at_floor
        assert result.threshold == 1.0

    def test_p_value__of_the_best_genotype_is_its_own_probability(self) -> None:
        outcomes = _one_parent()

        result = p_value(outcomes, {"M": math.log(5.0)})

        assert _close(result.h2.estimate, 0.01)
        assert _close(result.h1.estimate, 0.05)

    def test_p_value__excluded_candidate_is_one(self) -> None:
        result = p_value(_one_parent(), 0.0)

        assert result.h2.estimate == 1.0


def _random_mutation(draw: st.DrawFn, n: int) -> MutationModel:
    mats = []
    for _ in range(2):
        raw = np.array(draw(st.lists(st.floats(0.0, 1.0), min_size=n * n, max_size=n * n)))
        raw = raw.reshape(n, n) + np.eye(n) * draw(st.floats(1.0, 30.0))
        mats.append(raw / raw.sum(axis=1, keepdims=True))
    return MutationModel(female=mats[0], male=mats[1])


@st.composite
def small_families(draw: st.DrawFn, max_markers: int = 2) -> dict[str, Any]:
    """A random pedigree (loops and inbreeding allowed) with an untyped missing person,
    1–2 markers of 2–3 alleles, typed references, optional mutation and θ."""
    n_persons = draw(st.integers(2, 4))
    fidx: list[int] = []
    midx: list[int] = []
    sexes: list[int] = []
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
    mp = draw(st.integers(0, n_persons - 1))
    theta = draw(st.sampled_from([0.0, 0.0, 0.03]))
    markers = []
    for m in range(draw(st.integers(1, max_markers))):
        # The enumeration is n^(2·(persons + 1)) terms per genotype: keep it small.
        n = draw(st.integers(2, 3 if n_persons <= 3 else 2))
        weights = np.array(draw(st.lists(st.floats(0.05, 1.0), min_size=n, max_size=n)))
        freqs = weights / weights.sum()
        mutation = _random_mutation(draw, n) if draw(st.booleans()) else None
        allele = st.integers(0, n - 1)
        codes = [(-1, -1) if k == mp else draw(st.one_of(
            st.just((-1, -1)), st.tuples(allele, allele))) for k in range(n_persons)]
        markers.append({"name": f"M{m}", "freqs": freqs, "mutation": mutation,
                        "codes": codes})
    return {"fidx": fidx, "midx": midx, "sexes": sexes, "mp": mp, "theta": theta,
            "markers": markers}


def _engine(case: dict[str, Any]) -> tuple[MarkerOutcomes, ...]:
    sex_names = ("male", "female")
    ids = [f"P{k}" for k in range(len(case["fidx"]))]
    pedigree = Pedigree(tuple(
        Person(ids[k], ids[f] if f >= 0 else None, ids[m] if m >= 0 else None,
               sex_names[case["sexes"][k]])
        for k, (f, m) in enumerate(zip(case["fidx"], case["midx"], strict=True))))
    markers, genotypes = [], {}
    for spec in case["markers"]:
        alleles = tuple(str(i) for i in range(len(spec["freqs"])))
        markers.append(KinshipMarker(spec["name"], alleles, spec["freqs"], spec["mutation"]))
        for k, (a, b) in enumerate(spec["codes"]):
            if a >= 0:
                genotypes.setdefault(ids[k], {})[spec["name"]] = (str(a), str(b))
    table = missing_person_genotype_table(pedigree, ids[case["mp"]], genotypes, markers,
                                          theta=case["theta"])
    return outcomes_from_table(table)


def _brute(case: dict[str, Any]) -> list[tuple[np.ndarray, np.ndarray]]:
    out = []
    for spec in case["markers"]:
        n = len(spec["freqs"])
        mut = spec["mutation"]
        female = mut.female if mut is not None else np.eye(n)
        male = mut.male if mut is not None else np.eye(n)
        out.append(brute_force_genotype_distribution(
            case["fidx"], case["midx"], spec["codes"], case["mp"], spec["freqs"], female,
            male, case["theta"]))
    return out


def _possible(case: dict[str, Any]) -> bool:
    for spec in case["markers"]:
        n = len(spec["freqs"])
        mut = spec["mutation"]
        female = mut.female if mut is not None else np.eye(n)
        male = mut.male if mut is not None else np.eye(n)
        if brute_force_likelihood(case["fidx"], case["midx"], spec["codes"], spec["freqs"],
                                  female, male, case["theta"]) <= 0:
            return False
    return True


def _in_bracket(bracket: Bracket, exact: float) -> bool:
    slack = 1e-12 * max(exact, 1e-300)
    return bracket.lower - slack <= exact <= bracket.upper + slack


class TestAgainstBruteForce:
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(case=small_families())
    def test_exclusion_power_equals_enumeration(self, case: dict[str, Any]) -> None:
        assume(_possible(case))
        brute = _brute(case)
        outcomes = _engine(case)

        ep = exclusion_power(outcomes)

        assert _close(ep.total, brute_force_exclusion_power(brute), floor=1e-15)
        for spec, (h1, h2), o in zip(case["markers"], brute, outcomes, strict=True):
            expected = float(h2[h1 == 0].sum())
            assert np.allclose(o.h1, h1, rtol=1e-9, atol=1e-15)
            assert _close(ep.per_marker[spec["name"]], expected, floor=1e-15)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(case=small_families(), pick=st.floats(0.0, 1.0), exponent=st.floats(-2.0, 3.0),
           at_atom=st.booleans())
    def test_tails_equal_enumeration__exact_and_lattice(
            self, case: dict[str, Any], pick: float, exponent: float, at_atom: bool) -> None:
        assume(_possible(case))
        brute = _brute(case)
        outcomes = _engine(case)
        values = sorted({c[0] for c in combinations(brute) if 0 < c[0] < math.inf})
        assume(values)
        # Thresholds exactly at an LR of some combination test "≥" with ties.
        t = values[int(pick * (len(values) - 1))] if at_atom else 10.0 ** exponent
        exact_h2, exact_h1 = brute_force_tails(brute, t)

        exact = tail_probabilities(outcomes, t, method="exact")
        lattice = tail_probabilities(outcomes, t, method="lattice")

        assert _close(exact.h2.estimate, exact_h2, floor=1e-15)
        assert _close(exact.h1.estimate, exact_h1, floor=1e-15)
        assert _in_bracket(lattice.h2, exact_h2)
        assert _in_bracket(lattice.h1, exact_h1)
        if lattice.method.relative_error <= 1e-3:
            assert abs(lattice.h2.estimate - exact_h2) <= 1e-3 * exact_h2 + 1e-18
            assert abs(lattice.h1.estimate - exact_h1) <= 1e-3 * exact_h1 + 1e-18

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(case=small_families(), size=st.sampled_from([10.0, 1e3, 1e5]),
           target=st.sampled_from([0.01, 0.5]))
    def test_database_threshold_brackets_the_exact_infimum(
            self, case: dict[str, Any], size: float, target: float) -> None:
        assume(_possible(case))
        brute = _brute(case)
        outcomes = _engine(case)
        exact = brute_force_database_threshold(brute, size, target)

        result = database_threshold(outcomes, size, target=target)

        assert result.infimum_lower <= exact * (1 + 1e-9)
        assert exact <= result.threshold * (1 + 1e-9)
        assert result.threshold <= max(exact, 1.0) * math.exp(0.01) * (1 + 1e-9)
        assert size * brute_force_tails(brute, result.threshold)[0] <= target * (1 + 1e-9)

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(case=small_families(), pick=st.floats(0.0, 1.0))
    def test_p_value_of_a_genotype_combination(self, case: dict[str, Any],
                                               pick: float) -> None:
        assume(_possible(case))
        brute = _brute(case)
        outcomes = _engine(case)
        # The candidate: one genotype combination with positive probability under H2.
        choices = [[g for g in range(len(h2)) if h2[g] > 0 and h1[g] > 0] for h1, h2 in brute]
        assume(all(choices))
        combo = [c[int(pick * (len(c) - 1))] for c in choices]
        per_marker = {o.marker: float(o.log_lr()[g]) for o, g in zip(outcomes, combo,
                                                                     strict=True)}
        observed = math.exp(sum(per_marker.values()))
        expected_h2, expected_h1 = brute_force_tails(brute, observed)

        exact = p_value(outcomes, per_marker, method="exact")
        lattice = p_value(outcomes, per_marker, method="lattice")

        assert _close(exact.h2.estimate, expected_h2, floor=1e-15)
        assert _close(exact.h1.estimate, expected_h1, floor=1e-15)
        assert _in_bracket(lattice.h2, expected_h2)
        # Aligned on the candidate: the candidate itself is in the lower bound.
        own = math.prod(float(h2[g]) for (_, h2), g in zip(brute, combo, strict=True))
        assert lattice.h2.lower >= own * (1 - 1e-9)


    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(case=small_families())
    def test_tail_function_brackets_every_threshold(self, case: dict[str, Any]) -> None:
        assume(_possible(case))
        brute = _brute(case)
        values = sorted({c[0] for c in combinations(brute) if 1.0 <= c[0] < math.inf})
        thresholds = [1.0, *values, *(v * 1.001 for v in values)]

        tails = tail_function(_engine(case))

        lower, upper = tails.brackets(thresholds)
        for k, t in enumerate(thresholds):
            exact_h2, exact_h1 = brute_force_tails(brute, t)
            assert _in_bracket(Bracket(lower[1, k], upper[1, k]), exact_h2)
            assert _in_bracket(Bracket(lower[0, k], upper[0, k]), exact_h1)


class TestInvariants:
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(case=small_families(), exponent=st.floats(0.0, 4.0),
           method=st.sampled_from(["exact", "lattice"]))
    def test_markov_bound_and_power_at_least_t_times_tail(
            self, case: dict[str, Any], exponent: float, method: str) -> None:
        assume(_possible(case))
        t = 10.0 ** exponent
        result = tail_probabilities(_engine(case), t, method=method)

        # "≥ t" counts LRs within the tie tolerance (1e-9) below t.
        markov = (1.0 / t) * math.exp(TIE_TOLERANCE) * (1 + 1e-12)
        assert result.h2.lower <= markov
        assert result.h2.estimate <= markov * (1 + result.method.relative_error) + 1e-18
        assert result.h1.upper >= t * result.h2.lower * (1 - 1e-9)

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(case=small_families())
    def test_distribution_masses_sum_to_one(self, case: dict[str, Any]) -> None:
        assume(_possible(case))
        dist = lr_distribution(_engine(case))

        assert math.isclose(sum(dist.h2) + dist.excluded, 1.0, abs_tol=1e-9)
        assert math.isclose(sum(dist.h1) + dist.infinite, 1.0, abs_tol=1e-9)


def _nist_like(n_markers: int, n_alleles: int, seed: int,
               mutation: bool = False) -> tuple[list[KinshipMarker], dict[str, Any]]:
    rng = np.random.default_rng(seed)
    markers = []
    genotypes: dict[str, dict[str, tuple[str, str]]] = {"SIB": {}, "FA": {}}
    for m in range(n_markers):
        p = rng.dirichlet(np.ones(n_alleles) * 2)
        alleles = tuple(str(10 + i) for i in range(n_alleles))
        model = None
        if mutation:
            mat = mutation_matrix(MutationSpec("equal", rate=0.005), alleles, p)
            model = MutationModel(female=mat, male=mat)
        markers.append(KinshipMarker(f"M{m}", alleles, p, model))
        for who in genotypes:
            a, b = rng.choice(n_alleles, size=2, p=p)
            genotypes[who][f"M{m}"] = (alleles[a], alleles[b])
    return markers, genotypes


def _sibling_family(markers: list[KinshipMarker], genotypes: dict[str, Any]
                    ) -> tuple[MarkerOutcomes, ...]:
    pedigree = Pedigree((Person("FA", None, None, "male"), Person("MO", None, None, "female"),
                         Person("MP", "FA", "MO", "unknown"),
                         Person("SIB", "FA", "MO", "unknown")))
    table = missing_person_genotype_table(pedigree, "MP", {"SIB": genotypes["SIB"]}, markers)
    return outcomes_from_table(table)


class TestLattice:
    @pytest.mark.parametrize("mutation", [False, True])
    def test_lattice_equals_exact_on_five_markers(self, mutation: bool) -> None:
        markers, genotypes = _nist_like(5, 4, seed=3, mutation=mutation)
        outcomes = _sibling_family(markers, genotypes)
        for t in (0.5, 3.0, 100.0, 1e3):
            exact = tail_probabilities(outcomes, t, method="exact")

            lattice = tail_probabilities(outcomes, t, method="lattice")

            assert _in_bracket(lattice.h2, exact.h2.estimate)
            assert _in_bracket(lattice.h1, exact.h1.estimate)
            assert lattice.method.relative_error <= 1e-3
            assert abs(lattice.h2.estimate - exact.h2.estimate) <= 1e-3 * exact.h2.estimate

    def test_twenty_markers_reach_the_stated_bound(self) -> None:
        markers, genotypes = _nist_like(20, 8, seed=5, mutation=True)
        outcomes = _sibling_family(markers, genotypes)

        result = tail_probabilities(outcomes, 1e4)

        assert result.method.name == "lattice"
        assert result.method.relative_error <= 1e-3
        assert result.h2.relative_error <= 1e-3
        assert result.h2.upper <= 1e-4 * (1 + 1e-3)
        assert result.h2.lower > 0

    def test_tie_at_every_marker_is_counted_in_the_lower_bound(self) -> None:
        # Twelve identical one-parent markers: the p-value of the best genotype at every
        # marker is 0.01^12, a single combination tied with nothing but itself.
        outcomes = tuple(_one_parent(("10", "11"), f"M{m}")[0] for m in range(12))

        result = p_value(outcomes, {o.marker: math.log(5.0) for o in outcomes},
                         method="lattice")

        assert _close(result.h2.lower, 0.01 ** 12, rel=1e-9)
        assert result.h2.relative_error <= 1e-3


class TestCalibrate:
    def test_to_dict_has_the_cli_keys_and_the_weak_family_sentence(self) -> None:
        markers, genotypes = _nist_like(12, 6, seed=1)
        outcomes = _sibling_family(markers, genotypes)
        observed = {o.marker: float(o.log_lr()[0]) for o in outcomes if o.h1[0] > 0}

        cal = calibrate(outcomes, threshold=1e4, database_size=100_000, observed=observed)
        out = cal.to_dict()

        for key in ("exclusion_power", "exclusion_power_per_marker", "tail_probability",
                    "power", "expected_chance_matches", "observed_lr",
                    "observed_tail_probability", "method", "provenance"):
            assert key in out
        assert out["expected_chance_matches"] == pytest.approx(1e5 * cal.tail_probability)
        assessment = assess_family(cal)
        assert assessment.message.startswith(
            f"this pedigree identifies its missing person with probability {cal.power:.2f} "
            "at LR ≥ 10⁴; expected chance matches in 100,000 profiles: ")
        assert assessment.weak == (cal.power < 0.9 or cal.expected_chance_matches > 0.1)

    def test_format_threshold(self) -> None:
        assert format_threshold(1e4) == "10⁴"
        assert format_threshold(2.5e6) == "2.5 × 10⁶"
        assert format_threshold(25.0) == "25"


class TestErrors:
    def test_outcomes_must_sum_to_one(self) -> None:
        with pytest.raises(InputError, match="h2 must sum to 1"):
            MarkerOutcomes("M", np.array([0.5, 0.5]), np.array([0.5, 0.4]))

    def test_outcomes_must_be_non_negative(self) -> None:
        with pytest.raises(InputError, match="non-negative"):
            MarkerOutcomes("M", np.array([1.5, -0.5]), np.array([0.5, 0.5]))

    @pytest.mark.parametrize("threshold", [0.0, -1.0, math.inf, math.nan, True])
    def test_threshold_must_be_positive_and_finite(self, threshold: float) -> None:
        with pytest.raises(InputError, match="threshold"):
            tail_probabilities(_one_parent(), threshold)

    def test_database_size_must_be_positive(self) -> None:
        with pytest.raises(InputError, match="database size"):
            database_threshold(_one_parent(), 0)

    def test_unknown_method(self) -> None:
        with pytest.raises(InputError, match="method"):
            tail_probabilities(_one_parent(), 10.0, method="fft")

    def test_observed_marker_not_calibrated(self) -> None:
        with pytest.raises(InputError, match="not calibrated"):
            p_value(_one_parent(), {"X": 0.0})


class TestInbredMissingPerson:
    def test_genotype_table_of_a_child_of_mother_and_son_equals_enumeration(self) -> None:
        # The MP's two alleles may be copies of one founder allele (inbreeding 1/4), also
        # for alleles nobody typed carries: the table must not split them independently.
        fidx, midx, mp = [-1, -1, 0, 2], [-1, -1, 1, 1], 3
        freqs = np.full(3, 1 / 3)
        codes = [(0, 0), (-1, -1), (-1, -1), (-1, -1)]
        expected_h1, _ = brute_force_genotype_distribution(fidx, midx, codes, mp, freqs,
                                                           np.eye(3), np.eye(3))
        case = {"fidx": fidx, "midx": midx, "sexes": [0, 1, 0, 0], "mp": mp, "theta": 0.0,
                "markers": [{"name": "M", "freqs": freqs, "mutation": None,
                             "codes": codes}]}

        (outcomes,) = _engine(case)

        assert np.allclose(outcomes.h1, expected_h1, rtol=1e-12)


def test_method_is_exact_when_every_combination_is_decided_without_a_lattice() -> None:
    # Strong exclusions: at LR ≥ 1 every non-excluded combination of 14 one-parent
    # markers passes (the smallest LR is 1.25), so no lattice is needed.
    outcomes = tuple(_one_parent(("10", "11"), f"M{m}")[0] for m in range(14))

    result = tail_probabilities(outcomes, 1.0)

    assert result.method.name == "exact"
    assert "exact" in result.method.describe()
    assert _close(result.h2.estimate, (1 - 0.49) ** 14)


class TestDegradedCandidate:
    def _table(self):  # type: ignore[no-untyped-def]
        marker = KinshipMarker("M", ALLELES, FREQS)
        return missing_person_observation_table(parent_child("FA", "MP"), "MP",
                                                {"FA": {"M": ("10", "11")}}, [marker])

    def test_without_drop_out_equals_the_genotype_table(self) -> None:
        plain = tail_probabilities(_one_parent(), 2.5)

        sets = tail_probabilities(outcomes_from_observation_table(self._table()), 2.5)

        assert _close(sets.h2.estimate, plain.h2.estimate)
        assert _close(sets.h1.estimate, plain.h1.estimate)

    def test_exclusion_power_with_drop_out_written_out(self) -> None:
        # Father 10/11: only a child seen as both 12 and 13 is excluded (a lone allele may
        # hide a dropped 10 or 11): EP = 2 p12 p13 (1 − d)².
        d = 0.2

        ep = exclusion_power(outcomes_from_observation_table(self._table(), DropoutModel(d)))

        assert _close(ep.total, 2 * P["12"] * P["13"] * (1 - d) ** 2)

    def test_markov_bound_holds_with_drop_out(self) -> None:
        outcomes = outcomes_from_observation_table(self._table(), DropoutModel(0.3))

        for t in (1.5, 2.5, 4.0):
            assert tail_probabilities(outcomes, t).h2.upper <= 1 / t * math.exp(TIE_TOLERANCE)

    def test_drop_in_is_refused(self) -> None:
        with pytest.raises(InputError, match="drop-in"):
            outcomes_from_observation_table(self._table(), DropoutModel(0.1, drop_in=0.05))
