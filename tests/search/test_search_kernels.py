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
