"""Direct match: stringency semantics by hand, kernels against the slow reference, LR."""

from __future__ import annotations

import math

import numpy as np
import pytest

from reference.search_reference import direct_reference, rmp_reference
from reunite.errors import InputError
from reunite.genetics.frequencies import FrequencyTable
from reunite.search._kernels import available_backends
from reunite.search.direct import Stringency, direct_match, exact_match
from reunite.search.matrix import ProfileMatrix
from reunite.search.settings import SearchSettings

SETTINGS = SearchSettings()

def allow(query_index: str, target_index: str, *, purpose: str) -> None:
    """A test policy that allows everything (the real one lives in governance)."""


BACKENDS = available_backends()
M = ("D3S1358", "vWA", "FGA", "TH01")


def _matrix(profiles: dict[str, dict[str, tuple[str, ...]]]) -> ProfileMatrix:
    matrix = ProfileMatrix(M)
    matrix.add_genotype_texts(list(profiles), list(profiles.values()))
    return matrix


QUERY = {"D3S1358": ("15", "16"), "vWA": ("17", "17"), "FGA": ("21", "22"), "TH01": ("6", "7")}
CANDIDATES = {
    # identical everywhere
    "same": dict(QUERY),
    # vWA 17,18 contains the query's 17 (query homozygote {17} is a subset): moderate
    "contains": {**QUERY, "vWA": ("17", "18")},
    # FGA 21,23 shares one allele only: low
    "shares": {**QUERY, "FGA": ("21", "23")},
    # TH01 8,9 shares nothing: a mismatch at every stringency
    "disjoint": {**QUERY, "TH01": ("8", "9")},
    # two markers untyped: only 2 shared
    "sparse": {"D3S1358": ("15", "16"), "vWA": ("17",)},
}


@pytest.mark.parametrize("backend", BACKENDS)
class TestStringencyExamples:
    def _ids(self, backend: str, **kw: object) -> list[str]:
        result = direct_match(
            _matrix(CANDIDATES), QUERY, settings=SETTINGS, query_index="q", target_index="t",
            policy=allow, backend=backend, **kw,  # type: ignore[arg-type]
        )
        return sorted(h.profile_id for h in result.hits)

    def test_high(self, backend: str) -> None:
        assert self._ids(backend, stringency="high", min_shared=4) == ["same"]

    def test_moderate(self, backend: str) -> None:
        assert self._ids(backend, stringency="moderate", min_shared=4) == ["contains", "same"]

    def test_low(self, backend: str) -> None:
        assert self._ids(backend, stringency="low", min_shared=4) == [
            "contains", "same", "shares",
        ]

    def test_one_tolerated_mismatch(self, backend: str) -> None:
        assert self._ids(backend, stringency="high", min_shared=4, max_mismatch=1) == [
            "contains", "disjoint", "same", "shares",
        ]

    def test_min_shared(self, backend: str) -> None:
        assert self._ids(backend, stringency="high", min_shared=2) == ["same", "sparse"]


def test_partial_query_is_never_identical() -> None:
    matrix = _matrix(CANDIDATES)
    query = {"D3S1358": ("15", "16"), "vWA": ("17",)}

    high = direct_match(matrix, dict(query), settings=SETTINGS, query_index="q", target_index="t",
                        policy=allow,
                        stringency="high", min_shared=2)

    # vWA "17" written once is a homozygote: identical to 17,17 only.
    assert sorted(h.profile_id for h in high.hits) == ["disjoint", "same", "shares", "sparse"]


def test_partial_genotype_of_a_profile_object() -> None:
    from reunite.genetics.profile import Genotype, Profile

    matrix = _matrix(CANDIDATES)
    query = Profile("q", {"D3S1358": Genotype("15", "16"), "vWA": Genotype.partial("18")})

    high = direct_match(matrix, query, settings=SETTINGS, query_index="q", target_index="t",
                        policy=allow,
                        stringency="high", min_shared=2)
    moderate = direct_match(matrix, query, settings=SETTINGS, query_index="q", target_index="t",
                            policy=allow,
                            stringency="moderate", min_shared=2)

    assert high.hits == ()
    assert [h.profile_id for h in moderate.hits] == ["contains"]


def test_mismatching_markers_are_named() -> None:
    result = direct_match(_matrix(CANDIDATES), QUERY, settings=SETTINGS, query_index="q",
                          target_index="t",
                          policy=allow, stringency="high", min_shared=4, max_mismatch=1)

    named = {h.profile_id: h.mismatching_markers for h in result.hits}

    assert named == {"same": (), "contains": ("vWA",), "shares": ("FGA",),
                     "disjoint": ("TH01",)}


