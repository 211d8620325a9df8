"""Which relative to sample next: candidates, and expected gains equal to enumeration.

The expected exclusion power and power after typing a candidate are checked against the
brute force: every genotype combination of the candidate over the markers, each with its
probability given the references, the missing person's distribution recomputed by naive
pedigree enumeration with the candidate typed, and the calibration quantities summed
over every POI genotype combination.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from reference.calibration_brute_force import (
    brute_force_exclusion_power,
    brute_force_genotype_distribution,
    brute_force_tails,
)
from reunite.errors import CaseError
from reunite.genetics.pedigree import Pedigree, Person, nuclear_family
from reunite.stats.likelihood import KinshipMarker
from reunite.stats.mutation import MutationModel, MutationSpec, mutation_matrix
from reunite.stats.sample_next import candidate_relatives, sample_next

FREQS = [np.array([0.2, 0.3, 0.5]), np.array([0.6, 0.3, 0.1])]
ALLELES = ("1", "2", "3")


def _markers(mutation: bool) -> list[KinshipMarker]:
    out = []
    for k, p in enumerate(FREQS):
        model = None
        if mutation:
            mat = mutation_matrix(MutationSpec("equal", rate=0.02), ALLELES, p)
            model = MutationModel(female=mat, male=mat)
        out.append(KinshipMarker(f"M{k}", ALLELES, p, model))
    return out


def _sibling_family() -> Pedigree:
    return nuclear_family(("MP", "SIB"), child_sexes=["male", "female"])


def _codes(pedigree: Pedigree, genotypes: dict[str, dict[str, tuple[str, str]]],
           marker: str) -> list[tuple[int, int]]:
    codes = []
    for pid in pedigree.ids:
        g = genotypes.get(pid, {}).get(marker)
        codes.append((-1, -1) if g is None else (ALLELES.index(g[0]), ALLELES.index(g[1])))
    return codes


def _brute_expectation(pedigree: Pedigree, person: str, genotypes: dict[str, dict[str, tuple[
        str, str]]], markers: list[KinshipMarker], threshold: float) -> tuple[float, float]:
    """E over the person's genotypes of (exclusion power, power), by enumeration."""
    fidx, midx = list(pedigree.fidx), list(pedigree.midx)
    mp, r = pedigree.index["MP"], pedigree.index[person]
    per_marker = []
    for marker in markers:
        mut = marker.mutation
        female = mut.female if mut is not None else np.eye(3)
        male = mut.male if mut is not None else np.eye(3)
        codes = _codes(pedigree, genotypes, marker.name)
        own, _ = brute_force_genotype_distribution(fidx, midx, codes, r, marker.frequencies,
                                                   female, male)
        options = []
        pairs = [(i, j) for i in range(3) for j in range(i, 3)]
        for g, (i, j) in enumerate(pairs):
            if own[g] == 0:
                continue
            with_r = list(codes)
            with_r[r] = (i, j)
            options.append((own[g], brute_force_genotype_distribution(
                fidx, midx, with_r, mp, marker.frequencies, female, male)))
        per_marker.append(options)
    ep = power = 0.0
    for combo in itertools.product(*per_marker):
        weight = math.prod(w for w, _ in combo)
        dists = [d for _, d in combo]
        ep += weight * brute_force_exclusion_power(dists)
        power += weight * brute_force_tails(dists, threshold)[1]
    return ep, power


