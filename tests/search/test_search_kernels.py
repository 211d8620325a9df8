"""Kernel invariants on arbitrary inputs: backends agree; removing rows removes only them."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from reunite.search._kernels import available_backends, get_backend

pytestmark = pytest.mark.skipif(len(available_backends()) < 2, reason="needs numba")

L = 5
W = 11


@st.composite
def scans(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    n = draw(st.integers(1, 300))
    codes = draw(arrays(np.uint8, (n, L), elements=st.integers(0, W - 1)))
    alive = draw(arrays(np.uint8, (n,), elements=st.integers(0, 1)))
    table = draw(arrays(np.uint8, (L, W), elements=st.sampled_from([0, 1, 3])))
    table[:, 0] = 0
    logs = draw(arrays(np.float64, (L, W), elements=st.floats(-20, 20)))
    logs[:, 0] = 0.0
    return codes, alive, table, logs


@settings(max_examples=60, deadline=None)
@given(scans(), st.integers(0, 3), st.integers(0, L))
def test_direct_scan__backends_agree(data: tuple[np.ndarray, ...], max_mismatch: int,
                                     min_shared: int) -> None:
    codes, alive, table, _ = data
    a = get_backend("numpy").direct_scan(codes, alive, table, max_mismatch, min_shared)
    b = get_backend("numba").direct_scan(codes, alive, table, max_mismatch, min_shared)

    for x, y in zip(a, b, strict=True):
        assert x.tolist() == y.tolist()
    assert set(a[0].tolist()) <= set(np.flatnonzero(alive).tolist())


@settings(max_examples=60, deadline=None)
@given(scans(), st.integers(0, 8))
def test_screen__backends_agree_and_select_is_the_top(data: tuple[np.ndarray, ...],
                                                      k: int) -> None:
    codes, alive, _, logs = data
    s_np = get_backend("numpy").screen_scores(codes, alive, logs)
    s_nb = get_backend("numba").screen_scores(codes, alive, logs)
    rows, scores = get_backend("numba").screen_select(codes, alive, logs, k, np.inf)

    assert s_np.tolist() == s_nb.tolist()
    live = np.flatnonzero(alive)
    best = sorted(s_np[live].tolist(), reverse=True)[:k]
    assert sorted(scores.tolist(), reverse=True)[: len(best)] == best
    assert s_np[rows].tolist() == scores.tolist()


@settings(max_examples=40, deadline=None)
@given(scans(), st.integers(1, 4), st.integers(1, 6), st.data())
def test_blind_block__backends_agree_on_every_top_k(data: tuple[np.ndarray, ...], k: int,
                                                   n_fam: int, draw: st.DataObject) -> None:
    codes, alive, _, _ = data
    block = draw.draw(arrays(np.float32, (L, W, n_fam), elements=st.floats(
        -20, 20, width=32)))
    block[:, 0, :] = 0.0
    n = codes.shape[0]
    # The exact score of every (row, family), tombstones -inf.
    scores = np.zeros((n, n_fam), dtype=np.float32)
    for m in range(L):
        scores += block[m][codes[:, m]]
    scores[alive == 0] = -np.inf
    outcomes = []
    for name in ("numpy", "numba"):
        p_scores = np.full((n, k), -np.inf, dtype=np.float32)
        p_families = np.full((n, k), -1, dtype=np.int64)
        fam_vals, fam_rows = get_backend(name).blind_block(codes, alive, block, k, p_scores,
                                                           p_families, 7)
        outcomes.append((fam_vals, fam_rows, p_scores, p_families))

    (v_np, r_np, ps_np, pf_np), (v_nb, r_nb, ps_nb, pf_nb) = outcomes
    # Ties may pick different rows or families; the values kept must be the same, and
    # every row or family named must carry its exact score.
    np.testing.assert_array_equal(-np.sort(-v_np, axis=1), -np.sort(-v_nb, axis=1))
    np.testing.assert_array_equal(-np.sort(-ps_np, axis=1), -np.sort(-ps_nb, axis=1))
    for vals, rows in ((v_np, r_np), (v_nb, r_nb)):
        for f in range(n_fam):
            for value, row in zip(vals[f], rows[f], strict=True):
                assert (row == -1) == (value == -np.inf)
                if row >= 0:
                    assert scores[row, f] == value
    for vals, fams in ((ps_np, pf_np), (ps_nb, pf_nb)):
        for row in range(n):
            for value, fam in zip(vals[row], fams[row], strict=True):
                if fam >= 0:
                    assert scores[row, fam - 7] == value


def test_numba_kernels__compiled_unless_jit_is_disabled() -> None:
    # tests/search/test_kernels_uncompiled.py runs this module with NUMBA_DISABLE_JIT=1:
    # there the "numba" backend must really be the plain Python loops.
    import numba

    from reunite.search._kernels import _numba_kernels

    kernel = next(iter(_numba_kernels().values()))
    compiled = not numba.config.DISABLE_JIT

    assert isinstance(kernel, numba.core.registry.CPUDispatcher) == compiled
