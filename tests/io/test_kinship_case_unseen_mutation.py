"""Given mutation matrices meet an allele added through ``unseen_allele_frequency``.

The matrices stay authoritative for the listed alleles; the added allele gets its row and
column from the model the file names for that sex, or from the identity when it names
none; a note says which. The LRs are checked against hand calculations.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

from reference.brute_force import brute_force_likelihood
from reunite.errors import CaseError
from reunite.io.kinship_case import parse_case
from reunite.stats.lr import kinship_lr

R_MALE = 0.004
# One-step matrices over 14, 15, 16 (the neighbours share the rate).
ONESTEP_MALE = [[1 - R_MALE, R_MALE, 0.0],
                [R_MALE / 2, 1 - R_MALE, R_MALE / 2],
                [0.0, R_MALE, 1 - R_MALE]]
R_FEMALE = 0.002
ONESTEP_FEMALE = [[1 - R_FEMALE, R_FEMALE, 0.0],
                  [R_FEMALE / 2, 1 - R_FEMALE, R_FEMALE / 2],
                  [0.0, R_FEMALE, 1 - R_FEMALE]]
P = [0.3, 0.3, 0.4]
F_UNSEEN = 0.01


def _case(mutation: dict[str, Any]) -> dict[str, Any]:
    # The father is 14/14; the child 15/17: 15 from the father by a one-step mutation,
    # 17 (not in the marker's list) from the untyped mother.
    return {
        "format": "reunite-kinship-case/1", "id": "onestep-unseen",
        "markers": [{"name": "D1", "alleles": ["14", "15", "16"], "frequencies": P,
                     "unseen_allele_frequency": F_UNSEEN, "mutation": mutation}],
        "genotypes": {"AF": {"D1": ["14", "14"]}, "CH": {"D1": ["15", "17"]}},
        "hypotheses": [
            {"name": "paternity", "pedigree": [
                {"id": "AF", "father": None, "mother": None, "sex": "male"},
                {"id": "MO", "father": None, "mother": None, "sex": "female"},
                {"id": "CH", "father": "AF", "mother": "MO", "sex": "female"}]},
            {"name": "unrelated", "pedigree": [
                {"id": "AF", "father": None, "mother": None, "sex": "male"},
                {"id": "CH", "father": None, "mother": None, "sex": "female"}]}],
    }


def _lr(data: dict[str, Any]) -> tuple[float, tuple[str, ...]]:
    case = parse_case(data)
    result = kinship_lr(case.hypotheses, case.markers, case.genotypes, theta=case.theta)
    return result.total_lr(), case.notes


class TestGivenMatricesWithAnAddedAllele:
    def test_matrices_only__kept_and_extended_by_identity(self) -> None:
        lr, notes = _lr(_case({"matrices": {"female": ONESTEP_FEMALE, "male": ONESTEP_MALE}}))

        # Identity for 17: nobody mutates to or from it, so the mother passes 17 with
        # probability p17 and the father 15 with M_male[14, 15]:
        # LR = M[14,15] p17 / (2 p15' p17) = M[14,15] / (2 p15'), p15' = p15 (1 - f).
        p15 = P[1] * (1 - F_UNSEEN)
        assert lr == pytest.approx(R_MALE / (2 * p15), rel=1e-12)
        for sex in ("female", "male"):
            assert any(f"given {sex} mutation matrix is extended to added allele 17 by the "
                       "identity" in n for n in notes), notes

    def test_matrices_and_models__extended_by_the_stated_model(self) -> None:
        lr, notes = _lr(_case({
            "female": {"model": "onestep", "rate": R_FEMALE},
            "male": {"model": "onestep", "rate": R_MALE},
            "matrices": {"female": ONESTEP_FEMALE, "male": ONESTEP_MALE}}))

        # Over 14, 15, 16, 17 the one-step model sends 16 to 17 with rate/2 and 17 to 16
        # with the rate; the given rows keep their proportions scaled by 1 - (to 17).
        p = np.array([*(np.array(P) * (1 - F_UNSEEN)), F_UNSEEN])
        to_17 = p[2] * R_FEMALE / 2 + p[3] * (1 - R_FEMALE)   # q17 = Σ p_i M_f[i, 17]
        from_father = ONESTEP_MALE[0][1]                       # 14 -> 15, row kept as given
        expected = from_father * to_17 / (2 * p[1] * p[3])
        assert lr == pytest.approx(expected, rel=1e-12)
        assert any("onestep model" in n and "17" in n for n in notes)

    def test_the_given_block_is_used_not_recomputed(self) -> None:
        # A given matrix that no named model would produce: 14 -> 15 with 0.1.
        odd = copy.deepcopy(ONESTEP_MALE)
        odd[0] = [0.9, 0.1, 0.0]
        lr, _ = _lr(_case({"male": {"model": "onestep", "rate": R_MALE},
                           "matrices": {"female": ONESTEP_FEMALE, "male": odd}}))

        p15 = P[1] * (1 - F_UNSEEN)
        p17 = F_UNSEEN
        # Female: no model named -> identity for 17, so q17 = p17.
        assert lr == pytest.approx(0.1 * p17 / (2 * p15 * p17), rel=1e-12)

    def test_rows_still_sum_to_one(self) -> None:
        case = parse_case(_case({
            "female": {"model": "equal", "rate": R_FEMALE},
            "matrices": {"female": ONESTEP_FEMALE, "male": ONESTEP_MALE}}))
        mutation = case.markers[0].mutation

        assert mutation is not None
        assert mutation.female.shape == mutation.male.shape == (4, 4)
        np.testing.assert_allclose(mutation.female.sum(axis=1), 1.0, rtol=1e-15)
        np.testing.assert_allclose(mutation.male.sum(axis=1), 1.0, rtol=1e-15)
        assert mutation.description["matrices"] == "given; extended to added allele 17"

    def test_a_given_matrix_of_the_wrong_size_is_still_refused(self) -> None:
        with pytest.raises(CaseError) as caught:
            parse_case(_case({"matrices": {"female": ONESTEP_FEMALE,
                                           "male": [[1.0, 0.0], [0.0, 1.0]]}}))

        assert "3×3" in str(caught.value)

    @pytest.mark.parametrize("mutation", [
        {"matrices": {"female": ONESTEP_FEMALE, "male": ONESTEP_MALE}},
        {"female": {"model": "onestep", "rate": R_FEMALE},
         "male": {"model": "stepwise", "rate": R_MALE, "rate2": 1e-6, "range": 0.5},
         "matrices": {"female": ONESTEP_FEMALE, "male": ONESTEP_MALE}},
    ])
    def test_likelihoods_equal_brute_force_with_the_extended_matrices(
        self, mutation: dict[str, Any]
    ) -> None:
        case = parse_case(_case(mutation))
        marker = case.markers[0]
        assert marker.mutation is not None
        result = kinship_lr(case.hypotheses, case.markers, case.genotypes)
        idx = marker.index
        af = (idx["14"], idx["14"])
        ch = (idx["15"], idx["17"])

        # Trio order AF, MO, CH (MO untyped); unrelated AF, CH.
        paternity = brute_force_likelihood(
            [-1, -1, 0], [-1, -1, 1], [af, (-1, -1), ch], marker.frequencies,
            marker.mutation.female, marker.mutation.male)
        unrelated = brute_force_likelihood(
            [-1, -1], [-1, -1], [af, ch], marker.frequencies, marker.mutation.female,
            marker.mutation.male)
        assert result.likelihood("paternity", "D1") == pytest.approx(paternity, rel=1e-12)
        assert result.likelihood("unrelated", "D1") == pytest.approx(unrelated, rel=1e-12)
