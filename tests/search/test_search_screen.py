"""Pedigree screening: table scores equal the exact engine; top-k and threshold."""

from __future__ import annotations

import math

import numpy as np
import pytest

from reunite.errors import CaseError, InputError
from reunite.genetics.frequencies import FrequencyTable
from reunite.genetics.pedigree import Pedigree, Person, nuclear_family
from reunite.search._kernels import available_backends, get_backend
from reunite.search.encode import pair_to_code
from reunite.search.matrix import ProfileMatrix
from reunite.search.screen import (
    FamilyCase,
    exact_missing_person_lr,
    family_log_lr_table,
    screen_family,
    screening_markers,
)
from reunite.simulate import degrade, simulate_families, simulate_unrelated
from reunite.stats.mutation import MutationSpec


def allow(query_index: str, target_index: str, *, purpose: str) -> None:
    """A test policy that allows everything (the real one lives in governance)."""


MARKERS = ("D3S1358", "vWA", "FGA", "TH01", "D8S1179")


def _freqs(seed: int = 0) -> FrequencyTable:
    rng = np.random.default_rng(seed)
    return FrequencyTable(
        "toy",
        {m: {str(10 + a): float(w) for a, w in enumerate(rng.dirichlet(np.ones(6)))}
         for m in MARKERS},
    )


def _three_generations() -> Pedigree:
    # Grandfather GF and grandmother GM; their sons MPF (the MP's father) and UN (uncle).
    return Pedigree((
        Person("GF", None, None, "male"), Person("GM", None, None, "female"),
        Person("MPF", "GF", "GM", "male"), Person("UN", "GF", "GM", "male"),
        Person("MPM", None, None, "female"), Person("MP", "MPF", "MPM", "unknown"),
    ))


CASES = {
    "both parents": (nuclear_family(("MP", "SIB")), ("FA", "MO")),
    "one sibling": (nuclear_family(("MP", "SIB")), ("SIB",)),
    "grandparent and uncle": (_three_generations(), ("GF", "UN")),
}


def _setup(case: str, seed: int, *, mutation: MutationSpec | None
           ) -> tuple[ProfileMatrix, FamilyCase, FrequencyTable]:
    freqs = _freqs(seed)
    ped, typed = CASES[case]
    fams = simulate_families(ped, freqs, n_families=1, seed=seed, mutation=mutation)
    refs = {p: fams.genotype_texts(0, p) for p in typed}
    unrelated = degrade(simulate_unrelated(freqs, 300, seed=seed + 1), drop_probability=0.1,
                        seed=seed)
    matrix = ProfileMatrix.from_allele_indices(
        list(unrelated.ids), unrelated.markers, unrelated.alleles, unrelated.indices)
    mp = fams.person("MP")
    matrix.add_allele_indices(list(mp.ids), mp.indices, mp.alleles)
    # An allele the frequency table has never seen: it must get the minimum frequency.
    matrix.add_genotype_texts(["rare"], [{"vWA": ("31", "11"), "FGA": ("10", "12")}])
    return matrix, FamilyCase("fam", ped, "MP", refs), freqs


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("backend", available_backends())
def test_screen_scores__equal_exact_engine(case: str, seed: int, backend: str) -> None:
    mutation = MutationSpec("equal", rate=0.005)
    matrix, family, freqs = _setup(case, seed, mutation=mutation)
    markers = screening_markers(matrix, freqs, [family], mutation=mutation)
    table = family_log_lr_table(family, matrix, markers)
    scores = get_backend(backend).screen_scores(matrix.codes, matrix.alive, table)
    rng = np.random.default_rng(seed)
    sample = [*rng.choice(matrix.n_rows, size=12, replace=False).tolist(), matrix.n_rows - 1]

    for row in sample:
        pid = matrix.ids_of([row])[0]
        texts = {
            m: (matrix.alleles(m)[i], matrix.alleles(m)[j])
            for m, (i, j) in _pairs(matrix, row).items()
        }
        exact, _ = exact_missing_person_lr(family, texts, markers)

        assert exact is not None, pid
        assert scores[row] / math.log(10) == pytest.approx(exact, rel=1e-9, abs=1e-12), pid


def _pairs(matrix: ProfileMatrix, row: int) -> dict[str, tuple[int, int]]:
    from reunite.search.encode import code_to_pair

    return {matrix.markers[m]: code_to_pair(int(c))
            for m, c in enumerate(matrix.codes[row]) if c}


