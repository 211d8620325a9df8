"""Every public search entry point asks the policy first and refuses when it refuses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from reunite.errors import PurposeNotPermitted
from reunite.genetics.frequencies import FrequencyTable
from reunite.genetics.pedigree import nuclear_family
from reunite.search.blind import blind_search, blind_search_families
from reunite.search.direct import direct_match, exact_match
from reunite.search.matrix import ProfileMatrix
from reunite.search.screen import FamilyCase, screen_family
from reunite.search.settings import SearchSettings


class Refuse:
    """Refuses by raising, as governance's require_search_allowed does."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str]] = []

    def __call__(self, query_index: str, target_index: str, *, purpose: str) -> None:
        self.calls.append((query_index, target_index, purpose))
        raise PurposeNotPermitted("not in the search matrix", query_index=query_index)


class Decline:
    """Refuses by returning a decision with allowed=False."""

    allowed = False
    reason = "declined"

    def __call__(self, query_index: str, target_index: str, *, purpose: str) -> Any:
        return self


MATRIX = ProfileMatrix(["vWA"])
MATRIX.add_genotype_texts(["A"], [{"vWA": ("17", "18")}])
FREQS = FrequencyTable("t", {"vWA": {"17": 0.5, "18": 0.5}})
FAMILY = FamilyCase("f", nuclear_family(("MP",)), "MP", {"FA": {"vWA": ("17", "17")}})


def _tables(a: int, b: int) -> Any:
    raise AssertionError("the kernel must not run when the policy refuses")


ENTRY_POINTS: dict[str, Callable[..., object]] = {
    "exact_match": lambda policy: exact_match(
        MATRIX, {"vWA": ("17", "18")}, query_index="q", target_index="t", policy=policy),
    "direct_match": lambda policy: direct_match(
        MATRIX, {"vWA": ("17", "18")}, settings=SearchSettings(), query_index="q",
        target_index="t", policy=policy),
    "screen_family": lambda policy: screen_family(
        MATRIX, FAMILY, frequencies=FREQS, settings=SearchSettings(), query_index="q",
        target_index="t", policy=policy),
    "blind_search": lambda policy: blind_search(
        MATRIX, ["f"], _tables, query_index="q", target_index="t", policy=policy, k=10),
    "blind_search_families": lambda policy: blind_search_families(
        MATRIX, [FAMILY], frequencies=FREQS, settings=SearchSettings(), query_index="q",
        target_index="t", policy=policy),
}


@pytest.mark.parametrize("name", list(ENTRY_POINTS))
def test_entry_point_refuses_when_policy_raises(name: str) -> None:
    policy = Refuse()

    with pytest.raises(PurposeNotPermitted):
        ENTRY_POINTS[name](policy)

    assert policy.calls == [("q", "t", "identification")]


@pytest.mark.parametrize("name", list(ENTRY_POINTS))
def test_entry_point_refuses_a_negative_decision(name: str) -> None:
    with pytest.raises(PurposeNotPermitted, match="declined"):
        ENTRY_POINTS[name](Decline())


@pytest.mark.parametrize("name", list(ENTRY_POINTS))
def test_entry_point_refuses_without_policy(name: str) -> None:
    with pytest.raises(PurposeNotPermitted, match="no search policy"):
        ENTRY_POINTS[name](None)


def test_public_entry_points_are_all_covered() -> None:
    import reunite.search as search

    public_searches = {n for n in search.__all__ if n.endswith(("_match", "_search", "_family"))}

    assert public_searches <= set(ENTRY_POINTS)
    assert np.all(MATRIX.alive == 1)
