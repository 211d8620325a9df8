"""Mutation matrices: the pedmut/Familias definitions, transforms and bad parameters."""

from __future__ import annotations

import numpy as np
import pytest

from reunite.errors import MutationModelError
from reunite.stats.mutation import (
    MutationSpec,
    extend_matrix,
    is_lumpable,
    lump_matrix,
    mutation_matrix,
    overall_rate,
)

P = np.array([0.1, 0.2, 0.3, 0.4])
NUMERIC = ["9", "10", "11", "12"]


class TestModels:
    def test_equal(self) -> None:
        m = mutation_matrix(MutationSpec("equal", rate=0.03), NUMERIC, P)

        assert m[0, 0] == pytest.approx(0.97)
        assert m[0, 3] == pytest.approx(0.01)
        np.testing.assert_allclose(m.sum(axis=1), 1.0)

    def test_proportional_has_expected_rate(self) -> None:
        m = mutation_matrix(MutationSpec("proportional", rate=0.02), NUMERIC, P)
        alpha = 0.02 / float(np.sum(P * (1 - P)))

        assert m[1, 3] == pytest.approx(alpha * 0.4)
        assert overall_rate(m, P) == pytest.approx(0.02, rel=1e-12)

    def test_onestep_edges_get_the_whole_rate(self) -> None:
        m = mutation_matrix(MutationSpec("onestep", rate=0.01), NUMERIC, P)

        assert m[0, 1] == pytest.approx(0.01)
        assert m[1, 0] == pytest.approx(0.005)
        assert m[1, 2] == pytest.approx(0.005)
        assert m[0, 2] == 0.0

    def test_stepwise_hand_computed(self) -> None:
        # Alleles 9, 10, 10.2, 11: integers {9, 10, 11} one group, 10.2 alone.
        alleles = ["9", "10", "10.2", "11"]
        m = mutation_matrix(MutationSpec("stepwise", rate=0.01, rate2=0.001, range=0.5),
                            alleles, P)

        # From 9: to 10 weight .5, to 11 weight .25 -> rate split 2:1; 10.2 gets rate2.
        assert m[0, 1] == pytest.approx(0.01 * 2 / 3)
        assert m[0, 3] == pytest.approx(0.01 / 3)
        assert m[0, 2] == pytest.approx(0.001)
        assert m[0, 0] == pytest.approx(1 - 0.01 - 0.001)
        # From the lone microvariant: only rate2, spread over the 3 others.
        assert m[2, 2] == pytest.approx(0.999)
        assert m[2, 0] == pytest.approx(0.001 / 3)

    def test_trivial_and_custom(self) -> None:
        custom = ((0.9, 0.1), (0.2, 0.8))

        assert np.array_equal(mutation_matrix(MutationSpec("trivial"), NUMERIC, P), np.eye(4))
        np.testing.assert_array_equal(
            mutation_matrix(MutationSpec("custom", matrix=custom), ["a", "b"], [0.5, 0.5]),
            np.array(custom))


class TestTransforms:
    def test_mh_is_reversible_and_keeps_the_rate(self) -> None:
        base = mutation_matrix(MutationSpec("stepwise", rate=0.01, rate2=1e-4, range=0.3),
                               NUMERIC, P)
        r = mutation_matrix(MutationSpec("stepwise", rate=0.01, rate2=1e-4, range=0.3,
                                         transform="MH"), NUMERIC, P)
        flow = P[:, None] * r

        np.testing.assert_allclose(flow, flow.T, atol=1e-15)
        assert overall_rate(r, P) == pytest.approx(overall_rate(base, P), rel=1e-12)
        np.testing.assert_allclose(r.sum(axis=1), 1.0)

    def test_pm_is_stationary(self) -> None:
        s = mutation_matrix(MutationSpec("equal", rate=0.05, transform="PM"), NUMERIC, P)

        np.testing.assert_allclose(P @ s, P, atol=1e-14)
        assert overall_rate(s, P) == pytest.approx(0.05, rel=1e-10)


class TestLumping:
    def test_equal_is_lumpable_and_lumped_rows_sum_to_one(self) -> None:
        m = mutation_matrix(MutationSpec("equal", rate=0.03), NUMERIC, P)
        keep = np.array([0, 2], dtype=np.intp)

        lumped = lump_matrix(m, keep)

        assert is_lumpable(m, keep)
        assert lumped.shape == (3, 3)
        np.testing.assert_allclose(lumped.sum(axis=1), 1.0)

    def test_stepwise_is_not_lumpable(self) -> None:
        m = mutation_matrix(MutationSpec("stepwise", rate=0.01, rate2=1e-4, range=0.3),
                            NUMERIC, P)

        assert not is_lumpable(m, np.array([0], dtype=np.intp))


class TestErrors:
    @pytest.mark.parametrize("spec", [
        MutationSpec("telepathic", rate=0.1),
        MutationSpec("equal", rate=-0.1),
        MutationSpec("stepwise", rate=0.1, rate2=-1.0, range=0.5),
        MutationSpec("stepwise", rate=0.1, rate2=0.0, range=0.0),
        MutationSpec("equal", rate=0.1, transform="XX"),
    ])
    def test_bad_specs(self, spec: MutationSpec) -> None:
        with pytest.raises(MutationModelError) as info:
            mutation_matrix(spec, NUMERIC, P, marker="D1")

        assert info.value.marker == "D1"

    def test_stepwise_needs_numeric_alleles(self) -> None:
        with pytest.raises(MutationModelError) as info:
            mutation_matrix(MutationSpec("stepwise", rate=0.1, rate2=0.0, range=0.5),
                            ["X", "Y"], [0.5, 0.5])

        assert info.value.value == "X"


class TestExtendMatrix:
    GIVEN = np.array([[0.9, 0.1, 0.0], [0.05, 0.9, 0.05], [0.0, 0.2, 0.8]])

    def test_identity__given_block_kept_added_allele_absorbing(self) -> None:
        out = extend_matrix(self.GIVEN, 5)

        np.testing.assert_array_equal(out[:3, :3], self.GIVEN)
        np.testing.assert_array_equal(out[:3, 3:], 0.0)
        np.testing.assert_array_equal(out[3:], np.eye(5)[3:])

    def test_model__given_proportions_kept_and_added_column_from_the_model(self) -> None:
        alleles = ("14", "15", "16", "17")
        p = np.array([0.2, 0.3, 0.4, 0.1])
        model = mutation_matrix(MutationSpec("onestep", rate=0.01), alleles, p)

        out = extend_matrix(self.GIVEN, 4, model)

        # Row 16 (index 2) mutates to 17 with 0.005 in the model; the rest is the given row.
        assert out[2, 3] == pytest.approx(0.005, rel=1e-15)
        np.testing.assert_allclose(out[2, :3], self.GIVEN[2] * (1 - 0.005), rtol=1e-15)
        np.testing.assert_array_equal(out[3], model[3])
        np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-15)

    def test_sizes_must_match(self) -> None:
        with pytest.raises(MutationModelError, match="sizes"):
            extend_matrix(self.GIVEN, 4, np.eye(5))
