"""Missing-person LR and genotype tables: LR(g) = P(g | family) / P(g) = direct LR."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest

from reunite.errors import CaseError
from reunite.genetics.observation import DropoutModel
from reunite.genetics.pedigree import Pedigree, Person, nuclear_family
from reunite.io.kinship_case import parse_case
from reunite.stats.genotypes import genotype_index, n_genotypes
from reunite.stats.likelihood import Genotype, GenotypeData, KinshipMarker
from reunite.stats.missing_person import (
    missing_person_genotype_table,
    missing_person_lr,
    missing_person_observation_table,
    n_observed_sets,
    observation_table_lr,
    observed_set_index,
    table_lr,
)
from reunite.stats.mutation import MutationModel, MutationSpec, mutation_matrix

ALLELES = ("10", "11", "12", "13")
FREQS = np.array([0.1, 0.2, 0.3, 0.4])


def _marker(name: str = "M", model: str | None = None) -> KinshipMarker:
    mutation = None
    if model is not None:
        f = mutation_matrix(MutationSpec(model, rate=0.01, rate2=1e-4, range=0.5), ALLELES,
                            FREQS)
        m = mutation_matrix(MutationSpec(model, rate=0.03, rate2=1e-4, range=0.5), ALLELES,
                            FREQS)
        mutation = MutationModel(female=f, male=m)
    return KinshipMarker(name, ALLELES, FREQS, mutation)


def _family() -> Pedigree:
    # Missing son MP; mother and a sister typed; the father untyped; MP has a typed child.
    return nuclear_family(("MP", "S1"), child_sexes=["male", "female"]).add_person(
        Person("W", None, None, "female")).add_child("CH", "MP", "W", sex="female")


FAMILY_DATA: dict[str, dict[str, Genotype | None]] = {
    "MO": {"M": ("10", "12")}, "S1": {"M": ("12", "13")}, "CH": {"M": ("11", "12")}}


class TestGenotypeTable:
    @pytest.mark.parametrize(("model", "theta"), [(None, 0.0), ("stepwise", 0.0),
                                                  ("equal", 0.0), (None, 0.02),
                                                  ("proportional", 0.05)])
    def test_table_lr_equals_direct_lr_for_every_genotype(self, model: str | None,
                                                           theta: float) -> None:
        marker = _marker(model=model)
        # θ couples every founder allele (cost: Bell number of them), so the θ cases use
        # the family without the child's untyped mother.
        family = _family() if theta == 0 else nuclear_family(("MP", "S1"),
                                                             child_sexes=["male", "female"])
        data = FAMILY_DATA if theta == 0 else {p: g for p, g in FAMILY_DATA.items()
                                               if p != "CH"}
        table = missing_person_genotype_table(family, "MP", data, [marker], theta=theta)
        lrs = table.lr("M")

        assert table.family[0].shape == (10,)
        assert math.isclose(float(table.family[0].sum()), 1.0, rel_tol=1e-12)
        for i, j in itertools.combinations_with_replacement(range(4), 2):
            g = (ALLELES[i], ALLELES[j])
            direct = missing_person_lr(family, "MP", {"M": g}, data, [marker], theta=theta)
            expected = direct.total_lr()
            got = float(lrs[genotype_index(i, j, 4)])
            if expected == 0:
                assert got == 0
            else:
                assert math.isclose(got, expected, rel_tol=1e-10), (g, got, expected)

    def test_unrelated_vector_is_hardy_weinberg(self) -> None:
        table = missing_person_genotype_table(_family(), "MP", FAMILY_DATA, [_marker()])

        assert table.unrelated[0][genotype_index(1, 1, 4)] == pytest.approx(0.04)
        assert table.unrelated[0][genotype_index(0, 3, 4)] == pytest.approx(2 * 0.1 * 0.4)

    def test_parents_typed_closed_form(self) -> None:
        # Parents 10/11 and 12/13: the son is one of four genotypes, 1/4 each.
        family = nuclear_family(("MP",), child_sexes=["male"])
        data: dict[str, dict[str, Genotype | None]] = {"FA": {"M": ("10", "11")},
                                                       "MO": {"M": ("12", "13")}}

        vec = missing_person_genotype_table(family, "MP", data, [_marker()]).family[0]

        for i, j in [(0, 2), (0, 3), (1, 2), (1, 3)]:
            assert vec[genotype_index(i, j, 4)] == pytest.approx(0.25, rel=1e-14)
        assert vec.sum() == pytest.approx(1.0, rel=1e-14)

    def test_reference_case_by_table_lookup(self, reference_cases_dir: Path) -> None:
        data = json.loads((reference_cases_dir / "mp_son_parents_poi_true.json").read_text())
        case = parse_case(data)
        h2 = case.hypotheses[1].pedigree
        family = h2.without("POI")
        family_data = {p: g for p, g in case.genotypes.items() if p != "POI"}
        table = missing_person_genotype_table(family, "MP", family_data, case.markers)
        poi = {m: g for m, g in case.genotypes["POI"].items()
               if g is not None and None not in g}

        got = table_lr(table, poi)  # type: ignore[arg-type]

        assert math.isclose(got, data["expected"]["total_lr"], rel_tol=1e-9)


def test_batched_marginals_equal_one_by_one() -> None:
    from reunite.stats.likelihood import batch_marginals, encoded_log_marginal

    family = _family()
    markers = [KinshipMarker(f"M{k}", ALLELES, FREQS) for k in range(3)] + [
        _marker("S", model="stepwise")]
    data = [{"MO": ("10", "12"), "S1": ("12", "13"), "CH": ("11", "12")},
            {"MO": ("10", "10"), "S1": ("10", "13"), "CH": ("13", "12")},
            {"MO": ("11", None), "CH": ("11", "12")},
            {"MO": ("10", "12"), "S1": ("12", "13"), "CH": ("11", "12")}]
    fidx = np.asarray(family.fidx, dtype=np.intp)
    midx = np.asarray(family.midx, dtype=np.intp)
    codes = []
    for marker, d in zip(markers, data, strict=True):
        c = np.full((len(family), 2), -1, dtype=np.intp)
        for pid, g in d.items():
            c[family.index[pid]] = marker.encode(g)
        codes.append(c)
    mp = family.index["MP"]

    batched = batch_marginals(fidx, midx, codes, markers, mp)

    for (log_b, table_b), marker, c in zip(batched, markers, codes, strict=True):
        log_s, table_s = encoded_log_marginal(fidx, midx, c, marker.frequencies,
                                              marker.mutation, mp)
        np.testing.assert_allclose(np.exp(log_b) * table_b, np.exp(log_s) * table_s,
                                   rtol=1e-12, atol=1e-300)


class TestInbredMissingPerson:
    """A missing person whose parents are related: its two alleles may be IBD."""

    def _case(self) -> tuple[Pedigree, dict[str, dict[str, Genotype | None]]]:
        # MP is the child of a brother and a sister; only their father is typed, so both
        # of MP's alleles can be the same unseen grandparental allele.
        family = nuclear_family(("S", "D"), child_sexes=["male", "female"]).add_child(
            "MP", "S", "D", sex="male")
        return family, {"FA": {"M": ("10", "11")}}

    def test_table_equals_brute_force(self) -> None:
        from reference.brute_force import brute_force_observed

        family, data = self._case()
        marker = KinshipMarker("M", ALLELES, FREQS)
        codes = [marker.encode(data.get(p, {}).get("M")) for p in family.ids]
        expected = brute_force_observed(list(family.fidx), list(family.midx), codes, {},
                                        FREQS, np.eye(4), np.eye(4),
                                        query=family.index["MP"])
        vec = expected + expected.T
        rows, cols = np.triu_indices(4)
        unordered = np.where(rows == cols, expected[rows, cols], vec[rows, cols])

        got = missing_person_genotype_table(family, "MP", data, [marker]).family[0]

        np.testing.assert_allclose(got, unordered / unordered.sum(), rtol=1e-12)

    def test_table_lr_equals_direct_lr(self) -> None:
        family, data = self._case()
        marker = KinshipMarker("M", ALLELES, FREQS)
        table = missing_person_genotype_table(family, "MP", data, [marker])
        for i, j in itertools.combinations_with_replacement(range(4), 2):
            g = (ALLELES[i], ALLELES[j])
            expected = missing_person_lr(family, "MP", {"M": g}, data, [marker]).total_lr()

            assert math.isclose(table.lookup("M", g), expected, rel_tol=1e-12), g


def _sets(alleles: tuple[str, ...], most: int = 2) -> list[tuple[str, ...]]:
    return [s for k in range(most + 1) for s in itertools.combinations(alleles, k)]


CANDIDATE_MODELS = [DropoutModel(0.0), DropoutModel(0.3), DropoutModel(0.2, 0.5, 0.05),
                    DropoutModel(0.7, None, 0.1)]


class TestObservationTable:
    @pytest.mark.parametrize(("model", "theta", "silent", "degraded_relative"), [
        (None, 0.0, 0.0, False), (None, 0.0, 0.05, False), ("stepwise", 0.0, 0.05, True),
        ("equal", 0.0, 0.0, True), (None, 0.03, 0.05, False), ("proportional", 0.02, 0.0,
                                                              True)])
    def test_lookup_equals_exact_lr_for_every_observed_set(
            self, model: str | None, theta: float, silent: float,
            degraded_relative: bool) -> None:
        base = _marker(model=model)
        marker = KinshipMarker("M", ALLELES, FREQS, base.mutation, silent_frequency=silent)
        family = _family() if theta == 0 else nuclear_family(("MP", "S1"),
                                                             child_sexes=["male", "female"])
        data: dict[str, dict[str, GenotypeData | None]] = {
            p: dict(g) for p, g in FAMILY_DATA.items() if theta == 0 or p != "CH"}
        relatives: dict[str, DropoutModel] = {}
        if degraded_relative:
            data["S1"] = {"M": ("13",)}
            relatives = {"S1": DropoutModel(0.4, drop_in=0.02)}
        table = missing_person_observation_table(family, "MP", data, [marker], theta=theta,
                                                 dropout=relatives)
        for candidate in CANDIDATE_MODELS:
            lrs = table.lr("M", candidate)
            for observed in _sets(ALLELES):
                direct = missing_person_lr(family, "MP", {"M": observed}, data, [marker],
                                           theta=theta,
                                           dropout={**relatives, "POI": candidate})
                expected = direct.total_lr()
                idx = observed_set_index([ALLELES.index(a) for a in observed], 4)

                got = table.lookup("M", observed, candidate)

                assert got == float(lrs[idx]) or (math.isnan(got) and math.isnan(lrs[idx]))
                if math.isnan(expected):
                    assert math.isnan(got), (candidate, observed)
                elif expected == 0:
                    assert got == 0, (candidate, observed)
                else:
                    assert math.isclose(got, expected, rel_tol=1e-10), (
                        candidate, observed, got, expected)

    def test_complete_candidate_equals_the_genotype_table(self) -> None:
        marker = _marker()
        genotypes = missing_person_genotype_table(_family(), "MP", FAMILY_DATA, [marker])
        observed = missing_person_observation_table(_family(), "MP", FAMILY_DATA, [marker])

        fam, unrel = observed.probabilities("M")

        np.testing.assert_allclose(fam[:-1], genotypes.family[0], rtol=1e-13, atol=1e-16)
        np.testing.assert_allclose(unrel[:-1], genotypes.unrelated[0], rtol=1e-13)
        assert fam[-1] == 0.0
        assert unrel[-1] == 0.0

    @pytest.mark.parametrize("candidate", CANDIDATE_MODELS)
    def test_probabilities_sum_to_one_with_the_three_allele_sets(
            self, candidate: DropoutModel) -> None:
        # Sets of ≤ 2 alleles are in the table; with drop-in the rest of the mass is on
        # three-allele sets: c·P(two survived, a third dropped in).
        marker = KinshipMarker("M", ALLELES, FREQS, silent_frequency=0.05)
        table = missing_person_observation_table(_family(), "MP", FAMILY_DATA, [marker])

        fam, unrel = table.probabilities("M", candidate)

        assert fam.sum() <= 1.0 + 1e-12
        assert math.isclose(fam.sum(), 1.0, rel_tol=1e-12) == (candidate.drop_in == 0)
        assert (unrel > 0).all() or candidate.dropout == 0

    def test_total_by_look_up_and_errors(self) -> None:
        markers = [KinshipMarker("M", ALLELES, FREQS, silent_frequency=0.01),
                   KinshipMarker("N", ALLELES, FREQS)]
        data: dict[str, dict[str, GenotypeData | None]] = {
            p: {"M": g["M"], "N": g["M"]} for p, g in FAMILY_DATA.items()}
        table = missing_person_observation_table(_family(), "MP", data, markers)
        candidate = DropoutModel(0.25)
        poi: dict[str, GenotypeData | None] = {"M": ("12",), "N": ()}

        total = observation_table_lr(table, {"M": ("12",), "N": (), "X": None}, candidate)
        direct = missing_person_lr(_family(), "MP", poi, data, markers,
                                   dropout={"POI": candidate}).total_lr()

        assert math.isclose(total, direct, rel_tol=1e-12)
        with pytest.raises(CaseError):
            table.lookup("M", ("99",), candidate)
        with pytest.raises(IndexError):
            observed_set_index([0, 1, 2], 4)
        with pytest.raises(CaseError) as info:
            missing_person_genotype_table(_family(), "MP", data, markers)
        assert info.value.marker == "M"
        with pytest.raises(CaseError):
            missing_person_observation_table(_family(), "MP", {"MP": {"M": ("10",)}},
                                             markers)

    def test_observed_set_index_matches_genotype_index(self) -> None:
        assert observed_set_index([2, 1], 4) == genotype_index(1, 2, 4)
        assert observed_set_index([3], 4) == genotype_index(3, 3, 4)
        assert observed_set_index([], 4) == n_genotypes(4) == n_observed_sets(4) - 1
