"""Joint DVI: hand-checked examples, brute-force agreement, bounds, errors, commingling."""

from __future__ import annotations

import math

import numpy as np
import pytest
from dvi_strategies import dvi_problems
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from reference.brute_force_dvi import all_logliks, assignments
from reunite.errors import CaseError
from reunite.genetics.pedigree import Pedigree, Person, nuclear_family
from reunite.stats import _dvi_family, dvi
from reunite.stats.dvi import (
    DVIProblem,
    Family,
    Victim,
    count_assignments,
    direct_match_lr,
    exclusion_matrix,
    find_commingled,
    find_undisputed,
    merge_commingled,
    pairwise_lr_matrix,
    solve_dvi,
)
from reunite.stats.likelihood import KinshipMarker

L1 = KinshipMarker("L1", tuple(str(i) for i in range(1, 11)), np.full(10, 0.1))


def example2() -> DVIProblem:
    """dvir's ``example2`` (its data-raw/example2.R): three victims, two families."""
    f1 = Family("F1", Pedigree((Person("M1", None, None, "male"),
                                Person("R1", None, None, "female"),
                                Person("M2", "M1", "R1", "male"))), ("M1", "M2"))
    f2 = Family("F2", Pedigree((Person("R2", None, None, "male"),
                                Person("MO2", None, None, "female"),
                                Person("M3", "R2", "MO2", "female"))), ("M3",))
    return DVIProblem(
        "example2", (Victim("V1", "male"), Victim("V2", "male"), Victim("V3", "female")),
        (f1, f2), (L1,),
        {"V1": {"L1": ("1", "1")}, "V2": {"L1": ("1", "2")}, "V3": {"L1": ("3", "4")},
         "R1": {"L1": ("2", "2")}, "R2": {"L1": ("3", "3")}})


def trio(victim: tuple[str, str], parents: tuple[tuple[str, str], tuple[str, str]],
         p: float = 0.1) -> DVIProblem:
    """dvir's synthetic trio test: one victim, a child missing between typed parents."""
    marker = KinshipMarker("m", ("1", "2"), np.array([p, 1 - p]))
    ped = nuclear_family(("M",), father="fa", mother="mo", child_sexes=("male",))
    return DVIProblem("trio", (Victim("V", "male"),), (Family("F", ped, ("M",)),),
                      (marker,), {"V": {"m": victim}, "fa": {"m": parents[0]},
                                  "mo": {"m": parents[1]}})


def _key(mapping: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(mapping.items()))