def test_lr_is_one_over_rmp_with_theta() -> None:
    freqs = FrequencyTable(
        "t",
        {
            "D3S1358": {"15": 0.25, "16": 0.25, "17": 0.5},
            "vWA": {"17": 0.2, "18": 0.8},
            "FGA": {"21": 0.1, "22": 0.3, "23": 0.6},
            "TH01": {"6": 0.3, "7": 0.2, "8": 0.25, "9": 0.25},
        },
    )
    theta = 0.01
    expected_same = -sum(
        math.log10(x)
        for x in (
            rmp_reference(0.25, 0.25, theta),
            rmp_reference(0.2, None, theta),
            rmp_reference(0.1, 0.3, theta),
            rmp_reference(0.3, 0.2, theta),
        )
    )
    # "contains" mismatches at vWA under high stringency: that marker is left out.
    expected_contains = expected_same + math.log10(rmp_reference(0.2, None, theta))

    result = direct_match(_matrix(CANDIDATES), QUERY, settings=SearchSettings(theta=theta),
                          query_index="q", target_index="t",
                          policy=allow, stringency="high", min_shared=4, max_mismatch=1,
                          frequencies=freqs)
    got = {h.profile_id: h.log10_lr for h in result.hits}

    assert result.hits[0].profile_id == "same"
    assert got["same"] == pytest.approx(expected_same, rel=1e-12)
    assert got["contains"] == pytest.approx(expected_contains, rel=1e-12)
    assert result.hits[0].lr == pytest.approx(10**expected_same, rel=1e-12)


def _random_texts(rng: np.random.Generator, n: int, n_alleles: int, p_missing: float
                  ) -> dict[str, dict[str, tuple[str, ...]]]:
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for i in range(n):
        g: dict[str, tuple[str, ...]] = {}
        for marker in M:
            if rng.random() < p_missing:
                continue
            a, b = rng.integers(0, n_alleles, size=2)
            g[marker] = (str(10 + a), str(10 + b))
        out[f"P{i:04d}"] = g
    return out


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("stringency", list(Stringency))
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_direct_scan__equals_reference(backend: str, stringency: Stringency, seed: int) -> None:
    rng = np.random.default_rng(seed)
    profiles = _random_texts(rng, 600, 4, 0.15)
    matrix = _matrix(profiles)
    matrix.remove([f"P{i:04d}" for i in range(0, 600, 7)])
    live = {k: v for k, v in profiles.items() if int(k[1:]) % 7}
    query = _random_texts(rng, 1, 5, 0.1)["P0000"]
    expected = direct_reference(query, live, worst=stringency.worst_level, min_shared=2,
                                max_mismatch=1)

    result = direct_match(matrix, query, settings=SETTINGS, query_index="q", target_index="t",
                          policy=allow,
                          stringency=stringency, min_shared=2, max_mismatch=1, backend=backend)
    actual = {h.profile_id: (h.shared_markers, h.mismatches) for h in result.hits}

    assert len(expected) > 0
    assert expected == actual


def test_exact_match__identical_profiles_only() -> None:
    matrix = _matrix({**CANDIDATES, "twin": dict(QUERY)})

    assert exact_match(matrix, QUERY, query_index="q", target_index="t", policy=allow) == (
        "same", "twin",
    )
    assert exact_match(matrix, {**QUERY, "FGA": ("99", "22")}, query_index="q",
                       target_index="t", policy=allow) == ()


def test_removed_profile_is_not_found_at_once() -> None:
    matrix = _matrix({**CANDIDATES, **{f"x{i}": {"vWA": ("18",)} for i in range(10)}})

    matrix.remove(["same"])

    assert matrix.n_rows == 15  # a tombstone: not yet compacted
    assert exact_match(matrix, QUERY, query_index="q", target_index="t", policy=allow) == ()
    assert direct_match(matrix, QUERY, settings=SETTINGS, query_index="q", target_index="t",
                        policy=allow,
                        min_shared=4).hits == ()


class TestDirectErrors:
    def test_bad_stringency(self) -> None:
        with pytest.raises(InputError, match="stringency"):
            direct_match(_matrix(CANDIDATES), QUERY, settings=SETTINGS, query_index="q",
                         target_index="t",
                         policy=allow, stringency="medium")

    def test_negative_mismatch(self) -> None:
        with pytest.raises(InputError) as info:
            direct_match(_matrix(CANDIDATES), QUERY, settings=SETTINGS, query_index="q",
                         target_index="t",
                         policy=allow, max_mismatch=-1)
        assert info.value.field == "max_mismatch"
