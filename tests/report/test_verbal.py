"""ENFSI verbal scale: band boundaries, symmetry and the special values."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reunite.report.verbal import ENFSI_BANDS, verbal_equivalent

KEYS = [key for _, key, _ in ENFSI_BANDS]


@pytest.mark.parametrize(("lr", "key"), [
    (1.000001, "weak"), (2.0, "weak"), (9.999, "weak"),
    (10.0, "moderate"), (99.99, "moderate"),
    (100.0, "moderately_strong"), (999.9, "moderately_strong"),
    (1_000.0, "strong"), (9_999.0, "strong"),
    (10_000.0, "very_strong"), (999_999.0, "very_strong"),
    (1_000_000.0, "extremely_strong"), (1e30, "extremely_strong"),
    (math.inf, "extremely_strong"),
])
def test_verbal_equivalent__band_boundaries(lr: float, key: str) -> None:
    found = verbal_equivalent(lr)

    assert key == found.key
    assert found.favours == 1


@pytest.mark.parametrize(("lr", "key"), [(0.5, "weak"), (0.05, "moderate"),
                                         (1e-3, "strong"), (1e-7, "extremely_strong")])
def test_verbal_equivalent__below_one_supports_the_second(lr: float, key: str) -> None:
    found = verbal_equivalent(lr)

    assert (key, 2) == (found.key, found.favours)


def test_verbal_equivalent__special_values() -> None:
    assert (verbal_equivalent(1.0).key, verbal_equivalent(1.0).favours) == ("none", 0)
    assert verbal_equivalent(0.0).key == "exclusion"
    assert verbal_equivalent(math.nan).key == "undefined"
    with pytest.raises(ValueError, match="negative"):
        verbal_equivalent(-1.0)


def test_verbal_equivalent__sentence_names_the_supported_hypothesis() -> None:
    assert "strong support for the proposition that A rather than that B" in \
        verbal_equivalent(5000.0).sentence("A", "B")
    assert "for the proposition that B rather than that A" in \
        verbal_equivalent(1e-5).sentence("A", "B")
    assert "exclude the proposition that A" in verbal_equivalent(0.0).sentence("A", "B")


@given(st.floats(min_value=1.0, max_value=1e300), st.floats(min_value=1.0, max_value=1e300))
def test_verbal_equivalent__monotone_in_lr(a: float, b: float) -> None:
    low, high = sorted((a, b))
    order = ["none", *KEYS]

    assert order.index(verbal_equivalent(low).key) <= order.index(verbal_equivalent(high).key)


@given(st.integers(min_value=-12, max_value=12), st.floats(min_value=1.01, max_value=9.9))
def test_verbal_equivalent__symmetric_under_inversion(exponent: int, mantissa: float) -> None:
    lr = mantissa * 10.0**exponent
    up, down = verbal_equivalent(lr), verbal_equivalent(1.0 / lr)

    assert up.key == down.key
    assert {1, 2} == {up.favours, down.favours}