class TestDVIExamples:
    def test_example2__joint_table_is_dvirs(self) -> None:
        # dvir README (dviJoint(example2)): 14 assignments and these log-likelihoods.
        expected = {
            ("M1", "M2", "M3"): -16.118096, ("M1", "M2", "*"): -17.727534,
            ("*", "M2", "M3"): -18.420681, ("M1", "*", "M3"): -20.030119,
            ("*", "M1", "M3"): -20.030119, ("*", "M2", "*"): -20.030119,
            ("*", "*", "M3"): -20.030119, ("*", "M1", "*"): -21.639557,
            ("M1", "*", "*"): -21.639557, ("*", "*", "*"): -21.639557,
            ("M2", "M1", "M3"): -math.inf, ("M2", "M1", "*"): -math.inf,
            ("M2", "*", "M3"): -math.inf, ("M2", "*", "*"): -math.inf,
        }

        solution = solve_dvi(example2(), enumerate_all=True)
        got = {(a.mapping["V1"], a.mapping["V2"], a.mapping["V3"]): a.loglik
               for a in solution.assignments}

        assert solution.n_assignments == 14
        assert got.keys() == expected.keys()
        for key, value in expected.items():
            assert got[key] == pytest.approx(value, abs=5e-7)
        assert solution.best.mapping == {"V1": "M1", "V2": "M2", "V3": "M3"}
        # V1 1/1, R1 2/2, R2 3/3: 0.01 each; V2 1/2, V3 3/4: 0.02 each.
        assert solution.loglik_null == pytest.approx(3 * math.log(0.01) + 2 * math.log(0.02),
                                                     rel=1e-12)

    def test_example2__posterior_pairing_is_dvirs_bmarginal(self) -> None:
        # dvir tests/testthat/test-joint.R: Bmarginal(jointDVI(example2)).
        solution = solve_dvi(example2())

        assert solution.complete
        assert solution.pairing_min.get("V1", "M1") == pytest.approx(0.87931034, abs=1e-8)
        assert solution.pairing_min.get("V2", "M1") == pytest.approx(0.01724138, abs=1e-8)
        assert solution.pairing_min.get("V2", "M2") == pytest.approx(0.94827586, abs=1e-8)
        assert solution.pairing_min.get("V3", "M3") == pytest.approx(0.83333333, abs=1e-8)
        assert solution.pairing_max.get("V1", "M1") == pytest.approx(0.87931034, abs=1e-8)

    def test_example2__pairwise_and_exclusions_are_dvirs(self) -> None:
        # dvir tests/testthat/test-pairwise.R.
        lr = pairwise_lr_matrix(example2())
        excl = exclusion_matrix(example2())

        assert lr.to_dict() == {
            "V1": {"M1": pytest.approx(1.0), "M2": 0.0, "M3": None},
            "V2": {"M1": pytest.approx(1.0), "M2": pytest.approx(5.0), "M3": None},
            "V3": {"M1": None, "M2": None, "M3": pytest.approx(5.0)}}
        assert excl.get("V1", "M2") == 1
        assert excl.get("V1", "M1") == 0

    def test_example2__undisputed_cascade_is_dvirs(self) -> None:
        # dvir test-pairwise.R, threshold 2: V2 = M2 and V3 = M3, then V1 = M1 (LR 10 once
        # V2 is placed at M2).
        two = find_undisputed(example2(), threshold=2)

        assert [(i.victim, i.missing, i.family, i.step) for i in two.identifications] == [
            ("V2", "M2", "F1", 1), ("V3", "M3", "F2", 1), ("V1", "M1", "F1", 2)]
        assert [i.lr for i in two.identifications] == pytest.approx([5.0, 5.0, 10.0])
        assert two.reduced is None

    def test_example2__undisputed_tie_meets_the_definition(self) -> None:
        # At T = 5, LR[V2, M2] = 5 is exactly T times LR[V2, M1] = 1: "at least T times"
        # holds. (dvir's own test expects only V3 = M3 here: its two computed LRs differ
        # in the last bit, which decides the tie.) Strict mode needs the others ≤ 1.
        five = find_undisputed(example2(), threshold=5)
        above = find_undisputed(example2(), threshold=5.01)
        strict = find_undisputed(example2(), threshold=5, strict=True)

        assert [(i.victim, i.missing) for i in five.identifications] == [
            ("V2", "M2"), ("V3", "M3"), ("V1", "M1")]
        assert above.identifications == ()
        assert above.reduced is not None
        assert above.reduced.victim_ids == ("V1", "V2", "V3")
        assert [(i.victim, i.missing) for i in strict.identifications][:2] == [
            ("V2", "M2"), ("V3", "M3")]

    def test_example2__conflicts(self) -> None:
        solution = solve_dvi(example2())

        # LRs above 1: V2 = M2 and V3 = M3 only. Above 0.5, M1 is fitted by V1 and V2 (LR
        # 1 each), and V2 by M1 and M2 — one family, so not a two-family conflict.
        assert solution.conflicts() == {"victims": {}, "missing": {}}
        assert solution.conflicts(min_lr=0.5) == {"victims": {},
                                                  "missing": {"M1": ["V1", "V2"]}}

    def test_example2__glr_by_definition(self) -> None:
        solution = solve_dvi(example2(), enumerate_all=True)
        table = [(a.mapping, a.loglik) for a in solution.assignments]

        for v in ("V1", "V2", "V3"):
            for m in ("M1", "M2", "M3"):
                if math.isnan(solution.pairwise.get(v, m)):
                    continue
                num = max(ll for a, ll in table if a[v] == m)
                den = max(ll for a, ll in table if a[v] != m)
                expected = 0.0 if num == -math.inf else math.exp(num - den)
                assert solution.glr.get(v, m) == pytest.approx(expected, rel=1e-9)

    def test_example2__fix_undisputed_all_decided(self) -> None:
        solution = solve_dvi(example2(), fix_undisputed=True, undisputed_threshold=2)
        table = solve_dvi(example2(), enumerate_all=True)

        assert [(i.victim, i.missing) for i in solution.fixed] == [
            ("V2", "M2"), ("V3", "M3"), ("V1", "M1")]
        assert len(solution.assignments) == 1
        assert solution.best.mapping == table.best.mapping
        assert solution.best.loglik == pytest.approx(table.best.loglik, rel=1e-12)
        assert solution.best.posterior == 1.0

    def test_trio__closed_form_lrs(self) -> None:
        # dvir test-synthetic.R: V = 1/1 between 1/2 parents: LR = (1/4) / p² = 25.
        match = pairwise_lr_matrix(trio(("1", "1"), (("1", "2"), ("1", "2"))))
        no_match = pairwise_lr_matrix(trio(("2", "2"), (("1", "2"), ("1", "2"))))

        assert match.get("V", "M") == pytest.approx(25.0, rel=1e-12)
        assert no_match.get("V", "M") == pytest.approx(1 / (4 * 0.9 ** 2), rel=1e-12)

    def test_trio__exclusion_counted_without_mutation(self) -> None:
        problem = trio(("2", "2"), (("1", "1"), ("1", "1")), p=0.5)

        assert exclusion_matrix(problem).get("V", "M") == 1
        assert pairwise_lr_matrix(problem).get("V", "M") == 0.0

    def test_count__planecrash_shape_is_19081(self) -> None:
        # 8 victims and 5 single-missing families, all sexes compatible: dvir's 19,081.
        ped = Pedigree((Person("R", None, None, "male"), Person("W", None, None, "female"),
                        Person("M", "R", "W", "female")))
        fams = tuple(Family(f"F{i}", ped.relabel({"R": f"R{i}", "W": f"W{i}", "M": f"M{i}"}),
                            (f"M{i}",)) for i in range(5))
        problem = DVIProblem("p", tuple(Victim(f"V{i}", "female") for i in range(8)), fams,
                             (L1,), {})

        assert count_assignments(problem) == 19081