class TestExpectedGains:
    @pytest.mark.parametrize("mutation", [False, True])
    @pytest.mark.parametrize("threshold", [1.5, 4.0])
    def test_typing_a_parent_equals_enumeration(self, mutation: bool,
                                                threshold: float) -> None:
        pedigree = _sibling_family()
        genotypes = {"SIB": {"M0": ("1", "2"), "M1": ("1", "3")}}
        markers = _markers(mutation)
        candidates = [c for c in candidate_relatives(pedigree, "MP", genotypes)
                      if c.person in ("FA", "MO")]
        expected = {c.person: _brute_expectation(pedigree, c.person, genotypes, markers,
                                                 threshold) for c in candidates}

        plan = sample_next(pedigree, "MP", genotypes, markers, threshold=threshold,
                           candidates=candidates, skip_mass=0.0, relative_error=1e-9)

        assert {o.candidate.person for o in plan.options} == {"FA", "MO"}
        for option in plan.options:
            ep, power = expected[option.candidate.person]
            assert math.isclose(option.exclusion_power.estimate, ep, rel_tol=1e-9,
                                abs_tol=1e-15)
            assert math.isclose(option.power.estimate, power, rel_tol=1e-9)
            assert math.isclose(option.power.lower, option.power.upper, rel_tol=1e-12)

    def test_typing_a_new_sibling_equals_enumeration(self) -> None:
        # Five persons and the POI: one marker keeps the enumeration (3^12 terms) short.
        pedigree = _sibling_family()
        genotypes = {"SIB": {"M0": ("1", "3")}}
        markers = _markers(False)[:1]
        (candidate,) = [c for c in candidate_relatives(pedigree, "MP", genotypes)
                        if c.relation == "full sibling of MP"]
        ep, power = _brute_expectation(candidate.pedigree, candidate.person, genotypes,
                                       markers, 3.0)

        plan = sample_next(pedigree, "MP", genotypes, markers, threshold=3.0,
                           candidates=[candidate], skip_mass=0.0, relative_error=1e-9)

        (option,) = plan.options
        assert math.isclose(option.exclusion_power.estimate, ep, rel_tol=1e-9)
        assert math.isclose(option.power.estimate, power, rel_tol=1e-9)
        assert math.isclose(option.power_gain, power - plan.power.estimate, rel_tol=1e-9)

    def test_parent_of_a_typed_founder_outside_the_bloodline_gains_nothing(self) -> None:
        # MP's spouse SP is typed: her father tells nothing more about MP.
        pedigree = Pedigree((Person("MP", None, None, "male"), Person("SP", None, None,
                                                                       "female"),
                             Person("C1", "MP", "SP", "unknown")))
        genotypes = {"SP": {"M0": ("1", "2"), "M1": ("1", "1")},
                     "C1": {"M0": ("2", "3"), "M1": ("1", "2")}}
        (candidate,) = [c for c in candidate_relatives(pedigree, "MP", genotypes)
                        if c.relation == "father of SP"]

        plan = sample_next(pedigree, "MP", genotypes, _markers(True), threshold=2.0,
                           candidates=[candidate], skip_mass=0.0, relative_error=1e-9)

        (option,) = plan.options
        assert abs(option.power_gain) < 1e-12
        assert abs(option.exclusion_power_gain) < 1e-12

    def test_skipped_genotypes_widen_the_bracket_around_the_exact_value(self) -> None:
        pedigree = _sibling_family()
        genotypes = {"SIB": {"M0": ("1", "2"), "M1": ("1", "3")}}
        markers = _markers(True)
        candidates = [c for c in candidate_relatives(pedigree, "MP", genotypes)
                      if c.person == "FA"]
        exact = sample_next(pedigree, "MP", genotypes, markers, threshold=4.0,
                            candidates=candidates, skip_mass=0.0, relative_error=1e-9)

        rough = sample_next(pedigree, "MP", genotypes, markers, threshold=4.0,
                            candidates=candidates, skip_mass=0.009, relative_error=1e-9)

        value = exact.options[0].power.estimate
        bracket = rough.options[0].power
        assert bracket.lower <= value <= bracket.upper
        assert bracket.upper - bracket.lower > 0


class TestCandidates:
    def test_sibling_family_candidates(self) -> None:
        pedigree = _sibling_family()

        relations = [c.relation for c in candidate_relatives(pedigree, "MP", {"SIB": {}})]

        assert relations[:3] == ["FA (in the pedigree, untyped)",
                                 "MO (in the pedigree, untyped)", "full sibling of MP"]
        assert "child of MP (other parent untyped)" in relations
        assert "father of FA" in relations
        assert "full sibling of MO" in relations
        assert "full sibling of SIB" not in relations   # the same as a sibling of MP
        assert len(set(relations)) == len(relations)

    def test_new_persons_are_in_the_candidate_pedigree_and_ids_are_fresh(self) -> None:
        pedigree = _sibling_family()

        for cand in candidate_relatives(pedigree, "MP", {"SIB": {}}):
            assert cand.person in cand.pedigree
            for pid in cand.added:
                assert pid not in pedigree
                assert pid in cand.pedigree

    def test_person_of_unknown_sex_gets_no_child(self) -> None:
        pedigree = nuclear_family(("MP",))

        relations = [c.relation for c in candidate_relatives(pedigree, "MP", {})]

        assert not any(r.startswith("child of MP") for r in relations)

    def test_missing_person_must_be_in_the_pedigree(self) -> None:
        with pytest.raises(CaseError, match="not in the family pedigree"):
            candidate_relatives(_sibling_family(), "XX", {})
