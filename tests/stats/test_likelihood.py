"""Pedigree likelihoods: closed forms, invariants and inconsistencies."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference.test_brute_force import Case, small_cases
from reunite.genetics.hypotheses import Hypothesis
from reunite.genetics.pedigree import Pedigree, Person, nuclear_family, singletons
from reunite.stats.likelihood import Genotype, KinshipMarker, pedigree_likelihood
from reunite.stats.lr import kinship_lr
from reunite.stats.mutation import MutationModel, MutationSpec, mutation_matrix

ALLELES = ("10", "11", "12", "13")
FREQS = np.array([0.1, 0.2, 0.3, 0.4])


def marker(mutation: MutationModel | None = None) -> KinshipMarker:
    return KinshipMarker("M", ALLELES, FREQS, mutation)


def paternity() -> Pedigree:
    return nuclear_family(("CH",), father="AF", mother="MO", child_sexes=["male"])


class TestClosedForms:
    def test_single_person_hardy_weinberg(self) -> None:
        ped = singletons("A", sexes=["male"])

        het = pedigree_likelihood(ped, {"A": ("10", "12")}, marker())
        hom = pedigree_likelihood(ped, {"A": ("13", "13")}, marker())

        assert math.isclose(het, 2 * 0.1 * 0.3, rel_tol=1e-14)
        assert math.isclose(hom, 0.4 ** 2, rel_tol=1e-14)

    def test_paternity_lr__homozygous_father_is_one_over_2p(self) -> None:
        data = {"AF": {"M": ("11", "11")}, "CH": {"M": ("11", "13")}}
        hyps = [Hypothesis("H1", paternity()),
                Hypothesis("H2", singletons("AF", "CH", sexes=["male", "male"]))]

        result = kinship_lr(hyps, [marker()], data)

        assert math.isclose(result.total_lr(), 1 / (2 * 0.2), rel_tol=1e-13)

    def test_paternity_lr__heterozygous_father_is_one_over_4p(self) -> None:
        data = {"AF": {"M": ("11", "12")}, "CH": {"M": ("11", "13")}}
        hyps = [Hypothesis("H1", paternity()),
                Hypothesis("H2", singletons("AF", "CH", sexes=["male", "male"]))]

        result = kinship_lr(hyps, [marker()], data)

        assert math.isclose(result.lr()["M"], 1 / (4 * 0.2), rel_tol=1e-13)

    def test_trio_likelihood(self) -> None:
        # Father 10/10, mother 11/12, child 10/11: p10²·2p11p12·½.
        data: dict[str, Genotype | None] = {"AF": ("10", "10"), "MO": ("11", "12"),
                                            "CH": ("10", "11")}

        got = pedigree_likelihood(paternity(), data, marker())

        assert math.isclose(got, 0.1 ** 2 * 2 * 0.2 * 0.3 * 0.5, rel_tol=1e-13)

    def test_theta_single_person_is_balding_nichols(self) -> None:
        # NRC II 4.10 with θ: P(aa) = p(θ + (1−θ)p);  P(ab) = 2(1−θ)p_a p_b.
        ped = singletons("A")
        theta = 0.03

        hom = pedigree_likelihood(ped, {"A": ("12", "12")}, marker(), theta=theta)
        het = pedigree_likelihood(ped, {"A": ("10", "12")}, marker(), theta=theta)

        assert math.isclose(hom, 0.3 * (theta + (1 - theta) * 0.3), rel_tol=1e-13)
        assert math.isclose(het, 2 * (1 - theta) * 0.1 * 0.3, rel_tol=1e-13)

    def test_theta_untyped_ancestors_drop_out(self) -> None:
        # pedprobr's test: a grandchild typed A/A under untyped ancestors equals a single
        # person with θ (the urn is exchangeable), p = 0.3, θ = 0.01 -> 0.0921.
        ped = Pedigree((Person("1", None, None, "male"), Person("2", None, None, "female"),
                        Person("3", "1", "2", "male"), Person("4", None, None, "female"),
                        Person("5", "3", "4", "male")))
        m = KinshipMarker("M", ("A", "B"), np.array([0.3, 0.7]))

        got = pedigree_likelihood(ped, {"5": ("A", "A")}, m, theta=0.01)

        assert math.isclose(got, 0.0921, rel_tol=1e-12)

    def test_mutation_father_child_homozygous_mismatch(self) -> None:
        # Father 10/10, child 11/11, equal model rate r: P = p10²·(r/3)·p11.
        r = 0.01
        mat = mutation_matrix(MutationSpec("equal", rate=r), ALLELES, FREQS)
        mutation = MutationModel(female=np.eye(4), male=mat)
        data: dict[str, Genotype | None] = {"AF": ("10", "10"), "CH": ("11", "11")}

        got = pedigree_likelihood(paternity(), data, marker(mutation))

        assert math.isclose(got, 0.1 ** 2 * (r / 3) * 0.2, rel_tol=1e-13)

    def test_half_typed_sums_over_the_unknown_allele(self) -> None:
        ped = singletons("A")

        got = pedigree_likelihood(ped, {"A": ("11", None)}, marker())

        # P(at least one copy of 11) = 1 − (1 − p)².
        assert math.isclose(got, 1 - 0.8 ** 2, rel_tol=1e-13)


class TestInconsistency:
    def test_mendelian_inconsistency_gives_zero_and_names_persons(self) -> None:
        data = {"AF": {"M": ("10", "10")}, "CH": {"M": ("11", "12")}}
        hyps = [Hypothesis("paternity", paternity()),
                Hypothesis("unrelated", singletons("AF", "CH", sexes=["male", "male"]))]

        result = kinship_lr(hyps, [marker()], data)

        assert result.total_lr() == 0.0
        assert result.log10_total_lr() is None
        assert len(result.inconsistencies) == 1
        problem = result.inconsistencies[0]
        assert (problem.hypothesis, problem.marker, problem.persons) == (
            "paternity", "M", ("AF", "CH"))
        assert "AF" in str(problem)

    def test_zero_over_zero_is_nan(self) -> None:
        data = {"AF": {"M": ("10", "10")}, "CH": {"M": ("11", "12")}}
        hyps = [Hypothesis("a", paternity()), Hypothesis("b", paternity())]

        result = kinship_lr(hyps, [marker()], data)

        assert math.isnan(result.total_lr())
        assert result.log10_total_lr() is None

    def test_mutation_turns_exclusion_into_small_lr(self) -> None:
        mat = mutation_matrix(MutationSpec("equal", rate=0.005), ALLELES, FREQS)
        data = {"AF": {"M": ("10", "10")}, "CH": {"M": ("11", "12")}}
        hyps = [Hypothesis("H1", paternity()),
                Hypothesis("H2", singletons("AF", "CH", sexes=["male", "male"]))]

        result = kinship_lr(hyps, [marker(MutationModel(mat, mat))], data)

        assert 0 < result.total_lr() < 0.1
        assert result.inconsistencies == ()


def _to_pedigree(case: Case) -> tuple[Pedigree, dict[str, Genotype | None], KinshipMarker,
                                      float]:
    fidx, midx, genotypes, freqs, female, male, theta = case
    sexes = ["male"] * len(fidx)
    for m in midx:
        if m >= 0:
            sexes[m] = "female"
    for f in fidx:
        if f >= 0:
            sexes[f] = "male"
    persons = tuple(Person(f"p{k}", f"p{fidx[k]}" if fidx[k] >= 0 else None,
                           f"p{midx[k]}" if midx[k] >= 0 else None, sexes[k])
                    for k in range(len(fidx)))
    alleles = tuple(str(10 + i) for i in range(len(freqs)))
    data: dict[str, Genotype | None] = {}
    for k, (a, b) in enumerate(genotypes):
        if a >= 0 or b >= 0:
            data[f"p{k}"] = (alleles[a] if a >= 0 else None, alleles[b] if b >= 0 else None)
    mk = KinshipMarker("M", alleles, freqs, MutationModel(female=female, male=male))
    return Pedigree(persons), data, mk, theta


class TestInvariants:
    @settings(max_examples=40, deadline=None)
    @given(small_cases(max_persons=5, max_alleles=3))
    def test_same_pedigree_gives_lr_one(self, case: Case) -> None:
        ped, data, mk, theta = _to_pedigree(case)
        genotypes = {p: {"M": g} for p, g in data.items()}
        hyps = [Hypothesis("H1", ped), Hypothesis("H2", ped)]

        result = kinship_lr(hyps, [mk], genotypes, theta=theta)

        if result.log_likelihoods["H1"]["M"] > -math.inf:
            assert result.total_lr() == 1.0

    @settings(max_examples=40, deadline=None)
    @given(small_cases(max_persons=5, max_alleles=3), st.integers(0, 4))
    def test_sum_over_genotypes_equals_untyped(self, case: Case, pick: int) -> None:
        ped, data, mk, theta = _to_pedigree(case)
        person = ped.ids[pick % len(ped)]
        untyped = {p: g for p, g in data.items() if p != person}
        total = 0.0
        for a, b in itertools.combinations_with_replacement(mk.alleles, 2):
            total += pedigree_likelihood(ped, {**untyped, person: (a, b)}, mk, theta=theta)

        expected = pedigree_likelihood(ped, untyped, mk, theta=theta)

        assert math.isclose(total, expected, rel_tol=1e-9, abs_tol=1e-300)

    @settings(max_examples=40, deadline=None)
    @given(small_cases(max_persons=5, max_alleles=3), st.randoms(use_true_random=False))
    def test_renaming_and_reordering_persons(self, case: Case, rnd: object) -> None:
        ped, data, mk, theta = _to_pedigree(case)
        mapping = {pid: f"x{pid[::-1]}Z" for pid in ped.ids}
        renamed = ped.relabel(mapping)
        # Reorder: reversed order is still a valid pedigree (parents need not come first).
        reordered = Pedigree(tuple(reversed(renamed.persons)))
        new_data = {mapping[p]: g for p, g in data.items()}

        assert reordered.ids != ped.ids

        before = pedigree_likelihood(ped, data, mk, theta=theta)
        after = pedigree_likelihood(reordered, new_data, mk, theta=theta)

        assert math.isclose(before, after, rel_tol=1e-12, abs_tol=1e-300)

    def test_swapping_allele_order_in_genotype(self) -> None:
        a = pedigree_likelihood(paternity(), {"AF": ("10", "12"), "CH": ("12", "13")},
                                marker())
        b = pedigree_likelihood(paternity(), {"AF": ("12", "10"), "CH": ("13", "12")},
                                marker())

        assert a == pytest.approx(b, rel=1e-14)

    def test_inbred_loop_child_of_siblings(self) -> None:
        # A child of full siblings, typed with its grandparents: a loop, computed exactly.
        ped = nuclear_family(("S", "D"), child_sexes=["male", "female"]).add_child(
            "K", "S", "D")
        data: dict[str, Genotype | None] = {"FA": ("10", "11"), "MO": ("12", "13"),
                                            "K": ("10", "10")}

        got = pedigree_likelihood(ped, data, marker())

        # K is 10/10 only if S and D both carry 10 (prob ½ each) and both transmit it (½
        # each): (½·½)² = 1/16, times the parents' genotype probabilities.
        parents = (2 * 0.1 * 0.2) * (2 * 0.3 * 0.4)
        assert math.isclose(got, parents / 16, rel_tol=1e-13)


class TestBatchedMarkers:
    @settings(max_examples=30, deadline=None)
    @given(st.integers(0, 2**31 - 1))
    def test_batched_equals_one_by_one(self, seed: int) -> None:
        from reunite.stats.likelihood import batch_log_likelihoods, encoded_log_likelihood

        rng = np.random.default_rng(seed)
        ped = nuclear_family(("A", "B"), child_sexes=["male", "female"]).add_child(
            "C", "A", "MO")
        fidx = np.asarray(ped.fidx, dtype=np.intp)
        midx = np.asarray(ped.midx, dtype=np.intp)
        markers = []
        codes = []
        for k in range(8):
            n = int(rng.integers(2, 7))
            freqs = rng.dirichlet(np.ones(n))
            mutation = None
            if k % 3 == 0:
                mat = mutation_matrix(MutationSpec("equal", rate=0.01), [str(i) for i in
                                                                         range(n)], freqs)
                mutation = MutationModel(female=mat, male=mat)
            markers.append(KinshipMarker(f"M{k}", tuple(str(i) for i in range(n)), freqs,
                                         mutation))
            if k % 2 == 0:
                # Same typed pattern (FA, A, C fully typed): these markers are batched.
                c = rng.integers(0, n, size=(len(ped), 2)).astype(np.intp)
                c[[ped.index["MO"], ped.index["B"]]] = -1
            else:
                c = rng.integers(-1, n, size=(len(ped), 2)).astype(np.intp)
                c[rng.random(len(ped)) < 0.3] = -1
            codes.append(c)

        batched = batch_log_likelihoods(fidx, midx, codes, markers)
        single = [encoded_log_likelihood(fidx, midx, c, m.frequencies, m.mutation)
                  for c, m in zip(codes, markers, strict=True)]

        for got, want in zip(batched, single, strict=True):
            if want == -math.inf:
                assert got == -math.inf
            else:
                assert math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-12)

    @settings(max_examples=30, deadline=None)
    @given(st.integers(0, 2**31 - 1))
    def test_batched_with_dropout_equals_one_by_one(self, seed: int) -> None:
        """Markers with observed sets (drop-out, drop-in) and silent alleles, batched."""
        from reunite.stats._observation import EncodedObservation
        from reunite.stats.likelihood import batch_log_likelihoods, encoded_log_likelihood

        rng = np.random.default_rng(seed)
        ped = nuclear_family(("A", "B"), child_sexes=["male", "female"]).add_child(
            "C", "A", "MO")
        fidx = np.asarray(ped.fidx, dtype=np.intp)
        midx = np.asarray(ped.midx, dtype=np.intp)
        markers, codes, observations = [], [], []
        for k in range(10):
            n = int(rng.integers(2, 7))
            freqs = rng.dirichlet(np.ones(n))
            mutation = None
            if k % 3 == 0:
                mat = mutation_matrix(MutationSpec("equal", rate=0.01), [str(i) for i in
                                                                         range(n)], freqs)
                mutation = MutationModel(female=mat, male=mat)
            silent = float(rng.choice([0.0, 0.0, 0.05]))
            markers.append(KinshipMarker(f"M{k}", tuple(str(i) for i in range(n)), freqs,
                                         mutation, silent_frequency=silent))
            c = rng.integers(0, n, size=(len(ped), 2)).astype(np.intp)
            c[[ped.index["MO"], ped.index["B"]]] = -1
            obs = {}
            for person in ("C", "B") if k % 2 == 0 else ("C",):
                i = ped.index[person]
                seen = tuple(sorted({int(a) for a in c[i] if rng.random() > 0.4}))
                d = float(rng.uniform(0, 0.8))
                h = d * d if k % 4 else float(rng.uniform(0, 1))
                obs[i] = EncodedObservation(seen, d, h, float(rng.choice([0.0, 0.05])))
                c[i] = -1
            codes.append(c)
            observations.append(obs)

        batched = batch_log_likelihoods(fidx, midx, codes, markers, observations)
        single = [encoded_log_likelihood(fidx, midx, c, m.frequencies, m.mutation,
                                         observations=o, silent=m.silent_frequency)
                  for c, m, o in zip(codes, markers, observations, strict=True)]

        for got, want in zip(batched, single, strict=True):
            if want == -math.inf:
                assert got == -math.inf
            else:
                assert math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-12)
