"""On the real NIST 1036 genotypes: no identity among 1,036 unrelated people; pairwise
kinship tables agree with the exact engine."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from reunite.genetics.hypotheses import Hypothesis
from reunite.genetics.pedigree import full_siblings, parent_child, singletons
from reunite.io.frequencies import read_nist_1036_frequencies, read_nist_1036_genotypes
from reunite.search.direct import direct_match
from reunite.search.matrix import ProfileMatrix
from reunite.search.screen import pairwise_log_lr_table, screening_markers
from reunite.search.settings import SearchSettings
from reunite.stats.lr import kinship_lr
from support.searching import settings_for


def allow(query_index: str, target_index: str, *, purpose: str) -> None:
    """A test policy that allows everything (the real one lives in governance)."""


@pytest.fixture(scope="module")
def nist(shared_data: Path) -> tuple[ProfileMatrix, dict[str, dict[str, tuple[str, ...]]]]:
    folder = shared_data / "nist-1036-us-population"
    profiles = read_nist_1036_genotypes(folder / "nist1036_genotypes_wide.csv")
    markers = sorted({m for p in profiles for m in p.genotypes})
    matrix = ProfileMatrix.from_profiles(profiles, markers, frequency_table_id="NIST 1036 All")
    texts = {p.id: {m: tuple(a.text for a in g.alleles) for m, g in p.genotypes.items()}
             for p in profiles}
    return matrix, texts


def test_all_pairs_high_stringency_finds_no_identity(
    nist: tuple[ProfileMatrix, dict[str, dict[str, tuple[str, ...]]]],
) -> None:
    matrix, texts = nist
    assert len(matrix) == 1036
    assert matrix.n_markers == 29
    hits = []

    for pid, genotypes in texts.items():
        result = direct_match(matrix, genotypes, settings=SearchSettings(),
                              query_index="q", target_index="t",
                              policy=allow, stringency="high", min_shared=12,
                              max_mismatch=0, exclude_ids=[pid])
        hits.extend((pid, h.profile_id) for h in result.hits)

    assert hits == []


def test_each_profile_finds_itself(
    nist: tuple[ProfileMatrix, dict[str, dict[str, tuple[str, ...]]]],
) -> None:
    matrix, texts = nist
    pid = next(iter(texts))

    result = direct_match(matrix, texts[pid], settings=SearchSettings(),
                              query_index="q", target_index="t",
                          policy=allow, stringency="high", min_shared=12)

    assert [h.profile_id for h in result.hits] == [pid]
    assert result.hits[0].shared_markers == 29


@pytest.mark.parametrize(
    ("kappa", "pedigree"),
    [((0.0, 1.0, 0.0), parent_child("REF", "MP")),
     ((0.25, 0.5, 0.25), full_siblings("REF", "MP"))],
)
def test_pairwise_table__equals_exact_engine(
    nist: tuple[ProfileMatrix, dict[str, dict[str, tuple[str, ...]]]],
    shared_data: Path, kappa: tuple[float, float, float], pedigree: object,
) -> None:
    matrix, texts = nist
    freqs = read_nist_1036_frequencies(
        shared_data / "nist-1036-us-population" / "nist1036_allele_frequencies.csv")
    markers = screening_markers(matrix, freqs, settings=settings_for())
    used = [m for m in markers if m is not None]
    ids = list(texts)
    rng = np.random.default_rng(0)

    for _ in range(4):
        ref, cand = (ids[i] for i in rng.choice(len(ids), size=2, replace=False))
        table = pairwise_log_lr_table(texts[ref], kappa, matrix, markers)
        row = matrix.ids.index(cand)
        with np.errstate(invalid="ignore"):
            screen = float(table[np.arange(matrix.n_markers), matrix.codes[row]].sum())
        h1 = Hypothesis("related", pedigree)  # type: ignore[arg-type]
        h2 = Hypothesis("unrelated", singletons("REF", "MP"))
        genotypes = {
            "REF": {m.name: tuple(texts[ref][m.name]) for m in used if m.name in texts[ref]},
            "MP": {m.name: tuple(texts[cand][m.name]) for m in used if m.name in texts[cand]},
        }
        exact = kinship_lr([h1, h2], used, genotypes, find_inconsistencies=False)  # type: ignore[arg-type]

        expected = exact.log_lr_total()
        if expected == -math.inf:
            assert screen == -math.inf
        else:
            assert screen == pytest.approx(expected, rel=1e-9)


def test_pairwise_parent_child_with_mutation__equals_exact_engine(
    nist: tuple[ProfileMatrix, dict[str, dict[str, tuple[str, ...]]]], shared_data: Path,
) -> None:
    from reunite.stats.mutation import MutationSpec

    matrix, texts = nist
    freqs = read_nist_1036_frequencies(
        shared_data / "nist-1036-us-population" / "nist1036_allele_frequencies.csv")
    markers = screening_markers(matrix, freqs,
                                settings=settings_for(MutationSpec("equal", rate=0.002)))
    used = [m for m in markers if m is not None][:8]
    short = [m if m is not None and m in used else None for m in markers]
    ids = list(texts)
    pedigree = parent_child("REF", "MP", parent_sex="male")

    for ref, cand in [(ids[0], ids[1]), (ids[5], ids[9]), (ids[2], ids[2])]:
        table = pairwise_log_lr_table(texts[ref], (0.0, 1.0, 0.0), matrix, short)
        row = matrix.ids.index(cand)
        screen = float(table[np.arange(matrix.n_markers), matrix.codes[row]].sum())
        genotypes = {
            "REF": {m.name: tuple(texts[ref][m.name]) for m in used},
            "MP": {m.name: tuple(texts[cand][m.name]) for m in used},
        }
        exact = kinship_lr([Hypothesis("pc", pedigree),
                            Hypothesis("unrelated", singletons("REF", "MP"))],
                           used, genotypes, find_inconsistencies=False)  # type: ignore[arg-type]

        assert np.isfinite(screen)
        assert screen == pytest.approx(exact.log_lr_total(), rel=1e-9)