def test_screen_scores__equal_slow_lookup_reference() -> None:
    matrix, family, freqs = _setup("one sibling", 3, mutation=None)
    markers = screening_markers(matrix, freqs, [family])
    table = family_log_lr_table(family, matrix, markers)
    # Reference: per marker a dict genotype -> log LR, one profile at a time.
    lookup = {
        matrix.markers[m]: {
            (matrix.alleles(m)[i], matrix.alleles(m)[j]): table[m, pair_to_code(i, j)]
            for j in range(len(matrix.alleles(m))) for i in range(j + 1)
        }
        for m in range(matrix.n_markers)
    }
    expected = []
    for row in range(matrix.n_rows):
        total = 0.0
        for marker, (i, j) in _pairs(matrix, row).items():
            total += lookup[marker][(matrix.alleles(marker)[i], matrix.alleles(marker)[j])]
        expected.append(total)

    for backend in available_backends():
        actual = get_backend(backend).screen_scores(matrix.codes, matrix.alive, table)
        assert np.allclose(actual, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("backend", available_backends())
def test_screen_family__true_missing_person_first_and_exact(backend: str) -> None:
    matrix, family, freqs = _setup("both parents", 4, mutation=MutationSpec("equal", rate=0.001))

    result = screen_family(matrix, family, frequencies=freqs, query_index="q",
                           target_index="t", policy=allow, k=5,
                           mutation=MutationSpec("equal", rate=0.001), backend=backend)

    assert result.hits[0].profile_id == "F0:MP"
    assert len(result.hits) == 5
    logs = [h.log10_lr for h in result.hits]
    assert logs == sorted(logs, reverse=True)  # type: ignore[type-var]
    for hit in result.hits:
        assert hit.log10_lr == pytest.approx(hit.screen_log10_lr, rel=1e-9, abs=1e-12)
        assert sum(hit.log10_lr_per_marker.values()) == pytest.approx(hit.log10_lr, rel=1e-9)


@pytest.mark.parametrize("backend", available_backends())
def test_screen_family__topk_and_threshold_match_brute_force(backend: str) -> None:
    mutation = MutationSpec("equal", rate=0.01)
    matrix, family, freqs = _setup("one sibling", 5, mutation=mutation)
    matrix.remove(["U000", "U001"])
    markers = screening_markers(matrix, freqs, [family], mutation=mutation)
    table = family_log_lr_table(family, matrix, markers)
    scores = get_backend("numpy").screen_scores(matrix.codes, matrix.alive, table)
    live = np.flatnonzero(matrix.alive)
    ranked = sorted(live, key=lambda r: -scores[r])
    threshold = float(np.exp(scores[ranked[9]]))  # exactly ten at or above it

    top3 = screen_family(matrix, family, frequencies=freqs, query_index="q", target_index="t",
                         policy=allow, k=3, mutation=mutation, rescore=False, backend=backend)
    above = screen_family(matrix, family, frequencies=freqs, query_index="q",
                          target_index="t", policy=allow, k=1, threshold=threshold * 0.999999,
                          mutation=mutation, rescore=False, backend=backend)

    assert [h.profile_id for h in top3.hits] == matrix.ids_of(ranked[:3])
    assert sorted(h.profile_id for h in above.hits) == sorted(matrix.ids_of(ranked[:10]))


def test_removed_candidate_is_not_screened() -> None:
    matrix, family, freqs = _setup("both parents", 4, mutation=None)
    matrix.remove(["F0:MP"])

    result = screen_family(matrix, family, frequencies=freqs, query_index="q",
                           target_index="t", policy=allow, k=3)

    assert "F0:MP" not in [h.profile_id for h in result.hits]


class TestScreenErrors:
    def test_missing_person_must_be_in_pedigree(self) -> None:
        with pytest.raises(CaseError, match="not in the pedigree"):
            FamilyCase("f", nuclear_family(("CH",)), "XX", {})

    def test_missing_person_cannot_be_typed(self) -> None:
        with pytest.raises(CaseError, match="cannot be a typed"):
            FamilyCase("f", nuclear_family(("CH",)), "CH", {"CH": {"vWA": ("1", "2")}})

    def test_bad_k(self) -> None:
        matrix, family, freqs = _setup("one sibling", 1, mutation=None)
        with pytest.raises(InputError, match="k must"):
            screen_family(matrix, family, frequencies=freqs, query_index="q",
                          target_index="t", policy=allow, k=-1)


@pytest.mark.parametrize("case", ["both parents", "one sibling"])
def test_screen_with_theta__equals_exact_engine(case: str) -> None:
    mutation = MutationSpec("equal", rate=0.005)
    matrix, family, freqs = _setup(case, 7, mutation=mutation)
    markers = screening_markers(matrix, freqs, [family], mutation=mutation)
    theta = 0.02

    result = screen_family(matrix, family, frequencies=freqs, query_index="q",
                           target_index="t", policy=allow, k=4, mutation=mutation,
                           theta=theta)
    plain = family_log_lr_table(family, matrix, markers)
    corrected = family_log_lr_table(family, matrix, markers, theta=theta)

    assert not np.allclose(plain, corrected)
    for hit in result.hits:
        assert hit.log10_lr == pytest.approx(hit.screen_log10_lr, rel=1e-9, abs=1e-12)
    assert dict(result.provenance.parameters)["theta"] == theta
