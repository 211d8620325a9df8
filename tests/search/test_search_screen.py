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
    exact_missing_person_lrs,
    family_log_lr_table,
    screen_family,
    screening_markers,
)
from reunite.simulate import degrade, simulate_families, simulate_unrelated
from reunite.stats.missing_person import missing_person_lr
from reunite.stats.mutation import MutationSpec
from support.searching import settings_for


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
    markers = screening_markers(matrix, freqs, [family], settings=settings_for(mutation))
    table = family_log_lr_table(family, matrix, markers)
    scores = get_backend(backend).screen_scores(matrix.codes, matrix.alive, table)
    rng = np.random.default_rng(seed)
    sample = [*rng.choice(matrix.n_rows, size=12, replace=False).tolist(), matrix.n_rows - 1]

    exact = exact_missing_person_lrs(family, matrix, sample, markers, theta=0.0)

    for row, (log10_lr, _) in zip(sample, exact, strict=True):
        pid = matrix.ids_of([row])[0]
        assert log10_lr is not None, pid
        assert scores[row] / math.log(10) == pytest.approx(log10_lr, rel=1e-9, abs=1e-12), pid


@pytest.mark.parametrize("theta", [0.0, 0.02])
def test_exact_rescore_from_codes__equals_the_lr_from_allele_names(theta: float) -> None:
    mutation = MutationSpec("equal", rate=0.005)
    matrix, family, freqs = _setup("grandparent and uncle", 3, mutation=mutation)
    markers = screening_markers(matrix, freqs, [family], settings=settings_for(mutation))
    used = [m for m in markers if m is not None]
    rows = [0, 7, matrix.n_rows - 2, matrix.n_rows - 1]  # the last two: the MP and "rare"

    from_codes = exact_missing_person_lrs(family, matrix, rows, markers, theta=theta)

    for row, (log10_lr, per_marker) in zip(rows, from_codes, strict=True):
        names = {m: (matrix.alleles(m)[i], matrix.alleles(m)[j])
                 for m, (i, j) in _pairs(matrix, row).items()}
        poi = {m.name: names.get(m.name) for m in used}
        refs = {p: {m.name: tuple(g[m.name]) if m.name in g else None for m in used}
                for p, g in family.references.items()}
        expected = missing_person_lr(family.pedigree, "MP", poi, refs, used, theta=theta)
        assert log10_lr == pytest.approx(expected.log10_total_lr(), rel=1e-9, abs=1e-12)
        assert per_marker == pytest.approx(
            {m: v / math.log(10) for m, v in expected.log_lr_per_marker().items()},
            rel=1e-9, abs=1e-12)


def _pairs(matrix: ProfileMatrix, row: int) -> dict[str, tuple[int, int]]:
    from reunite.search.encode import code_to_pair

    return {matrix.markers[m]: code_to_pair(int(c))
            for m, c in enumerate(matrix.codes[row]) if c}


def test_screen_scores__equal_slow_lookup_reference() -> None:
    matrix, family, freqs = _setup("one sibling", 3, mutation=None)
    markers = screening_markers(matrix, freqs, [family], settings=settings_for())
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
                           target_index="t", policy=allow,
                           settings=settings_for(MutationSpec("equal", rate=0.001), k=5),
                           backend=backend)

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
    markers = screening_markers(matrix, freqs, [family], settings=settings_for(mutation))
    table = family_log_lr_table(family, matrix, markers)
    scores = get_backend("numpy").screen_scores(matrix.codes, matrix.alive, table)
    live = np.flatnonzero(matrix.alive)
    ranked = sorted(live, key=lambda r: -scores[r])
    threshold = float(np.exp(scores[ranked[9]]))  # exactly ten at or above it

    top3 = screen_family(matrix, family, frequencies=freqs, query_index="q", target_index="t",
                         policy=allow, settings=settings_for(mutation, k=3, lr_threshold=1e300),
                         rescore=False, backend=backend)
    above = screen_family(matrix, family, frequencies=freqs, query_index="q",
                          target_index="t", policy=allow,
                          settings=settings_for(mutation, k=1,
                                                lr_threshold=threshold * 0.999999),
                          rescore=False, backend=backend)

    assert [h.profile_id for h in top3.hits] == matrix.ids_of(ranked[:3])
    assert sorted(h.profile_id for h in above.hits) == sorted(matrix.ids_of(ranked[:10]))


def test_removed_candidate_is_not_screened() -> None:
    matrix, family, freqs = _setup("both parents", 4, mutation=None)
    matrix.remove(["F0:MP"])

    result = screen_family(matrix, family, frequencies=freqs, query_index="q",
                           target_index="t", policy=allow, settings=settings_for(k=3))

    assert "F0:MP" not in [h.profile_id for h in result.hits]


class TestScreenErrors:
    def test_missing_person_must_be_in_pedigree(self) -> None:
        with pytest.raises(CaseError, match="not in the pedigree"):
            FamilyCase("f", nuclear_family(("CH",)), "XX", {})

    def test_missing_person_cannot_be_typed(self) -> None:
        with pytest.raises(CaseError, match="cannot be a typed"):
            FamilyCase("f", nuclear_family(("CH",)), "CH", {"CH": {"vWA": ("1", "2")}})

    def test_bad_k(self) -> None:
        with pytest.raises(InputError, match="k must"):
            settings_for(k=-1)


@pytest.mark.parametrize("case", ["both parents", "one sibling"])
def test_screen_with_theta__equals_exact_engine(case: str) -> None:
    mutation = MutationSpec("equal", rate=0.005)
    matrix, family, freqs = _setup(case, 7, mutation=mutation)
    markers = screening_markers(matrix, freqs, [family], settings=settings_for(mutation))
    theta = 0.02

    result = screen_family(matrix, family, frequencies=freqs, query_index="q",
                           target_index="t", policy=allow,
                           settings=settings_for(mutation, k=4, theta=theta))
    plain = family_log_lr_table(family, matrix, markers)
    corrected = family_log_lr_table(family, matrix, markers, theta=theta)

    assert not np.allclose(plain, corrected)
    for hit in result.hits:
        assert hit.log10_lr == pytest.approx(hit.screen_log10_lr, rel=1e-9, abs=1e-12)
    assert dict(result.provenance.parameters)["settings"]["theta"] == theta