class TestDVIBruteForce:
    @settings(max_examples=60, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(dvi_problems())
    def test_enumeration__every_assignment_equals_brute_force(self, problem: DVIProblem
                                                               ) -> None:
        reference = all_logliks(problem)
        assume(all(ll > -math.inf for a, ll in reference if all(m == "*"
                                                                  for m in a.values())))

        solution = solve_dvi(problem, enumerate_all=True, glr=False)
        got = {_key(dict(a.mapping)): a.loglik for a in solution.assignments}

        assert len(got) == len(reference) == solution.n_assignments
        for mapping, ll in reference:
            value = got[_key(mapping)]
            if ll == -math.inf:
                assert value == -math.inf
            else:
                assert value == pytest.approx(ll, rel=1e-9, abs=1e-12)

    @settings(max_examples=60, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(dvi_problems(max_victims=3), st.sampled_from([1, 2, 4, 100_000]))
    def test_search__ranking_bounds_marginals_and_glr_equal_enumeration(
        self, problem: DVIProblem, expansions: int
    ) -> None:
        reference = all_logliks(problem)
        null = next(ll for a, ll in reference if all(m == "*" for m in a.values()))
        assume(null > -math.inf)
        finite = sorted((ll for _, ll in reference if ll > -math.inf), reverse=True)
        total = math.fsum(math.exp(ll - null) for ll in finite)

        solution = solve_dvi(problem, top=5, tolerance=0.0, max_expansions=expansions,
                             glr_floor=0.0)
        bounded = solve_dvi(problem, top=1, glr_floor=0.5)
        listed = [a.loglik for a in solution.assignments]

        # Whatever the budget, what is listed is the exact head of the ranking.
        assert listed == pytest.approx(finite[: len(listed)], rel=1e-9)
        if expansions == 100_000:
            assert len(listed) == min(5, len(finite))
            assert solution.complete
        lo, hi = 10 ** solution.log10_total_lr_min, 10 ** solution.log10_total_lr_max
        assert lo <= total * (1 + 1e-9)
        assert total <= hi * (1 + 1e-9)
        for v in problem.victim_ids:
            for m in problem.missing_ids:
                if math.isnan(solution.pairwise.get(v, m)):
                    continue
                exact = math.fsum(math.exp(ll - null) for a, ll in reference
                                  if a[v] == m and ll > -math.inf) / total
                assert solution.pairing_min.get(v, m) <= exact + 1e-9
                assert exact <= solution.pairing_max.get(v, m) + 1e-9
                with_m = [ll for a, ll in reference if a[v] == m]
                without = [ll for a, ll in reference if a[v] != m]
                num, den = max(with_m), max(without)
                expected = 0.0 if num == -math.inf else math.exp(num - den)
                assert solution.glr.get(v, m) == pytest.approx(expected, rel=1e-9)
                assert solution.glr_max.get(v, m) == pytest.approx(expected, rel=1e-9)
                # With a floor, a GLR is exact or proven below its bound (< floor).
                if math.isnan(bounded.glr.get(v, m)):
                    assert expected <= bounded.glr_max.get(v, m) * (1 + 1e-9)
                    assert bounded.glr_max.get(v, m) < 0.5
                else:
                    assert bounded.glr.get(v, m) == pytest.approx(expected, rel=1e-9)

    @settings(max_examples=40, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(dvi_problems(max_victims=3))
    def test_family_tables__chain_equals_direct_likelihoods(self, problem: DVIProblem
                                                            ) -> None:
        try:
            compiled = dvi._compile(problem, "all")
        except CaseError:
            assume(False)
            raise
        for f, fam in enumerate(compiled.families):
            allowed = compiled.family_allowed(f)
            chain = _dvi_family.family_options(fam, compiled.victims, allowed)
            direct = _dvi_family.family_options_direct(fam, compiled.victims, allowed)
            a = dict(zip(map(tuple, chain.victims.tolist()), chain.logw.tolist(),
                         strict=True))
            b = dict(zip(map(tuple, direct.victims.tolist()), direct.logw.tolist(),
                         strict=True))

            assert a.keys() == b.keys()
            for key, value in a.items():
                assert b[key] == pytest.approx(value, rel=1e-9, abs=1e-12)
            assert len(a) <= _dvi_family.count_options(allowed)

    @settings(max_examples=30, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(dvi_problems(max_victims=3))
    def test_fix_undisputed__same_likelihoods_conditional_posteriors(
        self, problem: DVIProblem
    ) -> None:
        reference = {_key(a): ll for a, ll in all_logliks(problem)}
        assume(reference[_key(dict.fromkeys(problem.victim_ids, "*"))] > -math.inf)

        fixed = solve_dvi(problem, fix_undisputed=True, undisputed_threshold=2.0)

        pairs = {(i.victim, i.missing) for i in fixed.fixed}
        for a in fixed.assignments:
            assert pairs <= set(a.mapping.items())
            assert a.loglik == pytest.approx(reference[_key(dict(a.mapping))], rel=1e-9)
        mass = math.fsum(math.exp(ll - fixed.loglik_null) for key, ll in reference.items()
                         if ll > -math.inf and pairs <= set(key))
        assert sum(a.posterior for a in fixed.assignments[:1]) <= 1.0
        best = fixed.assignments[0]
        assert best.posterior == pytest.approx(
            math.exp(best.loglik - fixed.loglik_null) / mass, rel=1e-6)

    @settings(max_examples=40, deadline=None)
    @given(dvi_problems(mutation=False))
    def test_count__equals_brute_force_enumeration(self, problem: DVIProblem) -> None:
        assert count_assignments(problem) == sum(1 for _ in assignments(problem))

    @settings(max_examples=30, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(dvi_problems(max_victims=3))
    def test_relabel_victims__same_table(self, problem: DVIProblem) -> None:
        reference = all_logliks(problem)
        assume(min(ll for a, ll in reference if all(m == "*" for m in a.values()))
               > -math.inf)
        order = list(reversed(problem.victims))
        renamed = problem.replace(victims=tuple(order))
        assert renamed.victim_ids != problem.victim_ids or len(order) == 1

        a = {_key(dict(x.mapping)): x.loglik
             for x in solve_dvi(problem, enumerate_all=True, glr=False).assignments}
        b = {_key(dict(x.mapping)): x.loglik
             for x in solve_dvi(renamed, enumerate_all=True, glr=False).assignments}

        assert a.keys() == b.keys()
        for key in a:
            assert b[key] == pytest.approx(a[key], rel=1e-12, abs=1e-12)


class TestDVIErrors:
    def test_validation__collects_every_problem(self) -> None:
        ped = Pedigree((Person("R", None, None, "male"), Person("M", None, None, "male")))
        with pytest.raises(CaseError) as info:
            DVIProblem("bad", (Victim("R", "male"), Victim("V", "other")),
                       (Family("F", ped, ("M", "X")),), (L1,),
                       {"M": {"L1": ("1", "2")}, "Z": {"L1": ("1", "1")},
                        "V": {"L1": ("1", "99"), "Q": ("1", "1")}}, theta=0.01)

        fields = {p.field for p in info.value.problems}
        assert {"theta", "victims[1].sex", "families[0].missing", "genotypes",
                "genotypes.V.L1", "genotypes.V"} <= fields
        assert any(p.value == "R" for p in info.value.problems)
        assert any(p.value == "99" for p in info.value.problems)

    def test_impossible_references__name_family_and_marker(self) -> None:
        ped = nuclear_family(("M",), father="fa", mother="mo")
        problem = DVIProblem("x", (Victim("V"),), (Family("F", ped, ("M",)),), (L1,),
                             {"fa": {"L1": ("1", "1")}, "mo": {"L1": ("2", "2")},
                              "M": {}, "V": {"L1": ("1", "2")}})
        child = ped.add_child("K", "fa", "mo")
        bad = problem.replace(families=(Family("F", child, ("M",)),),
                              genotypes={**problem.genotypes, "K": {"L1": ("3", "3")}})

        with pytest.raises(CaseError, match="family 'F' are impossible") as info:
            solve_dvi(bad)
        assert info.value.marker == "L1"

    def test_family_budget__refused_with_numbers(self) -> None:
        ped = nuclear_family(("M1", "M2", "M3"), father="fa", mother="mo")
        victims = tuple(Victim(f"V{i}") for i in range(12))
        genotypes = {v.id: {"L1": (str(1 + i % 10), str(1 + (3 * i) % 10))}
                     for i, v in enumerate(victims)}
        problem = DVIProblem("big", victims, (Family("F", ped, ("M1", "M2", "M3")),), (L1,),
                             genotypes)

        with pytest.raises(CaseError, match="3 missing persons and 12 candidate victims"):
            solve_dvi(problem, max_family_tables=10)

    def test_too_many_to_list(self) -> None:
        with pytest.raises(CaseError, match="too many to list"):
            solve_dvi(example2(), enumerate_all=True, max_listed=5)

    @pytest.mark.parametrize(("kwargs", "field"), [
        ({"top": 0}, "top"), ({"top": True}, "top"), ({"tolerance": -1.0}, "tolerance"),
        ({"mutation": "sometimes"}, "mutation")])
    def test_bad_options(self, kwargs: dict[str, object], field: str) -> None:
        with pytest.raises(CaseError) as info:
            solve_dvi(example2(), **kwargs)  # type: ignore[arg-type]
        assert info.value.field == field


class TestCommingling:
    def problem(self) -> DVIProblem:
        ped = nuclear_family(("M",), father="fa", mother="mo")
        m2 = KinshipMarker("L2", ("1", "2", "3"), np.array([0.2, 0.3, 0.5]))
        return DVIProblem(
            "c", (Victim("A", "male"), Victim("B", "unknown"), Victim("C", "female"),
                  Victim("D", "male")),
            (Family("F", ped, ("M",)),), (L1, m2),
            {"A": {"L1": ("1", "2"), "L2": ("1", "1")}, "B": {"L1": ("1", "2")},
             "C": {"L1": ("1", "2"), "L2": ("1", "1")}, "D": {"L1": ("1", "3")},
             "fa": {"L1": ("1", "1")}})

    def test_direct_match__closed_forms(self) -> None:
        problem = self.problem()

        assert direct_match_lr(problem, "A", "B") == pytest.approx(1 / (2 * 0.1 * 0.1))
        assert direct_match_lr(problem, "A", "C") == 0.0  # sexes differ
        assert direct_match_lr(problem, "A", "D") == 0.0  # L1 differs
        assert direct_match_lr(problem, "B", "C") == pytest.approx(50.0)

    def test_groups__chained_group_reports_its_conflict(self) -> None:
        found = find_commingled(self.problem(), threshold=40)

        assert {frozenset(g) for g in found.groups} == {
            frozenset({"A", "B", "C"}), frozenset({"D"})}
        assert found.conflicts == (("A", "C"),)
        with pytest.raises(CaseError, match="cannot be the same person"):
            merge_commingled(self.problem(), found.groups)

    def test_merge__most_complete_fragment_takes_the_others_markers(self) -> None:
        problem = self.problem()
        problem = problem.replace(genotypes={**problem.genotypes, "C": {"L2": ("1", "1")}})

        merged = merge_commingled(problem, [("A", "B"), ("B", "C")][1:])

        assert direct_match_lr(problem, "B", "C") == 1.0  # no marker typed in both
        assert merged.victim_ids == ("A", "B", "D")
        assert merged.genotypes["B"] == {"L1": ("1", "2"), "L2": ("1", "1")}
        assert {v.id: v.sex for v in merged.victims}["B"] == "female"
        assert "C" not in merged.genotypes
