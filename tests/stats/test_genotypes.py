"""Genotype positions: one formula, for one pair and for arrays, and the HW vector."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reunite.stats.genotypes import genotype_index, genotype_pairs, hardy_weinberg, n_genotypes


class TestGenotypeIndexExamples:
    def test_order_is_upper_triangle_row_major(self) -> None:
        n = 4
        order = [genotype_index(i, j, n) for i in range(n) for j in range(i, n)]

        assert order == list(range(n_genotypes(n)))
        assert genotype_index(2, 1, n) == genotype_index(1, 2, n) == 5

    def test_pairs_are_the_inverse(self) -> None:
        i, j = genotype_pairs(5)

        assert list(zip(i.tolist(), j.tolist(), strict=True)) == [
            (a, b) for a in range(5) for b in range(a, 5)]
        assert genotype_index(i, j, 5).tolist() == list(range(n_genotypes(5)))

    def test_hardy_weinberg__p_squared_and_two_pq(self) -> None:
        p = np.array([0.1, 0.2, 0.7])

        expected = [0.01, 2 * 0.1 * 0.2, 2 * 0.1 * 0.7, 0.04, 2 * 0.2 * 0.7, 0.49]
        assert hardy_weinberg(p).tolist() == pytest.approx(expected, rel=1e-15)
        assert hardy_weinberg(p).sum() == pytest.approx(1.0, rel=1e-15)


class TestGenotypeIndexErrors:
    @pytest.mark.parametrize(("i", "j"), [(0, 4), (-1, 2), (4, 4)])
    def test_out_of_range(self, i: int, j: int) -> None:
        with pytest.raises(IndexError):
            genotype_index(i, j, 4)

    def test_out_of_range__arrays(self) -> None:
        with pytest.raises(IndexError):
            genotype_index(np.array([0, 1]), np.array([3, 4]), 4)


class TestGenotypeIndexProperties:
    @given(st.integers(1, 40), st.data())
    def test_arrays_equal_the_scalar_in_either_order(self, n: int, data: st.DataObject
                                                     ) -> None:
        pairs = data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)),
                                   min_size=1, max_size=30))
        i = np.array([a for a, _ in pairs])
        j = np.array([b for _, b in pairs])

        expected = [genotype_index(int(a), int(b), n) for a, b in pairs]
        assert genotype_index(i, j, n).tolist() == expected
        assert genotype_index(j, i, n).tolist() == expected

    @given(st.integers(1, 30))
    def test_every_position_once(self, n: int) -> None:
        seen = sorted(genotype_index(a, b, n)
                      for a, b in itertools.combinations_with_replacement(range(n), 2))

        assert seen == list(range(n_genotypes(n)))
