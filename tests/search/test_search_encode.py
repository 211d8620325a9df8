"""Genotype codes: the co-lexicographic pair rank plus one, 0 = untyped."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reunite.search.encode import (
    UNTYPED,
    code_count,
    code_dtype_for,
    code_to_pair,
    codes_from_indices,
    pair_to_code,
)


def test_pair_to_code__hand_values() -> None:
    # (0,0) (0,1) (1,1) (0,2) (1,2) (2,2) -> 1..6
    expected = [1, 2, 3, 4, 5, 6]

    actual = [pair_to_code(i, j) for i, j in [(0, 0), (0, 1), (1, 1), (0, 2), (1, 2), (2, 2)]]

    assert expected == actual
    assert pair_to_code(2, 1) == 5
    assert UNTYPED == 0


@given(st.integers(0, 400), st.integers(0, 400))
def test_code_to_pair__inverts_pair_to_code(i: int, j: int) -> None:
    assert code_to_pair(pair_to_code(i, j)) == (min(i, j), max(i, j))


@given(st.integers(1, 300))
def test_codes__stable_under_growth(n: int) -> None:
    # Every code of n alleles is below the table width of n and keeps its pair with n + 1.
    codes = {pair_to_code(i, j) for j in range(n) for i in range(j + 1)}

    assert len(codes) == n * (n + 1) // 2
    assert max(codes) == code_count(n) - 1
    assert codes == set(range(1, code_count(n)))


def test_code_dtype_for__bounds() -> None:
    assert code_dtype_for(22) == np.uint8
    assert code_dtype_for(23) == np.uint16
    assert code_dtype_for(361) == np.uint16
    with pytest.raises(ValueError, match="exceeds"):
        code_dtype_for(362)


def test_codes_from_indices__missing_and_homozygote_written_once() -> None:
    indices = np.array([[[1, 0], [-1, -1], [2, -1], [-1, 3]]])
    expected = np.array([[2, 0, 6, 10]], dtype=np.uint8)

    actual = codes_from_indices(indices, np.uint8)

    assert expected.tolist() == actual.tolist()


def test_code_to_pair__untyped_is_an_error() -> None:
    with pytest.raises(ValueError, match="untyped"):
        code_to_pair(0)
